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
    /// How long the backup builds (RDS, TaurusDB), in milliseconds.
    public var buildingMilliseconds: Int64
    /// Whether the backup ends failed (a fault armed for it, §6.3).
    public var fails: Bool
    /// When a delete API was applied (milliseconds); `nil` while it was not.
    public var deletedAt: Int64?
    /// How long it stays `DELETING` (RDS), in milliseconds.
    public var deletingMilliseconds: Int64

    public init(
        backupID: String,
        service: Service,
        instanceID: String,
        startedAt: Int64?,
        buildingMilliseconds: Int64 = 0,
        fails: Bool = false,
        deletedAt: Int64? = nil,
        deletingMilliseconds: Int64 = 0
    ) {
        self.backupID = backupID
        self.service = service
        self.instanceID = instanceID
        self.startedAt = startedAt
        self.buildingMilliseconds = buildingMilliseconds
        self.fails = fails
        self.deletedAt = deletedAt
        self.deletingMilliseconds = deletingMilliseconds
    }

    /// Where a full backup (RDS, TaurusDB) is at one clock time.
    public enum State: Sendable, Hashable {
        case building
        case completed
        case failed
        /// A delete was applied and the record is still listed (RDS).
        case deleting
        /// Removed from every list and lookup.
        case gone
        /// A seeded record that no delete has reached: as loaded.
        case asSeeded
    }

    /// The state at clock time `t` (§6.1).
    public func state(at t: Int64) -> State {
        if let deletedAt, t >= deletedAt {
            return t >= deletedAt &+ deletingMilliseconds ? .gone : .deleting
        }
        guard let startedAt else { return .asSeeded }
        if t < startedAt &+ buildingMilliseconds { return .building }
        return fails ? .failed : .completed
    }

    /// The first instant after `t` at which `state(at:)` changes; `nil` when it never will.
    public func nextChange(after t: Int64) -> Int64? {
        var candidates: [Int64] = []
        if let startedAt { candidates.append(startedAt &+ buildingMilliseconds) }
        if let deletedAt { candidates.append(deletedAt &+ deletingMilliseconds) }
        return candidates.filter { $0 > t }.min()
    }

    /// When the backup stops building (its `end_time`); `nil` for a seeded record.
    public var endsAt: Int64? { startedAt.map { $0 &+ buildingMilliseconds } }
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
        case .gone: return nil
        case .asSeeded, .building: return self
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
