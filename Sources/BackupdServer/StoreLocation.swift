public import BackupdCatalog
import BackupdSQLite

/// Where the catalog lives, as `--store` spells it: `sqlite:PATH` (the default engine) or
/// `sqlite::memory:` (a private, throw-away database). Only this type knows the engines;
/// everything else sees a `CatalogStore`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case sqliteInMemory

    /// The default of every command: `backupd.sqlite` in the working directory.
    public static let `default` = StoreLocation.sqlite(path: "backupd.sqlite")

    /// - Throws: `CatalogError.invalidLocation` naming what is wrong.
    public init(parsing text: String) throws {
        if text == "sqlite::memory:" {
            self = .sqliteInMemory
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CatalogError.invalidLocation("sqlite: needs a file path (sqlite:PATH)") }
            self = .sqlite(path: path)
        } else {
            throw CatalogError.invalidLocation("\(text): expected sqlite:PATH")
        }
    }

    /// Opens the store, creating and migrating it as needed.
    public func open() throws -> any CatalogStore {
        switch self {
        case .sqlite(let path): try SQLiteCatalogStore(path: path)
        case .sqliteInMemory: try SQLiteCatalogStore()
        }
    }

    /// Safe to log: an SQLite location holds no secret.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .sqliteInMemory: "sqlite::memory:"
        }
    }
}
