public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// Backup policies and the scheduler, as SQLite's (`SQLiteCatalogStore+Policies.swift`), under
/// the lifecycle lock: several nodes settling at once make each automated backup once.
extension PostgresCatalogStore {
    public func policy(instanceID: String) async throws -> PolicyState? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { connection in try await self.policy(connection, instanceID: instanceID) }
    }

    public func setPolicy(_ change: PolicyChange, of instance: Instance, at instant: Int64) async throws -> PolicyState {
        try await lifecycleWrite(at: instant) { connection in
            let old = try await self.policy(connection, instanceID: instance.id)
            var base: Int64?
            if case .full(let previous)? = old?.policy {
                base = PolicyEffects.base(
                    among: try await self.automatedFullBackupStarts(connection, instanceID: instance.id),
                    keep: previous.keepMilliseconds,
                    at: instant
                )
            }
            let new = PolicyEffects.state(after: change, replacing: old, of: instance.id, at: instant, base: base)
            guard new != old else { return new }
            try await connection.execute(Self.upsert(StoredTables.backupPolicies, StoredValues.of(new)), logger: self.logger)
            if instance.service == .rds, let offsite = try await self.offsitePolicy(connection, instanceID: instance.id) {
                try await self.apply(
                    OffsiteEffects.segmentChange(
                        homeWasRunning: old?.policy.schedule != nil,
                        homeRuns: new.policy.schedule != nil,
                        chainStart: old?.chainStart,
                        copiesIncremental: offsite.copiesIncremental,
                        at: instant
                    ),
                    toSegmentsOf: instance.id,
                    connection
                )
            }
            if case .full(let policy) = new.policy {
                try await self.retire(
                    connection,
                    automatedBackupsOf: instance,
                    keep: policy.isOn ? policy.keepMilliseconds : nil,
                    removing: !policy.isOn && !change.reserveBackups,
                    at: instant
                )
            }
            return new
        }
    }

    func policy(_ connection: PostgresConnection, instanceID: String) async throws -> PolicyState? {
        try await connection.first(
            "\(unescaped: StoredTables.backupPolicies.select) WHERE instance_id = \(instanceID)",
            logger: logger,
            StoredRecords.policyState
        )
    }

    private func retire(
        _ connection: PostgresConnection,
        automatedBackupsOf instance: Instance,
        keep: Int64?,
        removing: Bool,
        at instant: Int64
    ) async throws {
        let table = StoredTables.backups(of: instance.service)
        let tracks = try await connection.all(
            """
            SELECT \(unescaped: StoredTables.lifecycleTracks.columnList(as: "t")) FROM lifecycle_tracks t
            JOIN \(unescaped: table.name) b ON b.id = t.backup_id
            WHERE t.instance_id = \(instance.id) AND b.type = 'auto' AND t.started_at IS NOT NULL ORDER BY t.started_at, t.backup_id
            """,
            logger: logger,
            StoredRecords.track
        )
        let retirements = PolicyEffects.retirements(of: tracks, keep: keep)
        for (var track, retirement) in zip(tracks, retirements) {
            track.retiredAt = removing ? instant : retirement.at
            try await retireTrack(connection, track, at: instant)
        }
    }

    private func retireTrack(_ connection: PostgresConnection, _ track: LifecycleTrack, at instant: Int64) async throws {
        let table = StoredTables.backups(of: track.service)
        guard
            let backup = try await connection.first(
                "\(unescaped: table.select) WHERE \(unescaped: table.key[0]) = \(track.backupID)",
                logger: logger,
                { try StoredRecords.backup(of: track.service, $0) }
            )
        else { return }
        try await applyAny(track, to: backup, connection, at: instant)
    }

    /// Makes the backups of every policy due through `instant` (`Scheduler.catchUp`).
    /// - Returns: how many backups the schedules made.
    func runSchedules(_ connection: PostgresConnection, through instant: Int64) async throws -> Int {
        let due = try await connection.all(
            "\(unescaped: StoredTables.backupPolicies.select) WHERE next_run <= \(instant) ORDER BY next_run, instance_id",
            logger: logger,
            StoredRecords.policyState
        )
        guard !due.isEmpty else { return 0 }
        var made = 0
        let timings = try await self.timings(connection, locking: false)
        for state in due {
            guard
                let instance = try await connection.first(
                    "\(unescaped: StoredTables.instances.select) WHERE id = \(state.instanceID)",
                    logger: logger,
                    StoredRecords.instance
                )
            else { continue }
            let table = StoredTables.backups(of: instance.service)
            let typeColumn = instance.service == .dcs ? "backup_type" : "type"
            let predecessor: Scheduler.Predecessor? =
                instance.service == .ddm
                ? nil
                : try await connection.rows(
                    """
                    SELECT t.backup_id, t.started_at, t.retention_ms FROM lifecycle_tracks t
                    JOIN \(unescaped: table.name) b ON b.\(unescaped: table.key[0]) = t.backup_id
                    WHERE t.instance_id = \(instance.id) AND b.\(unescaped: typeColumn) = 'auto' AND NOT t.fails
                        AND t.retired_at IS NULL AND t.started_at IS NOT NULL AND t.deleted_at IS NULL
                    ORDER BY t.started_at DESC LIMIT 1
                    """,
                    logger: logger
                ).first.map {
                    Scheduler.Predecessor(
                        backupID: try $0[0].decode(String.self),
                        startedAt: try $0[1].decode(Int64.self),
                        retention: try $0[2].decode(Int64?.self)
                    )
                }
            let armed = try await connection.rows(
                "SELECT armed_at FROM armed_faults WHERE instance_id = \(instance.id)",
                logger: logger
            ).first?[0].decode(Int64.self)
            let result = Scheduler.catchUp(
                state,
                of: instance,
                predecessor: predecessor,
                faultArmedAt: armed,
                timings: timings,
                through: instant
            )
            if result.usedFault {
                try await connection.execute("DELETE FROM armed_faults WHERE instance_id = \(instance.id)", logger: logger)
            }
            for (id, at) in result.retirements {
                guard
                    var track = try await connection.first(
                        "\(unescaped: StoredTables.lifecycleTracks.select) WHERE backup_id = \(id)",
                        logger: logger,
                        StoredRecords.track
                    )
                else { continue }
                track.retiredAt = at
                try await retireTrack(connection, track, at: instant)
            }
            made += result.records.count
            for (backup, track) in result.records {
                try await connection.execute(Self.upsert(StoredTables.backups(of: backup.service), StoredValues.of(backup)), logger: logger)
                try await applyAny(track, to: backup, connection, at: instant)
                if backup.service == .dcs { try await capDCSRecords(connection, instanceID: instance.id) }
            }
            try await connection.execute(Self.upsert(StoredTables.backupPolicies, StoredValues.of(result.policy)), logger: logger)
        }
        return made
    }
}

