/// A request body read as the write routes and the control API read it (`docs/lifecycle.md`
/// §3.1): JSON whatever the `Content-Type`, an object at the top, no repeated member names, no
/// byte-order mark; zero bytes read as `{}`. A member whose value is `null` counts as absent.
public struct RequestBody: Sendable {
    /// The members in document order, `null` ones included.
    public let members: [(name: String, value: JSONValue)]

    /// - Returns: `nil` when the body is malformed.
    public init?(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else {
            self.members = []
            return
        }
        guard case .object(let members)? = try? JSONValue(parsingRejectingRepeatedNames: bytes) else { return nil }
        self.members = members.map { ($0.key, $0.value) }
    }

    public init(members: [(name: String, value: JSONValue)]) {
        self.members = members
    }

    /// The member `name`; `nil` when it is absent or `null`.
    public subscript(name: String) -> JSONValue? {
        guard let value = members.first(where: { $0.name == name })?.value, value != .null else { return nil }
        return value
    }

    /// The names of the members, `null` ones included.
    public var names: [String] { members.map(\.name) }
}

extension JSONValue {
    /// The member `name` of an object; `nil` when absent or `null` (`docs/lifecycle.md` §3.1).
    public func member(_ name: String) -> JSONValue? {
        guard let value = self[name], value != .null else { return nil }
        return value
    }

    public var string: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// An integer written with digits only (`7.0` and `7e0` are not integers).
    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }
}
