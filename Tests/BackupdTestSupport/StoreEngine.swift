public import BackupdCatalog
import BackupdSQLite
public import Foundation

/// Every store engine the conformance suite runs against. A new engine adds a case here
/// and inherits the whole suite.
public enum StoreEngine: String, Sendable, CaseIterable {
    /// SQLite in memory: the fastest, for most tests.
    case sqliteMemory
    /// SQLite in a temporary file, in WAL mode: what `backupd serve` runs on.
    case sqliteFile

    public static let all = StoreEngine.allCases

    /// A new, empty store of this engine.
    public func makeStore() throws -> any CatalogStore {
        switch self {
        case .sqliteMemory:
            return try SQLiteCatalogStore()
        case .sqliteFile:
            return try SQLiteCatalogStore(path: TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path)
        }
    }
}

extension StoreEngine {
    /// Two store objects over one new, empty database, as two processes or nodes would open it
    /// (for the in-memory engine, which no one else can open, the same object twice).
    public func makeStorePair() throws -> (any CatalogStore, any CatalogStore) {
        switch self {
        case .sqliteMemory:
            let store = try SQLiteCatalogStore()
            return (store, store)
        case .sqliteFile:
            let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
            return (try SQLiteCatalogStore(path: path), try SQLiteCatalogStore(path: path))
        }
    }
}

/// Fresh temporary directories for tests.
public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("backupd-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