/// Cross-region policies and copies, as SQLite's (`docs/lifecycle.md` §8.3).
extension PostgresCatalogStore {
    public func offsitePolicy(instanceID: String) async throws -> OffsitePolicy? {
        guard CatalogText.isStorable(instanceID) else { return nil }
        return try await read { connection in try await self.offsitePolicy(connection, instanceID: instanceID) }
    }

    public func setOffsitePolicy(_ change: OffsitePolicyChange, of instance: Instance, at instant: Int64) async throws -> OffsitePolicy {
        try await lifecycleWrite(at: instant) { connection in
            let home = try await connection.first(
                "\(unescaped: StoredTables.projects.select) WHERE id = \(instance.projectID)",
                logger: self.logger,
                StoredRecords.project
            )
            var candidate: Project?
            if let id = change.destinationProjectID, CatalogText.isStorable(id) {
                candidate = try await connection.first(
                    "\(unescaped: StoredTables.projects.select) WHERE id = \(id)",
                    logger: self.logger,
                    StoredRecords.project
                )
            }
            let current = try await self.offsitePolicy(connection, instanceID: instance.id)
            var policy = try OffsiteEffects.policy(
                after: change,
                replacing: current,
                isSQLServer: instance.datastore?.type.lowercased() == "sqlserver"
            ) { _, region in
                guard let home, let candidate else { return false }
                return candidate.domainID == home.domainID && candidate.region == region && candidate.region != home.region
            }
            policy.incrementalFloor = OffsiteEffects.floor(after: current, keepDays: policy.keepDays, at: instant)
            let homeChain = try await self.policy(connection, instanceID: instance.id).flatMap {
                $0.policy.schedule == nil ? nil : $0.chainStart
            }
            try await self.apply(
                OffsiteEffects.segmentChange(from: current, to: policy, homeChainStart: homeChain, at: instant),
                toSegmentsOf: instance.id,
                connection
            )
            try await connection.execute(
                Self.upsert(StoredTables.offsitePolicies, StoredValues.of(policy, instanceID: instance.id)),
                logger: self.logger
            )
            if change.keepDays >= 1 {
                let copies = try await connection.all(
                    """
                    SELECT \(unescaped: StoredTables.lifecycleTracks.columnList(as: "t")) FROM lifecycle_tracks t
                    JOIN rds_backups b ON b.id = t.backup_id WHERE b.instance_id = \(instance.id) AND b.offsite_project_id IS NOT NULL
                    """,
                    logger: self.logger,
                    StoredRecords.track
                )
                for var track in copies {
                    guard
                        let copy = try await connection.first(
                            "\(unescaped: StoredTables.rdsBackups.select) WHERE id = \(track.backupID)",
                            logger: self.logger,
                            StoredRecords.rdsBackup
                        )
                    else { continue }
                    track.retiredAt = copy.beginTime.instant + policy.keepMilliseconds
                    try await self.applyAny(track, to: .rds(copy), connection, at: instant)
                }
            }
            return policy
        }
    }

