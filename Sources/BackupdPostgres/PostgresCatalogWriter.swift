import BackupdCatalog
import Logging
import PostgresNIO

/// Writes a `CatalogContent` inside the caller's transaction as keyed upserts, a few hundred rows
/// per statement (multi-row `VALUES … ON CONFLICT DO UPDATE`): records with known keys are updated
/// in place, and the totals triggers see each batch once.
struct PostgresCatalogWriter {
    let connection: PostgresConnection
    let logger: Logger
    let statementTimeout: Duration
    let progress: @Sendable (Int) -> Void

    /// One bound value of a row.
    enum Value {
        case text(String?)
        case integer(Int64?)
        case real(Double)
        case boolean(Bool?)
    }

    /// One table's upsert: the columns written and the conflict key.
    struct Table {
        let name: String
        let columns: [String]
        let key: [String]

        var rowsPerStatement: Int { max(1, 16_000 / columns.count) }
    }

    func write(_ content: CatalogContent) async throws {
        var written = 0
        func report(_ count: Int) {
            let before = written / 10_000
            written += count
            if written / 10_000 != before { progress(written) }
        }
        try await upsert(Self.domains, content.domains.map { [.text($0.id), .text($0.name)] }, report)
        try await upsert(Self.projects, content.projects.map { [.text($0.id), .text($0.domainID), .text($0.name)] }, report)
        try await upsert(
            Self.users,
            content.users.map {
                [.text($0.domainID), .text($0.name), .text($0.passwordDigest), .text(StoredJSON.encode($0.projectIDs))]
            },
            report
        )
        try await upsert(
            Self.accessKeys,
            content.accessKeys.map { [.text($0.access), .text($0.domainID), .text($0.userName), .text($0.secret)] },
            report
        )
        try await upsert(Self.instances, content.instances.map(Self.row), report)
        var rds: [[Value]] = []
        var taurusDB: [[Value]] = []
        var dcs: [[Value]] = []
        var ddm: [[Value]] = []
        for backup in content.backups {
            switch backup {
            case .rds(let b): rds.append(Self.row(b))
            case .taurusdb(let b): taurusDB.append(Self.row(b))
            case .dcs(let b): dcs.append(Self.row(b))
            case .ddm(let b): ddm.append(Self.row(b))
            }
        }
        try await upsert(Self.rdsBackups, rds, report)
        try await upsert(Self.taurusDBBackups, taurusDB, report)
        try await upsert(Self.dcsBackups, dcs, report)
        try await upsert(Self.ddmBackups, ddm, report)
        progress(written)
    }

    /// Upserts `rows` in statements of `rowsPerStatement`. A key given twice keeps its last
    /// values, as one upsert after another would (one statement cannot update a row twice).
    private func upsert(_ table: Table, _ rows: [[Value]], _ report: (Int) -> Void) async throws {
        guard !rows.isEmpty else { return }
        let keyColumns = table.key.map { table.columns.firstIndex(of: $0)! }
        var lastPosition: [[String]: Int] = [:]
        for (position, row) in rows.enumerated() {
            lastPosition[keyColumns.map { column in if case .text(let value?) = row[column] { value } else { "" } }] = position
        }
        let unique =
            lastPosition.count == rows.count
            ? rows : lastPosition.values.sorted().map { rows[$0] }
        let updates = table.columns.filter { !table.key.contains($0) }.map { "\($0) = excluded.\($0)" }
        let prefix = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES "
        let suffix =
            " ON CONFLICT (\(table.key.joined(separator: ", "))) DO "
            + (updates.isEmpty ? "NOTHING" : "UPDATE SET \(updates.joined(separator: ", "))")
        for start in stride(from: 0, to: unique.count, by: table.rowsPerStatement) {
            let batch = unique[start..<min(start + table.rowsPerStatement, unique.count)]
            var binds = PostgresBindings(capacity: batch.count * table.columns.count)
            var sql = prefix
            sql.reserveCapacity(prefix.count + batch.count * table.columns.count * 7 + suffix.count)
            var placeholder = 0
            for (index, row) in batch.enumerated() {
                sql += index == 0 ? "(" : ", ("
                for (column, value) in row.enumerated() {
                    placeholder += 1
                    sql += column == 0 ? "$\(placeholder)" : ", $\(placeholder)"
                    switch value {
                    case .text(let text): binds.append(text)
                    case .integer(let integer): binds.append(integer)
                    case .real(let real): binds.append(real)
                    case .boolean(let boolean): binds.append(boolean)
                    }
                }
                sql += ")"
            }
            sql += suffix
            let query = PostgresQuery(unsafeSQL: sql, binds: binds)
            let connection = self.connection
            let logger = self.logger
            try await Deadline.run(after: statementTimeout, orWhenClosed: connection.closeFuture) {
                try await connection.execute(query, logger: logger)
            }
            report(batch.count)
        }
    }

