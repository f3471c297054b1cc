/// Failures of a catalog store, in the domain's terms; each API maps them to its own codes.
public enum CatalogError: Error, Sendable, Equatable {
    /// The store cannot be reached or answered with an I/O failure. The reason is one line, free of secrets.
    case unavailable(reason: String)
    /// A write broke an invariant the schema enforces (unique id, reference, range).
    case constraintViolated(String)
    /// The store was written by a newer backupd whose schema this one does not know.
    case schemaTooNew(known: Int, found: Int)
    /// The store location is malformed (e.g. `--store foo:bar`).
    case invalidLocation(String)
}

extension CatalogError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unavailable(let reason): "catalog store unavailable: \(reason)"
        case .constraintViolated(let rule): "catalog constraint violated: \(rule)"
        case .schemaTooNew(let known, let found):
            "the store's schema (version \(found)) is newer than this backupd knows (version \(known))"
        case .invalidLocation(let location): "invalid store location: \(location)"
        }
    }
}

/// A rule of the domain that refused a write from inside the store's transaction (a clock that
/// would move backwards, a backup already in progress): the transaction is rolled back and the
/// error reaches the caller as thrown, never as a `CatalogError`.
public protocol TransactionRefusal: Error {}
