public import BackupdCatalog
import BackupdStorage
import PostgresNIO

/// The write side: lifecycle records moved along the clock, creates and deletes
/// (`docs/lifecycle.md` §6, §7). Every such transaction first takes one transaction-level
/// advisory lock, so that settles, creates and deletes from every node apply one after another:
/// a create's checks and its write are atomic against a concurrent create on another node.
extension PostgresCatalogStore {
    /// How long a lifecycle write may take, lock wait included.
    static let lifecycleDeadline: Duration = .seconds(120)

    /// The advisory lock of lifecycle writes (any constant; "bkpd" in ASCII).
    private static let lifecycleLock: Int64 = 0x626B_7064

    public func nextTransition(after instant: Int64) async throws -> Int64? {
        let step = IncrementalSeries.step
        let boundary = (instant >= 0 ? instant / step : (instant - step + 1) / step) * step + step
        return try await read { connection in
            try await connection.rows(
                """
                SELECT least(
                    (SELECT min(next_change) FROM lifecycle_tracks WHERE next_change IS NOT NULL),
                    (SELECT min(next_run) FROM backup_policies WHERE next_run IS NOT NULL),
                    (SELECT \(boundary)::bigint WHERE EXISTS (SELECT 1 FROM backup_policies WHERE chain_start IS NOT NULL)))
                """,
                logger: self.logger
            ).first?[0].decode(Int64?.self)
        }
    }

    public func nextTransition(after instant: Int64, ofInstances instanceIDs: [String]) async throws -> Int64? {
        guard !instanceIDs.isEmpty else { return nil }
        let step = IncrementalSeries.step
        let boundary = (instant >= 0 ? instant / step : (instant - step + 1) / step) * step + step
        return try await read { connection in
            try await connection.rows(
                """
                SELECT least(
                    (SELECT min(next_change) FROM lifecycle_tracks WHERE instance_id = ANY(\(instanceIDs)) AND next_change IS NOT NULL),
                    (SELECT min(next_run) FROM backup_policies WHERE instance_id = ANY(\(instanceIDs)) AND next_run IS NOT NULL),
                    (SELECT \(boundary)::bigint WHERE EXISTS (
                        SELECT 1 FROM backup_policies WHERE instance_id = ANY(\(instanceIDs)) AND chain_start IS NOT NULL)))
                """,
                logger: self.logger
            ).first?[0].decode(Int64?.self)
        }
    }

    @discardableResult
    public func settle(through instant: Int64) async throws -> Int {
        try await write(timeout: Self.lifecycleDeadline) { connection in
            try await self.lockedSettle(connection, through: instant)
        }
    }

    public func createRDSBackup(_ backup: RDSBackup, of instance: Instance, at instant: Int64) async throws -> RDSBackup {
        try await lifecycleWrite(at: instant) { connection in
            let building = try await connection.rows(
                """
                SELECT 1 FROM lifecycle_tracks t JOIN rds_backups b ON b.id = t.backup_id
                WHERE t.instance_id = \(instance.id) AND b.status = 'BUILDING' AND b.type IN ('manual', 'auto') LIMIT 1
                """,
                logger: self.logger
            )
            guard building.isEmpty else { throw BackupRefusal.inProgress }
            let taken = try await connection.rows(
                """
                SELECT 1 FROM rds_backups WHERE instance_id = \(instance.id) AND name = \(backup.name)
                    AND offsite_project_id IS NULL LIMIT 1
                """,
                logger: self.logger
            )
            guard taken.isEmpty else { throw BackupRefusal.nameTaken }
            let timings = try await self.timings(connection, locking: false)
            let track = LifecycleTrack(
                backupID: backup.id,
                service: .rds,
                instanceID: instance.id,
                startedAt: backup.beginTime.instant,
                buildingMilliseconds: Int64(timings.rdsBuilding) * 1000,
                fails: try await self.takeFault(connection, instanceID: instance.id, at: instant)
            )
            try await connection.execute(Self.upsert(StoredTables.rdsBackups, StoredValues.of(.rds(backup))), logger: self.logger)
            return try await self.apply(track, to: backup, connection, at: instant) ?? backup
        }
    }

