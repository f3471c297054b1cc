import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Learns the store's revision from PostgreSQL's `NOTIFY` instead of a query per request, so that
/// a cached answer needs no round trip to the database (`docs/architecture.md`, "Caches").
///
/// Every write transaction ends with `pg_notify(channel, revision)` (`PostgresCatalogStore.write`),
/// which PostgreSQL delivers at commit, and only if it commits, to every listening session. One
/// connection per node listens; the highest revision it heard of, or read itself, is `known`.
///
/// It is trusted only while it cannot have missed anything: from a revision read *after* `LISTEN`
/// took effect until the connection fails. The connection is checked every `checkInterval` with a
/// read of the revision under a deadline; a connection that closes, or a check that fails, makes
/// `knownRevision()` `nil` at once, and the store reads the revision per request again (as without
/// a listener) until a new connection listens. The periodic read also repairs a notification that
/// never came, within one interval.
final class RevisionListener: Sendable {
    /// The notification channel of the store in `schema`: channels are per database, and every
    /// schema is a store of its own. A hash keeps any schema name within the 63-byte limit.
    static func channel(schema: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in schema.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "backupd_revision_" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    let channel: String
    private let known = Atomic<UInt64>(0)
    /// The latest revision a notification brought.
    private let heard = Atomic<UInt64>(0)
    /// Which connection is trusted now (0: none); each connection gets a new number, so that a
    /// failing old one cannot withdraw the trust a newer one earned.
    private let trusted = Atomic<UInt64>(0)
    private let runner = Mutex<Task<Void, Never>?>(nil)

    /// How often the listening connection proves it is alive (and reads the revision).
    let checkInterval: Duration

    init(schema: String, checkInterval: Duration) {
        channel = Self.channel(schema: schema)
        self.checkInterval = checkInterval
    }

    /// The latest committed revision, when notifications are being heard; `nil` otherwise (read it).
    func knownRevision() -> UInt64? {
        guard trusted.load(ordering: .acquiring) != 0 else { return nil }
        return known.load(ordering: .acquiring)
    }

    /// A revision known to be committed (a notification, a read, this node's own commit).
    func note(_ revision: UInt64) {
        known.raise(to: revision)
    }

    /// Waits until a notification of `revision` (or a later one) came, for at most `limit`;
    /// at once while notifications are not trusted.
    func waitUntilHeard(_ revision: UInt64, limit: Duration = .milliseconds(50)) async {
        let deadline = ContinuousClock.now + limit
        while trusted.load(ordering: .acquiring) != 0, heard.load(ordering: .acquiring) < revision, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .microseconds(100))
        }
    }

    private func hear(_ revision: UInt64) {
        note(revision)
        heard.raise(to: revision)
    }

    /// Listens until `stop()`, reconnecting after failures.
    /// - Parameter connect: a new connection outside the pool.
    func start(connect: @escaping @Sendable () async throws -> PostgresConnection, logger: Logger) {
        let task = Task { [self] in
            var generation: UInt64 = 0
            while !Task.isCancelled {
                generation += 1
                do {
                    let connection = try await connect()
                    try await listen(on: connection, generation: generation)
                } catch {
                    if !Task.isCancelled {
                        logger.debug("revision notifications interrupted", metadata: ["reason": "\(PostgresFailure(error).reason)"])
                    }
                }
                withdraw(generation)
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        runner.withLock { $0 = task }
    }

    func stop() {
        runner.withLock { $0?.cancel() }
        trusted.store(0, ordering: .releasing)
    }

    private func withdraw(_ generation: UInt64) {
        _ = trusted.compareExchange(expected: generation, desired: 0, ordering: .acquiringAndReleasing)
    }

    /// Listens on `connection`, trusting it from its first revision read on, until it fails.
    private func listen(on connection: PostgresConnection, generation: UInt64) async throws {
        defer { Task { try? await connection.close() } }
        connection.closeFuture.whenComplete { [self] _ in withdraw(generation) }
        try await connection.listen(on: channel) { notifications in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { [self] in
                    for try await notification in notifications {
                        if let revision = UInt64(notification.payload) { hear(revision) }
                    }
                    throw CancellationError()
                }
                group.addTask { [self] in
                    // LISTEN has taken effect: every commit from now on is notified, and the
                    // revision read next covers every commit before.
                    note(try await readRevision(connection))
                    trusted.store(generation, ordering: .releasing)
                    while true {
                        try await Task.sleep(for: checkInterval)
                        note(try await readRevision(connection))
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    private func readRevision(_ connection: PostgresConnection) async throws -> UInt64 {
        // No `orWhenClosed`: it would add a callback to the close future every check, for the
        // connection's whole life; a close withdraws the trust anyway (`listen`).
        try await Deadline.run(after: .seconds(1)) {
            let rows = try await connection.query("SELECT revision FROM catalog_revision", logger: PostgresPool.silent)
            for try await revision in rows.decode(Int64.self) {
                return UInt64(bitPattern: revision)
            }
            return 0
        }
    }
}

extension Atomic where Value == UInt64 {
    /// Raises the value to `value` unless it is already that high.
    fileprivate func raise(to value: UInt64) {
        var current = load(ordering: .relaxed)
        while current < value {
            let (exchanged, original) = compareExchange(expected: current, desired: value, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = original
        }
    }
}
