import BackupdCatalog

/// One JSON object of a seed file with its path, read field by field. Every reader names
/// the field's path in its error, and `rejectUnknownFields` makes a typo an error rather
/// than a silently ignored field.
struct SeedObject {
    let path: String
    private let members: [String: JSONValue]

    init(_ value: JSONValue, path: String) throws(SeedError) {
        guard case .object(let list) = value else { throw SeedError(path: path, rule: "must be an object") }
        var members: [String: JSONValue] = [:]
        for member in list {
            guard members.updateValue(member.value, forKey: member.key) == nil else {
                throw SeedError(path: "\(path).\(member.key)", rule: "is given twice")
            }
        }
        self.path = path
        self.members = members
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { members[key] != nil }

    func rejectUnknownFields(allowed: Set<String>, context: String) throws(SeedError) {
        for key in members.keys.sorted() where !allowed.contains(key) {
            throw SeedError(path: fieldPath(key), rule: "is not a field of \(context)")
        }
    }

    /// A string; `nil` when absent (or `null` and `nullable`).
    func string(_ key: String, required: Bool = true, nullable: Bool = false) throws(SeedError) -> String? {
        switch members[key] {
        case nil where !required, .null? where nullable: return nil
        case nil: throw SeedError(path: fieldPath(key), rule: "is missing")
        case .string(let value)?:
            guard CatalogText.isStorable(value) else {
                throw SeedError(path: fieldPath(key), rule: "must not contain a NUL character (U+0000)")
            }
            return value
        default: throw SeedError(path: fieldPath(key), rule: nullable ? "must be a string or null" : "must be a string")
        }
    }

    /// A string that must be present and not empty (ids, names, enumerations).
    func requiredString(_ key: String) throws(SeedError) -> String {
        guard let value = try string(key) else { throw SeedError(path: fieldPath(key), rule: "is missing") }
        guard !value.isEmpty else { throw SeedError(path: fieldPath(key), rule: "must not be empty") }
        return value
    }

    /// One of `values`, by raw value.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws(SeedError) -> T
    where T.RawValue == String {
        let text = try requiredString(key)
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw SeedError(path: fieldPath(key), rule: "must be one of \(names)")
        }
        return value
    }

    func nonNegativeInteger(_ key: String) throws(SeedError) -> Int64 {
        guard case .integer(let value)? = members[key] else {
            throw SeedError(path: fieldPath(key), rule: members[key] == nil ? "is missing" : "must be an integer")
        }
        guard value >= 0 else { throw SeedError(path: fieldPath(key), rule: "must not be negative") }
        return value
    }

    func nonNegativeNumber(_ key: String) throws(SeedError) -> Double {
        let value: Double
        switch members[key] {
        case .integer(let integer)?: value = Double(integer)
        case .number(let number)?: value = number
        case nil: throw SeedError(path: fieldPath(key), rule: "is missing")
        default: throw SeedError(path: fieldPath(key), rule: "must be a number")
        }
        guard value >= 0 else { throw SeedError(path: fieldPath(key), rule: "must not be negative") }
        return value
    }

    func bool(_ key: String) throws(SeedError) -> Bool? {
        switch members[key] {
        case nil: return nil
        case .bool(let value)?: return value
        default: throw SeedError(path: fieldPath(key), rule: "must be true or false")
        }
    }

    /// An array, each element with its path; `nil` when absent.
    func array(_ key: String) throws(SeedError) -> [(value: JSONValue, path: String)]? {
        switch members[key] {
        case nil: return nil
        case .array(let values)?: return values.enumerated().map { ($1, "\(fieldPath(key))[\($0)]") }
        default: throw SeedError(path: fieldPath(key), rule: "must be an array")
        }
    }

    func object(_ key: String) throws(SeedError) -> SeedObject? {
        guard let value = members[key] else { return nil }
        return try SeedObject(value, path: fieldPath(key))
    }

    /// A time in `yyyy-mm-ddThh:mm:ss±hhmm` (RDS, TaurusDB, DDM).
    /// The member `key` as it is, for rules read elsewhere (policies).
    func raw(_ key: String) -> JSONValue? { members[key] }

    /// A time in `yyyy-mm-ddThh:mm:ss±hhmm`, or relative to the clock reading `now` (`now-26h@+0800`).
    func offsetTime(_ key: String, now: Int64) throws(SeedError) -> RecordedTime {
        let text = try requiredString(key)
        if text.hasPrefix("now") {
            guard let time = RelativeSeedTime.offsetTime(text, now: now) else {
                throw SeedError(path: fieldPath(key), rule: "must be a time like 2018-08-06T12:41:14+0800 or now-26h@+0800")
            }
            return time
        }
        guard let time = RecordedTime(offsetTime: text) else {
            throw SeedError(path: fieldPath(key), rule: "must be a time like 2018-08-06T12:41:14+0800")
        }
        return time
    }

    /// A time in `yyyy-mm-ddThh:mm:ss.SSSZ` (DCS).
    func millisecondTime(_ key: String, now: Int64) throws(SeedError) -> RecordedTime {
        let text = try requiredString(key)
        if text.hasPrefix("now") {
            guard let time = RelativeSeedTime.utcMilliseconds(text, now: now) else {
                throw SeedError(path: fieldPath(key), rule: "must be a UTC time like 2019-05-10T08:31:16.166Z or now-26h")
            }
            return time
        }
        guard let time = RecordedTime(utcMillisecondTime: text) else {
            throw SeedError(path: fieldPath(key), rule: "must be a UTC time like 2019-05-10T08:31:16.166Z")
        }
        return time
    }

    /// `{ "type", "version" }`.
    func datastore(_ key: String) throws(SeedError) -> Datastore? {
        guard let object = try object(key) else { return nil }
        try object.rejectUnknownFields(allowed: ["type", "version"], context: "a datastore")
        return Datastore(type: try object.requiredString("type"), version: try object.requiredString("version"))
    }

    /// `[ { "instance_id", "instance_name" } ]`.
    func dataNodes(_ key: String) throws(SeedError) -> [DataNode]? {
        guard let elements = try array(key) else { return nil }
        var nodes: [DataNode] = []
        for element in elements {
            let node = try SeedObject(element.value, path: element.path)
            try node.rejectUnknownFields(allowed: ["instance_id", "instance_name"], context: "a data node")
            nodes.append(
                DataNode(instanceID: try node.requiredString("instance_id"), instanceName: try node.requiredString("instance_name"))
            )
        }
        return nodes
    }
}
