public import BackupdCatalog
import Synchronization

/// The store as the server's requests reach it: every role, plus a cache of the lookups that
/// requests repeat (access keys, tokens, principals, projects, instances). Each entry is kept
/// with the revision it was read at and the scope it depends on (`ScopedCache`), and dropped
/// when the store's change log says a later write touched that scope (`ChangeFeed`): correct
/// across processes and nodes, and a write to one instance leaves the others' entries alone.
///
/// A request reads the revision once, first, and sees the roles through `Cached` views bound to
/// it; nothing here has a method per store requirement, so a new store method costs no edit here.
public struct StoreAccess: Sendable {
    public let store: any CatalogStore
    /// The node's knowledge of the change log, which every cache above the store checks against.
    public let changes: ChangeFeed
    /// A unit is an entry of a few hundred bytes: a lookup, 256 bytes of its arguments, or 32
    /// begin seconds of a stored order.
    private let lookups: ScopedCache<TypedKey, AnswerBox>
    /// The bytes one unit of the lookup cache stands for, which turn a budget in MiB into units.
    public static let lookupUnitBytes = 256
    /// The lookup cache's budget unless the operator gives one (`serve --lookup-cache-mb`): 25 MiB.
    public static let defaultLookupCacheBytes = 25 << 20
    /// The units the lookup cache keeps at most; 0 keeps none, and every lookup reads the store.
    public let lookupBudget: Int
    /// Real time, which the catalog clock runs from.
    private let realTime: WallClock
    private let clockReads = SharedFlight<UInt64, (ClockSetting, Int64?)>()
    private let settles = SharedFlight<Int64, Void>()
    private let settleCount = RunCount()
    private let scheduledCount = RunCount()

    /// - Parameter lookupCacheBytes: about how much memory the lookup cache may hold, in units of
    ///   `lookupUnitBytes` (an entry's real size depends on its answer; the unit is a fair mean).
    public init(store: any CatalogStore, realTime: WallClock = .system, lookupCacheBytes: Int = defaultLookupCacheBytes) {
        self.store = store
        self.realTime = realTime
        self.changes = ChangeFeed(store: store)
        self.lookupBudget = max(0, lookupCacheBytes) / Self.lookupUnitBytes
        self.lookups = ScopedCache(tracker: changes.tracker, budget: lookupBudget) { key, answer in
            answer.units + key.key.argumentUnits
        }
    }

    /// The catalog clock's reading for a request read at `revision`, with the store's next
    /// transition; nothing is written. A cached answer that nothing due by then touches is served
    /// at this reading without settling the store (`answerExpiry`).
    public func clockReading(at revision: UInt64) async throws -> ClockReading {
        let cached = Cached<any CatalogStore>(store: store, lookups: lookups, revision: revision)
        let real = realTime.milliseconds
        let (setting, nextTransition) = try await cached.lookup(LookupKey("catalogClock", "", scope: .clock)) { store in
            // Every write invalidates this entry: the requests that miss it at once share one read.
            try await clockReads.run(covering: revision) {
                let setting = try await store.clockSetting()
                return (setting, try await store.nextTransition(after: setting.reading(realMilliseconds: real)))
            }
        }
        return ClockReading(now: setting.reading(realMilliseconds: real), nextTransition: nextTransition)
    }

    /// The catalog as it is at `reading`: every lifecycle change due by then written down first
    /// (`docs/lifecycle.md` §6), and the revision to read at from then on. A store with nothing
    /// due (every catalog without writes or policies) is not written.
    public func settled(_ reading: ClockReading, at revision: UInt64) async throws -> CatalogMoment {
        guard let nextTransition = reading.nextTransition, reading.now >= nextTransition else {
            return CatalogMoment(marker: revision, now: reading.now, nothingScheduled: reading.nextTransition == nil)
        }
        let now = reading.now
        // One settle through a later instant does for every request that needs one meanwhile.
        try await settles.run(covering: now) { [store, settleCount, scheduledCount] in
            settleCount.value.add(1, ordering: .relaxed)
            let made = try await store.settle(through: now)
            scheduledCount.value.add(made, ordering: .relaxed)
        }
        return CatalogMoment(marker: try await changes.revision(), now: now, nothingScheduled: false)
    }

    /// The first clock instant at which an answer read at `moment`, depending on `scopes`, may
    /// show something else without any write: the next transition of the instances it read when
    /// it read nothing else that moves with the clock, else the store's next transition; `nil`
    /// when nothing is ever due. Until then (and while no write touches `scopes`) it may be served
    /// without settling, whatever is due elsewhere (`docs/architecture.md`, "Caches").
    public func answerExpiry(dependingOn scopes: [ChangeScope], at moment: CatalogMoment) async throws -> AnswerExpiry {
        AnswerExpiry(instant: try await nextTransition(forAnswerDependingOn: scopes, at: moment))
    }

    private func nextTransition(forAnswerDependingOn scopes: [ChangeScope], at moment: CatalogMoment) async throws -> Int64? {
        if moment.nothingScheduled { return nil }
        var instances: [String] = []
        for scope in scopes {
            switch scope.kind {
            case .instance: instances.append(scope.id)
            // Chains are the instances' own (their policies); the rest never moves with the clock.
            case .chains, .accounts, .accessKey, .token, .clock: continue
            // A project's backups by id, or anything at all: whatever is due anywhere.
            case .project, .everything: return try await store.nextTransition(after: moment.now)
            }
        }
        return try await store.nextTransition(after: moment.now, ofInstances: instances)
    }

