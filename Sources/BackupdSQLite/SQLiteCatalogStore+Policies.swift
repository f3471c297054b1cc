public import BackupdCatalog
import BackupdStorage
import GRDB

/// Backup policies and the scheduler (`docs/lifecycle.md` §8): a policy is set in one write
/// transaction with its effects, and `settle` makes the backups policies are due to make.
extension SQLiteCatalogStore {
    public func policy(instanceID: String) async throws -> PolicyState? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { db in try Self.policy(db, instanceID: instanceID) }
    }

    public func setPolicy(_ change: PolicyChange, of instance: Instance, at instant: Int64) async throws -> PolicyState {
        try await write { db in
            try Self.settle(db, through: instant)
            let old = try Self.policy(db, instanceID: instance.id)
            let new = PolicyEffects.state(
                after: change,
                replacing: old,
                of: instance.id,
                at: instant,
                base: try Self.base(db, of: instance, under: old, at: instant)
            )
            guard new != old else { return new }
            try db.run(StoredTables.backupPolicies.sqliteUpsert, arguments: StatementArguments(StoredValues.of(new)))
            if instance.service == .rds, let offsite = try Self.offsitePolicy(db, instanceID: instance.id) {
                try Self.apply(
                    OffsiteEffects.segmentChange(
                        homeWasRunning: old?.policy.schedule != nil,
                        homeRuns: new.policy.schedule != nil,
                        chainStart: old?.chainStart,
                        copiesIncremental: offsite.copiesIncremental,
                        at: instant
                    ),
                    toSegmentsOf: instance.id,
                    db
                )
            }
            if case .full(let policy) = new.policy {
                try Self.retire(
                    db,
                    automatedBackupsOf: instance,
                    keep: policy.isOn ? policy.keepMilliseconds : nil,
                    removing: !policy.isOn && !change.reserveBackups,
                    at: instant
                )
            }
            return new
        }
    }

    /// The retention base at `instant` under `policy` (§8.1), for the floor of a policy change.
    private static func base(_ db: Database, of instance: Instance, under policy: PolicyState?, at instant: Int64) throws -> Int64? {
        guard case .full(let previous)? = policy?.policy else { return nil }
        return PolicyEffects.base(
            among: try automatedFullBackupStarts(db, instanceID: instance.id),
            keep: previous.keepMilliseconds,
            at: instant
        )
    }

    static func policy(_ db: Database, instanceID: String) throws -> PolicyState? {
        try fetchOne(db, "\(StoredTables.backupPolicies.select) WHERE instance_id = ?", [instanceID], StoredRecords.policyState)
    }

    /// Sets the retirement of every automated full backup of an RDS or TaurusDB instance for a
    /// retention of `keep` (`nil`: none), or removes them all (a policy turned off without
    /// reserving its backups), as of `instant` (§8.1).
    private static func retire(_ db: Database, automatedBackupsOf instance: Instance, keep: Int64?, removing: Bool, at instant: Int64) throws {
        let table = StoredTables.backups(of: instance.service)
        let tracks = try fetchAll(
            db,
            """
            SELECT \(StoredTables.lifecycleTracks.columnList(as: "t")) FROM lifecycle_tracks t
            JOIN \(table.name) b ON b.id = t.backup_id
            WHERE t.instance_id = ? AND b.type = 'auto' AND t.started_at IS NOT NULL ORDER BY t.started_at, t.backup_id
            """,
            [instance.id],
            StoredRecords.track
        )
        let retirements = PolicyEffects.retirements(of: tracks, keep: keep)
        for (var track, retirement) in zip(tracks, retirements) {
            track.retiredAt = removing ? instant : retirement.at
            try retireTrack(db, track, at: instant)
        }
    }

    /// Stores `track`'s new retirement and applies it at `instant`.
    private static func retireTrack(_ db: Database, _ track: LifecycleTrack, at instant: Int64) throws {
        let table = StoredTables.backups(of: track.service)
        guard
            let backup = try fetchOne(
                db,
                "\(table.select) WHERE \(table.key[0]) = ?",
                [track.backupID],
                { try StoredRecords.backup(of: track.service, $0) }
            )
        else { return }
        try applyAny(track, to: backup, db, at: instant)
    }

    /// Makes the backups of every policy due through `instant` (`Scheduler.catchUp`).
    /// - Returns: how many backups the schedules made.
    @discardableResult
    static func runSchedules(_ db: Database, through instant: Int64) throws -> Int {
        let due = try fetchAll(
            db,
            "\(StoredTables.backupPolicies.select) WHERE next_run <= ? ORDER BY next_run, instance_id",
            [instant],
            StoredRecords.policyState
        )
        guard !due.isEmpty else { return 0 }
        var made = 0
        let timings = try timings(db)
        for state in due {
            guard let instance = try fetchOne(db, "\(StoredTables.instances.select) WHERE id = ?", [state.instanceID], StoredRecords.instance)
            else { continue }
            let table = StoredTables.backups(of: instance.service)
            let typeColumn = instance.service == .dcs ? "backup_type" : "type"
            let predecessor =
                instance.service == .ddm
                ? nil
                : try Row.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT t.backup_id, t.started_at, t.retention_ms FROM lifecycle_tracks t JOIN \(table.name) b ON b.\(table.key[0]) = t.backup_id
                            WHERE t.instance_id = ? AND b.\(typeColumn) = 'auto' AND t.fails = 0 AND t.retired_at IS NULL
                                AND t.started_at IS NOT NULL AND t.deleted_at IS NULL
                            ORDER BY t.started_at DESC LIMIT 1
                            """
                    ),
                    arguments: [instance.id]
                ).map { Scheduler.Predecessor(backupID: $0[0], startedAt: $0[1], retention: $0[2]) }
            let armed = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT armed_at FROM armed_faults WHERE instance_id = ?"),
                arguments: [instance.id]
            )
            let result = Scheduler.catchUp(
                state,
                of: instance,
                predecessor: predecessor,
                faultArmedAt: armed,
                timings: timings,
                through: instant
            )
            if result.usedFault {
                try db.run("DELETE FROM armed_faults WHERE instance_id = ?", arguments: [instance.id])
            }
            for (id, at) in result.retirements {
                guard var track = try fetchOne(db, "\(StoredTables.lifecycleTracks.select) WHERE backup_id = ?", [id], StoredRecords.track)
                else { continue }
                track.retiredAt = at
                try retireTrack(db, track, at: instant)
            }
            made += result.records.count
            for (backup, track) in result.records {
                try db.run(
                    StoredTables.backups(of: backup.service).sqliteUpsert,
                    arguments: StatementArguments(StoredValues.of(backup))
                )
                try applyAny(track, to: backup, db, at: instant)
                if backup.service == .dcs { try capDCSRecords(db, instanceID: instance.id) }
            }
            try db.run(StoredTables.backupPolicies.sqliteUpsert, arguments: StatementArguments(StoredValues.of(result.policy)))
        }
        return made
    }
}

/// Cross-region policies and copies (`docs/lifecycle.md` §8.3).
extension SQLiteCatalogStore {
    public func offsitePolicy(instanceID: String) async throws -> OffsitePolicy? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { db in try Self.offsitePolicy(db, instanceID: instanceID) }
    }

    public func setOffsitePolicy(_ change: OffsitePolicyChange, of instance: Instance, at instant: Int64) async throws -> OffsitePolicy {
        try await write { db in
            try Self.settle(db, through: instant)
            let home = try fetchOne(db, "\(StoredTables.projects.select) WHERE id = ?", [instance.projectID], StoredRecords.project)
            let candidate = try change.destinationProjectID.flatMap { id in
                CatalogText.isStorable(id) ? try fetchOne(db, "\(StoredTables.projects.select) WHERE id = ?", [id], StoredRecords.project) : nil
            }
            let current = try Self.offsitePolicy(db, instanceID: instance.id)
            var policy = try OffsiteEffects.policy(
                after: change,
                replacing: current,
                isSQLServer: instance.datastore?.type.lowercased() == "sqlserver"
            ) { _, region in
                guard let home, let candidate else { return false }
                return candidate.domainID == home.domainID && candidate.region == region && candidate.region != home.region
            }
            policy.incrementalFloor = OffsiteEffects.floor(after: current, keepDays: policy.keepDays, at: instant)
            let homeChain = try Self.policy(db, instanceID: instance.id).flatMap { $0.policy.schedule == nil ? nil : $0.chainStart }
            try Self.apply(
                OffsiteEffects.segmentChange(from: current, to: policy, homeChainStart: homeChain, at: instant),
                toSegmentsOf: instance.id,
                db
            )
            try db.run(
                StoredTables.offsitePolicies.sqliteUpsert,
                arguments: StatementArguments(StoredValues.of(policy, instanceID: instance.id))
            )
            if change.keepDays >= 1 {
                // The retention applies at once to every copy of the instance.
                let copies = try fetchAll(
                    db,
                    """
                    SELECT \(StoredTables.lifecycleTracks.columnList(as: "t")) FROM lifecycle_tracks t
                    JOIN rds_backups b ON b.id = t.backup_id WHERE b.instance_id = ? AND b.offsite_project_id IS NOT NULL
                    """,
                    [instance.id],
                    StoredRecords.track
                )
                for var track in copies {
                    guard let copy = try fetchOne(db, "\(StoredTables.rdsBackups.select) WHERE id = ?", [track.backupID], StoredRecords.rdsBackup)
                    else { continue }
                    track.retiredAt = copy.beginTime.instant + policy.keepMilliseconds
                    try Self.applyAny(track, to: .rds(copy), db, at: instant)
                }
            }
            return policy
        }
    }

    static func offsitePolicy(_ db: Database, instanceID: String) throws -> OffsitePolicy? {
        try fetchOne(db, "\(StoredTables.offsitePolicies.select) WHERE instance_id = ?", [instanceID], StoredRecords.offsitePolicy)
    }

    /// Stores the cross-region copy of `backup`, a home backup completed at `instant`, when its
    /// instance's policy copies its type and the copy is not already past its retention.
    static func copyIfDue(_ db: Database, _ backup: RDSBackup, at instant: Int64) throws {
        guard let policy = try offsitePolicy(db, instanceID: backup.instanceID), policy.copies(backup.type),
            let instance = try fetchOne(db, "\(StoredTables.instances.select) WHERE id = ?", [backup.instanceID], StoredRecords.instance)
        else { return }
        let retired = backup.beginTime.instant + policy.keepMilliseconds
        guard retired > instant else { return }
        var copy = backup
        copy.id = OffsiteEffects.copyID(of: backup.id, in: policy.destinationProjectID, instance: instance)
        copy.offsiteProjectID = policy.destinationProjectID
        let track = LifecycleTrack(backupID: copy.id, service: .rds, instanceID: backup.instanceID, startedAt: nil, retiredAt: retired)
        try db.run(StoredTables.rdsBackups.sqliteUpsert, arguments: StatementArguments(StoredValues.of(.rds(copy))))
        try keep(track, db, at: instant)
    }
}

/// The segments of copied incrementals (`docs/lifecycle.md` §8.3).
extension SQLiteCatalogStore {
    public func offsiteIncrementalSegments(instanceID: String) async throws -> [IncrementalCopySegment] {
        guard CatalogText.isStorable(instanceID) else { return [] }
        return try await read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT first_begin, last_begin FROM offsite_incremental_segments WHERE instance_id = ? ORDER BY rowid"),
                arguments: [instanceID]
            ).map { IncrementalCopySegment(first: $0[0], last: $0[1]) }
        }
    }

    static func apply(_ change: SegmentChange, toSegmentsOf instanceID: String, _ db: Database) throws {
        switch change {
        case .none: break
        case .open(let first):
            let open = try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM offsite_incremental_segments WHERE instance_id = ? AND last_begin IS NULL)"),
                arguments: [instanceID]
            )
            if open != true {
                try db.run("INSERT INTO offsite_incremental_segments VALUES (?, ?, NULL)", arguments: [instanceID, first])
            }
        case .close(let first, let last):
            try db.run(
                """
                UPDATE offsite_incremental_segments SET first_begin = coalesce(first_begin, ?), last_begin = ?
                WHERE instance_id = ? AND last_begin IS NULL
                """,
                arguments: [first, last, instanceID]
            )
            try db.run(
                """
                DELETE FROM offsite_incremental_segments
                WHERE instance_id = ? AND (first_begin IS NULL OR first_begin > last_begin)
                """,
                arguments: [instanceID]
            )
        case .removeAll:
            try db.run("DELETE FROM offsite_incremental_segments WHERE instance_id = ?", arguments: [instanceID])
        }
    }
}
