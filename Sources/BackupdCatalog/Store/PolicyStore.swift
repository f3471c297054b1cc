/// The backup policies of instances (`docs/lifecycle.md` §8): read by the policy APIs, set by
/// them and by seed files. Setting one settles the catalog through its instant first, so the
/// instants before it keep the policy in force then, and applies its effects on the instance's
/// automated backups in the same transaction.
public protocol PolicyStore: Sendable {
    /// The policy of `instanceID`; `nil` when it never had one.
    func policy(instanceID: String) async throws -> PolicyState?

    /// Makes `change` the policy of `instance` from `instant` on. A change that sets what is
    /// already in force changes nothing (same instant, same DCS policy id).
    /// - Returns: the policy in force afterwards.
    func setPolicy(_ change: PolicyChange, of instance: Instance, at instant: Int64) async throws -> PolicyState

    /// The segments of an RDS instance's home incrementals whose copies its cross-region policy made.
    func offsiteIncrementalSegments(instanceID: String) async throws -> [IncrementalCopySegment]

    /// The cross-region policy of an RDS instance; `nil` when it never had one.
    func offsitePolicy(instanceID: String) async throws -> OffsitePolicy?

    /// Applies `change` to the cross-region policy of `instance` at `instant` (`docs/lifecycle.md`
    /// §8.3): the retention applies at once to every copy. - Throws: `OffsiteRefusal` by the
    /// instance's state, with nothing changed.
    func setOffsitePolicy(_ change: OffsitePolicyChange, of instance: Instance, at instant: Int64) async throws -> OffsitePolicy
}

/// A policy as an API or a seed file sets it.
public struct PolicyChange: Sendable, Hashable {
    public var policy: BackupPolicy
    /// RDS, when the policy is turned off: keep the automated full backups (the default) or
    /// remove them (`reserve_backups`, §8.1).
    public var reserveBackups: Bool

    public init(policy: BackupPolicy, reserveBackups: Bool = true) {
        self.policy = policy
        self.reserveBackups = reserveBackups
    }
}

/// What a policy change does to what exists (`docs/lifecycle.md` §8.1, §8.4): pure rules the
/// store applies inside its transaction.
public enum PolicyEffects {
    /// The state after `change` at `instant`, given the state before.
    /// - Parameter base: the newest automated full backup past retention at `instant` under the
    ///   old policy (its begin), which keeps the incrementals after it (§8.1 rule 3).
    public static func state(
        after change: PolicyChange,
        replacing old: PolicyState?,
        of instanceID: String,
        at instant: Int64,
        base: Int64? = nil
    ) -> PolicyState {
        var policy = change.policy
        if case .dcs(let given) = change.policy, case .dcs(let stored)? = old?.policy {
            // Fields not given keep their stored values ("the automatic backup policy is retained").
            var merged = given
            merged.saveDays = given.saveDays ?? stored.saveDays
            if given.backupAt == nil {
                merged.backupAt = stored.backupAt
                merged.periodType = stored.periodType
                merged.beginAt = stored.beginAt
                merged.timezoneOffset = stored.timezoneOffset
            }
            policy = .dcs(merged)
        }
        if let old, old.policy == policy { return old }
        let continues = old?.policy.schedule != nil && policy.schedule != nil
        // What the old retention kept at `instant` is the least the new one shows.
        var floor: Int64?
        if continues, case .full(let previous)? = old?.policy {
            let young = instant - previous.keepMilliseconds + 1
            floor = max(old?.incrementalFloor ?? Int64.min, base.map { min($0, young) } ?? young)
        }
        return PolicyState(
            instanceID: instanceID,
            policy: policy,
            since: instant,
            scheduledThrough: instant,
            chainStart: continues ? old?.chainStart : nil,
            incrementalFloor: floor,
            policyID: old?.policyID ?? (policy.isDCS ? BackupIdentifiers.randomUUID() : nil),
            createdAt: old?.createdAt ?? (policy.isDCS ? instant : nil)
        )
    }

    /// The retention base at `t` (§8.1 rule 2): the newest of `starts` (the begins of automated
    /// full backups that did not fail, oldest first) that is past a retention of `keep`.
    public static func base(among starts: [Int64], keep: Int64, at t: Int64) -> Int64? {
        starts.last { $0 + keep <= t }
    }

    /// The retirement of each automated full backup of an RDS or TaurusDB instance under a
    /// retention of `keep` (§8.1): the next backup that did not fail retires it once past
    /// retention; a failed one goes when it is past retention; the newest stays. `nil` keeps
    /// them all (a policy turned off with its backups reserved).
    /// - Parameter records: the instance's automated full backups, oldest first.
    public static func retirements(of records: [LifecycleTrack], keep: Int64?) -> [(backupID: String, at: Int64?)] {
        guard let keep else { return records.map { ($0.backupID, nil) } }
        var result: [(backupID: String, at: Int64?)] = []
        var successor: Int64?
        for record in records.reversed() {
            let start = record.startedAt ?? 0
            if record.fails {
                result.append((record.backupID, start + keep))
            } else {
                result.append((record.backupID, successor.map { $0 + keep }))
                successor = start
            }
        }
        return result.reversed()
    }
}

extension BackupPolicy {
    var isDCS: Bool {
        if case .dcs = self { true } else { false }
    }
}
