/// The automated-backup policies of `docs/lifecycle.md` §8, as the store keeps them: one per
/// instance, of its service's kind. Only the write routes and seed files set them, after their
/// checks; here they are plain values.
public enum BackupPolicy: Sendable, Hashable {
    /// RDS (W4) and TaurusDB (W12): a daily window on some weekdays and a retention in days;
    /// `keepDays` 0 is RDS's "off".
    case full(FullBackupPolicy)
    /// DCS (W15): the plan of `instance_backup_policy`.
    case dcs(DCSBackupPlan)
    /// DDM: daily metadata backups (`auto_backup` in a seed).
    case ddmDaily

    /// When the scheduler makes automated backups; `nil` while none are made.
    public var schedule: DailySchedule? {
        switch self {
        case .full(let policy): policy.schedule
        case .dcs(let plan): plan.schedule
        case .ddmDaily: DailySchedule(minuteOfDay: 18 * 60, weekdays: Set(1...7))
        }
    }
}

/// An RDS or TaurusDB backup policy (`BackupPolicy` of the SDK).
public struct FullBackupPolicy: Sendable, Hashable {
    /// 0 turns an RDS policy off.
    public var keepDays: Int
    /// `hh:mm-HH:MM`, UTC, as given.
    public var startTime: String
    /// `1,2,…`, ISO weekdays, as given.
    public var period: String

    public init(keepDays: Int, startTime: String, period: String) {
        self.keepDays = keepDays
        self.startTime = startTime
        self.period = period
    }

    public var isOn: Bool { keepDays >= 1 }

    /// The retention in milliseconds.
    public var keepMilliseconds: Int64 { Int64(keepDays) * 86_400_000 }

    public var schedule: DailySchedule? {
        guard isOn, let minute = DailySchedule.windowStart(startTime) else { return nil }
        return DailySchedule(minuteOfDay: minute, weekdays: Set(period.split(separator: ",").compactMap { Int($0) }))
    }
}

/// A DCS backup plan as the instance keeps it: what W16 echoes, and whether backups are automatic.
/// Fields not given keep their stored values (`docs/lifecycle.md` §3.13, §4.11).
public struct DCSBackupPlan: Sendable, Hashable {
    public var backupType: DCSBackupType
    public var saveDays: Int?
    /// The weekdays as given (order kept).
    public var backupAt: [Int]?
    public var periodType: String?
    /// `hh:00-HH:00`, UTC.
    public var beginAt: String?
    public var timezoneOffset: String?

    public init(
        backupType: DCSBackupType,
        saveDays: Int? = nil,
        backupAt: [Int]? = nil,
        periodType: String? = nil,
        beginAt: String? = nil,
        timezoneOffset: String? = nil
    ) {
        self.backupType = backupType
        self.saveDays = saveDays
        self.backupAt = backupAt
        self.periodType = periodType
        self.beginAt = beginAt
        self.timezoneOffset = timezoneOffset
    }

    public var schedule: DailySchedule? {
        guard backupType == .auto, let beginAt, let minute = DailySchedule.windowStart(beginAt), let backupAt else { return nil }
        return DailySchedule(minuteOfDay: minute, weekdays: Set(backupAt))
    }
}

/// Instants at one minute of the UTC day, on some ISO weekdays (1 = Monday … 7 = Sunday).
public struct DailySchedule: Sendable, Hashable {
    public var minuteOfDay: Int
    public var weekdays: Set<Int>

    public init(minuteOfDay: Int, weekdays: Set<Int>) {
        self.minuteOfDay = minuteOfDay
        self.weekdays = weekdays
    }

    private static let day: Int64 = 86_400_000

    /// The first scheduled instant strictly after `t` (milliseconds); `nil` when there is none.
    public func next(after t: Int64) -> Int64? {
        guard !weekdays.isEmpty else { return nil }
        var day = t >= 0 ? t / Self.day : (t - Self.day + 1) / Self.day
        for _ in 0..<9 {
            let instant = day * Self.day + Int64(minuteOfDay) * 60_000
            if instant > t, weekdays.contains(Self.isoWeekday(ofDay: day)) { return instant }
            day += 1
        }
        return nil
    }

    /// The `count`-th scheduled instant at or before `t`, going back; `nil` when there is none.
    public func instant(_ count: Int, before t: Int64) -> Int64? {
        guard !weekdays.isEmpty, count >= 1 else { return nil }
        var day = t >= 0 ? t / Self.day : (t - Self.day + 1) / Self.day
        var found = 0
        // At most one instant a day: count weeks enough for `count` of them.
        for _ in 0..<(count * 7 + 8) {
            let instant = day * Self.day + Int64(minuteOfDay) * 60_000
            if instant <= t, weekdays.contains(Self.isoWeekday(ofDay: day)) {
                found += 1
                if found == count { return instant }
            }
            day -= 1
        }
        return nil
    }