    public func deleteRDSBackups(ids: [String], inProject projectID: String, at instant: Int64) async throws -> [RDSDeletion] {
        try await lifecycleWrite(at: instant) { connection in
            let deleting = Int64(try await self.timings(connection, locking: false).rdsDeleting) * 1000
            var outcomes: [RDSDeletion] = []
            for id in ids {
                outcomes.append(try await self.deleteRDSBackup(id: id, inProject: projectID, deleting: deleting, connection, at: instant))
            }
            return outcomes
        }
    }

    private func deleteRDSBackup(
        id: String,
        inProject projectID: String,
        deleting: Int64,
        _ connection: PostgresConnection,
        at instant: Int64
    ) async throws -> RDSDeletion {
        guard CatalogText.isStorable(id),
            let backup = try await connection.first(
                """
                SELECT \(unescaped: StoredTables.rdsBackups.columnList(as: "b")) FROM rds_backups b JOIN instances i ON i.id = b.instance_id
                WHERE b.id = \(id) AND b.offsite_project_id IS NULL AND i.project_id = \(projectID) AND i.service = 'rds'
                """,
                logger: logger,
                StoredRecords.rdsBackup
            )
        else { return .notFound }
        guard backup.type == .manual else { return .notManual }
        switch backup.status {
        case .building: return .building
        case .deleting: return .alreadyDeleting
        case .completed, .failed: break
        }
        var track =
            try await connection.first(
                "\(unescaped: StoredTables.lifecycleTracks.select) WHERE backup_id = \(id)",
                logger: logger,
                StoredRecords.track
            ) ?? LifecycleTrack(backupID: id, service: .rds, instanceID: backup.instanceID, startedAt: nil)
        track.deletedAt = instant
        track.deletingMilliseconds = deleting
        _ = try await apply(track, to: backup, connection, at: instant)
        return .deleted
    }

    /// A write transaction under the lifecycle lock that first settles through `instant`. It may
    /// wait for another node's settle and make a catch-up's records, so it has a deadline of its
    /// own, longer than a query's.
    func lifecycleWrite<T: Sendable>(
        at instant: Int64,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await write(timeout: Self.lifecycleDeadline) { connection in
            try await self.lockedSettle(connection, through: instant)
            return try await body(connection)
        }
    }

    /// The lifecycle lock, then `settle`, in the transaction of `connection`. - Returns: the backups made.
    @discardableResult
    private func lockedSettle(_ connection: PostgresConnection, through instant: Int64) async throws -> Int {
        // The server's own limit on a statement is the query timeout's: lift it to the deadline.
        try await connection.execute("SET LOCAL statement_timeout = '120s'", logger: self.logger)
        try await connection.execute("SELECT pg_advisory_xact_lock(\(Self.lifecycleLock))", logger: self.logger)
        return try await self.settle(connection, through: instant)
    }

    /// Writes down every change due through `instant`: first the backups the policies make by
    /// then (`Scheduler`), then every record's changes, oldest first.
    private func settle(_ connection: PostgresConnection, through instant: Int64) async throws -> Int {
        let made = try await runSchedules(connection, through: instant)
        let due = try await connection.all(
            "\(unescaped: StoredTables.lifecycleTracks.select) WHERE next_change <= \(instant) ORDER BY next_change, backup_id",
            logger: logger,
            StoredRecords.track
        )
        for track in due {
            let table = StoredTables.backups(of: track.service)
            let row = try await connection.first(
                "\(unescaped: table.select) WHERE \(unescaped: table.key[0]) = \(track.backupID)",
                logger: logger
            ) { try StoredRecords.backup(of: track.service, $0) }
            if let row {
                try await applyAny(track, to: row, connection, at: instant)
            } else {
                try await connection.execute("DELETE FROM lifecycle_tracks WHERE backup_id = \(track.backupID)", logger: logger)
            }
        }
        try await noteChainStep(connection, through: instant)
        return made
    }

