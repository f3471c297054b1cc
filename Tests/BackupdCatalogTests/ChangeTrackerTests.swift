import BackupdCatalog
import Testing

/// `ChangeTracker`, `ChangeLog` and `ScopedCache`: a value stays fresh until a later revision
/// touches what it depends on, and only then; a log that has lost revisions drops everything.
@Suite struct ChangeTrackerTests {
    static let a = ChangeScope.instance("a")
    static let b = ChangeScope.instance("b")

    static func log(_ revision: UInt64, after: UInt64, _ rows: [(UInt64, ChangeScope)]) -> ChangeLog {
        ChangeLog(revision: revision, after: after, rows: rows.map { ($0.0, $0.1.description) })
    }

    @Test func aValueGoesStaleWhenALaterRevisionTouchesItsScopeAndNoOtherWay() {
        let tracker = ChangeTracker(revision: 10)
        #expect(tracker.isFresh(readAt: 10, [Self.a]))
        tracker.apply(Self.log(12, after: 10, [(11, Self.b), (11, .clock), (12, .accessKey("AK"))]))
        #expect(tracker.seen == 12)
        #expect(tracker.isFresh(readAt: 10, [Self.a]), "b, the clock and a key were written, not a")
        #expect(!tracker.isFresh(readAt: 10, [Self.b]))
        #expect(!tracker.isFresh(readAt: 10, [Self.a, Self.b]), "one stale scope is enough")
        #expect(tracker.isFresh(readAt: 11, [Self.b]), "read at the revision that wrote it")
        #expect(!tracker.isFresh(readAt: 11, ScopeList(.accessKey("AK"), .accounts)))
        #expect(tracker.isFresh(readAt: 12, ScopeList(.accessKey("AK"), .accounts)))
    }

    @Test func everythingAndALogWithGapsDropWhatWasReadBefore() {
        let tracker = ChangeTracker(revision: 1)
        tracker.apply(Self.log(3, after: 1, [(2, Self.a), (3, .everything)]))
        #expect(!tracker.isFresh(readAt: 2, [Self.b]))
        #expect(tracker.isFresh(readAt: 3, [Self.a]))
        // Revisions 4 and 5 are gone from the log: anything may have changed by 6.
        let gapped = Self.log(6, after: 3, [(6, Self.a)])
        #expect(!gapped.isComplete)
        tracker.apply(gapped)
        #expect(!tracker.isFresh(readAt: 5, [Self.b]))
        #expect(tracker.isFresh(readAt: 6, [Self.b]))
        #expect(tracker.seen == 6)
    }

    @Test func logsAppliedOutOfOrderKeepTheLatestRevisionOfEachScope() {
        let tracker = ChangeTracker(revision: 0)
        tracker.apply(Self.log(5, after: 0, [(1, .clock), (3, Self.a), (5, Self.a)]))
        tracker.apply(Self.log(3, after: 0, [(1, .clock), (3, Self.a)]))
        #expect(tracker.seen == 5)
        #expect(!tracker.isFresh(readAt: 4, [Self.a]))
        #expect(tracker.isFresh(readAt: 5, [Self.a]))
    }

    @Test func completenessOfALog() {
        #expect(Self.log(4, after: 4, []).isComplete, "nothing happened")
        #expect(Self.log(5, after: 4, [(5, Self.a)]).isComplete)
        #expect(!Self.log(5, after: 4, []).isComplete, "the revision moved but its rows are gone")
        #expect(!Self.log(6, after: 4, [(6, Self.a)]).isComplete)
        let many = (0...ChangeLog.readLimit).map { (UInt64(5), ChangeScope.instance("i\($0)")) }
        #expect(!Self.log(5, after: 4, many).isComplete, "more rows than one read takes")
        #expect(ChangeLog(revision: 1, after: 0, rows: [(1, "no such scope")]).entries.first?.scope == .everything)
    }

    @Test func loggedTextsReadBack() {
        for scope in [ChangeScope.everything, .clock, .chains, .accounts, .instance("x:y"), .project("p"), .accessKey("AK"), .token("d")] {
            #expect(ChangeScope(logged: scope.description) == scope)
        }
        #expect(ChangeScope(logged: "i:") == nil)
        #expect(ChangeScope(logged: "q:x") == nil)
    }

    @Test func tooManyScopesAreForgottenAsEverything() {
        let tracker = ChangeTracker(revision: 0, scopeLimit: 3)
        tracker.apply(Self.log(1, after: 0, (0..<4).map { (1, ChangeScope.instance("i\($0)")) }))
        #expect(!tracker.isFresh(readAt: 0, [Self.a]), "a scope never written is stale too, once forgotten")
        #expect(tracker.isFresh(readAt: 1, [Self.a]))
    }

    @Test func theCacheServesWhatIsFreshDropsWhatIsNotAndCounts() {
        let tracker = ChangeTracker(revision: 1)
        let counters = CacheCounters()
        let cache = ScopedCache<String, String>(tracker: tracker, budget: 3, counters: counters)
        cache.keep("A", for: "a", readAt: 1, scopes: ScopeList(Self.a))
        cache.keep("B", for: "b", readAt: 1, scopes: ScopeList([Self.b, .chains]))
        #expect(cache.value(for: "a") == "A" && cache.value(for: "b") == "B")
        tracker.apply(Self.log(2, after: 1, [(2, .chains)]))
        #expect(cache.value(for: "a") == "A")
        #expect(cache.value(for: "b") == nil)
        #expect(counters.hits == 3 && counters.misses == 1)
        // A value read before a change it depends on is not kept at all.
        cache.keep("B", for: "b", readAt: 1, scopes: ScopeList(.chains))
        #expect(cache.value(for: "b") == nil)
        // Past the budget everything goes and filling starts again.
        for key in ["c", "d", "e"] { cache.keep(key, for: key, readAt: 2, scopes: ScopeList(Self.a)) }
        #expect(cache.value(for: "a") == nil)
        #expect(cache.value(for: "e") == "e")
    }
}