    /// The ISO weekday of a day counted from 1970-01-01, a Thursday.
    public static func isoWeekday(ofDay day: Int64) -> Int {
        Int(((day + 3) % 7 + 7) % 7) + 1
    }

    /// The minute of the day a window `hh:mm-HH:MM` starts at; `nil` when it is not one.
    public static func windowStart(_ window: String) -> Int? {
        let bytes = Array(window.utf8)
        guard bytes.count == 11, let hours = Int(String(decoding: bytes[0..<2], as: UTF8.self)),
            let minutes = Int(String(decoding: bytes[3..<5], as: UTF8.self))
        else { return nil }
        return hours * 60 + minutes
    }
}

/// A policy with what the scheduler knows of it (`docs/lifecycle.md` §8.0): when it took effect,
/// how far its instants have been made, and where the instance's incremental chain starts.
public struct PolicyState: Sendable, Hashable {
    public var instanceID: String
    public var policy: BackupPolicy
    /// The instant the policy took effect (`u`).
    public var since: Int64
    /// Every scheduled instant up to this one has been made (or skipped as retired).
    public var scheduledThrough: Int64
    /// The begin of the first automated full backup since the policy was last turned on: where
    /// the incremental chain starts (§8.2). `nil` until there is one.
    public var chainStart: Int64?
    /// No incremental that began before this is shown again: a retention made longer later
    /// never brings back what a shorter one removed (§8.0).
    public var incrementalFloor: Int64?
    /// DCS: the policy's id and when the instance first got one (W16).
    public var policyID: String?
    public var createdAt: Int64?

    public init(
        instanceID: String,
        policy: BackupPolicy,
        since: Int64,
        scheduledThrough: Int64,
        chainStart: Int64? = nil,
        incrementalFloor: Int64? = nil,
        policyID: String? = nil,
        createdAt: Int64? = nil
    ) {
        self.instanceID = instanceID
        self.policy = policy
        self.since = since
        self.scheduledThrough = scheduledThrough
        self.chainStart = chainStart
        self.incrementalFloor = incrementalFloor
        self.policyID = policyID
        self.createdAt = createdAt
    }

    /// The next instant the scheduler makes a backup at; `nil` while it makes none.
    public var nextRun: Int64? { policy.schedule?.next(after: scheduledThrough) }
}

/// An RDS instance's cross-region backup policy (`docs/lifecycle.md` §8.3): which types are
/// copied, for how long copies are kept, and where they go.
public struct OffsitePolicy: Sendable, Hashable {
    public var copiesAuto: Bool
    public var copiesIncremental: Bool
    /// SQL Server's `all` copies manual backups too.
    public var copiesManual: Bool
    public var keepDays: Int
    public var destinationRegion: String
    public var destinationProjectID: String
    /// No incremental copy that began before this is shown again (a longer retention set later
    /// never brings back what a shorter one removed).
    public var incrementalFloor: Int64?

    public init(
        copiesAuto: Bool = false,
        copiesIncremental: Bool = false,
        copiesManual: Bool = false,
        keepDays: Int = 0,
        destinationRegion: String = "",
        destinationProjectID: String = "",
        incrementalFloor: Int64? = nil
    ) {
        self.copiesAuto = copiesAuto
        self.copiesIncremental = copiesIncremental
        self.copiesManual = copiesManual
        self.keepDays = keepDays
        self.destinationRegion = destinationRegion
        self.destinationProjectID = destinationProjectID
        self.incrementalFloor = incrementalFloor
    }

    public var isOn: Bool { copiesAuto || copiesIncremental || copiesManual }

    /// Whether a completed home backup of `type` is copied.
    public func copies(_ type: RDSBackupType) -> Bool {
        switch type {
        case .auto: copiesAuto
        case .manual: copiesManual
        case .incremental: copiesIncremental
        case .fragment: false
        }
    }

    public var keepMilliseconds: Int64 { Int64(keepDays) * 86_400_000 }
}

/// A valid `PUT …/backups/offsite-policy` body (W6), checked against the instance's state by
/// `OffsiteEffects`.
public struct OffsitePolicyChange: Sendable, Hashable {
    public enum Types: String, Sendable, Hashable {
        case auto, incremental, all
    }

    public var types: Types
    public var keepDays: Int
    public var destinationRegion: String?
    public var destinationProjectID: String?

    public init(types: Types, keepDays: Int, destinationRegion: String?, destinationProjectID: String?) {
        self.types = types
        self.keepDays = keepDays
        self.destinationRegion = destinationRegion
        self.destinationProjectID = destinationProjectID
    }
}

