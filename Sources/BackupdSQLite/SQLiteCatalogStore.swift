public import BackupdCatalog
public import BackupdStorage
import GRDB
import Synchronization

/// The embedded engine: one SQLite file in WAL mode (readers never wait for the writer),
/// or an in-memory database for tests.
public final class SQLiteCatalogStore: CatalogStore, ActivityReporting {
    private let database: any DatabaseWriter
    /// Every `read` and `write`, counted for `/metrics`.
    public let activity = StoreActivity()
    /// A connection of its own that answers the revision (`nil` for an in-memory store, which
    /// no one else can write, and whose revision is read through the queue).
    private let changeWatch: SQLiteChangeWatch?
    /// Large lists' order in memory, for deep pages and windowed totals.
    private let orderIndex: ListOrderIndex

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// - Throws: `CatalogError.schemaTooNew` when a newer backupd wrote the file,
    ///   `CatalogError.unavailable` when it cannot be opened.
    /// - Parameter listIndexPolicy: which pages of large lists are served from their order in memory.
    public init(path: String, listIndexPolicy: ListIndexPolicy = .standard) throws {
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
        try Self.migrate(database)
        // After the pool and the schema: the pool creates the file, in WAL mode, that the watch
        // opens read-only, and the watch reads the revision table.
        self.changeWatch = try SQLiteChangeWatch(path: path)
        self.orderIndex = ListOrderIndex(policy: listIndexPolicy)
    }