    func offsitePolicy(_ connection: PostgresConnection, instanceID: String) async throws -> OffsitePolicy? {
        try await connection.first(
            "\(unescaped: StoredTables.offsitePolicies.select) WHERE instance_id = \(instanceID)",
            logger: logger,
            StoredRecords.offsitePolicy
        )
    }

    /// Stores the cross-region copy of `backup`, a home backup completed at `instant`, when its
    /// instance's policy copies its type and the copy is not already past its retention.
    func copyIfDue(_ connection: PostgresConnection, _ backup: RDSBackup, at instant: Int64) async throws {
        guard let policy = try await offsitePolicy(connection, instanceID: backup.instanceID), policy.copies(backup.type),
            let instance = try await connection.first(
                "\(unescaped: StoredTables.instances.select) WHERE id = \(backup.instanceID)",
                logger: logger,
                StoredRecords.instance
            )
        else { return }
        let retired = backup.beginTime.instant + policy.keepMilliseconds
        guard retired > instant else { return }
        var copy = backup
        copy.id = OffsiteEffects.copyID(of: backup.id, in: policy.destinationProjectID, instance: instance)
        copy.offsiteProjectID = policy.destinationProjectID
        let track = LifecycleTrack(backupID: copy.id, service: .rds, instanceID: backup.instanceID, startedAt: nil, retiredAt: retired)
        try await connection.execute(Self.upsert(StoredTables.rdsBackups, StoredValues.of(.rds(copy))), logger: logger)
        try await keep(track, connection, at: instant)
    }
}

/// The segments of copied incrementals, as SQLite's (`docs/lifecycle.md` §8.3).
extension PostgresCatalogStore {
    public func offsiteIncrementalSegments(instanceID: String) async throws -> [IncrementalCopySegment] {
        guard CatalogText.isStorable(instanceID) else { return [] }
        return try await read { connection in
            try await connection.rows(
                "SELECT first_begin, last_begin FROM offsite_incremental_segments WHERE instance_id = \(instanceID) ORDER BY ctid",
                logger: self.logger
            ).map { IncrementalCopySegment(first: try $0[0].decode(Int64?.self), last: try $0[1].decode(Int64?.self)) }
        }
    }

    func apply(_ change: SegmentChange, toSegmentsOf instanceID: String, _ connection: PostgresConnection) async throws {
        switch change {
        case .none: break
        case .open(let first):
            try await connection.execute(
                """
                INSERT INTO offsite_incremental_segments SELECT \(instanceID), \(first), NULL
                WHERE NOT EXISTS (SELECT 1 FROM offsite_incremental_segments WHERE instance_id = \(instanceID) AND last_begin IS NULL)
                """,
                logger: logger
            )
        case .close(let first, let last):
            try await connection.execute(
                """
                UPDATE offsite_incremental_segments SET first_begin = coalesce(first_begin, \(first)), last_begin = \(last)
                WHERE instance_id = \(instanceID) AND last_begin IS NULL
                """,
                logger: logger
            )
            try await connection.execute(
                """
                DELETE FROM offsite_incremental_segments
                WHERE instance_id = \(instanceID) AND (first_begin IS NULL OR first_begin > last_begin)
                """,
                logger: logger
            )
        case .removeAll:
            try await connection.execute("DELETE FROM offsite_incremental_segments WHERE instance_id = \(instanceID)", logger: logger)
        }
    }
}
