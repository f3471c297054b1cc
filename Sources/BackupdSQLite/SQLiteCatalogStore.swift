public import BackupdCatalog
import Foundation
import GRDB
import Synchronization

/// The embedded engine: one SQLite file in WAL mode (readers never wait for the writer),
/// or an in-memory database for tests.
public final class SQLiteCatalogStore: CatalogStore {
    private let database: any DatabaseWriter
    /// A connection of its own that only asks `PRAGMA data_version`, which changes when any
    /// other connection, in this process or another, commits (`nil` for an in-memory store,
    /// which no one else can write).
    private let changeWatch: SQLiteChangeWatch?
    /// Counts this object's own commits (the watch connection sees them too, but an in-memory
    /// store has no watch).
    private let localWrites = Atomic<UInt64>(0)
    /// Large lists' order in memory, for deep pages and windowed totals.
    private let orderIndex = ListOrderIndex()
    private let listIndexPolicy: ListIndexPolicy

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// - Throws: `CatalogError.schemaTooNew` when a newer backupd wrote the file,
    ///   `CatalogError.unavailable` when it cannot be opened.
    /// - Parameter listIndexPolicy: which pages of large lists are served from their order in memory.
    public init(path: String, listIndexPolicy: ListIndexPolicy = .standard) throws {
        self.listIndexPolicy = listIndexPolicy
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            self.database = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw CatalogError.unavailable(reason: "cannot open SQLite database at \(path): \(Self.describe(error))")
        }
        // After the pool: it creates the file, in WAL mode, that the watch opens read-only.
        self.changeWatch = try SQLiteChangeWatch(path: path)
        try migrate()
    }

    /// A private in-memory database, gone when the store is released.
    public init(listIndexPolicy: ListIndexPolicy = .standard) throws {
        self.listIndexPolicy = listIndexPolicy
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        self.database = try DatabaseQueue(configuration: configuration)
        self.changeWatch = nil
        try migrate()
    }

    private func migrate() throws {
        let migrator = SQLiteMigrations.migrator
        do {
            let superseded = try database.read { try migrator.hasBeenSuperseded($0) }
            if superseded {
                let found = try database.read { try migrator.appliedIdentifiers($0).count }
                throw CatalogError.schemaTooNew(known: migrator.migrations.count, found: found)
            }
            try migrator.migrate(database)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError.unavailable(reason: "cannot migrate the SQLite schema: \(Self.describe(error))")
        }
    }

    // MARK: - Lookups

    public func instance(id: String, service: Service, inAnyOf projectIDs: Set<String>) async throws -> Instance? {
        guard CatalogText.isStorable(id) else { return nil }
        let found = try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(StoredColumns.instance) FROM instances WHERE id = ?", arguments: [id])
                .map(Decode.instance)
        }
        guard let found, found.service == service, projectIDs.contains(found.projectID) else { return nil }
        return found
    }

    public func instances(ids: [String]) async throws -> [Instance] {
        let list = ids.filter(CatalogText.isStorable)
        guard !list.isEmpty else { return [] }
        return try await read { db in
            var result: [Instance] = []
            for chunk in stride(from: 0, to: list.count, by: 500) {
                let slice = Array(list[chunk..<min(chunk + 500, list.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                result += try Row.fetchAll(
                    db,
                    sql: "SELECT \(StoredColumns.instance) FROM instances WHERE id IN (\(marks))",
                    arguments: StatementArguments(slice)
                ).map(Decode.instance)
            }
            return result
        }
    }

    public func backupServices(ids: [String]) async throws -> [(id: String, service: Service)] {
        let list = ids.filter(CatalogText.isStorable)
        guard !list.isEmpty else { return [] }
        let tables: [(Service, String, String)] = [
            (.rds, "rds_backups", "id"), (.taurusdb, "taurusdb_backups", "id"),
            (.dcs, "dcs_backups", "backup_id"), (.ddm, "ddm_backups", "id"),
        ]
        return try await read { db in
            var found: [(id: String, service: Service)] = []
            for chunk in stride(from: 0, to: list.count, by: 500) {
                let slice = Array(list[chunk..<min(chunk + 500, list.count)])
                let marks = Array(repeating: "?", count: slice.count).joined(separator: ",")
                for (service, table, key) in tables {
                    let ids = try String.fetchAll(
                        db,
                        sql: "SELECT \(key) FROM \(table) WHERE \(key) IN (\(marks))",
                        arguments: StatementArguments(slice)
                    )
                    found += ids.map { ($0, service) }
                }
            }
            return found
        }
    }

    public func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup> {
        if let backupID = query.backupID, !CatalogText.isStorable(backupID) { return Page(items: [], total: 0) }
        var conditions = ["instance_id = ?"]
        var arguments: StatementArguments = [query.instanceID]
        var counter = Counter(table: "rds_backup_totals", conditions: ["instance_id = ?"], arguments: [query.instanceID])
        switch query.location {
        case .home:
            conditions.append("offsite_project_id IS NULL")
            counter.add("holder = ?", "")
        case .offsite(let projectID):
            conditions.append("offsite_project_id = ?")
            arguments += [projectID]
            counter.add("holder = ?", projectID)
        }
        if let backupID = query.backupID {
            conditions.append("id = ?")
            arguments += [backupID]
        }
        if let types = query.types {
            let sorted = types.map(\.rawValue).sorted()
            let marks = "type IN (\(Array(repeating: "?", count: sorted.count).joined(separator: ",")))"
            conditions.append(marks)
            arguments += StatementArguments(sorted)
            counter.conditions.append(marks)
            counter.arguments += StatementArguments(sorted)
        }
        if let status = query.status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
            counter.add("status = ?", status.rawValue)
        }
        if query.backupID == nil {
            let holder: String
            let partition: String
            switch query.location {
            case .home: (holder, partition) = ("", "offsite_project_id IS NULL")
            case .offsite(let projectID): (holder, partition) = (projectID, "offsite_project_id = ?")
            }
            let partitionArguments: StatementArguments =
                holder.isEmpty ? [query.instanceID] : [query.instanceID, holder]
            if let page = try await indexedPage(
                list: .init(table: "rds_backups", partition: [query.instanceID, holder]),
                size: ("SELECT coalesce(sum(count), 0) FROM rds_backup_totals WHERE instance_id = ? AND holder = ?", [query.instanceID, holder]),
                build: (
                    """
                    SELECT begin_key, rowid, \(RDSListTag.sqlExpression)
                    FROM rds_backups WHERE instance_id = ? AND \(partition) ORDER BY begin_key DESC, id ASC
                    """,
                    partitionArguments
                ),
                tags: RDSListTag.accepted(types: query.types, status: query.status),
                window: query.window,
                page: query.page,
                row: "SELECT \(StoredColumns.rdsBackup) FROM rds_backups WHERE rowid = ?",
                decode: Decode.rdsBackup
            ) {
                return page
            }
        }
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &arguments)
        return try await page(
            table: "rds_backups",
            columns: StoredColumns.rdsBackup,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: query.window == nil && query.backupID == nil ? counter : nil,
            decode: Decode.rdsBackup
        )
    }

    public func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup> {
        if let page = try await indexedPage(
            list: .init(table: "taurusdb_backups", partition: [query.instanceID, query.type.rawValue]),
            size: (
                "SELECT coalesce(sum(count), 0) FROM taurusdb_backup_totals WHERE instance_id = ? AND type = ?",
                [query.instanceID, query.type.rawValue]
            ),
            build: (
                "SELECT begin_key, rowid, 0 FROM taurusdb_backups WHERE instance_id = ? AND type = ? ORDER BY begin_key DESC, id ASC",
                [query.instanceID, query.type.rawValue]
            ),
            tags: nil,
            window: query.window,
            page: query.page,
            row: "SELECT \(StoredColumns.taurusDBBackup) FROM taurusdb_backups WHERE rowid = ?",
            decode: Decode.taurusDBBackup
        ) {
            return page
        }
        var conditions = ["instance_id = ?", "type = ?"]
        var arguments: StatementArguments = [query.instanceID, query.type.rawValue]
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &arguments)
        let counter = Counter(
            table: "taurusdb_backup_totals",
            conditions: ["instance_id = ?", "type = ?"],
            arguments: [query.instanceID, query.type.rawValue]
        )
        return try await page(
            table: "taurusdb_backups",
            columns: StoredColumns.taurusDBBackup,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: query.window == nil ? counter : nil,
            decode: Decode.taurusDBBackup
        )
    }

    public func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup> {
        if let page = try await indexedPage(
            list: .init(table: "dcs_backups", partition: [query.instanceID]),
            size: ("SELECT coalesce(sum(count), 0) FROM dcs_backup_totals WHERE instance_id = ?", [query.instanceID]),
            build: (
                "SELECT created_key, rowid, 0 FROM dcs_backups WHERE instance_id = ? ORDER BY created_key DESC, backup_id ASC",
                [query.instanceID]
            ),
            tags: nil,
            window: query.window,
            page: query.page,
            row: "SELECT \(StoredColumns.dcsBackup) FROM dcs_backups WHERE rowid = ?",
            decode: Decode.dcsBackup
        ) {
            return page
        }
        var conditions = ["instance_id = ?"]
        var arguments: StatementArguments = [query.instanceID]
        Self.appendWindow(query.window, column: "created_key", to: &conditions, &arguments)
        let counter = Counter(table: "dcs_backup_totals", conditions: ["instance_id = ?"], arguments: [query.instanceID])
        return try await page(
            table: "dcs_backups",
            columns: StoredColumns.dcsBackup,
            conditions: conditions,
            arguments: arguments,
            order: "created_key DESC, backup_id ASC",
            page: query.page,
            counter: query.window == nil ? counter : nil,
            decode: Decode.dcsBackup
        )
    }

    public func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT \(StoredColumns.ddmBackup) FROM ddm_backups WHERE id = ? AND instance_id = ?",
                arguments: [id, instanceID]
            ).map(Decode.ddmBackup)
        }
    }

    /// A page of a large list from its order in memory (`ListOrderIndex`), for the requests
    /// SQLite answers in time proportional to their depth: an offset past the first pages, or a
    /// window (whose total SQLite would count row by row).
    /// - Returns: `nil` when SQLite should answer (a shallow page, a small list, or a write
    ///   committed meanwhile).
    private func indexedPage<Item: Sendable>(
        list key: ListOrderIndex.ListKey,
        size: (sql: String, arguments: StatementArguments),
        build: (sql: String, arguments: StatementArguments),
        tags: Set<UInt8>?,
        window: TimeWindow?,
        page: PageRequest,
        row sql: String,
        decode: @escaping @Sendable (Row) -> Item
    ) async throws -> Page<Item>? {
        guard listIndexPolicy.applies(to: page, window: window, filtered: tags != nil) else { return nil }
        let marker = try await changeMarker()
        let list: ListOrderIndex.OrderedList
        if let cached = orderIndex.list(key, marker: marker) {
            list = cached
        } else {
            let built: ListOrderIndex.OrderedList? = try await read { db in
                let count = try Int.fetchOne(db, sql: size.sql, arguments: size.arguments) ?? 0
                guard count >= self.listIndexPolicy.minimumListSize else { return nil }
                return try Self.orderedList(db, sql: build.sql, arguments: build.arguments)
            }
            guard let built else { return nil }
            orderIndex.keep(built, for: key, marker: marker)
            list = built
        }

        let (rowIDs, total) = list.select(window: window, tags: tags, page: page)
        let items: [Item]? = try await read { db in
            let statement = try db.cachedStatement(sql: sql)
            var items: [Item] = []
            items.reserveCapacity(rowIDs.count)
            for rowID in rowIDs {
                guard let row = try Row.fetchOne(statement, arguments: [rowID]) else { return nil }
                items.append(decode(row))
            }
            return items
        }
        // Rows gone, or anything written since the list was read: let SQLite answer instead.
        guard let items, try await changeMarker() == marker else { return nil }
        return Page(items: items, total: total)
    }

    /// Reads a list in API order from its covering index.
    /// - Parameter sql: selects `key, rowid, tag` of the partition, ordered as the API orders it.
    private static func orderedList(_ db: Database, sql: String, arguments: StatementArguments) throws -> ListOrderIndex.OrderedList {
        var keys: [Int64] = []
        var rowIDs: [Int64] = []
        var tags: [UInt8] = []
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try cursor.next() {
            keys.append(row[0])
            rowIDs.append(row[1])
            tags.append(UInt8(truncatingIfNeeded: row[2] as Int64))
        }
        return ListOrderIndex.OrderedList(keys: keys, rowHandles: rowIDs, tags: tags)
    }

    /// A query on one of the totals tables the schema's triggers keep (`SQLiteMigrations`).
    private struct Counter {
        let table: String
        var conditions: [String]
        var arguments: StatementArguments

        mutating func add(_ condition: String, _ value: String) {
            conditions.append(condition)
            arguments += [value]
        }

        var sql: String {
            "SELECT coalesce(sum(count), 0) FROM \(table) WHERE \(conditions.joined(separator: " AND "))"
        }
    }

    /// Reads one page and its total in a single read transaction, so both see the same catalog.
    /// - Parameter counter: where the total can be read from the maintained counters (no time
    ///   window, no id filter); otherwise the matching index range is counted.
    private func page<Item: Sendable>(
        table: String,
        columns: String,
        conditions: [String],
        arguments: StatementArguments,
        order: String,
        page: PageRequest,
        counter: Counter?,
        decode: @escaping @Sendable (Row) -> Item
    ) async throws -> Page<Item> {
        let filter = conditions.joined(separator: " AND ")
        return try await read { db in
            let total =
                if let counter {
                    try Int.fetchOne(db, sql: counter.sql, arguments: counter.arguments)
                } else {
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(filter)", arguments: arguments)
                }
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(columns) FROM \(table) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments: arguments + [page.limit, page.offset]
            )
            return Page(items: rows.map(decode), total: total ?? 0)
        }
    }

    private static func appendWindow(
        _ window: TimeWindow?,
        column: String,
        to conditions: inout [String],
        _ arguments: inout StatementArguments
    ) {
        if let lower = window?.lowerBound {
            conditions.append("\(column) >= ?")
            arguments += [lower]
        }
        if let upper = window?.upperBound {
            conditions.append("\(column) <= ?")
            arguments += [upper]
        }
    }

    // MARK: - Tenancy

    public func project(id: String) async throws -> Project? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, domain_id, name FROM projects WHERE id = ?", arguments: [id])
                .map(Decode.project)
        }
    }

    public func projects(domainID: String) async throws -> [Project] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT id, domain_id, name FROM projects WHERE domain_id = ? ORDER BY name, id",
                arguments: [domainID]
            ).map(Decode.project)
        }
    }

    public func domain(named name: String) async throws -> Domain? {
        guard CatalogText.isStorable(name) else { return nil }
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT id, name FROM domains WHERE name = ?", arguments: [name])
                .map { Domain(id: $0[0], name: $0[1]) }
        }
    }

    public func user(domainID: String, name: String) async throws -> User? {
        guard CatalogText.isStorable(domainID), CatalogText.isStorable(name) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT domain_id, name, password_digest, project_ids FROM users WHERE domain_id = ? AND name = ?",
                arguments: [domainID, name]
            ).map(Decode.user)
        }
    }

    public func accessKey(access: String) async throws -> AccessKey? {
        guard CatalogText.isStorable(access) else { return nil }
        return try await read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT access, domain_id, user_name, secret FROM access_keys WHERE access = ?",
                arguments: [access]
            ).map(Decode.accessKey)
        }
    }

    // MARK: - Maintenance

    public func load(_ content: CatalogContent, progress: @escaping @Sendable (Int) -> Void) async throws {
        // A large load outgrows SQLite's default 2 MB page cache, which then spills pages to the
        // WAL again and again inside the transaction: give the writer room while it loads, and
        // hand the memory back afterwards.
        let large = content.backups.count + content.instances.count >= 10_000
        try await write(transaction: false) { db in
            if large { try db.execute(sql: "PRAGMA cache_size = -262144") }
            defer {
                if large {
                    try? db.execute(sql: "PRAGMA cache_size = -2000")
                    try? db.execute(sql: "PRAGMA shrink_memory")
                }
            }
            try db.inTransaction {
                try SQLiteCatalogWriter(db: db, progress: progress).write(content)
                return .commit
            }
        }
    }

    public func deleteBackups(ids: [String]) async throws -> Int {
        let ids = ids.filter(CatalogText.isStorable)
        guard !ids.isEmpty else { return 0 }
        return try await write { db in
            var deleted = 0
            // In slices, under SQLite's limit on bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let slice = Array(ids[start..<min(start + 500, ids.count)])
                let marks = databaseQuestionMarks(count: slice.count)
                for (table, key) in [
                    ("rds_backups", "id"), ("taurusdb_backups", "id"), ("dcs_backups", "backup_id"), ("ddm_backups", "id"),
                ] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE \(key) IN (\(marks))", arguments: StatementArguments(slice))
                    deleted += db.changesCount
                }
            }
            return deleted
        }
    }

    public func exportTenancy() async throws -> CatalogContent {
        try await read { db in
            CatalogContent(
                domains: try Row.fetchAll(db, sql: "SELECT id, name FROM domains ORDER BY name, id")
                    .map { Domain(id: $0[0], name: $0[1]) },
                projects: try Row.fetchAll(db, sql: "SELECT id, domain_id, name FROM projects ORDER BY domain_id, name, id")
                    .map(Decode.project),
                users: try Row.fetchAll(
                    db,
                    sql: "SELECT domain_id, name, password_digest, project_ids FROM users ORDER BY domain_id, name"
                ).map(Decode.user),
                accessKeys: try Row.fetchAll(
                    db,
                    sql: "SELECT access, domain_id, user_name, secret FROM access_keys ORDER BY domain_id, user_name, access"
                ).map(Decode.accessKey),
                instances: try Row.fetchAll(db, sql: "SELECT \(StoredColumns.instance) FROM instances ORDER BY id")
                    .map(Decode.instance)
            )
        }
    }

    public func exportBackups(after cursor: BackupCursor?, limit: Int) async throws -> [Backup] {
        try await read { db in
            var result: [Backup] = []
            let services = Service.allCases
            let startIndex = cursor.flatMap { services.firstIndex(of: $0.service) } ?? 0
            for service in services[startIndex...] where result.count < limit {
                let after = cursor?.service == service ? cursor?.id : nil
                let table: (name: String, key: String, columns: String, decode: (Row) -> Backup) =
                    switch service {
                    case .rds: ("rds_backups", "id", StoredColumns.rdsBackup, { .rds(Decode.rdsBackup($0)) })
                    case .taurusdb: ("taurusdb_backups", "id", StoredColumns.taurusDBBackup, { .taurusdb(Decode.taurusDBBackup($0)) })
                    case .dcs: ("dcs_backups", "backup_id", StoredColumns.dcsBackup, { .dcs(Decode.dcsBackup($0)) })
                    case .ddm: ("ddm_backups", "id", StoredColumns.ddmBackup, { .ddm(Decode.ddmBackup($0)) })
                    }
                let rows = try Row.fetchAll(
                    db,
                    sql: "SELECT \(table.columns) FROM \(table.name) WHERE \(table.key) > ? ORDER BY \(table.key) LIMIT ?",
                    arguments: [after ?? "", limit - result.count]
                )
                result += rows.map(table.decode)
            }
            return result
        }
    }

    public func statistics() async throws -> CatalogStatistics {
        try await read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            // Backups from the counters the triggers keep (a COUNT(*) would read every row).
            return CatalogStatistics(
                domains: try count("SELECT COUNT(*) FROM domains"),
                projects: try count("SELECT COUNT(*) FROM projects"),
                users: try count("SELECT COUNT(*) FROM users"),
                accessKeys: try count("SELECT COUNT(*) FROM access_keys"),
                instances: try count("SELECT COUNT(*) FROM instances"),
                backups: try count("SELECT coalesce(SUM(count), 0) FROM rds_backup_totals")
                    + count("SELECT coalesce(SUM(count), 0) FROM taurusdb_backup_totals")
                    + count("SELECT coalesce(SUM(count), 0) FROM dcs_backup_totals")
                    + count("SELECT COUNT(*) FROM ddm_backups")
            )
        }
    }

    public func accountStatistics() async throws -> AccountStatistics {
        try await read { db in
            func count(_ table: String) throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
            return AccountStatistics(
                domains: try count("domains"),
                projects: try count("projects"),
                users: try count("users"),
                accessKeys: try count("access_keys")
            )
        }
    }

    public func isEmpty() async throws -> Bool {
        try await read { db in try !(Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM domains)") ?? false) }
    }

    public func regions() async throws -> [String] {
        try await read { db in
            let names = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM projects")
            return Set(names.map { Project(id: "", domainID: "", name: $0).region }).sorted()
        }
    }

    public func changeMarker() async throws -> UInt64 {
        let own = localWrites.load(ordering: .acquiring)
        guard let changeWatch else { return own }
        // Synchronous on purpose: one pragma on an idle connection, cheaper than a hop to a reader.
        return try changeWatch.version() &* 0x1_0000_0000 &+ own
    }

    public func checkHealth() async throws {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }

    // MARK: - Access

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as DatabaseError {
            throw CatalogError.unavailable(reason: Self.describe(error))
        }
    }

    /// - Parameter transaction: `false` when `body` opens its own transaction.
    func write<T: Sendable>(
        transaction: Bool = true,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            defer { localWrites.add(1, ordering: .releasing) }
            if !transaction { return try await database.writeWithoutTransaction(body) }
            return try await database.write(body)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw CatalogError.constraintViolated(error.message ?? "constraint failed")
        } catch let error as DatabaseError {
            throw CatalogError.unavailable(reason: Self.describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode): \(error.message ?? "no message")"
        }
        return String(describing: error)
    }
}
