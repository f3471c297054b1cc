public import BackupdCatalog
import BackupdStorage
import GRDB

/// The write side: lifecycle records moved along the clock, creates and deletes
/// (`docs/lifecycle.md` §6, §7). SQLite has one writer, so a write transaction's checks and its
/// write are atomic against every other process on the file.
extension SQLiteCatalogStore {
    public func nextTransition(after instant: Int64) async throws -> Int64? {
        try await read { db in
            let step = IncrementalSeries.step
            return try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT min(next) FROM (
                            SELECT min(next_change) AS next FROM lifecycle_tracks WHERE next_change IS NOT NULL
                            UNION ALL SELECT min(next_run) FROM backup_policies WHERE next_run IS NOT NULL
                            UNION ALL SELECT ? WHERE EXISTS (SELECT 1 FROM backup_policies WHERE chain_start IS NOT NULL)
                        )
                        """
                ),
                arguments: [(instant >= 0 ? instant / step : (instant - step + 1) / step) * step + step]
            )
        }
    }

    public func nextTransition(after instant: Int64, ofInstances instanceIDs: [String]) async throws -> Int64? {
        guard !instanceIDs.isEmpty else { return nil }
        return try await read { db in
            let step = IncrementalSeries.step
            let boundary = (instant >= 0 ? instant / step : (instant - step + 1) / step) * step + step
            // One statement per number of instances (an answer reads one or a few), cached.
            let ids = Array(repeating: "?", count: instanceIDs.count).joined(separator: ", ")
            var arguments = StatementArguments(instanceIDs)
            arguments += StatementArguments(instanceIDs)
            arguments += [boundary]
            arguments += StatementArguments(instanceIDs)
            return try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT min(next) FROM (
                            SELECT min(next_change) AS next FROM lifecycle_tracks
                                WHERE instance_id IN (\(ids)) AND next_change IS NOT NULL
                            UNION ALL SELECT min(next_run) FROM backup_policies WHERE instance_id IN (\(ids)) AND next_run IS NOT NULL
                            UNION ALL SELECT ? WHERE EXISTS (
                                SELECT 1 FROM backup_policies WHERE instance_id IN (\(ids)) AND chain_start IS NOT NULL)
                        )
                        """
                ),
                arguments: arguments
            )
        }
    }

    @discardableResult
    public func settle(through instant: Int64) async throws -> Int {
        try await write { db in try Self.settle(db, through: instant) }
    }

    public func createRDSBackup(_ backup: RDSBackup, of instance: Instance, at instant: Int64) async throws -> RDSBackup {
        try await write { db in
            try Self.settle(db, through: instant)
            let building = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM lifecycle_tracks t JOIN rds_backups b ON b.id = t.backup_id
                            WHERE t.instance_id = ? AND b.status = 'BUILDING' AND b.type IN ('manual', 'auto'))
                        """
                ),
                arguments: [instance.id]
            )
            guard building != true else { throw BackupRefusal.inProgress }
            let taken = try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT EXISTS (SELECT 1 FROM rds_backups WHERE instance_id = ? AND name = ? AND offsite_project_id IS NULL)"
                ),
                arguments: [instance.id, backup.name]
            )
            guard taken != true else { throw BackupRefusal.nameTaken }
            let timings = try Self.timings(db)
            let track = LifecycleTrack(
                backupID: backup.id,
                service: .rds,
                instanceID: instance.id,
                startedAt: backup.beginTime.instant,
                buildingMilliseconds: Int64(timings.rdsBuilding) * 1000,
                fails: try Self.takeFault(db, instanceID: instance.id, at: instant)
            )
            try db.run(StoredTables.rdsBackups.sqliteUpsert, arguments: StatementArguments(StoredValues.of(.rds(backup))))
            return try Self.apply(track, to: backup, db, at: instant) ?? backup
        }
    }

    public func deleteRDSBackups(ids: [String], inProject projectID: String, at instant: Int64) async throws -> [RDSDeletion] {
        try await write { db in
            try Self.settle(db, through: instant)
            let deleting = Int64(try Self.timings(db).rdsDeleting) * 1000
            return try ids.map { id in
                guard CatalogText.isStorable(id),
                    let backup = try fetchOne(
                        db,
                        """
                        SELECT \(StoredTables.rdsBackups.columnList(as: "b")) FROM rds_backups b JOIN instances i ON i.id = b.instance_id
                        WHERE b.id = ? AND b.offsite_project_id IS NULL AND i.project_id = ? AND i.service = 'rds'
                        """,
                        [id, projectID],
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
                    try fetchOne(db, "\(StoredTables.lifecycleTracks.select) WHERE backup_id = ?", [id], StoredRecords.track)
                    ?? LifecycleTrack(backupID: id, service: .rds, instanceID: backup.instanceID, startedAt: nil)
                track.deletedAt = instant
                track.deletingMilliseconds = deleting
                _ = try Self.apply(track, to: backup, db, at: instant)
                return .deleted
            }
        }
    }

    public func createTaurusDBBackup(_ backup: TaurusDBBackup, of instance: Instance, at instant: Int64) async throws -> TaurusDBBackup {
        try await write { db in
            try Self.settle(db, through: instant)
            let building = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM lifecycle_tracks t JOIN taurusdb_backups b ON b.id = t.backup_id
                            WHERE t.instance_id = ? AND b.status = 'BUILDING' AND b.type IN ('manual', 'auto'))
                        """
                ),
                arguments: [instance.id]
            )
            guard building != true else { throw BackupRefusal.inProgress }
            let track = LifecycleTrack(
                backupID: backup.id,
                service: .taurusdb,
                instanceID: instance.id,
                startedAt: backup.beginTime.instant,
                buildingMilliseconds: Int64(try Self.timings(db).taurusDBBuilding) * 1000,
                fails: try Self.takeFault(db, instanceID: instance.id, at: instant)
            )
            try db.run(
                StoredTables.taurusDBBackups.sqliteUpsert,
                arguments: StatementArguments(StoredValues.of(.taurusdb(backup)))
            )
            return try Self.apply(track, to: backup, db, at: instant) ?? backup
        }
    }

    public func deleteTaurusDBBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> TaurusDBDeletion {
        guard CatalogText.isStorable(id) else { return .notFound }
        return try await write { db in
            try Self.settle(db, through: instant)
            guard
                let backup = try fetchOne(
                    db,
                    """
                    SELECT \(StoredTables.taurusDBBackups.columnList(as: "b")) FROM taurusdb_backups b
                    JOIN instances i ON i.id = b.instance_id
                    WHERE b.id = ? AND i.project_id = ? AND i.service = 'taurusdb'
                    """,
                    [id, projectID],
                    StoredRecords.taurusDBBackup
                )
            else { return .notFound }
            guard backup.type == .manual else { return .notManual }
            guard backup.status != .building else { return .building }
            try Self.forget(StoredTables.taurusDBBackups, id, db)
            return .deleted(name: backup.name)
        }
    }

    public func createDCSBackup(_ backup: DCSBackup, of instance: Instance, at instant: Int64) async throws -> DCSBackup {
        try await write { db in
            try Self.settle(db, through: instant)
            let running = try Bool.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM lifecycle_tracks t JOIN dcs_backups b ON b.backup_id = t.backup_id
                            WHERE t.instance_id = ? AND b.status IN ('waiting', 'backuping'))
                        """
                ),
                arguments: [instance.id]
            )
            guard running != true else { throw BackupRefusal.inProgress }
            let timings = try Self.timings(db)
            let track = LifecycleTrack(
                backupID: backup.backupID,
                service: .dcs,
                instanceID: instance.id,
                startedAt: backup.createdAt.instant,
                waitingMilliseconds: Int64(timings.dcsWaiting) * 1000,
                buildingMilliseconds: Int64(timings.dcsBackuping) * 1000,
                fails: try Self.takeFault(db, instanceID: instance.id, at: instant)
            )
            let backup = backup.planned(by: track)
            try db.run(StoredTables.dcsBackups.sqliteUpsert, arguments: StatementArguments(StoredValues.of(.dcs(backup))))
            let shown = try Self.apply(track, to: backup, db, at: instant)
            try Self.capDCSRecords(db, instanceID: instance.id)
            return shown
        }
    }

    public func deleteDCSBackup(id: String, instanceID: String, at instant: Int64) async throws -> DCSDeletion {
        guard CatalogText.isStorable(id) else { return .notFound }
        return try await write { db in
            try Self.settle(db, through: instant)
            guard
                let backup = try fetchOne(
                    db,
                    "\(StoredTables.dcsBackups.select) WHERE backup_id = ? AND instance_id = ?",
                    [id, instanceID],
                    StoredRecords.dcsBackup
                )
            else { return .notFound }
            switch backup.status {
            case .waiting, .backuping: return .inProgress
            case .deleted: return .deleted
            case .succeed, .failed, .expired: break
            }
            var track =
                try fetchOne(db, "\(StoredTables.lifecycleTracks.select) WHERE backup_id = ?", [id], StoredRecords.track)
                ?? LifecycleTrack(backupID: id, service: .dcs, instanceID: instanceID, startedAt: nil)
            track.deletedAt = instant
            _ = try Self.apply(track, to: backup, db, at: instant)
            return .deleted
        }
    }

    public func deleteDDMBackup(id: String, inProject projectID: String, at instant: Int64) async throws -> Bool {
        guard CatalogText.isStorable(id) else { return false }
        return try await write { db in
            try Self.settle(db, through: instant)
            try db.run(
                """
                UPDATE ddm_backups SET status = 'deleted' WHERE id = ? AND status <> 'deleted'
                    AND instance_id IN (SELECT id FROM instances WHERE project_id = ? AND service = 'ddm')
                """,
                arguments: [id, projectID]
            )
            return db.changesCount > 0
        }
    }

    /// Removes the oldest lifecycle records of a DCS instance beyond the cap (`docs/lifecycle.md` §8.4).
    static func capDCSRecords(_ db: Database, instanceID: String) throws {
        let excess = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT b.backup_id FROM lifecycle_tracks t JOIN dcs_backups b ON b.backup_id = t.backup_id
                    WHERE t.instance_id = ? ORDER BY b.created_ms DESC, b.backup_id DESC LIMIT -1 OFFSET ?
                    """
            ),
            arguments: [instanceID, DCSRetention.recordCap]
        )
        for id in excess {
            try forget(StoredTables.dcsBackups, id, db)
        }
    }

    /// Writes down every change due through `instant`: first the backups the policies make by
    /// then (`Scheduler`), then every record's changes, oldest first. - Returns: the backups made.
    @discardableResult
    static func settle(_ db: Database, through instant: Int64) throws -> Int {
        let made = try runSchedules(db, through: instant)
        let due = try fetchAll(
            db,
            "\(StoredTables.lifecycleTracks.select) WHERE next_change <= ? ORDER BY next_change, backup_id",
            [instant],
            StoredRecords.track
        )
        for track in due {
            let table = StoredTables.backups(of: track.service)
            let row = try fetchOne(db, "\(table.select) WHERE \(table.key[0]) = ?", [track.backupID]) {
                try StoredRecords.backup(of: track.service, $0)
            }
            if let row {
                try applyAny(track, to: row, db, at: instant)
            } else {
                try db.run("DELETE FROM lifecycle_tracks WHERE backup_id = ?", arguments: [track.backupID])
            }
        }
        try noteChainStep(db, through: instant)
        return made
    }

    /// Every computed incremental chain gains a record at each step of the clock, which no row
    /// shows: a settle into a later step than the last one logs `chains` (`ChangeScope`).
    static func noteChainStep(_ db: Database, through instant: Int64) throws {
        let step = IncrementalSeries.step
        let index = instant >= 0 ? instant / step : (instant - step + 1) / step
        try db.run(
            """
            UPDATE settle_marks SET chains_step = ?
            WHERE (chains_step IS NULL OR chains_step < ?) AND EXISTS (SELECT 1 FROM backup_policies WHERE chain_start IS NOT NULL)
            """,
            arguments: [index, index]
        )
        if db.changesCount > 0 {
            try db.run("INSERT OR IGNORE INTO pending_changes VALUES ('\(ChangeScope.Logged.chains)')")
        }
    }

    /// Stores any backup and its track as they are at `instant`.
    static func applyAny(_ track: LifecycleTrack, to backup: Backup, _ db: Database, at instant: Int64) throws {
        switch backup {
        case .rds(let backup): _ = try apply(track, to: backup, db, at: instant)
        case .taurusdb(let backup): _ = try apply(track, to: backup, db, at: instant)
        case .dcs(let backup): _ = try apply(track, to: backup, db, at: instant)
        case .ddm(let backup):
            if track.state(at: instant) == .gone {
                try forget(StoredTables.ddmBackups, backup.id, db)
            } else {
                try keep(track, db, at: instant)
            }
        }
    }

    /// Stores `backup` and its track as they are at `instant`. - Returns: the record as shown then;
    /// `nil` when it is gone (and then neither it nor its track is kept).
    private static func apply(_ track: LifecycleTrack, to backup: RDSBackup, _ db: Database, at instant: Int64) throws -> RDSBackup? {
        guard let shown = backup.shown(as: track.state(at: instant), track: track) else {
            try forget(StoredTables.rdsBackups, backup.id, db)
            return nil
        }
        if shown != backup {
            try updateFullBackup(StoredTables.rdsBackups, backup.id, shown.status.rawValue, shown.size, shown.endTime.text, db)
            // A home backup that completes now is copied across regions when its policy says so.
            if shown.status == .completed, backup.status != .completed, backup.offsiteProjectID == nil, track.startedAt != nil {
                try copyIfDue(db, shown, at: instant)
            }
        }
        try keep(track, db, at: instant)
        return shown
    }

    private static func apply(_ track: LifecycleTrack, to backup: TaurusDBBackup, _ db: Database, at instant: Int64) throws -> TaurusDBBackup? {
        guard let shown = backup.shown(as: track.state(at: instant), track: track) else {
            try forget(StoredTables.taurusDBBackups, backup.id, db)
            return nil
        }
        if shown != backup {
            try updateFullBackup(StoredTables.taurusDBBackups, backup.id, shown.status.rawValue, shown.size, shown.endTime.text, db)
        }
        try keep(track, db, at: instant)
        return shown
    }

    /// Writes the three fields a full backup's (RDS, TaurusDB) transitions change.
    private static func updateFullBackup(
        _ table: StoredTable,
        _ id: String,
        _ status: String,
        _ size: some DatabaseValueConvertible,
        _ endTime: String,
        _ db: Database
    ) throws {
        try db.run("UPDATE \(table.name) SET status = ?, size = ?, end_time = ? WHERE id = ?", arguments: [status, size, endTime, id])
    }

    /// Removes a record and its track: it is gone from every list and lookup.
    private static func forget(_ table: StoredTable, _ id: String, _ db: Database) throws {
        try db.run("DELETE FROM \(table.name) WHERE \(table.key[0]) = ?", arguments: [id])
        try db.run("DELETE FROM lifecycle_tracks WHERE backup_id = ?", arguments: [id])
    }

    /// Stores `track` with the next instant after `instant` at which it changes.
    static func keep(_ track: LifecycleTrack, _ db: Database, at instant: Int64) throws {
        try db.run(
            StoredTables.lifecycleTracks.sqliteUpsert,
            arguments: StatementArguments(StoredValues.of(track, settledThrough: instant))
        )
    }

    private static func apply(_ track: LifecycleTrack, to backup: DCSBackup, _ db: Database, at instant: Int64) throws -> DCSBackup {
        let shown = backup.shown(as: track.state(at: instant), track: track)
        if shown != backup {
            try db.run(
                """
                UPDATE dcs_backups SET status = ?, progress = ?, size = ?, error_code = ?, is_support_restore = ?,
                    updated_at = ? WHERE backup_id = ?
                """,
                arguments: [
                    shown.status.rawValue, shown.progress, shown.size, shown.errorCode, shown.isSupportRestore,
                    shown.updatedAt.text, backup.backupID,
                ]
            )
        }
        try keep(track, db, at: instant)
        return shown
    }

    /// Whether a fault armed for the instance at or before `instant` applies to a full backup
    /// starting then; a fault that applies is used up (`docs/lifecycle.md` §6.3).
    static func takeFault(_ db: Database, instanceID: String, at instant: Int64) throws -> Bool {
        guard
            let armed = try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT armed_at FROM armed_faults WHERE instance_id = ?"),
                arguments: [instanceID]
            ),
            armed <= instant
        else { return false }
        try db.run("DELETE FROM armed_faults WHERE instance_id = ?", arguments: [instanceID])
        return true
    }
}
