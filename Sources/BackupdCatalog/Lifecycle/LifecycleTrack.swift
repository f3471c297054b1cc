import BackupdTime

/// What the store keeps of a lifecycle record (`docs/lifecycle.md` §6) to know its status and
/// fields at any clock time: when it started and for how long it builds (with the timings in
/// force then), whether it ends failed, and when it was deleted. Seeded records have no track
/// until a delete API is applied to them.
///
/// Tracks are pure data; `state(at:)` and `nextChange(after:)` are the rules. The store writes
/// each record's state down as the clock passes its changes (`TransitionStore.settle`), so lists,
/// filters and totals read stored values, and every node shows the same at the same clock time.
public struct LifecycleTrack: Sendable, Hashable {
    public var backupID: String
    public var service: Service
    public var instanceID: String
    /// The start instant (milliseconds); `nil` for a seeded record, which only a delete changes.
    public var startedAt: Int64?
    /// How long the backup waits before it runs (DCS `waiting`), in milliseconds.
    public var waitingMilliseconds: Int64
    /// How long the backup runs (RDS and TaurusDB `BUILDING`, DCS `backuping`), in milliseconds.
    public var buildingMilliseconds: Int64
    /// Whether the backup ends failed (a fault armed for it, §6.3).
    public var fails: Bool
    /// When a delete API was applied (milliseconds); `nil` while it was not.
    public var deletedAt: Int64?
    /// How long it stays `DELETING` (RDS), in milliseconds.
    public var deletingMilliseconds: Int64
    /// When retention ends it (§8): RDS, TaurusDB and DDM records are gone then, DCS records
    /// `expired`. `nil` while it is not known.
    public var retiredAt: Int64?
    /// The retention in force when the record was made, where it keeps its own (DCS `save_days`).
    public var retentionMilliseconds: Int64?

    public init(
        backupID: String,
        service: Service,
        instanceID: String,
        startedAt: Int64?,
        waitingMilliseconds: Int64 = 0,
        buildingMilliseconds: Int64 = 0,
        fails: Bool = false,
        deletedAt: Int64? = nil,
        deletingMilliseconds: Int64 = 0,
        retiredAt: Int64? = nil,
        retentionMilliseconds: Int64? = nil
    ) {
        self.backupID = backupID
        self.service = service
        self.instanceID = instanceID
        self.startedAt = startedAt
        self.waitingMilliseconds = waitingMilliseconds
        self.buildingMilliseconds = buildingMilliseconds
        self.fails = fails
        self.deletedAt = deletedAt
        self.deletingMilliseconds = deletingMilliseconds
        self.retiredAt = retiredAt
        self.retentionMilliseconds = retentionMilliseconds
    }

    /// Where a record is at one clock time, in every service's terms: each service shows it in
    /// its own statuses (`RDSBackup.shown`, `TaurusDBBackup.shown`, `DCSBackup.shown`).
    public enum State: Sendable, Hashable {
        /// Created, not yet running (DCS `waiting`).
        case waiting
        /// Running (RDS and TaurusDB `BUILDING`, DCS `backuping`).
        case building
        case completed
        case failed
        /// A delete was applied and the record is still listed: RDS `DELETING`, DCS `deleted`.
        case deleting
        /// Removed from every list and lookup.
        case gone
        /// Past its retention and still listed (DCS `expired`).
        case expired
        /// A seeded record that no delete has reached: as loaded.
        case asSeeded
    }

    /// The state at clock time `t` (§6). A DCS record stays `deleted` once deleted; RDS's lasts
    /// the deleting time, and TaurusDB's none.
    public func state(at t: Int64) -> State {
        if let deletedAt, t >= deletedAt {
            if service == .dcs { return .deleting }
            return t >= deletedAt &+ deletingMilliseconds ? .gone : .deleting
        }
        if let retiredAt, t >= retiredAt { return service == .dcs ? .expired : .gone }
        guard let startedAt else { return .asSeeded }
        if t < startedAt &+ waitingMilliseconds { return .waiting }
        if t < startedAt &+ waitingMilliseconds &+ buildingMilliseconds { return .building }
        return fails ? .failed : .completed
    }

    /// The first instant after `t` at which `state(at:)` changes; `nil` when it never will.
    public func nextChange(after t: Int64) -> Int64? {
        var candidates: [Int64] = []
        if let runsAt { candidates += [runsAt, runsAt &+ buildingMilliseconds] }
        if let deletedAt, service != .dcs { candidates.append(deletedAt &+ deletingMilliseconds) }
        if let retiredAt, deletedAt == nil { candidates.append(retiredAt) }
        return candidates.filter { $0 > t }.min()
    }

    /// When the backup starts running (DCS `execution_at`); `nil` for a seeded record.
    public var runsAt: Int64? { startedAt.map { $0 &+ waitingMilliseconds } }

    /// When the backup stops running (its `end_time`, DCS `updated_at` when done); `nil` for a
    /// seeded record.
    public var endsAt: Int64? { runsAt.map { $0 &+ buildingMilliseconds } }

    /// DCS `progress` at `t` while running: ⌊10000 × elapsed / running time⌋ hundredths, with
    /// two decimals (§6.2).
    public func progress(at t: Int64) -> String {
        guard let runsAt, buildingMilliseconds > 0 else { return "0.00" }
        let elapsed = min(max(t &- runsAt, 0), buildingMilliseconds)
        let hundredths = min(9_999, elapsed * 10_000 / buildingMilliseconds)
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }
}