    // MARK: - Tables and rows

    static let domains = Table(name: "domains", columns: ["id", "name"], key: ["id"])
    static let projects = Table(name: "projects", columns: ["id", "domain_id", "name"], key: ["id"])
    static let users = Table(
        name: "users",
        columns: ["domain_id", "name", "password_digest", "project_ids"],
        key: ["domain_id", "name"]
    )
    static let accessKeys = Table(name: "access_keys", columns: ["access", "domain_id", "user_name", "secret"], key: ["access"])
    static let instances = Table(
        name: "instances",
        columns: [
            "id", "project_id", "service", "name", "datastore_type", "datastore_version", "engine", "engine_version",
            "related_data_nodes",
        ],
        key: ["id"]
    )
    static let rdsBackups = Table(
        name: "rds_backups",
        columns: [
            "id", "instance_id", "offsite_project_id", "name", "type", "status", "size", "begin_time", "begin_key",
            "end_time", "databases", "associated_with_ddm", "datastore_type", "datastore_version",
        ],
        key: ["id"]
    )
    static let taurusDBBackups = Table(
        name: "taurusdb_backups",
        columns: ["id", "instance_id", "name", "type", "begin_time", "begin_key", "end_time", "size"],
        key: ["id"]
    )
    static let dcsBackups = Table(
        name: "dcs_backups",
        columns: [
            "backup_id", "instance_id", "backup_name", "backup_type", "status", "size", "progress", "remark", "period",
            "error_code", "is_support_restore", "created_at", "created_key", "created_ms", "updated_at", "execution_at",
        ],
        key: ["backup_id"]
    )
    static let ddmBackups = Table(
        name: "ddm_backups",
        columns: ["id", "instance_id", "name", "begin_time", "begin_key", "end_time", "related_data_nodes"],
        key: ["id"]
    )

    private static func row(_ instance: Instance) -> [Value] {
        [
            .text(instance.id), .text(instance.projectID), .text(instance.service.rawValue), .text(instance.name),
            .text(instance.datastore?.type), .text(instance.datastore?.version), .text(instance.engine),
            .text(instance.engineVersion), .text(StoredJSON.encode(instance.relatedDataNodes)),
        ]
    }

    private static func row(_ b: RDSBackup) -> [Value] {
        [
            .text(b.id), .text(b.instanceID), .text(b.offsiteProjectID), .text(b.name), .text(b.type.rawValue),
            .text(b.status.rawValue), .integer(b.size), .text(b.beginTime.text), .integer(b.beginTime.epochSeconds),
            .text(b.endTime.text), .text(StoredJSON.encode(b.databases)), .boolean(b.associatedWithDDM),
            .text(b.datastore?.type), .text(b.datastore?.version),
        ]
    }

    private static func row(_ b: TaurusDBBackup) -> [Value] {
        [
            .text(b.id), .text(b.instanceID), .text(b.name), .text(b.type.rawValue), .text(b.beginTime.text),
            .integer(b.beginTime.epochSeconds), .text(b.endTime.text), .real(b.size),
        ]
    }

    private static func row(_ b: DCSBackup) -> [Value] {
        [
            .text(b.backupID), .text(b.instanceID), .text(b.backupName), .text(b.backupType.rawValue),
            .text(b.status.rawValue), .integer(b.size), .text(b.progress), .text(b.remark), .text(b.period),
            .text(b.errorCode), .text(b.isSupportRestore), .text(b.createdAt.text), .integer(b.createdAt.epochSeconds),
            .integer(b.createdAt.instant), .text(b.updatedAt.text), .text(b.executionAt.text),
        ]
    }

    private static func row(_ b: DDMBackup) -> [Value] {
        [
            .text(b.id), .text(b.instanceID), .text(b.name), .text(b.beginTime.text), .integer(b.beginTime.epochSeconds),
            .text(b.endTime.text), .text(StoredJSON.encode(b.relatedDataNodes)),
        ]
    }
}
