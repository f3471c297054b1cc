import Synchronization

/// What an engine has done since it opened, counted where every query passes (SQLite's
/// `read`/`write`, PostgreSQL's pool): what an operator's `/metrics` shows of the store. Counting
/// is a relaxed atomic add, nothing a request waits on.
public final class StoreActivity: Sendable {
    private let readCount = Atomic(0)
    private let writeCount = Atomic(0)
    private let failureCount = Atomic(0)
    private let busyCount = Atomic(0)
    /// The most operations that can hold a connection at once (PostgreSQL's pool size); `nil`
    /// for an engine without a pool.
    public let capacity: Int?
    /// Whether writes are failing for a lasting reason (`/health`, and a gauge of `/metrics`).
    public let writeHealth = WriteHealth()

    public init(capacity: Int? = nil) {
        self.capacity = capacity
    }

    public var reads: Int { readCount.load(ordering: .relaxed) }
    public var writes: Int { writeCount.load(ordering: .relaxed) }
    /// Operations that failed with a store error (not a refusal such as a name already taken).
    public var failures: Int { failureCount.load(ordering: .relaxed) }
    /// Operations running now (PostgreSQL: connections in use).
    public var inUse: Int { busyCount.load(ordering: .relaxed) }

    /// Runs `body` as one operation: counted, and counted failed when it throws anything but a
    /// `TransactionRefusal`. - Parameter busy: whether it also counts in `inUse` while it runs
    /// (an engine with a pool counts that around the connection it holds instead, `holding`).
    public func measure<T>(writing: Bool, busy: Bool = true, _ body: () async throws -> T) async throws -> T {
        if writing { writeCount.add(1, ordering: .relaxed) } else { readCount.add(1, ordering: .relaxed) }
        do {
            return busy ? try await holding(body) : try await body()
        } catch let refusal as any TransactionRefusal {
            throw refusal
        } catch {
            failureCount.add(1, ordering: .relaxed)
            throw error
        }
    }

    /// Runs `body`, counted in `inUse` while it runs.
    public func holding<T>(_ body: () async throws -> T) async rethrows -> T {
        busyCount.add(1, ordering: .relaxed)
        defer { busyCount.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}

/// A store that counts its activity (`StoreActivity`); both engines do.
public protocol ActivityReporting: Sendable {
    var activity: StoreActivity { get }
}
