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
    /// SQLite in a file, paging every list past its first record from its order in memory
    /// (`ListIndexPolicy.always`), so the suite checks that path on small catalogs too.
    case sqliteFileListIndex

    public static let all = StoreEngine.allCases

    /// A new, empty store of this engine.
    public func makeStore() throws -> any CatalogStore {
        switch self {
        case .sqliteMemory:
            return try SQLiteCatalogStore()
        case .sqliteFile:
            return try SQLiteCatalogStore(path: TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path)
        case .sqliteFileListIndex:
            return try SQLiteCatalogStore(
                path: TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path,
                listIndexPolicy: .always
            )
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
        case .sqliteFile, .sqliteFileListIndex:
            let path = try TemporaryDirectory.make().appendingPathComponent("catalog.sqlite").path
            let policy: ListIndexPolicy = self == .sqliteFile ? .standard : .always
            return (
                try SQLiteCatalogStore(path: path, listIndexPolicy: policy),
                try SQLiteCatalogStore(path: path, listIndexPolicy: policy)
            )
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
