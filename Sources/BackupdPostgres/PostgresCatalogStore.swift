public import BackupdCatalog
public import BackupdStorage
public import Logging
import PostgresNIO

/// The engine for several nodes: a PostgreSQL database that every backupd node shares.
///
/// Nodes keep nothing that another node's write could make stale: every answer is read from the
/// database, and caches above the store (`StoreAccess` in BackupdAPI) are keyed by `changeMarker()`,
/// the revision every write transaction increments. Lists, totals and lookups use the same
/// queries as SQLite over the same indexes (`PostgresMigrations`); large lists' deep pages and
/// windows come from `ListOrderIndex`, as on SQLite.
public final class PostgresCatalogStore: CatalogStore, ActivityReporting {
    /// How a node talks to the database.
    public struct Options: Sendable {
        /// The most connections this node opens (`--pg-pool-size`).
        public var maximumConnections: Int
        /// The longest any query may take before the caller gets an error (`--pg-query-timeout`).
        public var queryTimeout: Duration
        public var listIndexPolicy: ListIndexPolicy
        /// The longest bringing the schema up to date may take, waiting for other nodes included.
        public var migrationTimeout: Duration
        /// Learn other nodes' revisions from `NOTIFY` (`RevisionListener`) rather than reading
        /// the revision per request (`serve --pg-revision-notifications`). Every write notifies
        /// whether or not its own store listens.
        public var listensForRevisions: Bool
        /// How often a listening node reads the revision anyway, which proves its connection alive
        /// and repairs a notification that never came.
        public var revisionCheckInterval: Duration

        public init(
            maximumConnections: Int = 16,
            queryTimeout: Duration = .milliseconds(1000),
            listIndexPolicy: ListIndexPolicy = .standard,
            migrationTimeout: Duration = .seconds(60),
            listensForRevisions: Bool = false,
            revisionCheckInterval: Duration = .milliseconds(500)
        ) {
            self.revisionCheckInterval = revisionCheckInterval
            self.listensForRevisions = listensForRevisions
            self.maximumConnections = maximumConnections
            self.queryTimeout = queryTimeout
            self.listIndexPolicy = listIndexPolicy
            self.migrationTimeout = migrationTimeout
        }
    }

    let pool: PostgresPool
    let logger: Logger
    /// The pool's operations and the connections it holds now, for `/metrics`.
    public var activity: StoreActivity { pool.activity }
    private let revision: CoalescedRead
    /// Hears other nodes' commits, so that a cache hit reads nothing from the database.
    private let revisions: RevisionListener
    private let orderIndex: ListOrderIndex

    /// Connects, creates the schema if needed and brings it up to date (once, even when several
    /// nodes start at the same moment).
    /// - Throws: `CatalogError.unavailable` naming what failed (refused, wrong password, unknown
    ///   database), `CatalogError.schemaTooNew` when a newer backupd migrated the database.
    public init(location: PostgresLocation, options: Options = Options(), logger: Logger) async throws {
        let settings = PostgresPool.Settings(
            location: location,
            maximumConnections: max(1, options.maximumConnections),
            queryTimeout: options.queryTimeout
        )
        try await PostgresSchema.migrate(settings: settings, deadline: options.migrationTimeout)
        self.logger = logger
        self.orderIndex = ListOrderIndex(policy: options.listIndexPolicy)
        let pool = PostgresPool(settings: settings, logger: logger)
        self.pool = pool
        self.revision = CoalescedRead {
            try await pool.withConnection(.read) { connection in
                let rows = try await connection.rows("SELECT revision FROM catalog_revision", logger: PostgresPool.silent)
                return UInt64(bitPattern: try rows.first?[0].decode(Int64.self) ?? 0)
            }
        }
        let revisions = RevisionListener(schema: location.schema, checkInterval: options.revisionCheckInterval)
        self.revisions = revisions
        if options.listensForRevisions {
            revisions.start(
                // Named after its channel in `pg_stat_activity`.
                connect: { try await PostgresPool.connect(settings, applicationName: revisions.channel) },
                logger: logger
            )
        }
    }

    deinit {
        revisions.stop()
    }

    /// Closes the connections; later calls fail as unavailable.
    public func close() {
        revisions.stop()
        pool.close()
    }

    // MARK: - Backups