    /// How many settles this node ran (each runs the schedules and writes down what is due), for `/metrics`.
    public var settlesRun: Int { settleCount.value.load(ordering: .relaxed) }

    /// How many backups the schedules made in the settles this node ran, for `/metrics`.
    public var backupsScheduled: Int { scheduledCount.value.load(ordering: .relaxed) }

    /// The revision a request works at: read before anything it caches.
    public func changeMarker() async throws -> UInt64 {
        try await changes.revision()
    }

    /// The credential role, its lookups cached for `revision`.
    public func credentials(at revision: UInt64) -> Cached<any CredentialStore> {
        Cached(store: store, lookups: lookups, revision: revision)
    }

    /// The backup role, its lookups cached for `revision`; `recorder` collects the scopes of
    /// what it reads, which an answer built from them depends on.
    public func backups(at revision: UInt64, recording recorder: ScopeRecorder? = nil) -> Cached<any TenantStore> {
        Cached(store: store, lookups: lookups, revision: revision, recorder: recorder)
    }
}

/// A count that copies of a `StoreAccess` share.
private final class RunCount: Sendable {
    let value = Atomic(0)
}

/// The scopes one request's reads depended on: what its answer, if cached, depends on.
public final class ScopeRecorder: Sendable {
    private let scopes = Mutex<[ChangeScope]>([])

    public init() {}

    public func note(_ scope: ChangeScope) {
        scopes.withLock { scopes in
            if !scopes.contains(scope) { scopes.append(scope) }
        }
    }

    /// What was noted, in order.
    public var noted: [ChangeScope] {
        scopes.withLock { $0 }
    }
}

/// A store role seen by one request: `lookup` answers from memory what was read before and is
/// still current, and `store` is the role itself, for writes and reads never cached.
public struct Cached<Role: Sendable>: Sendable {
    public let store: Role
    private let lookups: ScopedCache<TypedKey, AnswerBox>
    private let revision: UInt64
    private let recorder: ScopeRecorder?

    fileprivate init(store: Role, lookups: ScopedCache<TypedKey, AnswerBox>, revision: UInt64, recorder: ScopeRecorder? = nil) {
        self.store = store
        self.lookups = lookups
        self.revision = revision
        self.recorder = recorder
    }

    /// Notes that the request read something that depends on `scope`, beyond its lookups.
    public func note(_ scope: ChangeScope) {
        recorder?.note(scope)
    }

    /// The answer of `read` for `key`: from memory when it was read before and nothing in its
    /// scope was written since.
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
        if let recorder {
            for scope in key.scopes { recorder.note(scope) }
        }
        // The key names the answer's type, so the box is a `Box<Answer>`: a pointer cast, no dynamic
        // cast on the path of every request. A cached `nil` is an answer like any other.
        if let cached = lookups.value(for: typed) {
            return unsafeDowncast(cached, to: Box<Answer>.self).value
        }
        let answer = try await read(store)
        lookups.keep(Box(answer, units: units(answer)), for: typed, readAt: revision, scopes: key.scopes)
        return answer
    }
}

/// What a cached lookup is keyed by: its name and the one or two arguments it reads by, and
/// the scopes of the change log its answer depends on (which are not part of its identity).
public struct LookupKey: Hashable, Sendable {
    private let name: String
    private let first: String
    private let second: String?
    let scopes: ScopeList

    /// - Parameters:
    ///   - name: a literal naming the lookup (a literal costs no allocation per request).
    ///   - scope: what a write must touch to change the answer; `also`, a second such scope.
    public init(_ name: String, _ first: String, _ second: String? = nil, scope: ChangeScope, also: ChangeScope? = nil) {
        self.name = name
        self.first = first
        self.second = second
        self.scopes = ScopeList(scope, also)
    }

    /// What the arguments add to an entry, in the cache's units of a few hundred bytes. An argument
    /// is what a request sent (an instance id, an access key): a client's ids of kilobytes must
    /// not let a full cache's entries take gigabytes.
    var argumentUnits: Int {
        (first.utf8.count + (second?.utf8.count ?? 0)) / 256
    }

    public static func == (left: LookupKey, right: LookupKey) -> Bool {
        left.name == right.name && left.first == right.first && left.second == right.second
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(first)
        hasher.combine(second)
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

/// The catalog time a request is answered at (milliseconds since the epoch) and the revision
/// its reads are cached at, taken after the changes due by then were written down.
public struct CatalogMoment: Sendable, Hashable {
    public let marker: UInt64
    public let now: Int64
    /// Nothing is ever due in the store (no lifecycle record, no policy), as read at `marker`.
    let nothingScheduled: Bool
}

/// When a cached answer may stop showing what the clock shows (`StoreAccess.answerExpiry`).
public struct AnswerExpiry: Sendable, Hashable {
    /// The first clock instant (milliseconds since the epoch) it may be out of date at; `nil`: never.
    public let instant: Int64?

    /// Whether an answer with this expiry still shows what the clock shows at `now`.
    public func isCurrent(at now: Int64) -> Bool {
        instant.map { now < $0 } ?? true
    }
}

/// The catalog clock as one request reads it, before anything due is written down.
public struct ClockReading: Sendable, Hashable {
    /// Milliseconds since the epoch.
    public let now: Int64
    /// The store's next transition (`TransitionStore.nextTransition(after:)`).
    public let nextTransition: Int64?
}
