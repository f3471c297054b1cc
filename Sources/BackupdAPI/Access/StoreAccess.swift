public import BackupdCatalog

/// The store as the server's requests reach it: every role, plus a cache of the lookups that
/// requests repeat (access keys, tokens, principals, projects, instances), kept for one change
/// marker at a time (`CacheGeneration`). Correct across processes and nodes: any committed
/// write changes the marker, and with it every cached answer is dropped.
///
/// A request reads the marker once, first, and sees the roles through `Cached` views bound to
/// it; nothing here has a method per store requirement, so a new store method costs no edit here.
public struct StoreAccess: Sendable {
    public let store: any CatalogStore
    private let lookups = CacheGeneration<LookupKey, any Sendable>(budget: 100_000)

    public init(store: any CatalogStore) {
        self.store = store
    }

    /// The marker a request works with: read before anything it caches.
    public func changeMarker() async throws -> UInt64 {
        try await store.changeMarker()
    }

    /// The credential role, its lookups cached for `marker`.
    public func credentials(at marker: UInt64) -> Cached<any CredentialStore> {
        Cached(store: store, lookups: lookups, marker: marker)
    }

    /// The backup role, its lookups cached for `marker`.
    public func backups(at marker: UInt64) -> Cached<any BackupStore> {
        Cached(store: store, lookups: lookups, marker: marker)
    }
}

/// A store role seen by one request: `lookup` answers from memory what was read before at the
/// same change marker, and `store` is the role itself, for writes and reads never cached.
public struct Cached<Role: Sendable>: Sendable {
    public let store: Role
    private let lookups: CacheGeneration<LookupKey, any Sendable>
    private let marker: UInt64

    fileprivate init(store: Role, lookups: CacheGeneration<LookupKey, any Sendable>, marker: UInt64) {
        self.store = store
        self.lookups = lookups
        self.marker = marker
    }

    /// The answer of `read` for `key`: from memory when it was read at this marker before.
    /// - Parameter key: names the lookup and every argument it reads by, so that two keys are
    ///   equal only when `read` would return the same.
    public func lookup<Answer: Sendable>(_ key: LookupKey, _ read: (Role) async throws -> Answer) async throws -> Answer {
        // Two steps: the cached value itself may be an optional's `nil`, which is an answer.
        if let cached = lookups.value(for: key, marker: marker), let hit = cached as? Answer { return hit }
        let answer = try await read(store)
        lookups.keep(answer, for: key, marker: marker)
        return answer
    }
}

/// What a cached lookup is keyed by: its name and the arguments it reads by.
public struct LookupKey: Hashable, Sendable {
    private let name: String
    private let arguments: [String]

    public init(_ name: String, _ arguments: String...) {
        self.name = name
        self.arguments = arguments
    }
}