    public func instance(id: String) async throws -> Instance? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.instances.select) WHERE id = \(id)",
                logger: self.logger,
                StoredRecords.instance
            )
        }
    }

    public func instances(ids: [String]) async throws -> [Instance] {
        var found: [Instance] = []
        for slice in Self.slices(of: ids) {
            found += try await read { connection in
                try await connection.all(
                    "\(unescaped: StoredTables.instances.select) WHERE id = ANY(\(slice))",
                    logger: self.logger,
                    StoredRecords.instance
                )
            }
        }
        return found
    }

    public func backupServices(ids: [String]) async throws -> [(id: String, service: Service)] {
        var found: [(id: String, service: Service)] = []
        for slice in Self.slices(of: ids) {
            found += try await read { connection in
                try await connection.rows(
                    """
                    SELECT id, 'rds' FROM rds_backups WHERE id = ANY(\(slice))
                    UNION ALL SELECT id, 'taurusdb' FROM taurusdb_backups WHERE id = ANY(\(slice))
                    UNION ALL SELECT backup_id, 'dcs' FROM dcs_backups WHERE backup_id = ANY(\(slice))
                    UNION ALL SELECT id, 'ddm' FROM ddm_backups WHERE id = ANY(\(slice))
                    """,
                    logger: self.logger
                ).map { row in
                    (try row[0].decode(String.self), Service(rawValue: try row[1].decode(String.self)) ?? .rds)
                }
            }
        }
        return found
    }

    /// The storable ids in slices small enough for one quick query each: a seed file's checks
    /// look up every id it holds, hundreds of thousands at once.
    private static func slices(of ids: [String]) -> [[String]] {
        let storable = ids.filter(CatalogText.isStorable)
        return stride(from: 0, to: storable.count, by: 5_000).map { Array(storable[$0..<min($0 + 5_000, storable.count)]) }
    }

    public func rdsBackups(_ query: RDSBackupQuery) async throws -> Page<RDSBackup> {
        if let backupID = query.backupID, !CatalogText.isStorable(backupID) { return Page(items: [], total: 0) }
        let holder = query.location.holder
        if query.backupID == nil,
            let page = try await indexedPage(
                list: .init(table: "rds_backups", partition: [query.instanceID, holder]),
                size: { statement in
                    "SELECT coalesce(sum(count), 0)::bigint FROM rds_backup_totals WHERE instance_id = \(statement.bind(query.instanceID)) AND holder = \(statement.bind(holder))"
                },
                build: { statement in
                    """
                    SELECT begin_key, seq, \(RDSListTag.sqlExpression) FROM rds_backups
                    WHERE instance_id = \(statement.bind(query.instanceID)) AND holder = \(statement.bind(holder))
                    ORDER BY begin_key DESC, id
                    """
                },
                tags: RDSListTag.accepted(types: query.types, status: query.status),
                window: query.window,
                page: query.page,
                table: StoredTables.rdsBackups,
                decode: StoredRecords.rdsBackup
            )
        {
            return page
        }
        return try await runPage(rdsPageQuery(query), decode: StoredRecords.rdsBackup)
    }

    /// The statement of one RDS page and its total (without the order in memory).
    func rdsPageQuery(_ query: RDSBackupQuery) -> PostgresQuery {
        let holder = query.location.holder
        var statement = SQLStatement()
        var conditions = ["instance_id = \(statement.bind(query.instanceID))", "holder = \(statement.bind(holder))"]
        var counter = conditions
        if let backupID = query.backupID { conditions.append("id = \(statement.bind(backupID))") }
        if let types = query.types.map({ $0.map(\.rawValue).sorted() }) {
            let condition = "type = ANY(\(statement.bind(types)))"
            conditions.append(condition)
            counter.append(condition)
        }
        if let status = query.status {
            let condition = "status = \(statement.bind(status.rawValue))"
            conditions.append(condition)
            counter.append(condition)
        }
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &statement)
        return Self.pageQuery(
            statement: &statement,
            table: StoredTables.rdsBackups,
            conditions: conditions,
            order: "begin_key DESC, id",
            page: query.page,
            counter: query.window == nil && query.backupID == nil ? ("rds_backup_totals", counter) : nil
        )
    }

    public func taurusDBBackups(_ query: TaurusDBBackupQuery) async throws -> Page<TaurusDBBackup> {
        if let page = try await indexedPage(
            list: .init(table: "taurusdb_backups", partition: [query.instanceID, query.type.rawValue]),
            size: { statement in
                "SELECT coalesce(sum(count), 0)::bigint FROM taurusdb_backup_totals WHERE instance_id = \(statement.bind(query.instanceID)) AND type = \(statement.bind(query.type.rawValue))"
            },
            build: { statement in
                """
                SELECT begin_key, seq, 0 FROM taurusdb_backups
                WHERE instance_id = \(statement.bind(query.instanceID)) AND type = \(statement.bind(query.type.rawValue))
                ORDER BY begin_key DESC, id
                """
            },
            tags: nil,
            window: query.window,
            page: query.page,
            table: StoredTables.taurusDBBackups,
            decode: StoredRecords.taurusDBBackup
        ) {
            return page
        }
        return try await runPage(taurusDBPageQuery(query), decode: StoredRecords.taurusDBBackup)
    }

    /// The statement of one TaurusDB page and its total (without the order in memory).
    func taurusDBPageQuery(_ query: TaurusDBBackupQuery) -> PostgresQuery {
        var statement = SQLStatement()
        var conditions = ["instance_id = \(statement.bind(query.instanceID))", "type = \(statement.bind(query.type.rawValue))"]
        let counter = conditions
        Self.appendWindow(query.window, column: "begin_key", to: &conditions, &statement)
        return Self.pageQuery(
            statement: &statement,
            table: StoredTables.taurusDBBackups,
            conditions: conditions,
            order: "begin_key DESC, id",
            page: query.page,
            counter: query.window == nil ? ("taurusdb_backup_totals", counter) : nil
        )
    }

    public func dcsBackups(_ query: DCSBackupQuery) async throws -> Page<DCSBackup> {
        if let page = try await indexedPage(
            list: .init(table: "dcs_backups", partition: [query.instanceID]),
            size: { statement in
                "SELECT coalesce(sum(count), 0)::bigint FROM dcs_backup_totals WHERE instance_id = \(statement.bind(query.instanceID))"
            },
            build: { statement in
                """
                SELECT created_key, seq, 0 FROM dcs_backups WHERE instance_id = \(statement.bind(query.instanceID))
                ORDER BY created_key DESC, backup_id
                """
            },
            tags: nil,
            window: query.window,
            page: query.page,
            table: StoredTables.dcsBackups,
            decode: StoredRecords.dcsBackup
        ) {
            return page
        }
        return try await runPage(dcsPageQuery(query), decode: StoredRecords.dcsBackup)
    }

    /// The statement of one DCS page and its total (without the order in memory).
    func dcsPageQuery(_ query: DCSBackupQuery) -> PostgresQuery {
        var statement = SQLStatement()
        var conditions = ["instance_id = \(statement.bind(query.instanceID))"]
        let counter = conditions
        Self.appendWindow(query.window, column: "created_key", to: &conditions, &statement)
        return Self.pageQuery(
            statement: &statement,
            table: StoredTables.dcsBackups,
            conditions: conditions,
            order: "created_key DESC, backup_id",
            page: query.page,
            counter: query.window == nil ? ("dcs_backup_totals", counter) : nil
        )
    }

    public func ddmBackup(id: String, instanceID: String) async throws -> DDMBackup? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.ddmBackups.select) WHERE id = \(id) AND instance_id = \(instanceID) AND status <> 'deleted'",
                logger: self.logger,
                StoredRecords.ddmBackup
            )
        }
    }

    /// One page and its total as one statement, so both see the same snapshot: the total (from
    /// the counters, or counted over the index range), joined with the page's rows.
    static func pageQuery(
        statement: inout SQLStatement,
        table: StoredTable,
        conditions: [String],
        order: String,
        page: PageRequest,
        counter: (table: String, conditions: [String])?
    ) -> PostgresQuery {
        let filter = conditions.joined(separator: " AND ")
        let total =
            if let counter {
                "SELECT coalesce(sum(count), 0)::bigint AS total FROM \(counter.table) WHERE \(counter.conditions.joined(separator: " AND "))"
            } else {
                "SELECT count(*) AS total FROM \(table.name) WHERE \(filter)"
            }
        let sql = """
            SELECT t.total, p.* FROM (\(total)) AS t LEFT JOIN LATERAL (
                \(table.select) WHERE \(filter) ORDER BY \(order)
                LIMIT \(statement.bind(Int64(page.limit))) OFFSET \(statement.bind(Int64(page.offset)))
            ) AS p ON true
            """
        return statement.query(sql)
    }

    /// Runs a `pageQuery`: its rows hold the total, then the page's columns (NULL when empty).
    func runPage<Item: Sendable>(
        _ query: PostgresQuery,
        decode: @escaping @Sendable (PostgresRow) throws -> Item
    ) async throws -> Page<Item> {
        try await read { connection in
            let rows = try await connection.rows(query, logger: self.logger)
            var items: [Item] = []
            items.reserveCapacity(rows.count)
            var total = 0
            for row in rows {
                total = Int(try row[0].decode(Int64.self))
                let columns = PostgresRow(row: row, start: 1)
                if !columns.isNull(0) { items.append(try decode(columns)) }
            }
            return Page(items: items, total: total)
        }
    }

    /// A page of a large list from its order in memory (`ListOrderIndex`), for the requests a
    /// database answers in time proportional to their depth: an offset past the first pages, a
    /// window (whose total it would count row by row), or a filter.
    /// - Parameters:
    ///   - size: the list's total, from the counters.
    ///   - order: selects `key, seq, tag` of the list, in API order.
    /// - Returns: `nil` when the database should answer.
    private func indexedPage<Item: Sendable>(
        list key: ListOrderIndex.ListKey,
        size: (inout SQLStatement) -> String,
        build order: (inout SQLStatement) -> String,
        tags: Set<UInt8>?,
        window: TimeWindow?,
        page: PageRequest,
        table: StoredTable,
        decode: @escaping @Sendable (PostgresRow) throws -> Item
    ) async throws -> Page<Item>? {
        // Each statement's text binds its values first; only then is it complete.
        var sizeStatement = SQLStatement()
        let sizeSQL = size(&sizeStatement)
        let sizeQuery = sizeStatement.query(sizeSQL)
        var orderStatement = SQLStatement()
        let orderSQL = order(&orderStatement)
        let orderQuery = orderStatement.query(orderSQL)
        return try await orderIndex.page(
            of: key,
            window: window,
            tags: tags,
            page: page,
            marker: changeMarker,
            build: { minimumSize in
                try await self.pool.withTransaction(.read) { connection in
                    let count = try await connection.rows(sizeQuery, logger: self.logger).first?[0].decode(Int64.self) ?? 0
                    guard count >= minimumSize else { return nil }
                    // A large partition is a good part of its table, where the planner may prefer to
                    // scan and sort the table; the listing index already holds it in order.
                    try await connection.execute(Self.preferListingIndex, logger: self.logger)
                    var list = OrderedList(capacity: Int(count))
                    for try await (key, handle, tag) in try await connection.query(orderQuery, logger: self.logger)
                        .decode((Int64, Int64, Int32).self)
                    {
                        list.append(key: key, rowHandle: handle, tag: Int64(tag))
                    }
                    return list
                }
            },
            fetch: { handles in
                try await self.read { connection in
                    guard !handles.isEmpty else { return [] }
                    let rows = try await connection.rows(
                        "SELECT seq, \(unescaped: table.columnList) FROM \(unescaped: table.name) WHERE seq = ANY(\(handles))",
                        logger: self.logger
                    )
                    var bySeq: [Int64: Item] = [:]
                    for row in rows {
                        bySeq[try row[0].decode(Int64.self)] = try decode(PostgresRow(row: row, start: 1))
                    }
                    let ordered = handles.compactMap { bySeq[$0] }
                    return ordered.count == handles.count ? ordered : nil
                }
            }
        )
    }

    /// For reading a whole list in order: walk its listing index rather than sort.
    static let preferListingIndex: PostgresQuery =
        "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_sort', 'off', true)"

    static func appendWindow(
        _ window: TimeWindow?,
        column: String,
        to conditions: inout [String],
        _ statement: inout SQLStatement
    ) {
        if let lower = window?.lowerBound { conditions.append("\(column) >= \(statement.bind(lower))") }
        if let upper = window?.upperBound { conditions.append("\(column) <= \(statement.bind(upper))") }
    }

    // MARK: - Accounts and credentials

    public func project(id: String) async throws -> Project? {
        guard CatalogText.isStorable(id) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.projects.select) WHERE id = \(id)",
                logger: self.logger,
                StoredRecords.project
            )
        }
    }

    public func projects(domainID: String) async throws -> [Project] {
        guard CatalogText.isStorable(domainID) else { return [] }
        return try await read { connection in
            try await connection.all(
                "\(unescaped: StoredTables.projects.select) WHERE domain_id = \(domainID) ORDER BY name, id",
                logger: self.logger,
                StoredRecords.project
            )
        }
    }

    public func user(domainID: String, name: String) async throws -> User? {
        guard CatalogText.isStorable(domainID), CatalogText.isStorable(name) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.users.select) WHERE domain_id = \(domainID) AND name = \(name)",
                logger: self.logger,
                StoredRecords.user
            )
        }
    }

    public func accessKey(access: String) async throws -> AccessKey? {
        guard CatalogText.isStorable(access) else { return nil }
        return try await read { connection in
            try await connection.first(
                "\(unescaped: StoredTables.accessKeys.select) WHERE access = \(access)",
                logger: self.logger,
                StoredRecords.accessKey
            )
        }
    }

    // MARK: - Change detection

    /// Whether the revision comes from notifications now (no round trip per request).
    public var hearsRevisions: Bool { revisions.knownRevision() != nil }

    /// The channel every write notifies its revision on; also the listening connection's
    /// `application_name`.
    public var revisionChannel: String { revisions.channel }

    /// The revision notifications have brought, without a round trip; read per request while
    /// they cannot be trusted (no listening connection yet, or it failed).
    public func changeMarker() async throws -> UInt64 {
        if let known = revisions.knownRevision() { return known }
        return try await revision.value()
    }

    public func changes(after revision: UInt64) async throws -> ChangeLog {
        try await read { connection in
            // One statement, one snapshot: the revision and the rows after the one asked about.
            let rows = try await connection.rows(
                """
                SELECT r.revision, c.revision, c.scope FROM catalog_revision r LEFT JOIN LATERAL (
                    SELECT revision, scope FROM catalog_changes WHERE revision > \(Int64(bitPattern: revision))
                    ORDER BY revision LIMIT \(ChangeLog.readLimit + 1)
                ) c ON true
                """,
                logger: PostgresPool.silent
            )
            var current: Int64 = 0
            var logged: [(revision: UInt64, scope: String)] = []
            for row in rows {
                let now = try row[0].decode(Int64.self)
                let changed = try row[1].decode(Int64?.self)
                let scope = try row[2].decode(String?.self)
                current = now
                if let changed, let scope { logged.append((UInt64(bitPattern: changed), scope)) }
            }
            return ChangeLog(revision: UInt64(bitPattern: current), after: revision, rows: logged)
        }
    }

    @discardableResult
    public func checkHealth() async throws -> StoreHealth {
        try await pool.ping()
    }

    // MARK: - Access

    /// A read on one connection; retried on another while its connection is lost.
    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await pool.withConnection(.read, body)
    }

    /// A write transaction that ends by logging what it changed (`log_changes()`: the next
    /// revision and its scopes), so that the new revision becomes visible together with what
    /// was written, and by notifying every node of that revision at commit.
    ///
    /// This node knows its own revision before the caller hears of the commit; it then waits,
    /// briefly, until its listener has heard the notification too: PostgreSQL signals every
    /// listening session at the same commit, so the other nodes have it by then as well.
    func write<T: Sendable>(
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let channel = revisions.channel
        let (result, committed) = try await pool.withTransaction(.write, timeout: timeout) { connection in
            let result = try await body(connection)
            // No row when the transaction changed nothing (no revision, nothing to tell).
            let rows = try await connection.rows(
                """
                SELECT logged, pg_notify(\(channel), logged::text) FROM log_changes() AS logged
                WHERE logged IS NOT NULL
                """,
                logger: self.logger
            )
            return (result, try rows.first?[0].decode(Int64.self))
        }
        if let committed {
            revisions.note(UInt64(bitPattern: committed))
            await revisions.waitUntilHeard(UInt64(bitPattern: committed))
        }
        return result
    }
}

extension RDSBackupLocation {
    /// The `holder` column's value: '' for backups at home, else the project holding the copies.
    fileprivate var holder: String {
        switch self {
        case .home: ""
        case .offsite(let projectID): projectID
        }
    }
}
