import BackupdCatalog
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// The connections behind a PostgreSQL store: PostgresNIO's bounded pool, a deadline on every
/// operation, and a fast, honest answer while the database is away.
///
/// - Every operation has a deadline (`queryTimeout`; bulk loads have their own): past it the caller
///   gets `CatalogError.unavailable` even if the database never answers (a hung server, a lost
///   network), and the server also cancels the statement (`statement_timeout`).
/// - A lost connection or a server that refuses connections opens an *outage*: from then on
///   operations fail at once with its reason instead of queueing behind a pool that is backing
///   off, and a probe connects every 200 ms. The first probe that gets an answer replaces the pool
///   with a new one (PostgresNIO's backs off for up to a minute after failing connects), so service
///   resumes within a probe interval of the database's return, without a restart.
/// - A read whose connection is lost mid-query is retried on another connection, up to one more
///   time than the pool has connections (a read cannot have half-happened); a write is never
///   retried (it may have committed).
final class PostgresPool: Sendable {
    struct Settings: Sendable {
        var location: PostgresLocation
        var maximumConnections: Int
        var queryTimeout: Duration
        /// The deadline of one bulk statement (a batch of a load), whose rows are many.
        var bulkStatementTimeout: Duration = .seconds(120)
    }

    enum Kind {
        /// Safe to retry on another connection after a lost connection.
        case read
        case write
    }

    private struct State {
        var client: PostgresClient
        var runner: Task<Void, Never>
        /// Why the database is unreachable now; `nil` while it answers.
        var outage: String?
        var probing = false
        var closed = false
    }

    let settings: Settings
    /// Every operation, and the connections held now, for `/metrics`.
    let activity: StoreActivity
    private let logger: Logger
    private let clientLogger: Logger
    private let state: Mutex<State>

    /// Creates the pool; it connects on first use.
    init(settings: Settings, logger: Logger) {
        self.settings = settings
        self.activity = StoreActivity(capacity: settings.maximumConnections)
        self.logger = logger
        // PostgresNIO reports every failed connect at info: during an outage that is one line per
        // attempt. The pool's own messages (outage, recovery) say what matters.
        var clientLogger = logger
        clientLogger.logLevel = max(logger.logLevel, .warning)
        self.clientLogger = clientLogger
        let client = PostgresClient(configuration: Self.clientConfiguration(settings), backgroundLogger: clientLogger)
        self.state = Mutex(State(client: client, runner: Task { await client.run() }))
    }

    deinit {
        state.withLock { $0.runner.cancel() }
    }

    /// Closes every connection; later operations fail as unavailable.
    func close() {
        state.withLock { state in
            state.closed = true
            state.outage = "the store was closed"
            state.runner.cancel()
        }
    }

    /// Why the database is unreachable now, or `nil`.
    var outage: String? { state.withLock { $0.outage } }

    /// Runs `body` on a pooled connection within the deadline.
    func withConnection<T: Sendable>(
        _ kind: Kind,
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        // Every pooled connection may have been lost at once (the server ended its sessions): a
        // read may meet each of them before a fresh one.
        let attempts = kind == .read ? settings.maximumConnections + 1 : 1
        var attempt = 1
        // In use counts from when a connection is held, not while waiting for one.
        return try await activity.measure(writing: kind == .write, busy: false) { [activity] in
            while true {
                let client = try currentClient()
                do {
                    let result = try await Deadline.run(after: timeout ?? settings.queryTimeout) {
                        try await client.withConnection { connection in
                            // When the server dies mid-statement PostgresNIO may never fail it:
                            // the close ends the wait, and gives the lease back.
                            try await activity.holding {
                                try await Deadline.run(after: nil, orWhenClosed: connection.closeFuture) {
                                    try await body(connection)
                                }
                            }
                        }
                    }
                    if kind == .write { activity.writeHealth.writeCommitted() }
                    return result
                } catch let refusal as any TransactionRefusal {
                    throw refusal
                } catch let failure {
                    let classified = PostgresFailure(failure)
                    if kind == .write, classified.isLastingWriteFailure {
                        activity.writeHealth.writeFailed(reason: classified.reason)
                    }
                    if classified.isConnectionLoss, attempt < attempts {
                        attempt += 1
                        continue
                    }
                    if classified.opensOutage { beginOutage(classified.reason) }
                    throw classified.catalogError
                }
            }
        }
    }

