public import BackupdCatalog

/// A policy field that broke its rule: the field's path inside the policy object (for a seed
/// file's error) and the API's answer (for the write routes).
public struct FieldRefusal: Error, Sendable {
    public let field: String
    public let error: APIError
}

/// The policy objects of W4, W12 and W15 read into domain policies, in the order of their tables
/// (`docs/lifecycle.md` §3.5, §3.10, §3.13). Seed files read their policies with the same rules
/// (§8.8), so a seed cannot hold a policy the API would refuse.
public enum PolicyRequests {
    /// RDS `backup_policy` (W4): `keep_days` 0–732, 0 turning it off; window and period when on.
    public static func rdsPolicy(_ fields: BodyFields, prefix: String = "backup_policy.") throws(FieldRefusal) -> FullBackupPolicy {
        let keepDays = try field("keep_days") { () throws(APIError) in
            try fields.integer("keep_days", in: 0...732, absent: RDSErrors.mandatory(prefix + "keep_days"), invalid: PolicyErrors.retentionDays)!
        }
        guard keepDays >= 1 else { return FullBackupPolicy(keepDays: 0, startTime: "", period: "") }
        let startTime = try field("start_time") { () throws(APIError) in
            try fields.requiredString("start_time", absent: RDSErrors.mandatory(prefix + "start_time"), invalid: PolicyErrors.startTime) {
                PolicyGrammar.isWindow($0, minutes: [0, 15, 30, 45])
            }
        }
        let period = try field("period") { () throws(APIError) in
            try fields.requiredString(
                "period",
                absent: RDSErrors.mandatory(prefix + "period"),
                invalid: PolicyErrors.cycle,
                isValid: PolicyGrammar.isPeriod
            )
        }
        return FullBackupPolicy(keepDays: Int(keepDays), startTime: startTime, period: period)
    }

    /// TaurusDB `backup_policy` (W12): window first, `keep_days` 1–732, period, and
    /// `retention_num_backup_level1` checked then ignored.
    public static func taurusDBPolicy(_ fields: BodyFields, prefix: String = "backup_policy.") throws(FieldRefusal) -> FullBackupPolicy {
        let startTime = try field("start_time") { () throws(APIError) in
            try fields.requiredString("start_time", absent: TaurusDBErrors.mandatory(prefix + "start_time"), invalid: PolicyErrors.startTime) {
                PolicyGrammar.isWindow($0, minutes: [0])
            }
        }
        let keepDays = try field("keep_days") { () throws(APIError) in
            try fields.integer("keep_days", in: 1...732, absent: TaurusDBErrors.mandatory(prefix + "keep_days"), invalid: PolicyErrors.retentionDays)!
        }
        let period = try field("period") { () throws(APIError) in
            try fields.requiredString(
                "period",
                absent: TaurusDBErrors.mandatory(prefix + "period"),
                invalid: PolicyErrors.cycle,
                isValid: PolicyGrammar.isPeriod
            )
        }
        _ = try field("retention_num_backup_level1") { () throws(APIError) in
            try fields.integer(
                "retention_num_backup_level1",
                in: 0...1,
                absent: nil,
                invalid: TaurusDBErrors.parameter("Parameter error. \(prefix)retention_num_backup_level1 must be 0 or 1.")
            )
        }
        return FullBackupPolicy(keepDays: Int(keepDays), startTime: startTime, period: period)
    }

    /// RDS `policy_para` (W6): the types, the retention, and where copies go when it is on.
    public static func offsitePolicy(_ fields: BodyFields, prefix: String = "policy_para.") throws(FieldRefusal) -> OffsitePolicyChange {
        let type = try field("backup_type") { () throws(APIError) in
            try fields.requiredString(
                "backup_type",
                absent: RDSErrors.mandatory(prefix + "backup_type"),
                invalid: RDSErrors.parameter("Parameter error. \(prefix)backup_type must be one of auto, incremental, all.")
            ) { OffsitePolicyChange.Types(rawValue: $0) != nil }
        }
        let keepDays = try field("keep_days") { () throws(APIError) in
            try fields.integer("keep_days", in: 0...1825, absent: RDSErrors.mandatory(prefix + "keep_days"), invalid: PolicyErrors.retentionDays)!
        }
        var region: String?
        var project: String?
        if keepDays >= 1 {
            region = try field("destination_region") { () throws(APIError) in
                try fields.requiredString(
                    "destination_region",
                    absent: RDSErrors.mandatory(prefix + "destination_region"),
                    invalid: RDSErrors.parameter("Parameter error. \(prefix)destination_region must be a string.")
                )
            }
            project = try field("destination_project_id") { () throws(APIError) in
                try fields.requiredString(
                    "destination_project_id",
                    absent: RDSErrors.mandatory(prefix + "destination_project_id"),
                    invalid: RDSErrors.parameter("Parameter error. \(prefix)destination_project_id must be a string.")
                )
            }
        }
        return OffsitePolicyChange(
            types: OffsitePolicyChange.Types(rawValue: type) ?? .all,
            keepDays: Int(keepDays),
            destinationRegion: region,
            destinationProjectID: project
        )
    }

    /// What W6 answers for a change the instance's state refuses (§3.6 rows 8–10).
    public static func error(_ refusal: OffsiteRefusal) -> APIError {
        switch refusal {
        case .sqlServerNeedsAll: RDSErrors.parameter("Parameter error. SQL Server instances support only backup_type all.")
        case .incrementalNeedsFull: RDSErrors.parameter("Parameter error. Cross-region incremental backups need cross-region full backups.")
        case .invalidDestination:
            RDSErrors.parameter(
                "Parameter error. destination_project_id must be a project of destination_region in another region of the same account."
            )
        }
    }

