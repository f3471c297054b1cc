public import BackupdCatalog
public import BackupdPostgres
import BackupdSQLite
public import Logging

/// Where the catalog lives, as `--store` spells it: `sqlite:PATH` (the default engine),
/// `sqlite::memory:` (a private, throw-away database) or `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`
/// (`postgresql://` too; several nodes on one database). Only this type knows the engines;
/// everything else sees a `CatalogStore`.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case sqliteInMemory
    case postgres(PostgresLocation)

    /// The default of every command: `backupd.sqlite` in the working directory.
    public static let `default` = StoreLocation.sqlite(path: "backupd.sqlite")

    /// - Parameter environmentPassword: `BACKUPD_PG_PASSWORD`, for a PostgreSQL URL without a password.
    /// - Throws: `CatalogError.invalidLocation` naming what is wrong (never echoing a password).
    public init(parsing text: String, environmentPassword: String? = nil) throws {
        if text == "sqlite::memory:" {
            self = .sqliteInMemory
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CatalogError.invalidLocation("sqlite: needs a file path (sqlite:PATH)") }
            self = .sqlite(path: path)
        } else if PostgresLocation.matches(text) {
            self = .postgres(try PostgresLocation(parsing: text, environmentPassword: environmentPassword))
        } else {
            // Only the scheme is echoed: whatever follows may hold a password.
            let scheme = text.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            throw CatalogError.invalidLocation(
                "unknown store '\(scheme.count <= 20 ? scheme : "…")': expected sqlite:PATH, sqlite::memory: or postgres://USER@HOST:PORT/DATABASE"
            )
        }
    }

    /// Opens the store, creating and migrating it as needed.
    /// - Parameter postgres: how a PostgreSQL store connects (pool size, query timeout).
    public func open(
        postgres: PostgresCatalogStore.Options = .init(),
        logger: Logger = Logger(label: "backupd.store")
    ) async throws -> any CatalogStore {
        switch self {
        case .sqlite(let path): try SQLiteCatalogStore(path: path)
        case .sqliteInMemory: try SQLiteCatalogStore()
        case .postgres(let location): try await PostgresCatalogStore(location: location, options: postgres, logger: logger)
        }
    }

    /// Safe to log: a PostgreSQL password is masked.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .sqliteInMemory: "sqlite::memory:"
        case .postgres(let location): location.description
        }
    }
}
