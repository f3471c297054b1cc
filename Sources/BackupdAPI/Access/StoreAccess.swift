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
    /// A unit is an entry of a few hundred bytes: a lookup, or 32 begin seconds of a stored order.
    private let lookups = CacheGeneration<TypedKey, AnswerBox>(budget: 100_000) { $0.units }
    /// Real time, which the catalog clock runs from.
    private let realTime: WallClock

    public init(store: any CatalogStore, realTime: WallClock = .system) {
        self.store = store
        self.realTime = realTime
    }

    /// The catalog clock's reading for a request read at `marker`, with every lifecycle change due
    /// by then written down first (`docs/lifecycle.md` §6), and the marker to read at from then
    /// on. A store with nothing due (every catalog without writes or policies) is not written.
    public func catalogTime(at marker: UInt64) async throws -> CatalogMoment {
        let cached = Cached<any CatalogStore>(store: store, lookups: lookups, marker: marker)
        let real = realTime.milliseconds
        let (setting, nextTransition) = try await cached.lookup(LookupKey("catalogClock", "")) { store in
            let setting = try await store.clockSetting()
            return (setting, try await store.nextTransition(after: setting.reading(realMilliseconds: real)))
        }
        let now = setting.reading(realMilliseconds: real)
        guard let nextTransition, now >= nextTransition else { return CatalogMoment(marker: marker, now: now) }
        try await store.settle(through: now)
        return CatalogMoment(marker: try await store.changeMarker(), now: now)
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
    public func backups(at marker: UInt64) -> Cached<any TenantStore> {
        Cached(store: store, lookups: lookups, marker: marker)
    }
}

/// A store role seen by one request: `lookup` answers from memory what was read before at the
/// same change marker, and `store` is the role itself, for writes and reads never cached.
public struct Cached<Role: Sendable>: Sendable {
    public let store: Role
    private let lookups: CacheGeneration<TypedKey, AnswerBox>
    private let marker: UInt64

    fileprivate init(store: Role, lookups: CacheGeneration<TypedKey, AnswerBox>, marker: UInt64) {
        self.store = store
        self.lookups = lookups
        self.marker = marker
    }

    /// The answer of `read` for `key`: from memory when it was read at this marker before.
    /// - Parameters:
    ///   - key: names the lookup and every argument it reads by, so that two keys are equal only
    ///     when `read` would return the same.
    ///   - units: what the answer uses of the cache's budget (an entry of a few hundred bytes is 1).
    public func lookup<Answer: Sendable>(
        _ key: LookupKey,
        units: (Answer) -> Int = { _ in 1 },
        _ read: (Role) async throws -> Answer
    ) async throws -> Answer {
        let typed = TypedKey(key: key, answer: ObjectIdentifier(Answer.self))
        // The key names the answer's type, so the box is a `Box<Answer>`: a pointer cast, no dynamic
        // cast on the path of every request. A cached `nil` is an answer like any other.
        if let cached = lookups.value(for: typed, marker: marker) {
            return unsafeDowncast(cached, to: Box<Answer>.self).value
        }
        let answer = try await read(store)
        lookups.keep(Box(answer, units: units(answer)), for: typed, marker: marker)
        return answer
    }
}

/// What a cached lookup is keyed by: its name and the one or two arguments it reads by.
public struct LookupKey: Hashable, Sendable {
    private let name: String
    private let first: String
    private let second: String?

    /// - Parameter name: a literal naming the lookup (a literal costs no allocation per request).
    public init(_ name: String, _ first: String, _ second: String? = nil) {
        self.name = name
        self.first = first
        self.second = second
    }
}

/// A lookup key together with the type of its answer, which fixes the type of its box.
private struct TypedKey: Hashable, Sendable {
    let key: LookupKey
    let answer: ObjectIdentifier
}

/// A cached answer of any type, boxed so that reading it back is a pointer cast.
private class AnswerBox: @unchecked Sendable {
    /// What it uses of the cache's budget.
    let units: Int

    init(units: Int) {
        self.units = units
    }
}

private final class Box<Value: Sendable>: AnswerBox, @unchecked Sendable {
    let value: Value

    init(_ value: Value, units: Int) {
        self.value = value
        super.init(units: units)
    }
}

/// The catalog time a request is answered at (milliseconds since the epoch) and the change
/// marker its reads are cached by, taken after the changes due by then were written down.
public struct CatalogMoment: Sendable, Hashable {
    public let marker: UInt64
    public let now: Int64
}