/// Why a cross-region policy change was refused by the instance's state (`docs/lifecycle.md` §3.6 rows 8–10).
public enum OffsiteRefusal: Error, Sendable, Hashable, TransactionRefusal {
    case sqlServerNeedsAll
    case incrementalNeedsFull
    case invalidDestination
}

/// The rules of a cross-region policy change (`docs/lifecycle.md` §3.6, §8.3).
public enum OffsiteEffects {
    /// The policy after `change`, given the current one.
    /// - Parameter destinationIsValid: whether a project is of the instance's account, in the
    ///   given region, and in another region than the instance.
    public static func policy(
        after change: OffsitePolicyChange,
        replacing current: OffsitePolicy?,
        isSQLServer: Bool,
        destinationIsValid: (_ projectID: String, _ region: String) -> Bool
    ) throws(OffsiteRefusal) -> OffsitePolicy {
        if isSQLServer, change.types != .all { throw .sqlServerNeedsAll }
        var policy = current ?? OffsitePolicy()
        guard change.keepDays >= 1 else {
            switch change.types {
            case .incremental: policy.copiesIncremental = false
            case .auto, .all:
                policy.copiesAuto = false
                policy.copiesIncremental = false
                policy.copiesManual = false
            }
            return policy
        }
        if change.types == .incremental, !policy.copiesAuto { throw .incrementalNeedsFull }
        if !policy.isOn {
            guard let project = change.destinationProjectID, let region = change.destinationRegion,
                destinationIsValid(project, region)
            else { throw .invalidDestination }
            policy.destinationRegion = region
            policy.destinationProjectID = project
        }
        switch change.types {
        case .auto: policy.copiesAuto = true
        case .incremental: policy.copiesIncremental = true
        case .all:
            policy.copiesAuto = true
            policy.copiesIncremental = true
            policy.copiesManual = isSQLServer
        }
        policy.keepDays = change.keepDays
        return policy
    }

    /// What a change of the cross-region policy at `instant` does to the segments of copied
    /// incrementals (§8.3): turning incrementals on opens one (from the home chain's next
    /// incremental, or from its start when the chain has not started yet), turning them off
    /// removes every copy.
    public static func segmentChange(
        from old: OffsitePolicy?,
        to new: OffsitePolicy,
        homeChainStart: Int64?,
        at instant: Int64
    ) -> SegmentChange {
        let was = old?.copiesIncremental ?? false
        switch (was, new.copiesIncremental) {
        case (false, true):
            let step = IncrementalSeries.step
            // Copies exist for incrementals completed from now on: begin + 5 min ≥ instant.
            let next = (instant - step + step - 1) / step * step
            return .open(first: homeChainStart.map { max($0, next) })
        case (true, false): return .removeAll
        default: return .none
        }
    }

    /// What a change of the home policy does to the segments of copied incrementals: a chain that
    /// ends closes the open segment at its last incremental; one that starts again opens another.
    public static func segmentChange(
        homeWasRunning: Bool,
        homeRuns: Bool,
        chainStart: Int64?,
        copiesIncremental: Bool,
        at instant: Int64
    ) -> SegmentChange {
        guard copiesIncremental else { return .none }
        let step = IncrementalSeries.step
        switch (homeWasRunning, homeRuns) {
        case (true, false): return .close(first: chainStart, last: (instant >= 0 ? instant / step : (instant - step + 1) / step) * step - step)
        case (false, true): return .open(first: nil)
        default: return .none
        }
    }

    /// The new floor of copied incrementals when the retention changes from `old` at `instant`.
    public static func floor(after old: OffsitePolicy?, keepDays: Int, at instant: Int64) -> Int64? {
        guard let old, old.copiesIncremental, keepDays != old.keepDays else { return old?.incrementalFloor }
        return max(old.incrementalFloor ?? Int64.min, instant - old.keepMilliseconds + 1)
    }

    /// The id of the copy of `sourceID` held in `destination` (§8.7).
    public static func copyID(of sourceID: String, in destination: String, instance: Instance) -> String {
        Scheduler.automatedHex(kind: "copy", instanceID: sourceID, at: 0, extra: destination) + BackupIdentifiers.suffix(for: instance)
    }
}

/// The incrementals of one home chain whose copies a cross-region policy made (§8.3): from
/// `first` (`nil`: the start of the home chain, not known yet) through `last` (`nil`: still open).
public struct IncrementalCopySegment: Sendable, Hashable {
    public var first: Int64?
    public var last: Int64?

    public init(first: Int64?, last: Int64?) {
        self.first = first
        self.last = last
    }
}

/// What a policy change does to the segments of copied incrementals.
public enum SegmentChange: Sendable, Hashable {
    case none
    case open(first: Int64?)
    /// The open segment ends at `last`; its start is `first` when it was not known yet (`nil`
    /// with an unknown start: the chain never ran, and the segment goes).
    case close(first: Int64?, last: Int64)
    case removeAll
}
