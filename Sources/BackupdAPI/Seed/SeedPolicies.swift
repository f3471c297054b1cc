import BackupdCatalog

/// The policy fields of seed instances (`docs/seed-format.md` §instances, `docs/lifecycle.md`
/// §8.8): read with the rules of the API that sets them, a failure naming the field.
enum SeedPolicies {
    static func change(of object: SeedObject, service: Service) throws(SeedError) -> PolicyChange? {
        switch service {
        case .rds, .taurusdb:
            guard let fields = try fields(of: object, "backup_policy") else { return nil }
            do {
                let policy =
                    service == .rds
                    ? try PolicyRequests.rdsPolicy(fields, prefix: "")
                    : try PolicyRequests.taurusDBPolicy(fields, prefix: "")
                return PolicyChange(policy: .full(policy))
            } catch {
                throw SeedError(path: object.fieldPath("backup_policy") + "." + error.field, rule: error.error.message)
            }
        case .dcs:
            guard let fields = try fields(of: object, "backup_policy") else { return nil }
            do {
                return PolicyChange(policy: .dcs(try PolicyRequests.dcsPlan(fields)))
            } catch {
                throw SeedError(path: object.fieldPath("backup_policy") + "." + error.field, rule: error.error.message)
            }
        case .ddm:
            return try object.bool("auto_backup") == true ? PolicyChange(policy: .ddmDaily) : nil
        }
    }

    /// The instance's `offsite_policy` (RDS), checked as W6 checks it for an instance without one.
    static func offsiteChange(
        of object: SeedObject,
        isSQLServer: Bool,
        homeProject: Project?,
        projects: [String: Project]
    ) throws(SeedError) -> OffsitePolicyChange? {
        guard let fields = try fields(of: object, "offsite_policy") else { return nil }
        let change: OffsitePolicyChange
        do {
            change = try PolicyRequests.offsitePolicy(fields, prefix: "")
        } catch {
            throw SeedError(path: object.fieldPath("offsite_policy") + "." + error.field, rule: error.error.message)
        }
        do {
            _ = try OffsiteEffects.policy(after: change, replacing: nil, isSQLServer: isSQLServer) { projectID, region in
                guard let homeProject, let destination = projects[projectID] else { return false }
                return destination.domainID == homeProject.domainID && destination.region == region && destination.region != homeProject.region
            }
        } catch {
            let field = error == .invalidDestination ? ".destination_project_id" : ".backup_type"
            throw SeedError(path: object.fieldPath("offsite_policy") + field, rule: PolicyRequests.error(error).message)
        }
        return change
    }

    /// The object `key` as a body's fields; `nil` when absent.
    private static func fields(of object: SeedObject, _ key: String) throws(SeedError) -> BodyFields? {
        guard let value = object.raw(key) else { return nil }
        guard case .object(let members) = value else { throw SeedError(path: object.fieldPath(key), rule: "must be an object") }
        return BodyFields(RequestBody(members: members.map { (name: $0.key, value: $0.value) }))
    }
}

/// Seed times relative to the catalog clock (`docs/lifecycle.md` §9): `now`, `now-26h`,
/// `now-26h@+0800`; the clock's reading is the load's, taken once.
enum RelativeSeedTime {
    /// An RDS, TaurusDB or DDM time: whole seconds, in the offset after `@` (default `+0000`).
    static func offsetTime(_ text: String, now: Int64) -> RecordedTime? {
        guard let (instant, offset) = parse(text, now: now) else { return nil }
        let seconds = instant >= 0 ? instant / 1000 : (instant - 999) / 1000
        let (offsetSeconds, offsetText) = offset ?? (0, "+0000")
        return RecordedTime(
            instant: seconds * 1000,
            text: TimeGrammar.formatOffsetTime(epochSeconds: seconds, offsetSeconds: offsetSeconds, offset: offsetText)
        )
    }

    /// A DCS time: milliseconds, `Z`; no offset may be given.
    static func utcMilliseconds(_ text: String, now: Int64) -> RecordedTime? {
        guard let (instant, offset) = parse(text, now: now), offset == nil else { return nil }
        return RecordedTime(instant: instant, text: TimeGrammar.formatUTCMilliseconds(instant))
    }

    /// `^now(-\d{1,9}[smhd])?(@[+-]\d{4})?$`: the instant and the offset (seconds, text) if given.
    private static func parse(_ text: String, now: Int64) -> (Int64, (Int64, String)?)? {
        var rest = Substring(text)
        guard rest.hasPrefix("now") else { return nil }
        rest = rest.dropFirst(3)
        var instant = now
        if rest.first == "-" {
            rest = rest.dropFirst()
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard (1...9).contains(digits.count), let count = Int64(digits), let unit = rest.dropFirst(digits.count).first else { return nil }
            let scale: Int64
            switch unit {
            case "s": scale = 1000
            case "m": scale = 60_000
            case "h": scale = 3_600_000
            case "d": scale = 86_400_000
            default: return nil
            }
            instant -= count * scale
            // Before 0001-01-01 no time of the API's formats can say it.
            guard instant >= -62_135_596_800_000 else { return nil }
            rest = rest.dropFirst(digits.count + 1)
        }
        guard !rest.isEmpty else { return (instant, nil) }
        let bytes = Array(rest.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "@"), bytes[1] == UInt8(ascii: "+") || bytes[1] == UInt8(ascii: "-"),
            bytes[2...].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let hours = Int64(String(decoding: bytes[2..<4], as: UTF8.self)), hours <= 23,
            let minutes = Int64(String(decoding: bytes[4..<6], as: UTF8.self)), minutes <= 59
        else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (bytes[1] == UInt8(ascii: "-") ? -1 : 1)
        return (instant, (seconds, String(decoding: bytes[1...], as: UTF8.self)))
    }
}
