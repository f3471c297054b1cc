import BackupdTime
import Crypto

/// What the scheduler makes of one policy between two clock readings (`docs/lifecycle.md` §8):
/// the automated records due in the interval, exactly as if the clock had run through it, minus
/// those retention has already removed, and the retirement of earlier records that the new ones
/// decide. Pure: the store applies the result in the transaction that settles the catalog.
public struct CatchUp: Sendable {
    /// The records to store, oldest first, each with its track.
    public var records: [(backup: Backup, track: LifecycleTrack)] = []
    /// The retirement instant of an earlier record, now that a newer full backup decides it.
    public var retirements: [(backupID: String, at: Int64)] = []
    /// Whether the instance's armed fault went to one of the new records.
    public var usedFault = false
    /// The policy after the interval: how far it is scheduled, where its chain starts.
    public var policy: PolicyState
}

public enum Scheduler {
    /// The newest full backup that no newer one has retired yet, which the next one retires.
    public struct Predecessor: Sendable, Hashable {
        public var backupID: String
        public var startedAt: Int64
        /// The retention it was made with, when it keeps its own (DCS `save_days`).
        public var retention: Int64?

        public init(backupID: String, startedAt: Int64, retention: Int64? = nil) {
            self.backupID = backupID
            self.startedAt = startedAt
            self.retention = retention
        }
    }

    /// Makes the instants of `state`'s policy in (`state.scheduledThrough`, `t`].
    /// - Parameters:
    ///   - predecessor: the newest automated full backup (not failed) without a retirement yet.
    ///   - faultArmedAt: when a fault was armed for the instance, if one is.
    public static func catchUp(
        _ state: PolicyState,
        of instance: Instance,
        predecessor: Predecessor?,
        faultArmedAt: Int64?,
        timings: LifecycleTimings,
        through t: Int64
    ) -> CatchUp {
        var result = CatchUp(policy: state)
        guard let schedule = state.policy.schedule, var instant = schedule.next(after: state.scheduledThrough), instant <= t
        else { return result }
        if result.policy.chainStart == nil, case .full = state.policy, hasIncrementals(instance) {
            result.policy.chainStart = instant
        }
        let keep = retention(of: state.policy)
        let linked = retiresPredecessor(state.policy)
        var fault = faultArmedAt
        var previous = predecessor.map { (id: $0.backupID, startedAt: $0.startedAt, keep: $0.retention ?? keep, position: nil as Int?) }
        // Backups made before this are gone by `t` whatever happens: for RDS and TaurusDB two
        // weekly periods before the retention; for DCS, whose expired records stay listed until
        // the 24-record cap removes them, the 25th instant before `t`. Skip to it, as if they had
        // been made and removed, the fault included.
        let horizon: Int64
        if case .dcs = state.policy {
            horizon = schedule.instant(DCSRetention.recordCap + 1, before: t) ?? Int64.min
        } else {
            horizon = t - keep - 15 * 86_400_000
        }
        if linked, instant < horizon, let skippedTo = schedule.next(after: horizon - 1) {
            if let armed = fault, let taker = schedule.next(after: max(armed - 1, state.scheduledThrough)), taker < skippedTo {
                fault = nil
                result.usedFault = true
            }
            if let previous { result.retirements.append((previous.id, instant + keep)) }
            previous = nil
            instant = skippedTo
        }
        while instant <= t {
            let fails = fault.map { $0 <= instant } ?? false
            if fails {
                fault = nil
                result.usedFault = true
            }
            var record = automatedRecord(of: instance, policy: state.policy, at: instant, timings: timings, fails: fails)
            if linked, !fails {
                // The new backup retires the previous one (§8.1 base rule, §8.4 rule 1).
                if let previous {
                    let retired = retirement(of: previous.startedAt, successor: record.track, keep: previous.keep, policy: state.policy)
                    if let position = previous.position {
                        result.records[position].track.retiredAt = retired
                    } else {
                        result.retirements.append((previous.id, retired))
                    }
                }
                previous = (record.track.backupID, instant, keep, result.records.count)
            } else if linked, case .full = state.policy {
                // A failed full backup is never a base: it goes when it is past retention.
                record.track.retiredAt = instant + keep
            }
            result.records.append(record)
            guard let next = schedule.next(after: instant) else { break }
            instant = next
        }
        result.policy.scheduledThrough = t
        // Records retention has already removed by `t` are never stored (DCS ones stay, expired).
        result.records.removeAll { record in
            record.track.service != .dcs && (record.track.retiredAt.map { $0 <= t } ?? false)
        }
        return result
    }

    /// Whether the instance's policy makes incrementals (§8.2): RDS MySQL and PostgreSQL, TaurusDB.
    public static func hasIncrementals(_ instance: Instance) -> Bool {
        switch instance.service {
        case .taurusdb: true
        case .rds: ["mysql", "postgresql"].contains(instance.datastore?.type.lowercased() ?? "")
        case .dcs, .ddm: false
        }
    }

    /// How long a policy keeps its automated backups, in milliseconds.
    static func retention(of policy: BackupPolicy) -> Int64 {
        switch policy {
        case .full(let full): full.keepMilliseconds
        case .dcs(let plan): Int64(plan.saveDays ?? 1) * 86_400_000
        case .ddmDaily: 30 * 86_400_000
        }
    }