extension RDSBackup {
    /// A backup backupd starts at `instant`: `BUILDING`, its `begin_time` and `end_time` the start
    /// in whole seconds, `+0000` (§4.13, §6.1).
    public static func started(
        id: String,
        instance: Instance,
        name: String,
        type: RDSBackupType,
        at startSecond: Int64,
        databases: [String]? = nil
    ) -> RDSBackup {
        let begin = RecordedTime(instant: startSecond * 1000, text: TimeText.offsetTime(epochSeconds: startSecond))
        let isMySQL = instance.datastore?.type.lowercased() == "mysql"
        return RDSBackup(
            id: id,
            instanceID: instance.id,
            name: name,
            type: type,
            status: .building,
            size: 0,
            beginTime: begin,
            endTime: begin,
            databases: databases,
            associatedWithDDM: isMySQL ? false : nil
        )
    }

    /// The record as `track` shows it at `state`; `nil` when it is gone.
    public func shown(as state: LifecycleTrack.State, track: LifecycleTrack) -> RDSBackup? {
        var shown = self
        switch state {
        case .gone, .expired: return nil
        case .asSeeded, .waiting, .building: return self
        case .deleting: shown.status = .deleting
        case .completed, .failed:
            let end = (track.endsAt ?? endTime.instant) / 1000
            shown.status = state == .completed ? .completed : .failed
            shown.size = state == .completed ? Self.completedSize : 0
            shown.endTime = RecordedTime(instant: end * 1000, text: TimeText.offsetTime(epochSeconds: end))
        }
        return shown
    }

    /// What a completed full backup holds, in KB (§6.1).
    public static let completedSize: Int64 = 1024
}

extension TaurusDBBackup {
    /// The record as `track` shows it at `state`; `nil` when it is gone.
    public func shown(as state: LifecycleTrack.State, track: LifecycleTrack) -> TaurusDBBackup? {
        var shown = self
        switch state {
        case .gone, .expired, .deleting: return nil
        case .asSeeded, .waiting, .building: return self
        case .completed, .failed:
            let end = (track.endsAt ?? endTime.instant) / 1000
            shown.status = state == .completed ? .completed : .failed
            shown.size = state == .completed ? Double(RDSBackup.completedSize) : 0
            shown.endTime = RecordedTime(instant: end * 1000, text: TimeText.offsetTime(epochSeconds: end))
        }
        return shown
    }
}

extension DCSBackup {
    /// The record as `track` shows it at `state` (§6.2), without the running progress, which
    /// depends on the very instant of a read (`LifecycleTrack.progress(at:)`).
    public func shown(as state: LifecycleTrack.State, track: LifecycleTrack) -> DCSBackup {
        var shown = self
        func stamp(_ instant: Int64?) {
            guard let instant else { return }
            shown.updatedAt = RecordedTime(instant: instant, text: TimeText.utcMilliseconds(instant))
        }
        switch state {
        case .asSeeded, .gone: return self
        case .waiting: return self
        case .building:
            shown.status = .backuping
            stamp(track.runsAt)
        case .completed:
            shown.status = .succeed
            shown.progress = "100.00"
            shown.size = Self.completedSize
            shown.isSupportRestore = "TRUE"
            stamp(track.endsAt)
        case .failed:
            shown.status = .failed
            shown.progress = "0.00"
            shown.size = 0
            shown.errorCode = Self.timeoutErrorCode
            stamp(track.endsAt)
        case .expired:
            guard status != .expired else { return self }
            // Expiry comes after success: a record that succeeds and expires within one
            // settle shows the fields of its success.
            if status != .succeed { shown = shown.shown(as: .completed, track: track) }
            shown.status = .expired
            shown.isSupportRestore = "FALSE"
            stamp(track.retiredAt)
        case .deleting:
            guard status != .deleted else { return self }
            shown.status = .deleted
            shown.isSupportRestore = "FALSE"
            stamp(track.deletedAt)
        }
        return shown
    }

    /// A record backupd creates at `instant` (milliseconds), `waiting`: its name is its creation
    /// time in UTC+8 (`backup_20300107160000`), its planned start set by the store (§4.13).
    public static func started(
        id: String,
        instanceID: String,
        type: DCSBackupType,
        remark: String,
        period: String? = nil,
        at instant: Int64
    ) -> DCSBackup {
        let created = RecordedTime(instant: instant, text: TimeText.utcMilliseconds(instant))
        let second = instant >= 0 ? instant / 1000 : (instant - 999) / 1000
        return DCSBackup(
            backupID: id,
            instanceID: instanceID,
            backupName: "backup_" + TimeText.compactUTC(epochSeconds: second + 8 * 3600),
            backupType: type,
            status: .waiting,
            size: 0,
            progress: "0.00",
            remark: remark,
            period: period,
            errorCode: nil,
            isSupportRestore: "FALSE",
            createdAt: created,
            updatedAt: created,
            executionAt: created
        )
    }

    /// The record with its planned start (`execution_at`) from `track`: the creation instant plus
    /// the waiting time in force then (§4.13).
    public func planned(by track: LifecycleTrack) -> DCSBackup {
        var planned = self
        if let runsAt = track.runsAt { planned.executionAt = RecordedTime(instant: runsAt, text: TimeText.utcMilliseconds(runsAt)) }
        return planned
    }

    /// What a completed backup holds, in bytes (§6.2).
    public static let completedSize: Int64 = 1_048_576
    /// The error of a failed backup: a timeout (§6.3).
    public static let timeoutErrorCode = "dcs.08.0002"
}
