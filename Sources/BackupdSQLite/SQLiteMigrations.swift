import BackupdCatalog
import BackupdStorage
import GRDB

/// The SQLite schema as named, append-only migrations: never edit one that has shipped;
/// add the next. The schema holds the invariants (`NOT NULL`, `UNIQUE`, `CHECK`, foreign
/// keys) so that no code path can store a record the API could not serve.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-catalog") { db in
            try db.execute(sql: v1Catalog)
        }
        migrator.registerMigration("v2-credentials") { db in
            try db.execute(sql: v2Credentials)
        }
        migrator.registerMigration("v3-clock") { db in
            try db.execute(sql: v3Clock)
        }
        migrator.registerMigration("v4-lifecycle") { db in
            try db.execute(sql: v4Lifecycle)
        }
        migrator.registerMigration("v5-written-fields") { db in
            try db.execute(sql: v5WrittenFields)
        }
        migrator.registerMigration("v6-policies") { db in
            try db.execute(sql: v6Policies)
        }
        migrator.registerMigration("v7-offsite-policies") { db in
            try db.execute(sql: v7OffsitePolicies)
        }
        migrator.registerMigration("v8-change-log") { db in
            try db.execute(sql: v8ChangeLog)
        }
        return migrator
    }

    /// Lists read `(instance, location, key DESC, id)` ranges, so every list index starts with
    /// the instance and ends with the id: a page is an index range scan in API order, and a
    /// total is a count over a covering index range.
    private static let v1Catalog = """
        CREATE TABLE domains (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
            name TEXT NOT NULL UNIQUE CHECK (name <> '')
        ) STRICT;

        CREATE TABLE projects (
            id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 32),
            domain_id TEXT NOT NULL REFERENCES domains(id),
            name TEXT NOT NULL CHECK (name <> ''),
            UNIQUE (domain_id, name)
        ) STRICT;

        CREATE TABLE users (
            domain_id TEXT NOT NULL REFERENCES domains(id),
            name TEXT NOT NULL CHECK (name <> ''),
            password_digest TEXT,
            -- JSON array of project ids; NULL means every project of the domain.
            project_ids TEXT CHECK (project_ids IS NULL OR json_valid(project_ids)),
            PRIMARY KEY (domain_id, name)
        ) STRICT;

        CREATE TABLE access_keys (
            access TEXT PRIMARY KEY NOT NULL CHECK (access <> ''),
            domain_id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            secret TEXT,
            FOREIGN KEY (domain_id, user_name) REFERENCES users(domain_id, name)
        ) STRICT;

        CREATE TABLE instances (
            id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
            project_id TEXT NOT NULL REFERENCES projects(id),
            service TEXT NOT NULL CHECK (service IN ('rds', 'taurusdb', 'dcs', 'ddm')),
            name TEXT NOT NULL,
            datastore_type TEXT,
            datastore_version TEXT,
            engine TEXT,
            engine_version TEXT,
            related_data_nodes TEXT CHECK (related_data_nodes IS NULL OR json_valid(related_data_nodes)),
            CHECK ((service IN ('rds', 'taurusdb')) = (datastore_type IS NOT NULL AND datastore_version IS NOT NULL))
        ) STRICT;
        CREATE INDEX instances_by_project ON instances(project_id, service);

        CREATE TABLE rds_backups (
            id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
            instance_id TEXT NOT NULL REFERENCES instances(id),
            offsite_project_id TEXT REFERENCES projects(id),
            name TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('auto', 'manual', 'fragment', 'incremental')),
            status TEXT NOT NULL CHECK (status IN ('BUILDING', 'COMPLETED', 'FAILED', 'DELETING')),
            size INTEGER NOT NULL CHECK (size >= 0),
            begin_time TEXT NOT NULL,
            begin_key INTEGER NOT NULL,
            end_time TEXT NOT NULL,
            databases TEXT CHECK (databases IS NULL OR json_valid(databases)),
            associated_with_ddm INTEGER CHECK (associated_with_ddm IN (0, 1)),
            datastore_type TEXT,
            datastore_version TEXT,
            CHECK ((datastore_type IS NULL) = (datastore_version IS NULL))
        ) STRICT;
        CREATE INDEX rds_backups_listing
            ON rds_backups(instance_id, offsite_project_id, begin_key DESC, id, type, status);

        CREATE TABLE taurusdb_backups (
            id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
            instance_id TEXT NOT NULL REFERENCES instances(id),
            name TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('auto', 'manual', 'incremental')),
            begin_time TEXT NOT NULL,
            begin_key INTEGER NOT NULL,
            end_time TEXT NOT NULL,
            size REAL NOT NULL CHECK (size >= 0)
        ) STRICT;
        CREATE INDEX taurusdb_backups_listing ON taurusdb_backups(instance_id, type, begin_key DESC, id);

        CREATE TABLE dcs_backups (
            backup_id TEXT PRIMARY KEY NOT NULL CHECK (backup_id <> ''),
            instance_id TEXT NOT NULL REFERENCES instances(id),
            backup_name TEXT NOT NULL,
            backup_type TEXT NOT NULL CHECK (backup_type IN ('manual', 'auto')),
            status TEXT NOT NULL
                CHECK (status IN ('waiting', 'backuping', 'succeed', 'failed', 'expired', 'deleted')),
            size INTEGER NOT NULL CHECK (size >= 0),
            progress TEXT NOT NULL,
            remark TEXT NOT NULL,
            period TEXT,
            error_code TEXT,
            is_support_restore TEXT NOT NULL CHECK (is_support_restore IN ('TRUE', 'FALSE')),
            created_at TEXT NOT NULL,
            -- created_at in whole seconds: the DCS sort and window key.
            created_key INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_at TEXT NOT NULL,
            execution_at TEXT NOT NULL
        ) STRICT;
        CREATE INDEX dcs_backups_listing ON dcs_backups(instance_id, created_key DESC, backup_id);

        CREATE TABLE ddm_backups (
            id TEXT PRIMARY KEY NOT NULL CHECK (id <> ''),
            instance_id TEXT NOT NULL REFERENCES instances(id),
            name TEXT NOT NULL,
            begin_time TEXT NOT NULL,
            begin_key INTEGER NOT NULL,
            end_time TEXT NOT NULL,
            related_data_nodes TEXT CHECK (related_data_nodes IS NULL OR json_valid(related_data_nodes))
        ) STRICT;
        CREATE INDEX ddm_backups_by_instance ON ddm_backups(instance_id);

        -- Totals without a time window are read from these counters, kept by triggers in the
        -- writing transaction, so a list's total_count costs a few rows however many backups
        -- an instance has, and every node sharing the store sees it as soon as the write commits.
        CREATE TABLE rds_backup_totals (
            instance_id TEXT NOT NULL,
            -- '' for backups at home, else the project holding the cross-region copies.
            holder TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (instance_id, holder, type, status)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER rds_backups_total_insert AFTER INSERT ON rds_backups BEGIN
            INSERT INTO rds_backup_totals VALUES
                (NEW.instance_id, coalesce(NEW.offsite_project_id, ''), NEW.type, NEW.status, 1)
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER rds_backups_total_delete AFTER DELETE ON rds_backups BEGIN
            UPDATE rds_backup_totals SET count = count - 1
                WHERE instance_id = OLD.instance_id AND holder = coalesce(OLD.offsite_project_id, '')
                    AND type = OLD.type AND status = OLD.status;
        END;
        CREATE TRIGGER rds_backups_total_update
            AFTER UPDATE OF instance_id, offsite_project_id, type, status ON rds_backups BEGIN
            UPDATE rds_backup_totals SET count = count - 1
                WHERE instance_id = OLD.instance_id AND holder = coalesce(OLD.offsite_project_id, '')
                    AND type = OLD.type AND status = OLD.status;
            INSERT INTO rds_backup_totals VALUES
                (NEW.instance_id, coalesce(NEW.offsite_project_id, ''), NEW.type, NEW.status, 1)
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;

        CREATE TABLE taurusdb_backup_totals (
            instance_id TEXT NOT NULL,
            type TEXT NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0),
            PRIMARY KEY (instance_id, type)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER taurusdb_backups_total_insert AFTER INSERT ON taurusdb_backups BEGIN
            INSERT INTO taurusdb_backup_totals VALUES (NEW.instance_id, NEW.type, 1)
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER taurusdb_backups_total_delete AFTER DELETE ON taurusdb_backups BEGIN
            UPDATE taurusdb_backup_totals SET count = count - 1 WHERE instance_id = OLD.instance_id AND type = OLD.type;
        END;
        CREATE TRIGGER taurusdb_backups_total_update AFTER UPDATE OF instance_id, type ON taurusdb_backups BEGIN
            UPDATE taurusdb_backup_totals SET count = count - 1 WHERE instance_id = OLD.instance_id AND type = OLD.type;
            INSERT INTO taurusdb_backup_totals VALUES (NEW.instance_id, NEW.type, 1)
                ON CONFLICT DO UPDATE SET count = count + 1;
        END;

        CREATE TABLE dcs_backup_totals (
            instance_id TEXT PRIMARY KEY NOT NULL,
            count INTEGER NOT NULL CHECK (count >= 0)
        ) STRICT, WITHOUT ROWID;
        CREATE TRIGGER dcs_backups_total_insert AFTER INSERT ON dcs_backups BEGIN
            INSERT INTO dcs_backup_totals VALUES (NEW.instance_id, 1) ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        CREATE TRIGGER dcs_backups_total_delete AFTER DELETE ON dcs_backups BEGIN
            UPDATE dcs_backup_totals SET count = count - 1 WHERE instance_id = OLD.instance_id;
        END;
        CREATE TRIGGER dcs_backups_total_update AFTER UPDATE OF instance_id ON dcs_backups BEGIN
            UPDATE dcs_backup_totals SET count = count - 1 WHERE instance_id = OLD.instance_id;
            INSERT INTO dcs_backup_totals VALUES (NEW.instance_id, 1) ON CONFLICT DO UPDATE SET count = count + 1;
        END;
        """

    /// Issued IAM tokens (only their SHA-256) and the signature-failure state of access keys,
    /// both in the store so that every node sharing it accepts the same tokens and sees the
    /// same locks (`docs/auth.md` §2.3, §4.5).
    private static let v2Credentials = """
        CREATE TABLE tokens (
            digest TEXT PRIMARY KEY NOT NULL CHECK (length(digest) = 64),
            domain_id TEXT NOT NULL,
            user_name TEXT NOT NULL,
            -- NULL for a domain-scoped token.
            project_id TEXT,
            issued_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL CHECK (expires_at > issued_at),
            FOREIGN KEY (domain_id, user_name) REFERENCES users(domain_id, name) ON DELETE CASCADE
        ) STRICT;
        CREATE INDEX tokens_by_expiry ON tokens(expires_at);

        CREATE TABLE signature_failures (
            access TEXT PRIMARY KEY NOT NULL REFERENCES access_keys(access) ON DELETE CASCADE,
            consecutive_failures INTEGER NOT NULL CHECK (consecutive_failures >= 0),
            locked_until INTEGER
        ) STRICT;
        """

    /// The catalog clock, the phase timings and the armed faults (`docs/lifecycle.md` §5), one row
    /// each for the first two, in the store so that every process on the file runs the same.
    private static let v3Clock = """
        CREATE TABLE catalog_clock (
            only_row INTEGER PRIMARY KEY NOT NULL CHECK (only_row = 1),
            offset_ms INTEGER NOT NULL,
            -- The reading while frozen; NULL while the clock runs.
            frozen_at INTEGER
        ) STRICT;
        INSERT INTO catalog_clock VALUES (1, 0, NULL);

        CREATE TABLE lifecycle_timings (
            only_row INTEGER PRIMARY KEY NOT NULL CHECK (only_row = 1),
            rds_building INTEGER NOT NULL CHECK (rds_building BETWEEN 0 AND 86400),
            rds_deleting INTEGER NOT NULL CHECK (rds_deleting BETWEEN 0 AND 86400),
            taurusdb_building INTEGER NOT NULL CHECK (taurusdb_building BETWEEN 0 AND 86400),
            dcs_waiting INTEGER NOT NULL CHECK (dcs_waiting BETWEEN 0 AND 86400),
            dcs_backuping INTEGER NOT NULL CHECK (dcs_backuping BETWEEN 0 AND 86400)
        ) STRICT;
        INSERT INTO lifecycle_timings VALUES (1, 60, 10, 60, 5, 60);

        CREATE TABLE armed_faults (
            instance_id TEXT PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            armed_at INTEGER NOT NULL
        ) STRICT;
        """

    /// The tracks of lifecycle records (`LifecycleTrack`): what their state at any clock time is
    /// computed from, and the next instant each changes, which `settle` finds by index. Creates
    /// check names by index too (`docs/lifecycle.md` §7).
    private static let v4Lifecycle = """
        CREATE TABLE lifecycle_tracks (
            backup_id TEXT PRIMARY KEY NOT NULL CHECK (backup_id <> ''),
            service TEXT NOT NULL CHECK (service IN ('rds', 'taurusdb', 'dcs', 'ddm')),
            instance_id TEXT NOT NULL REFERENCES instances(id),
            -- NULL for a seeded record that a delete reached.
            started_at INTEGER,
            waiting_ms INTEGER NOT NULL CHECK (waiting_ms >= 0),
            building_ms INTEGER NOT NULL CHECK (building_ms >= 0),
            fails INTEGER NOT NULL CHECK (fails IN (0, 1)),
            deleted_at INTEGER,
            deleting_ms INTEGER NOT NULL CHECK (deleting_ms >= 0),
            retired_at INTEGER,
            retention_ms INTEGER,
            -- The next instant the record changes; NULL when it never will.
            next_change INTEGER
        ) STRICT;
        CREATE INDEX lifecycle_tracks_due ON lifecycle_tracks(next_change) WHERE next_change IS NOT NULL;
        CREATE INDEX lifecycle_tracks_by_instance ON lifecycle_tracks(instance_id);
        CREATE INDEX rds_backups_by_name ON rds_backups(instance_id, name);
        """

    /// What the TaurusDB and DDM write APIs add to their records (`docs/lifecycle.md` §4.8, §4.12):
    /// a status and a description, DDM's size and type; seeded records keep the defaults.
    private static let v5WrittenFields = """
        ALTER TABLE taurusdb_backups ADD COLUMN status TEXT NOT NULL DEFAULT 'COMPLETED'
            CHECK (status IN ('BUILDING', 'COMPLETED', 'FAILED'));
        ALTER TABLE taurusdb_backups ADD COLUMN description TEXT;
        ALTER TABLE ddm_backups ADD COLUMN status TEXT NOT NULL DEFAULT 'normal'
            CHECK (status IN ('normal', 'createfail', 'deleted'));
        ALTER TABLE ddm_backups ADD COLUMN description TEXT NOT NULL DEFAULT '';
        ALTER TABLE ddm_backups ADD COLUMN file_size REAL NOT NULL DEFAULT 0 CHECK (file_size >= 0);
        ALTER TABLE ddm_backups ADD COLUMN backup_type TEXT NOT NULL DEFAULT 'auto_metadata'
            CHECK (backup_type IN ('auto_metadata', 'metadata'));
        CREATE INDEX ddm_backups_listing ON ddm_backups(instance_id, begin_key DESC, id);
        """

    /// Backup policies (`docs/lifecycle.md` §8): one per instance, of its service's kind, with how
    /// far the scheduler has made its instants and the next one, which `settle` finds by index.
    private static let v6Policies = """
        CREATE TABLE backup_policies (
            instance_id TEXT PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('full', 'dcs', 'ddm')),
            keep_days INTEGER,
            start_time TEXT,
            period TEXT,
            dcs_backup_type TEXT CHECK (dcs_backup_type IS NULL OR dcs_backup_type IN ('auto', 'manual')),
            save_days INTEGER,
            backup_at TEXT,
            period_type TEXT,
            begin_at TEXT,
            timezone_offset TEXT,
            since INTEGER NOT NULL,
            scheduled_through INTEGER NOT NULL,
            chain_start INTEGER,
            incremental_floor INTEGER,
            policy_id TEXT,
            created_at INTEGER,
            -- The next instant the scheduler makes a backup at; NULL while it makes none.
            next_run INTEGER,
            -- The id prefix of the instance's incremental chain (`IncrementalSeries`).
            series_prefix TEXT
        ) STRICT;
        CREATE INDEX backup_policies_due ON backup_policies(next_run) WHERE next_run IS NOT NULL;
        CREATE INDEX backup_policies_by_series ON backup_policies(series_prefix) WHERE series_prefix IS NOT NULL;
        """

    /// Cross-region policies of RDS instances (`docs/lifecycle.md` §8.3).
    private static let v7OffsitePolicies = """
        CREATE TABLE offsite_policies (
            instance_id TEXT PRIMARY KEY NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            copies_auto INTEGER NOT NULL CHECK (copies_auto IN (0, 1)),
            copies_incremental INTEGER NOT NULL CHECK (copies_incremental IN (0, 1)),
            copies_manual INTEGER NOT NULL CHECK (copies_manual IN (0, 1)),
            keep_days INTEGER NOT NULL CHECK (keep_days BETWEEN 0 AND 1825),
            destination_region TEXT NOT NULL,
            destination_project_id TEXT NOT NULL,
            incremental_floor INTEGER
        ) STRICT;
        -- The home incrementals whose copies the policy made: from first_begin (NULL: the start
        -- of the home chain, not known yet) through last_begin (NULL: still open).
        CREATE TABLE offsite_incremental_segments (
            instance_id TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
            first_begin INTEGER,
            last_begin INTEGER
        ) STRICT;
        CREATE INDEX offsite_incremental_segments_by_instance ON offsite_incremental_segments(instance_id);
        """

    /// The change log (`ChangeLogging`, `docs/architecture.md` "Caches"): the revision, and the
    /// scopes each revision touched. Triggers note every row's scope in `pending_changes` during a
    /// write transaction; the write ends by turning them into the next revision's rows
    /// (`SQLiteCatalogStore.logChanges`). Once `*` is pending nothing else needs noting, so a
    /// seed load notes `*` first and its rows cost the triggers one index probe each.
    private static let v8ChangeLog = """
        CREATE TABLE catalog_revision (
            only_row INTEGER PRIMARY KEY NOT NULL CHECK (only_row = 1),
            revision INTEGER NOT NULL
        ) STRICT;
        INSERT INTO catalog_revision VALUES (1, 1);
        CREATE TABLE catalog_changes (
            revision INTEGER NOT NULL,
            scope TEXT NOT NULL,
            PRIMARY KEY (revision, scope)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE pending_changes (scope TEXT PRIMARY KEY NOT NULL) STRICT, WITHOUT ROWID;
        -- The last step of the incremental chains a settle logged (`IncrementalSeries.step`).
        CREATE TABLE settle_marks (
            only_row INTEGER PRIMARY KEY NOT NULL CHECK (only_row = 1),
            chains_step INTEGER
        ) STRICT;
        INSERT INTO settle_marks VALUES (1, NULL);
        """ + ChangeLogging.tables.map(changeTriggers).joined(separator: "\n")

    private static func changeTriggers(_ table: ChangeLogging.LoggedTable) -> String {
        let unlessEverything = "WHEN NOT EXISTS (SELECT 1 FROM pending_changes WHERE scope = '\(ChangeScope.Logged.everything)')"
        // `WHERE NOT EXISTS`, not `OR IGNORE`: an outer statement's conflict clause (an upsert's)
        // would override the trigger's.
        func note(_ row: String) -> String {
            let scope = table.expression(row: row)
            return "INSERT INTO pending_changes SELECT \(scope) WHERE NOT EXISTS (SELECT 1 FROM pending_changes WHERE scope = \(scope));"
        }
        func trigger(_ operation: String, _ rows: [String]) -> String {
            """
            CREATE TRIGGER \(table.name)_log_\(operation.lowercased()) AFTER \(operation) ON \(table.name) \(unlessEverything)
            BEGIN \(rows.map(note).joined(separator: " ")) END;
            """
        }
        return [
            trigger("INSERT", ["NEW."]),
            trigger("UPDATE", ["OLD.", "NEW."]),
            trigger("DELETE", ["OLD."]),
        ].joined(separator: "\n")
    }
}
