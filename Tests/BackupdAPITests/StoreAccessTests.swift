import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Synchronization
import Testing

/// The lookup cache of `StoreAccess`: answers, `nil` ones included, are kept for one change marker.
@Suite struct StoreAccessTests {
    /// Counts how often `Cached.lookup` calls its read.
    final class Reads: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func add() { count.withLock { $0 += 1 } }
    }

    @Test("a lookup is read once per key and marker; a nil answer is an answer too")
    func cachedPerKeyAndMarker() async throws {
        let access = StoreAccess(store: try await StoreEngine.sqliteMemory.makeStore())
        let reads = Reads()
        func lookup(_ key: String, marker: UInt64) async throws -> Domain? {
            try await access.credentials(at: marker).lookup(LookupKey("test", key)) { _ in
                reads.add()
                return key == "known" ? Domain(id: "d", name: key) : nil
            }
        }
        #expect(try await lookup("unknown", marker: 1) == nil)
        #expect(try await lookup("unknown", marker: 1) == nil)
        #expect(reads.value == 1)
        #expect(try await lookup("known", marker: 1)?.name == "known")
        #expect(try await lookup("known", marker: 1)?.name == "known")
        #expect(reads.value == 2)
        // A new marker drops everything read before it.
        #expect(try await lookup("known", marker: 2)?.name == "known")
        #expect(try await lookup("unknown", marker: 2) == nil)
        #expect(reads.value == 4)
    }

    @Test("keys of different lookups or arguments never share an answer")
    func keysAreExact() async throws {
        let access = StoreAccess(store: try await StoreEngine.sqliteMemory.makeStore())
        let credentials = access.credentials(at: 7)
        let first = try await credentials.lookup(LookupKey("a", "x", "y")) { _ in "a(x,y)" }
        let second = try await credentials.lookup(LookupKey("a", "xy")) { _ in "a(xy)" }
        let third = try await credentials.lookup(LookupKey("b", "x", "y")) { _ in "b(x,y)" }
        #expect([first, second, third] == ["a(x,y)", "a(xy)", "b(x,y)"])
    }
}