    /// Whether each new full backup decides when the previous one goes (RDS, TaurusDB, DCS).
    static func retiresPredecessor(_ policy: BackupPolicy) -> Bool {
        if case .ddmDaily = policy { false } else { true }
    }

    /// When the previous backup, started at `startedAt`, is retired by its successor: RDS and
    /// TaurusDB when the successor is past retention (§8.1 base rule); DCS when the successor has
    /// succeeded and its own retention has passed (§8.4).
    static func retirement(of startedAt: Int64, successor: LifecycleTrack, keep: Int64, policy: BackupPolicy) -> Int64 {
        switch policy {
        case .dcs: max(startedAt + keep, successor.endsAt ?? startedAt)
        case .full, .ddmDaily: (successor.startedAt ?? startedAt) + keep
        }
    }

    /// The automated record of `policy` at `instant` (§4.13, §8.6, §8.7).
    static func automatedRecord(
        of instance: Instance,
        policy: BackupPolicy,
        at instant: Int64,
        timings: LifecycleTimings,
        fails: Bool
    ) -> (backup: Backup, track: LifecycleTrack) {
        let second = instant / 1000
        switch policy {
        case .full:
            let id = automatedID(kind: instance.service == .rds ? "rds-full" : "taurusdb-full", instance: instance, at: instant)
            let name = instance.name + "-" + TimeText.compactUTC(epochSeconds: second) + "000"
            let building = Int64(instance.service == .rds ? timings.rdsBuilding : timings.taurusDBBuilding) * 1000
            let track = LifecycleTrack(
                backupID: id,
                service: instance.service,
                instanceID: instance.id,
                startedAt: instant,
                buildingMilliseconds: building,
                fails: fails
            )
            if instance.service == .rds {
                return (.rds(RDSBackup.started(id: id, instance: instance, name: name, type: .auto, at: second)), track)
            }
            let begin = RecordedTime(instant: instant, text: TimeText.offsetTime(epochSeconds: second))
            let backup = TaurusDBBackup(
                id: id,
                instanceID: instance.id,
                name: name,
                type: .auto,
                beginTime: begin,
                endTime: begin,
                size: 0,
                status: .building
            )
            return (.taurusdb(backup), track)
        case .dcs(let plan):
            let id = BackupIdentifiers.dashed(uuidVersion8(automatedHex(kind: "dcs-auto", instanceID: instance.id, at: instant)))
            let track = LifecycleTrack(
                backupID: id,
                service: .dcs,
                instanceID: instance.id,
                startedAt: instant,
                waitingMilliseconds: Int64(timings.dcsWaiting) * 1000,
                buildingMilliseconds: Int64(timings.dcsBackuping) * 1000,
                fails: fails,
                retentionMilliseconds: Int64(plan.saveDays ?? 1) * 86_400_000
            )
            let backup = DCSBackup.started(id: id, instanceID: instance.id, type: .auto, remark: "", period: plan.beginAt, at: instant)
            return (.dcs(backup.planned(by: track)), track)
        case .ddmDaily:
            let id = automatedID(kind: "ddm-auto", instance: instance, at: instant)
            let name = String(("Backup-" + instance.name + "-" + TimeText.compactUTC(epochSeconds: second + 8 * 3600)).prefix(64))
            let time = RecordedTime(instant: instant, text: TimeText.offsetTime(epochSeconds: second))
            let backup = DDMBackup(
                id: id,
                instanceID: instance.id,
                name: name,
                beginTime: time,
                endTime: time,
                status: fails ? .createfail : .normal,
                description: "auto metadata backup",
                fileSize: fails ? 0 : 8
            )
            let track = LifecycleTrack(
                backupID: id,
                service: .ddm,
                instanceID: instance.id,
                startedAt: instant,
                fails: fails,
                retiredAt: instant + 30 * 86_400_000
            )
            return (.ddm(backup), track)
        }
    }

    /// The id of an automated record: fixed by what it is, the same on every node (§8.7).
    static func automatedID(kind: String, instance: Instance, at instant: Int64) -> String {
        automatedHex(kind: kind, instanceID: instance.id, at: instant) + BackupIdentifiers.suffix(for: instance)
    }

    /// The first 32 hex digits of SHA-256 of `backupd:<kind>:<instance id>:<instant>` (a copy:
    /// `backupd:copy:<source id>:<destination project>`).
    static func automatedHex(kind: String, instanceID: String, at instant: Int64, extra: String? = nil) -> String {
        let digest = SHA256.hash(data: Array("backupd:\(kind):\(instanceID):\(extra ?? String(instant))".utf8))
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.prefix(16).flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }, as: UTF8.self)
    }

    /// 32 hex digits with the version digit set to 8 and the variant digit to 8–b (RFC 9562).
    static func uuidVersion8(_ hex: String) -> String {
        var digits = Array(hex.utf8)
        digits[12] = UInt8(ascii: "8")
        let variant = Array("89ab".utf8)
        let value = Int(String(decoding: [digits[16]], as: UTF8.self), radix: 16) ?? 0
        digits[16] = variant[value & 3]
        return String(decoding: digits, as: UTF8.self)
    }
}