    /// Every computed incremental chain gains a record at each step of the clock, which no row
    /// shows: a settle into a later step than the last one logs `chains` (`ChangeScope`).
    private func noteChainStep(_ connection: PostgresConnection, through instant: Int64) async throws {
        let step = IncrementalSeries.step
        let index = instant >= 0 ? instant / step : (instant - step + 1) / step
        try await connection.execute(
            """
            WITH marked AS (
                UPDATE settle_marks SET chains_step = \(index)
                WHERE (chains_step IS NULL OR chains_step < \(index))
                    AND EXISTS (SELECT 1 FROM backup_policies WHERE chain_start IS NOT NULL)
                RETURNING 1
            )
            INSERT INTO pending_changes SELECT txid_current(), \(ChangeScope.Logged.chains) FROM marked ON CONFLICT DO NOTHING
            """,
            logger: logger
        )
    }

    /// Stores any backup and its track as they are at `instant`.
    func applyAny(_ track: LifecycleTrack, to backup: Backup, _ connection: PostgresConnection, at instant: Int64) async throws {
        switch backup {
        case .rds(let backup): _ = try await apply(track, to: backup, connection, at: instant)
        case .taurusdb(let backup): _ = try await apply(track, to: backup, connection, at: instant)
        case .dcs(let backup): _ = try await apply(track, to: backup, connection, at: instant)
        case .ddm(let backup):
            if track.state(at: instant) == .gone {
                try await forget(StoredTables.ddmBackups, backup.id, connection)
            } else {
                try await keep(track, connection, at: instant)
            }
        }
    }

    /// Removes the oldest lifecycle records of a DCS instance beyond the cap (`docs/lifecycle.md` §8.4).
    func capDCSRecords(_ connection: PostgresConnection, instanceID: String) async throws {
        try await connection.execute(
            """
            WITH excess AS (
                SELECT b.backup_id FROM lifecycle_tracks t JOIN dcs_backups b ON b.backup_id = t.backup_id
                WHERE t.instance_id = \(instanceID) ORDER BY b.created_ms DESC, b.backup_id DESC OFFSET \(Int64(DCSRetention.recordCap))
            ), gone AS (DELETE FROM dcs_backups WHERE backup_id IN (SELECT backup_id FROM excess))
            DELETE FROM lifecycle_tracks WHERE backup_id IN (SELECT backup_id FROM excess)
            """,
            logger: logger
        )
    }

    public func createTaurusDBBackup(_ backup: TaurusDBBackup, of instance: Instance, at instant: Int64) async throws -> TaurusDBBackup {
        try await lifecycleWrite(at: instant) { connection in
            let building = try await connection.rows(
                """
                SELECT 1 FROM lifecycle_tracks t JOIN taurusdb_backups b ON b.id = t.backup_id
                WHERE t.instance_id = \(instance.id) AND b.status = 'BUILDING' AND b.type IN ('manual', 'auto') LIMIT 1
                """,
                logger: self.logger
            )
            guard building.isEmpty else { throw BackupRefusal.inProgress }
            let track = LifecycleTrack(
                backupID: backup.id,
                service: .taurusdb,
                instanceID: instance.id,
                startedAt: backup.beginTime.instant,
                buildingMilliseconds: Int64(try await self.timings(connection, locking: false).taurusDBBuilding) * 1000,
                fails: try await self.takeFault(connection, instanceID: instance.id, at: instant)
            )
            try await connection.execute(
                Self.upsert(StoredTables.taurusDBBackups, StoredValues.of(.taurusdb(backup))),
                logger: self.logger
            )
            return try await self.apply(track, to: backup, connection, at: instant) ?? backup
        }
    }

    public func deleteTaurusDBBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> TaurusDBDeletion {
        guard CatalogText.isStorable(id) else { return .notFound }
        return try await lifecycleWrite(at: instant) { connection in
            guard
                let backup = try await connection.first(
                    """
                    SELECT \(unescaped: StoredTables.taurusDBBackups.columnList(as: "b")) FROM taurusdb_backups b
                    JOIN instances i ON i.id = b.instance_id
                    WHERE b.id = \(id) AND i.project_id = \(projectID) AND i.service = 'taurusdb'
                    """,
                    logger: self.logger,
                    StoredRecords.taurusDBBackup
                )
            else { return .notFound }
            guard backup.type == .manual else { return .notManual }
            guard backup.status != .building else { return .building }
            try await self.forget(StoredTables.taurusDBBackups, id, connection)
            return .deleted(name: backup.name)
        }
    }

