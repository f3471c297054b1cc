import BackupdCatalog
import Foundation
import PostgresNIO
import _ConnectionPoolModule

/// What a PostgresNIO failure means for the store: the catalog error to throw, a one-line reason
/// without secrets, and whether it shows the database is gone (which opens an outage) or only that
/// a connection was lost (which a read may retry).
struct PostgresFailure {
    let catalogError: CatalogError
    let reason: String
    let isConnectionLoss: Bool
    let opensOutage: Bool
    /// A write failed for a reason that lasts while reads go on (`WriteHealth`).
    let isLastingWriteFailure: Bool

    init(_ error: any Error) {
        if let error = error as? CatalogError {
            self.init(catalogError: error, reason: "\(error)", isConnectionLoss: false, opensOutage: false)
            return
        }
        if error is Deadline.ConnectionClosed {
            self.init(reason: "the PostgreSQL connection was closed", isConnectionLoss: true, opensOutage: true)
            return
        }
        if let exceeded = error as? Deadline.Exceeded {
            self.init(reason: "PostgreSQL gave \(exceeded)", isConnectionLoss: false, opensOutage: true)
            return
        }
        if let error = error as? PostgresTransactionError {
            let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
            self.init(inner ?? CatalogError.unavailable(reason: "a PostgreSQL transaction failed"))
            return
        }
        if error is ConnectionPoolError {
            self.init(reason: "no PostgreSQL connection: \(error)", isConnectionLoss: false, opensOutage: true)
            return
        }
        if let error = error as? PostgresError {
            // The legacy error of `simpleQuery`: a server error with its SQLSTATE.
            if case .server(let response) = error {
                let state = response.fields[.sqlState] ?? ""
                let message = response.fields[.message] ?? "an error"
                self.init(reason: "PostgreSQL error \(state): \(message)", isConnectionLoss: false, opensOutage: false)
            } else {
                self.init(reason: "PostgreSQL: \(error.description)", isConnectionLoss: false, opensOutage: false)
            }
            return
        }
        guard let error = error as? PSQLError else {
            self.init(reason: "PostgreSQL: \(type(of: error))", isConnectionLoss: false, opensOutage: false)
            return
        }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            let message = error.serverInfo?[.message] ?? "an error"
            if state.hasPrefix("23") {
                self.init(catalogError: .constraintViolated(message), reason: message, isConnectionLoss: false, opensOutage: false)
            } else if Self.unreachableStates.contains(state) {
                // Connection exceptions, administrator shutdown, crash, starting up or shutting down.
                self.init(reason: "PostgreSQL is not available (\(state)): \(message)", isConnectionLoss: true, opensOutage: true)
            } else if Self.lastingWriteStates.contains(state) {
                self.init(
                    reason: "PostgreSQL error \(state): \(message)",
                    isConnectionLoss: false,
                    opensOutage: false,
                    isLastingWriteFailure: true
                )
            } else if state == "28P01" || state == "28000" {
                self.init(reason: "PostgreSQL refused the login: \(message)", isConnectionLoss: false, opensOutage: false)
            } else if state == "3D000" || state == "3F000" {
                self.init(reason: "PostgreSQL: \(message)", isConnectionLoss: false, opensOutage: false)
            } else {
                self.init(reason: "PostgreSQL error \(state): \(message)", isConnectionLoss: false, opensOutage: false)
            }
        case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection, .poolClosed:
            self.init(reason: "the PostgreSQL connection was closed", isConnectionLoss: true, opensOutage: true)
        case .connectionError:
            self.init(
                reason: "cannot connect to PostgreSQL: \(Self.summary(of: error.underlying))",
                isConnectionLoss: true,
                opensOutage: true
            )
        case .sslUnsupported, .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            self.init(reason: "PostgreSQL TLS failure: \(error.code)", isConnectionLoss: false, opensOutage: true)
        case .authMechanismRequiresPassword:
            self.init(
                reason: "PostgreSQL asks for a password: give it in the URL or in BACKUPD_PG_PASSWORD",
                isConnectionLoss: false,
                opensOutage: false
            )
        case .unsupportedAuthMechanism, .saslError:
            self.init(reason: "PostgreSQL login failed: \(error.code)", isConnectionLoss: false, opensOutage: false)
        case .queryCancelled:
            self.init(reason: "the PostgreSQL query was cancelled", isConnectionLoss: false, opensOutage: false)
        default:
            self.init(reason: "PostgreSQL: \(error.code)", isConnectionLoss: false, opensOutage: false)
        }
    }

    /// The gist of a connect failure (NIO's own description lists every address it tried).
    private static func summary(of underlying: (any Error)?) -> String {
        guard let underlying else { return "no detail" }
        let text = "\(underlying)"
        let known = [
            ("Connection refused", "connection refused"), ("timed out", "connection timed out"),
            ("No route to host", "no route to host"), ("Network is unreachable", "network unreachable"),
            ("getaddrinfo", "unknown host"), ("Name or service not known", "unknown host"),
            ("Connection reset", "connection reset"),
        ]
        for (needle, summary) in known where text.contains(needle) { return summary }
        return text
    }

    /// Connection exceptions (not protocol violations, which are bugs), administrator shutdown,
    /// crash shutdown, cannot connect now (starting or stopping).
    private static let unreachableStates: Set<String> = ["08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03"]

    /// Failures of a write that last until an operator acts: a full disk, an I/O error, a server
    /// that only reads (a standby after a failover went wrong).
    private static let lastingWriteStates: Set<String> = ["53100", "58030", "25006"]

    private init(reason: String, isConnectionLoss: Bool, opensOutage: Bool, isLastingWriteFailure: Bool = false) {
        self.init(
            catalogError: .unavailable(reason: reason),
            reason: reason,
            isConnectionLoss: isConnectionLoss,
            opensOutage: opensOutage,
            isLastingWriteFailure: isLastingWriteFailure
        )
    }

    private init(
        catalogError: CatalogError,
        reason: String,
        isConnectionLoss: Bool,
        opensOutage: Bool,
        isLastingWriteFailure: Bool = false
    ) {
        self.catalogError = catalogError
        self.reason = reason
        self.isConnectionLoss = isConnectionLoss
        self.opensOutage = opensOutage
        self.isLastingWriteFailure = isLastingWriteFailure
    }
}
