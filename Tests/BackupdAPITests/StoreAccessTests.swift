import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Synchronization
import Testing

/// The lookup cache of `StoreAccess`: answers, `nil` ones included, are kept until a write
/// touches the scope they depend on, and only then.
@Suite struct StoreAccessTests {
    /// Counts how often `Cached.lookup` calls its read, per key.
    final class Reads: Sendable {
        private let counts = Mutex([String: Int]())
        subscript(key: String) -> Int { counts.withLock { $0[key] ?? 0 } }
        func add(_ key: String) { counts.withLock { $0[key, default: 0] += 1 } }
    }

    @Test("a lookup is read again only after a write touched its scope; a nil answer is an answer too")
    func keptUntilItsScopeIsWritten() async throws {
        let store = try await Fixtures.exampleStore()
        let access = StoreAccess(store: store)
        let reads = Reads()
        let scopes: [String: ChangeScope] = [
            "alice": .accessKey(Fixtures.Alice.access),
            "bob": .accessKey(Fixtures.Bob.access),
            "accounts": .accounts,
            "mysql": .instance(Fixtures.Acme.mysqlInstance),
            "redis": .instance(Fixtures.Acme.redisInstance),
            "nothing": .instance("no-such-instance"),
        ]
        func readAll() async throws {
            let credentials = access.credentials(at: try await access.changeMarker())
            for (name, scope) in scopes {
                let answer: String? = try await credentials.lookup(LookupKey("test", name, scope: scope)) { _ in
                    reads.add(name)
                    return name == "nothing" ? nil : name
                }
                #expect(answer == (name == "nothing" ? nil : name))
            }
        }
        func expectReads(_ expected: [String: Int], after what: String) {
            for name in scopes.keys {
                #expect(reads[name] == expected[name] ?? 1, "\(name) after \(what)")
            }
        }
        try await readAll()
        try await readAll()
        expectReads([:], after: "two rounds of reads")

        _ = try await store.recordSignatureFailure(access: Fixtures.Bob.access, at: 1, policy: .gateway)
        try await readAll()
        expectReads(["bob": 2], after: "a signature failure of bob's key")

        _ = try await store.armFault(instanceID: Fixtures.Acme.redisInstance, at: 1)
        try await readAll()
        expectReads(["bob": 2, "redis": 2], after: "a fault armed on the Redis instance")

        try await Fixtures.load(#"{"domains": [{"name": "newco"}]}"#, into: store)
        try await readAll()
        expectReads(["alice": 2, "bob": 3, "accounts": 2, "mysql": 2, "redis": 3, "nothing": 2], after: "a seed load")
    }

    @Test("keys of different lookups or arguments never share an answer")
    func keysAreExact() async throws {
        let access = StoreAccess(store: try await StoreEngine.sqliteMemory.makeStore())
        let credentials = access.credentials(at: try await access.changeMarker())
        let first = try await credentials.lookup(LookupKey("a", "x", "y", scope: .accounts)) { _ in "a(x,y)" }
        let second = try await credentials.lookup(LookupKey("a", "xy", scope: .accounts)) { _ in "a(xy)" }
        let third = try await credentials.lookup(LookupKey("b", "x", "y", scope: .accounts)) { _ in "b(x,y)" }
        #expect([first, second, third] == ["a(x,y)", "a(xy)", "b(x,y)"])
    }

    @Test("arguments count in the budget by their size: a client's long ids evict, short ones do not")
    func longArgumentsUseTheBudgetByTheirSize() async throws {
        let access = StoreAccess(store: try await StoreEngine.sqliteMemory.makeStore())
        let reads = Reads()
        /// Looks up "first", then `others` more ids of `length` bytes, then "first" again.
        func readsOfTheFirst(afterOthersOf length: Int, others: Int) async throws -> Int {
            let credentials = access.credentials(at: try await access.changeMarker())
            let tag = "\(length)-"
            let first = tag + "first"
            for id in [first] + (0..<others).map({ tag + String(repeating: "x", count: length) + "\($0)" }) + [first] {
                let _: String? = try await credentials.lookup(LookupKey("instance", id, scope: .instance(id))) { _ in
                    reads.add(id)
                    return nil
                }
            }
            return reads[first]
        }
        // Entries of 25,600-byte ids take 101 units each: this many overrun the budget, and as many
        // entries of short ids (1 unit each) fit it.
        let others = access.lookupBudget / 101 + 10
        #expect(try await readsOfTheFirst(afterOthersOf: 8, others: others) == 1)
        #expect(try await readsOfTheFirst(afterOthersOf: 25_600, others: others) == 2)
    }

    @Test("the budget is the operator's: 0 keeps nothing, and a few bytes less than an entry keep nothing either")
    func theBudgetIsGivenInBytes() async throws {
        let store = try await StoreEngine.sqliteMemory.makeStore()
        func readsOfOneKeyReadTwice(budgetBytes: Int) async throws -> Int {
            let access = StoreAccess(store: store, lookupCacheBytes: budgetBytes)
            let reads = Reads()
            for _ in 0..<2 {
                let credentials = access.credentials(at: try await access.changeMarker())
                let _: String? = try await credentials.lookup(LookupKey("instance", "i", scope: .instance("i"))) { _ in
                    reads.add("i")
                    return "i"
                }
            }
            return reads["i"]
        }
        #expect(try await readsOfOneKeyReadTwice(budgetBytes: StoreAccess.defaultLookupCacheBytes) == 1)
        #expect(try await readsOfOneKeyReadTwice(budgetBytes: StoreAccess.lookupUnitBytes) == 1)
        #expect(try await readsOfOneKeyReadTwice(budgetBytes: StoreAccess.lookupUnitBytes - 1) == 2)
        #expect(try await readsOfOneKeyReadTwice(budgetBytes: 0) == 2)
        #expect(StoreAccess(store: store, lookupCacheBytes: 1 << 20).lookupBudget == 4096)
    }
}