    public func createDCSBackup(_ backup: DCSBackup, of instance: Instance, at instant: Int64) async throws -> DCSBackup {
        try await lifecycleWrite(at: instant) { connection in
            let running = try await connection.rows(
                """
                SELECT 1 FROM lifecycle_tracks t JOIN dcs_backups b ON b.backup_id = t.backup_id
                WHERE t.instance_id = \(instance.id) AND b.status IN ('waiting', 'backuping') LIMIT 1
                """,
                logger: self.logger
            )
            guard running.isEmpty else { throw BackupRefusal.inProgress }
            let timings = try await self.timings(connection, locking: false)
            let track = LifecycleTrack(
                backupID: backup.backupID,
                service: .dcs,
                instanceID: instance.id,
                startedAt: backup.createdAt.instant,
                waitingMilliseconds: Int64(timings.dcsWaiting) * 1000,
                buildingMilliseconds: Int64(timings.dcsBackuping) * 1000,
                fails: try await self.takeFault(connection, instanceID: instance.id, at: instant)
            )
            let backup = backup.planned(by: track)
            try await connection.execute(Self.upsert(StoredTables.dcsBackups, StoredValues.of(.dcs(backup))), logger: self.logger)
            let shown = try await self.apply(track, to: backup, connection, at: instant)
            try await self.capDCSRecords(connection, instanceID: instance.id)
            return shown
        }
    }

    public func deleteDCSBackup(id: String, instanceID: String, at instant: Int64) async throws -> DCSDeletion {
        guard CatalogText.isStorable(id) else { return .notFound }
        return try await lifecycleWrite(at: instant) { connection in
            guard
                let backup = try await connection.first(
                    "\(unescaped: StoredTables.dcsBackups.select) WHERE backup_id = \(id) AND instance_id = \(instanceID)",
                    logger: self.logger,
                    StoredRecords.dcsBackup
                )
            else { return .notFound }
            switch backup.status {
            case .waiting, .backuping: return .inProgress
            case .deleted: return .deleted
            case .succeed, .failed, .expired: break
            }
            var track =
                try await connection.first(
                    "\(unescaped: StoredTables.lifecycleTracks.select) WHERE backup_id = \(id)",
                    logger: self.logger,
                    StoredRecords.track
                ) ?? LifecycleTrack(backupID: id, service: .dcs, instanceID: instanceID, startedAt: nil)
            track.deletedAt = instant
            _ = try await self.apply(track, to: backup, connection, at: instant)
            return .deleted
        }
    }

    public func deleteDDMBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> Bool {
        guard CatalogText.isStorable(id) else { return false }
        return try await lifecycleWrite(at: instant) { connection in
            let updated = try await connection.rows(
                """
                UPDATE ddm_backups SET status = 'deleted' WHERE id = \(id) AND status <> 'deleted'
                    AND instance_id IN (SELECT id FROM instances WHERE project_id = \(projectID) AND service = 'ddm')
                RETURNING 1
                """,
                logger: self.logger
            )
            return !updated.isEmpty
        }
    }

    /// Stores `backup` and its track as they are at `instant`. - Returns: the record as shown then;
    /// `nil` when it is gone (and then neither it nor its track is kept).
    private func apply(
        _ track: LifecycleTrack,
        to backup: RDSBackup,
        _ connection: PostgresConnection,
        at instant: Int64
    ) async throws -> RDSBackup? {
        guard let shown = backup.shown(as: track.state(at: instant), track: track) else {
            try await forget(StoredTables.rdsBackups, backup.id, connection)
            return nil
        }
        if shown != backup {
            try await updateFullBackup(StoredTables.rdsBackups, backup.id, shown.status.rawValue, shown.size, shown.endTime.text, connection)
            // A home backup that completes now is copied across regions when its policy says so.
            if shown.status == .completed, backup.status != .completed, backup.offsiteProjectID == nil, track.startedAt != nil {
                try await copyIfDue(connection, shown, at: instant)
            }
        }
        try await keep(track, connection, at: instant)
        return shown
    }