    /// A private in-memory database, gone when the store is released.
    public init(listIndexPolicy: ListIndexPolicy = .standard) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        self.database = try DatabaseQueue(configuration: configuration)
        try Self.migrate(database)
        self.changeWatch = nil
        self.orderIndex = ListOrderIndex(policy: listIndexPolicy)
    }

    private static func migrate(_ database: any DatabaseWriter) throws {
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

    // MARK: - Backups

    public func instance(id: String) async throws -> Instance? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.instances.select) WHERE id = ?", [id], StoredRecords.instance)
        }
    }

    public func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup> {
        if let backupID = query.backupID, !CatalogText.isStorable(backupID) { return Page(items: [], total: 0) }
        var conditions = ["instance_id = ?"]
        var arguments: StatementArguments = [query.instanceID]
        var counter = Counter(table: "rds_backup_totals", conditions: ["instance_id = ?"], arguments: [query.instanceID])
        // The list's partition: the instance's own backups, or its copies held in one project.
        let holder: String
        let partition: String
        let partitionArguments: StatementArguments
        switch query.location {
        case .home:
            (holder, partition, partitionArguments) = ("", "offsite_project_id IS NULL", [query.instanceID])
        case .offsite(let projectID):
            (holder, partition, partitionArguments) = (projectID, "offsite_project_id = ?", [query.instanceID, projectID])
        }
        conditions.append(partition)
        arguments = partitionArguments
        counter.add("holder = ?", holder)
        if let backupID = query.backupID {
            conditions.append("id = ?")
            arguments += [backupID]
        }
        if let types = query.types {
            let sorted = types.map(\.rawValue).sorted()
            let marks = "type IN (\(databaseQuestionMarks(count: sorted.count)))"
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
        if query.backupID == nil,
            let page = try await indexedPage(
                list: .init(table: "rds_backups", partition: [query.instanceID, holder]),
                table: StoredTables.rdsBackups,
                size: Counter(table: "rds_backup_totals", conditions: ["instance_id = ?", "holder = ?"], arguments: [query.instanceID, holder]),
                order: (
                    """
                    SELECT begin_key, rowid, \(RDSListTag.sqlExpression)
                    FROM rds_backups WHERE instance_id = ? AND \(partition) ORDER BY begin_key DESC, id ASC
                    """,
                    partitionArguments
                ),
                tags: RDSListTag.accepted(types: query.types, status: query.status),
                window: query.window,
                page: query.page,
                decode: StoredRecords.rdsBackup
            )
        {
            return page
        }
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &arguments)
        return try await page(
            StoredTables.rdsBackups,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: query.window == nil && query.backupID == nil ? counter : nil,
            decode: StoredRecords.rdsBackup
        )
    }

    public func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup> {
        let partition: StatementArguments = [query.instanceID, query.type.rawValue]
        let counter = Counter(table: "taurusdb_backup_totals", conditions: ["instance_id = ?", "type = ?"], arguments: partition)
        if let page = try await indexedPage(
            list: .init(table: "taurusdb_backups", partition: [query.instanceID, query.type.rawValue]),
            table: StoredTables.taurusDBBackups,
            size: counter,
            order: (
                "SELECT begin_key, rowid, 0 FROM taurusdb_backups WHERE instance_id = ? AND type = ? ORDER BY begin_key DESC, id ASC",
                partition
            ),
            tags: nil,
            window: query.window,
            page: query.page,
            decode: StoredRecords.taurusDBBackup
        ) {
            return page
        }
        var conditions = ["instance_id = ?", "type = ?"]
        var arguments = partition
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &arguments)
        return try await page(
            StoredTables.taurusDBBackups,
            conditions: conditions,
            arguments: arguments,
            order: "begin_key DESC, id ASC",
            page: query.page,
            counter: query.window == nil ? counter : nil,
            decode: StoredRecords.taurusDBBackup
        )
    }

    public func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup> {
        let counter = Counter(table: "dcs_backup_totals", conditions: ["instance_id = ?"], arguments: [query.instanceID])
        if let page = try await indexedPage(
            list: .init(table: "dcs_backups", partition: [query.instanceID]),
            table: StoredTables.dcsBackups,
            size: counter,
            order: (
                "SELECT created_key, rowid, 0 FROM dcs_backups WHERE instance_id = ? ORDER BY created_key DESC, backup_id ASC",
                [query.instanceID]
            ),
            tags: nil,
            window: query.window,
            page: query.page,
            decode: StoredRecords.dcsBackup
        ) {
            return page
        }
        var conditions = ["instance_id = ?"]
        var arguments: StatementArguments = [query.instanceID]
        Self.appendWindow(query.window, column: "created_key", to: &conditions, &arguments)
        return try await page(
            StoredTables.dcsBackups,
            conditions: conditions,
            arguments: arguments,
            order: "created_key DESC, backup_id ASC",
            page: query.page,
            counter: query.window == nil ? counter : nil,
            decode: StoredRecords.dcsBackup
        )
    }

    public func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try fetchOne(
                db,
                "\(StoredTables.ddmBackups.select) WHERE id = ? AND instance_id = ? AND status <> 'deleted'",
                [id, instanceID],
                StoredRecords.ddmBackup
            )
        }
    }

    public func deleteBackups(ids: [String]) async throws -> Int {
        let ids = ids.filter(CatalogText.isStorable)
        guard !ids.isEmpty else { return 0 }
        return try await write { db in
            var deleted = 0
            for slice in Self.slices(of: ids) {
                for service in Service.allCases {
                    let table = StoredTables.backups(of: service)
                    try db.execute(
                        sql: "DELETE FROM \(table.name) WHERE \(table.key[0]) IN (\(databaseQuestionMarks(count: slice.count)))",
                        arguments: StatementArguments(slice)
                    )
                    deleted += db.changesCount
                }
            }
            return deleted
        }
    }

    /// A page of a large list from its order in memory (`ListOrderIndex`), for the requests
    /// SQLite answers in time proportional to their depth: an offset past the first pages, a
    /// window (whose total SQLite would count row by row), or a filter.
    /// - Parameters:
    ///   - size: the list's total, from the counters.
    ///   - order: selects `key, rowid, tag` of the list, in API order, from its covering index.
    /// - Returns: `nil` when SQLite should answer.
    private func indexedPage<Item: Sendable>(
        list key: ListOrderIndex.ListKey,
        table: StoredTable,
        size: Counter,
        order: (sql: String, arguments: StatementArguments),
        tags: Set<UInt8>?,
        window: TimeWindow?,
        page: PageRequest,
        decode: @escaping @Sendable (SQLiteRow) throws -> Item
    ) async throws -> Page<Item>? {
        try await orderIndex.page(
            of: key,
            window: window,
            tags: tags,
            page: page,
            marker: changeMarker,
            build: { minimumSize in
                try await self.read { db in
                    let count = try Int.fetchOne(db, sql: size.sql, arguments: size.arguments) ?? 0
                    guard count >= minimumSize else { return nil }
                    var list = OrderedList(capacity: count)
                    let cursor = try Row.fetchCursor(db.cachedStatement(sql: order.sql), arguments: order.arguments)
                    while let row = try cursor.next() {
                        list.append(key: row[0], rowHandle: row[1], tag: row[2])
                    }
                    return list
                }
            },
            fetch: { rowIDs in
                try await self.read { db in
                    let statement = try db.cachedStatement(sql: "\(table.select) WHERE rowid = ?")
                    var items: [Item] = []
                    items.reserveCapacity(rowIDs.count)
                    for rowID in rowIDs {
                        guard let row = try Row.fetchOne(statement, arguments: [rowID]) else { return nil }
                        items.append(try decode(SQLiteRow(row: row)))
                    }
                    return items
                }
            }
        )
    }

    /// A query on one of the totals tables the schema's triggers keep (`SQLiteMigrations`).
    struct Counter {
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
    func page<Item: Sendable>(
        _ table: StoredTable,
        conditions: [String],
        arguments: StatementArguments,
        order: String,
        page: PageRequest,
        counter: Counter?,
        decode: @escaping @Sendable (SQLiteRow) throws -> Item
    ) async throws -> Page<Item> {
        let filter = conditions.joined(separator: " AND ")
        return try await read { db in
            let total =
                if let counter {
                    try Int.fetchOne(db, sql: counter.sql, arguments: counter.arguments)
                } else {
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.name) WHERE \(filter)", arguments: arguments)
                }
            let items = try fetchAll(
                db,
                "\(table.select) WHERE \(filter) ORDER BY \(order) LIMIT ? OFFSET ?",
                arguments + [page.limit, page.offset],
                decode
            )
            return Page(items: items, total: total ?? 0)
        }
    }

    static func appendWindow(
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

    /// `ids` in slices, under SQLite's limit on bound parameters.
    private static func slices(of ids: [String]) -> [[String]] {
        stride(from: 0, to: ids.count, by: 500).map { Array(ids[$0..<min($0 + 500, ids.count)]) }
    }

    // MARK: - Accounts and credentials

    public func project(id: String) async throws -> Project? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.projects.select) WHERE id = ?", [id], StoredRecords.project)
        }
    }

    public func projects(domainID: String) async throws -> [Project] {
        try await read { db in
            try fetchAll(
                db,
                "\(StoredTables.projects.select) WHERE domain_id = ? ORDER BY name, id",
                [domainID],
                StoredRecords.project
            )
        }
    }

    public func domain(named name: String) async throws -> Domain? {
        guard CatalogText.isStorable(name) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.domains.select) WHERE name = ?", [name], StoredRecords.domain)
        }
    }

    public func user(domainID: String, name: String) async throws -> User? {
        guard CatalogText.isStorable(domainID), CatalogText.isStorable(name) else { return nil }
        return try await read { db in
            try fetchOne(
                db,
                "\(StoredTables.users.select) WHERE domain_id = ? AND name = ?",
                [domainID, name],
                StoredRecords.user
            )
        }
    }

    public func accessKey(access: String) async throws -> AccessKey? {
        guard CatalogText.isStorable(access) else { return nil }
        return try await read { db in
            try fetchOne(db, "\(StoredTables.accessKeys.select) WHERE access = ?", [access], StoredRecords.accessKey)
        }
    }

    // MARK: - Seeds and exports

    public func instances(ids: [String]) async throws -> [Instance] {
        let list = ids.filter(CatalogText.isStorable)
        guard !list.isEmpty else { return [] }
        return try await read { db in
            try Self.slices(of: list).flatMap { slice in
                try fetchAll(
                    db,
                    "\(StoredTables.instances.select) WHERE id IN (\(databaseQuestionMarks(count: slice.count)))",
                    StatementArguments(slice),
                    StoredRecords.instance
                )
            }
        }
    }

    public func backupServices(ids: [String]) async throws -> [(id: String, service: Service)] {
        let list = ids.filter(CatalogText.isStorable)
        guard !list.isEmpty else { return [] }
        return try await read { db in
            var found: [(id: String, service: Service)] = []
            for slice in Self.slices(of: list) {
                for service in Service.allCases {
                    let table = StoredTables.backups(of: service)
                    let key = table.key[0]
                    let ids = try String.fetchAll(
                        db,
                        sql: "SELECT \(key) FROM \(table.name) WHERE \(key) IN (\(databaseQuestionMarks(count: slice.count)))",
                        arguments: StatementArguments(slice)
                    )
                    found += ids.map { ($0, service) }
                }
            }
            return found
        }
    }

    public func load(parts: CatalogParts, progress: @escaping @Sendable (Int) -> Void) async throws {
        try await write(transaction: false) { db in
            // A large load outgrows SQLite's default 2 MB page cache, which then spills pages to the
            // WAL again and again inside the transaction: give the writer room while it loads, and
            // hand the memory back afterwards.
            try db.execute(sql: "PRAGMA cache_size = -262144")
            // Into empty backup tables, references are checked once at the end (`SQLiteBulkLoad`);
            // the pragma has no effect inside a transaction, so it is set before.
            let deferReferences = try SQLiteBulkLoad.backupTablesAreEmpty(db)
            if deferReferences { try db.execute(sql: "PRAGMA foreign_keys = OFF") }
            defer {
                try? db.execute(sql: "PRAGMA cache_size = -2000")
                try? db.execute(sql: "PRAGMA shrink_memory")
                if deferReferences { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            }
            try db.inTransaction {
                // A load may touch anything: logged as everything, which spares the triggers.
                try db.execute(sql: "INSERT OR IGNORE INTO pending_changes VALUES ('\(ChangeScope.Logged.everything)')")
                let bulk = try SQLiteBulkLoad.begin(db)
                let writer = try SQLiteCatalogWriter(db: db, progress: progress)
                var written = 0
                while let part = parts.next() {
                    written = try writer.write(part, after: written)
                }
                progress(written)
                if deferReferences { try SQLiteBulkLoad.checkReferences(db) }
                try bulk?.finish(db)
                try Self.logChanges(db)
                return .commit
            }
            // The load went through the WAL as one transaction, which no checkpoint could copy
            // while it ran: copy it now and empty the WAL, or the next process to open the store
            // reads all of it (gigabytes after a large load) before its first answer. Committed
            // already, so a checkpoint that cannot run now (a reader holds a snapshot) only waits
            // for a later one.
            _ = try? db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
        }
    }

    public func exportTenancy() async throws -> CatalogContent {
        try await read { db in
            CatalogContent(
                domains: try fetchAll(db, "\(StoredTables.domains.select) ORDER BY name, id", [], StoredRecords.domain),
                projects: try fetchAll(
                    db,
                    "\(StoredTables.projects.select) ORDER BY domain_id, name, id",
                    [],
                    StoredRecords.project
                ),
                users: try fetchAll(db, "\(StoredTables.users.select) ORDER BY domain_id, name", [], StoredRecords.user),
                accessKeys: try fetchAll(
                    db,
                    "\(StoredTables.accessKeys.select) ORDER BY domain_id, user_name, access",
                    [],
                    StoredRecords.accessKey
                ),
                instances: try fetchAll(db, "\(StoredTables.instances.select) ORDER BY id", [], StoredRecords.instance)
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
                let table = StoredTables.backups(of: service)
                let key = table.key[0]
                result += try fetchAll(
                    db,
                    "\(table.select) WHERE \(key) > ? ORDER BY \(key) LIMIT ?",
                    [after ?? "", limit - result.count]
                ) { try StoredRecords.backup(of: service, $0) }
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

    // MARK: - Change detection

    public func changeMarker() async throws -> UInt64 {
        // Synchronous on purpose: one pragma on an idle connection, cheaper than a hop to a reader.
        guard let changeWatch else { return try await read { db in try Self.revision(db) } }
        return try changeWatch.revision()
    }

    public func changes(after revision: UInt64) async throws -> ChangeLog {
        try await read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT revision, scope FROM catalog_changes WHERE revision > ? ORDER BY revision LIMIT ?"),
                arguments: [Int64(bitPattern: revision), ChangeLog.readLimit + 1]
            )
            return ChangeLog(
                revision: try Self.revision(db),
                after: revision,
                rows: rows.map { (UInt64(bitPattern: $0[0]), $0[1]) }
            )
        }
    }

    private static func revision(_ db: Database) throws -> UInt64 {
        UInt64(bitPattern: try Int64.fetchOne(db.cachedStatement(sql: "SELECT revision FROM catalog_revision")) ?? 0)
    }

    /// Ends a write transaction: what its triggers noted becomes the next revision of the change
    /// log, each instance with its project, and the clock with it (the next transition may have
    /// moved). A transaction that noted nothing changed nothing a read sees, and keeps the revision.
    static func logChanges(_ db: Database) throws {
        guard try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM pending_changes)")) == true else { return }
        try db.run("UPDATE catalog_revision SET revision = revision + 1")
        let everything = ChangeScope.Logged.everything
        if try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM pending_changes WHERE scope = '\(everything)')")) == true {
            try db.run("INSERT INTO catalog_changes SELECT revision, '\(everything)' FROM catalog_revision")
        } else {
            let instance = ChangeScope.Logged.instancePrefix
            try db.run(
                """
                INSERT INTO catalog_changes
                SELECT (SELECT revision FROM catalog_revision), scope FROM pending_changes
                UNION SELECT (SELECT revision FROM catalog_revision), '\(ChangeScope.Logged.projectPrefix)' || project_id FROM instances
                    WHERE id IN (SELECT substr(scope, \(instance.utf8.count + 1)) FROM pending_changes WHERE scope GLOB '\(instance)*')
                UNION SELECT revision, '\(ChangeScope.Logged.clock)' FROM catalog_revision
                """
            )
        }
        try db.run("DELETE FROM pending_changes")
        try db.run(
            "DELETE FROM catalog_changes WHERE revision <= (SELECT revision FROM catalog_revision) - ?",
            arguments: [Int64(ChangeLog.keptRevisions)]
        )
    }

    @discardableResult
    public func checkHealth() async throws -> StoreHealth {
        _ = try await read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        return activity.writeHealth.health
    }

    // MARK: - Access

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await activity.measure(writing: false) {
            do {
                return try await database.read(body)
            } catch let error as DatabaseError {
                throw CatalogError.unavailable(reason: Self.describe(error))
            }
        }
    }

    /// A write transaction that ends by logging what it changed (`logChanges`).
    /// - Parameter transaction: `false` when `body` opens its own transaction (and logs in it).
    func write<T: Sendable>(
        transaction: Bool = true,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        try await activity.measure(writing: true) {
            do {
                let result: T
                if transaction {
                    result = try await database.write { db in
                        let result = try body(db)
                        try Self.logChanges(db)
                        return result
                    }
                } else {
                    result = try await database.writeWithoutTransaction(body)
                }
                activity.writeHealth.writeCommitted()
                return result
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw CatalogError.constraintViolated(error.message ?? "constraint failed")
            } catch let error as DatabaseError {
                let reason = Self.describe(error)
                if Self.lastingWriteFailures.contains(error.resultCode) {
                    activity.writeHealth.writeFailed(reason: reason)
                }
                throw CatalogError.unavailable(reason: reason)
            }
        }
    }

    /// Write failures that last until an operator acts: a full disk (or file size limit), an I/O
    /// error, a database file that turned read-only.
    private static let lastingWriteFailures: [ResultCode] = [.SQLITE_FULL, .SQLITE_IOERR, .SQLITE_READONLY]

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.resultCode): \(error.message ?? "no message")"
        }
        return String(describing: error)
    }
}