    /// Runs `body` in a transaction (`BEGIN` … `COMMIT`, rolled back when it throws).
    func withTransaction<T: Sendable>(
        _ kind: Kind,
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(kind, timeout: timeout) { connection in
            try await connection.execute("BEGIN", logger: self.logger)
            do {
                let result = try await body(connection)
                try await connection.execute("COMMIT", logger: self.logger)
                return result
            } catch {
                if !connection.isClosed { try? await connection.execute("ROLLBACK", logger: self.logger) }
                throw error
            }
        }
    }

    /// Checks that the database answers now; during an outage, reports it (the probe notices the
    /// database's return within 200 ms).
    func ping() async throws -> StoreHealth {
        if let outage { throw CatalogError.unavailable(reason: outage) }
        try await withConnection(.read) { connection in
            try await connection.execute("SELECT 1", logger: self.logger)
        }
        return activity.writeHealth.health
    }

    // MARK: - Outages

    private func currentClient() throws -> PostgresClient {
        try state.withLock { state in
            if let outage = state.outage { throw CatalogError.unavailable(reason: outage) }
            return state.client
        }
    }

    private func beginOutage(_ reason: String) {
        let startProbe = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.outage = reason
            guard !state.probing else { return false }
            state.probing = true
            return true
        }
        guard startProbe else { return }
        logger.warning("PostgreSQL unreachable, answering errors until it is back", metadata: ["reason": "\(reason)"])
        Task { await self.probeUntilBack() }
    }

    private func probeUntilBack() async {
        let settings = self.settings
        while !Task.isCancelled {
            if state.withLock({ $0.closed }) { return }
            let answered: Bool
            do {
                try await Deadline.run(after: .seconds(1)) {
                    let connection = try await PostgresConnection.connect(
                        configuration: Self.connectionConfiguration(settings, connectTimeout: .seconds(1)),
                        id: 0,
                        logger: Self.silent
                    )
                    defer { Task { try? await connection.close() } }
                    try await connection.execute("SELECT 1", logger: Self.silent)
                }
                answered = true
            } catch {
                answered = false
                state.withLock { if !$0.closed { $0.outage = PostgresFailure(error).reason } }
            }
            if answered {
                let client = PostgresClient(configuration: Self.clientConfiguration(settings), backgroundLogger: clientLogger)
                let previous = state.withLock { state -> Task<Void, Never>? in
                    guard !state.closed else { return nil }
                    let previous = state.runner
                    state.client = client
                    state.runner = Task { await client.run() }
                    state.outage = nil
                    state.probing = false
                    return previous
                }
                previous?.cancel()
                if previous != nil { logger.notice("PostgreSQL answers again") }
                return
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    // MARK: - Configuration

    /// For probes and one-off connections, whose failures the caller reports itself.
    static let silent = Logger(label: "backupd.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A single connection outside the pool (start-up checks and migrations), failing at once
    /// when the server refuses it rather than waiting for the pool to back off.
    /// - Parameter applicationName: how `pg_stat_activity` names it.
    static func connect(_ settings: Settings, applicationName: String = "backupd") async throws -> PostgresConnection {
        try await PostgresConnection.connect(
            configuration: connectionConfiguration(settings, connectTimeout: .seconds(10), applicationName: applicationName),
            id: 0,
            logger: silent
        )
    }

    /// - Parameter connectTimeout: short for the outage probe, which tries again soon anyway;
    ///   longer at start-up, on a machine that may be busy.
    private static func connectionConfiguration(
        _ settings: Settings,
        connectTimeout: TimeAmount,
        applicationName: String = "backupd"
    ) -> PostgresConnection.Configuration {
        let location = settings.location
        var configuration = PostgresConnection.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        configuration.options.additionalStartupParameters = startupParameters(settings, applicationName: applicationName)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    private static func clientConfiguration(_ settings: Settings) -> PostgresClient.Configuration {
        let location = settings.location
        var configuration = PostgresClient.Configuration(
            host: location.host,
            port: location.port,
            username: location.user,
            password: location.password,
            database: location.database,
            tls: .disable
        )
        configuration.options.maximumConnections = settings.maximumConnections
        configuration.options.additionalStartupParameters = startupParameters(settings)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Every connection works in the store's schema, and the server gives up on a statement
    /// shortly after the client's deadline (a bulk load lifts it for its own transaction).
    private static func startupParameters(_ settings: Settings, applicationName: String = "backupd") -> [(String, String)] {
        let milliseconds =
            settings.queryTimeout.components.seconds * 1000
            + settings.queryTimeout.components.attoseconds / 1_000_000_000_000_000
        return [
            ("search_path", "\"\(settings.location.schema)\""),
            ("statement_timeout", "\(milliseconds + 500)"),
            ("application_name", applicationName),
        ]
    }
}