    private func apply(
        _ track: LifecycleTrack,
        to backup: TaurusDBBackup,
        _ connection: PostgresConnection,
        at instant: Int64
    ) async throws -> TaurusDBBackup? {
        guard let shown = backup.shown(as: track.state(at: instant), track: track) else {
            try await forget(StoredTables.taurusDBBackups, backup.id, connection)
            return nil
        }
        if shown != backup {
            try await updateFullBackup(StoredTables.taurusDBBackups, backup.id, shown.status.rawValue, shown.size, shown.endTime.text, connection)
        }
        try await keep(track, connection, at: instant)
        return shown
    }

    /// Writes the three fields a full backup's (RDS, TaurusDB) transitions change.
    private func updateFullBackup(
        _ table: StoredTable,
        _ id: String,
        _ status: String,
        _ size: some PostgresDynamicTypeEncodable,
        _ endTime: String,
        _ connection: PostgresConnection
    ) async throws {
        try await connection.execute(
            "UPDATE \(unescaped: table.name) SET status = \(status), size = \(size), end_time = \(endTime) WHERE id = \(id)",
            logger: logger
        )
    }

    /// Removes a record and its track: it is gone from every list and lookup.
    private func forget(_ table: StoredTable, _ id: String, _ connection: PostgresConnection) async throws {
        try await connection.execute("DELETE FROM \(unescaped: table.name) WHERE \(unescaped: table.key[0]) = \(id)", logger: logger)
        try await connection.execute("DELETE FROM lifecycle_tracks WHERE backup_id = \(id)", logger: logger)
    }

    /// Stores `track` with the next instant after `instant` at which it changes.
    func keep(_ track: LifecycleTrack, _ connection: PostgresConnection, at instant: Int64) async throws {
        try await connection.execute(Self.upsert(StoredTables.lifecycleTracks, StoredValues.of(track, settledThrough: instant)), logger: logger)
    }

    private func apply(
        _ track: LifecycleTrack,
        to backup: DCSBackup,
        _ connection: PostgresConnection,
        at instant: Int64
    ) async throws -> DCSBackup {
        let shown = backup.shown(as: track.state(at: instant), track: track)
        if shown != backup {
            try await connection.execute(
                """
                UPDATE dcs_backups SET status = \(shown.status.rawValue), progress = \(shown.progress), size = \(shown.size),
                    error_code = \(shown.errorCode), is_support_restore = \(shown.isSupportRestore),
                    updated_at = \(shown.updatedAt.text)
                WHERE backup_id = \(backup.backupID)
                """,
                logger: logger
            )
        }
        try await keep(track, connection, at: instant)
        return shown
    }

    /// Whether a fault armed for the instance at or before `instant` applies to a full backup
    /// starting then; a fault that applies is used up (`docs/lifecycle.md` §6.3).
    func takeFault(_ connection: PostgresConnection, instanceID: String, at instant: Int64) async throws -> Bool {
        let deleted = try await connection.rows(
            "DELETE FROM armed_faults WHERE instance_id = \(instanceID) AND armed_at <= \(instant) RETURNING 1",
            logger: logger
        )
        return !deleted.isEmpty
    }

    /// One row's upsert: known keys are updated in place (the totals triggers see an update).
    static func upsert(_ table: StoredTable, _ values: [StoredValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        let placeholders = (1...values.count).map { "$\($0)" }.joined(separator: ", ")
        let updates = table.updatedColumns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return PostgresQuery(
            unsafeSQL: """
                INSERT INTO \(table.name) (\(table.columnList)) VALUES (\(placeholders))
                ON CONFLICT (\(table.key.joined(separator: ", "))) DO UPDATE SET \(updates)
                """,
            binds: binds
        )
    }
}