    /// DCS `instance_backup_policy` (W15, the SDK's `BackupPolicy`).
    public static func dcsPlan(_ fields: BodyFields) throws(FieldRefusal) -> DCSBackupPlan {
        let type = try field("backup_type") { () throws(APIError) in
            try fields.requiredString("backup_type", absent: DCSPolicyErrors.backupType, invalid: DCSPolicyErrors.backupType) {
                $0 == "auto" || $0 == "manual"
            }
        }
        let automatic = type == "auto"
        let saveDays = try field("save_days") { () throws(APIError) in
            try fields.integer("save_days", in: 1...7, absent: automatic ? DCSPolicyErrors.saveDays : nil, invalid: DCSPolicyErrors.saveDays)
        }
        var plan = DCSBackupPlan(backupType: automatic ? .auto : .manual, saveDays: saveDays.map { Int($0) })
        let planFields = try field("periodical_backup_plan") { () throws(APIError) in
            try fields.object(
                "periodical_backup_plan",
                absent: automatic ? DCSErrors.invalidField("periodical_backup_plan") : nil,
                invalid: DCSErrors.invalidField("periodical_backup_plan")
            )
        }
        guard let planFields else { return plan }
        plan.backupAt = try field("periodical_backup_plan.backup_at") { () throws(APIError) in
            guard case .array(let items)? = planFields.body["backup_at"], !items.isEmpty else { throw DCSPolicyErrors.backupAt }
            var days: [Int] = []
            for item in items {
                guard let day = item.integer, (1...7).contains(day), !days.contains(Int(day)) else { throw DCSPolicyErrors.backupAt }
                days.append(Int(day))
            }
            return days
        }
        plan.periodType = try field("periodical_backup_plan.period_type") { () throws(APIError) in
            try planFields.requiredString("period_type", absent: DCSPolicyErrors.periodType, invalid: DCSPolicyErrors.periodType) { $0 == "weekly" }
        }
        plan.beginAt = try field("periodical_backup_plan.begin_at") { () throws(APIError) in
            try planFields.requiredString("begin_at", absent: DCSPolicyErrors.beginAt, invalid: DCSPolicyErrors.beginAt) {
                PolicyGrammar.isWindow($0, minutes: [0])
            }
        }
        plan.timezoneOffset = try field("periodical_backup_plan.timezone_offset") { () throws(APIError) in
            try planFields.optionalString(
                "timezone_offset",
                invalid: DCSErrors.invalidField("timezone_offset"),
                isValid: PolicyGrammar.isTimezoneOffset
            )
        }
        return plan
    }

    /// Runs one field's checks, naming the field when they fail.
    private static func field<T>(_ name: String, _ check: () throws(APIError) -> T) throws(FieldRefusal) -> T {
        do {
            return try check()
        } catch {
            throw FieldRefusal(field: name, error: error)
        }
    }
}

/// The grammars of policy fields (`docs/lifecycle.md` §3.1).
enum PolicyGrammar {
    /// `hh:mm-HH:MM`: hours 00–23, HH = hh + 1 (mod 24), the same minutes at both ends, one of `minutes`.
    static func isWindow(_ text: String, minutes allowed: Set<Int>) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 11, bytes[2] == UInt8(ascii: ":"), bytes[5] == UInt8(ascii: "-"), bytes[8] == UInt8(ascii: ":"),
            let start = twoDigits(bytes, 0), let startMinute = twoDigits(bytes, 3),
            let end = twoDigits(bytes, 6), let endMinute = twoDigits(bytes, 9)
        else { return false }
        return start <= 23 && end <= 23 && end == (start + 1) % 24 && startMinute == endMinute && allowed.contains(startMinute)
    }

    /// `^[1-7](,[1-7])*$` with no digit twice.
    static func isPeriod(_ text: String) -> Bool {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let days = parts.compactMap { part -> Int? in
            guard part.utf8.count == 1, let day = Int(part), (1...7).contains(day) else { return nil }
            return day
        }
        return !parts.isEmpty && days.count == parts.count && Set(days).count == days.count
    }

    /// `^[+-]\d{4}$` from -1200 to +1200 on the hour.
    static func isTimezoneOffset(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 5, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            let hours = twoDigits(bytes, 1), let minutes = twoDigits(bytes, 3)
        else { return false }
        return hours <= 12 && minutes == 0
    }

    private static func twoDigits(_ bytes: [UInt8], _ start: Int) -> Int? {
        let pair = bytes[start..<start + 2]
        guard pair.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return pair.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}

/// The policy errors RDS and TaurusDB share (`docs/lifecycle.md` §3.5, §3.10).
enum PolicyErrors {
    static let retentionDays = APIError(status: 400, code: "DBS.201106", message: "Invalid retention days.", envelope: .service)
    static let startTime = APIError(status: 400, code: "DBS.201103", message: "Invalid backup start time.", envelope: .service)
    static let cycle = APIError(status: 400, code: "DBS.201101", message: "Invalid backup cycle.", envelope: .service)
}

/// The DCS plan errors (`docs/lifecycle.md` §3.13).
enum DCSPolicyErrors {
    static func parameter(_ code: String, _ name: String) -> APIError {
        APIError(status: 400, code: code, message: "Invalid \(name) instance backup policy parameter in the request.", envelope: .dcs)
    }
    static let saveDays = parameter("DCS.4072", "saveDays")
    static let backupType = parameter("DCS.4073", "backupType")
    static let periodType = parameter("DCS.4074", "periodType")
    static let backupAt = parameter("DCS.4075", "backupAt")
    static let beginAt = parameter("DCS.4076", "beginAt")
}
