import ArgumentParser
import BackupdCatalog
import BackupdPostgres
import BackupdServer
import Foundation

/// `--store` and the PostgreSQL connection settings, shared by every command that opens the catalog.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: """
            The catalog store: sqlite:PATH, sqlite::memory: or postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME] \
            (the password may come from \(PostgresLocation.passwordVariable) instead).
            """
    )
    var store: String = StoreLocation.default.description

    @Option(name: .customLong("pg-pool-size"), help: "PostgreSQL: the most connections this process opens.")
    var postgresPoolSize: Int = PostgresCatalogStore.Options().maximumConnections

    @Option(
        name: .customLong("pg-query-timeout"),
        help: """
            PostgreSQL: milliseconds a query may take (serve: 1000, past it the request gets a server-failure answer;             other commands: 120000).
            """
    )
    var postgresQueryTimeout: Int?

    func validate() throws {
        guard (1...1_000).contains(postgresPoolSize) else { throw ValidationError("--pg-pool-size must be 1 to 1000") }
        if let postgresQueryTimeout, !(100...600_000).contains(postgresQueryTimeout) {
            throw ValidationError("--pg-query-timeout must be 100 to 600000 milliseconds")
        }
    }

    func location() throws -> StoreLocation {
        do {
            return try StoreLocation(
                parsing: store,
                environmentPassword: ProcessInfo.processInfo.environment[PostgresLocation.passwordVariable]
            )
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// - Parameters:
    ///   - serving: a server answers within its query timeout; a command working through a
    ///     whole catalog (seed, export, generate) may wait far longer for one query.
    ///   - hearingRevisions: learn other nodes' revisions from notifications, as a server that
    ///     answers from caches does; a command's writes notify all the same.
    func open(serving: Bool = false, hearingRevisions: Bool = false) async throws -> any CatalogStore {
        let location = try location()
        let timeout = postgresQueryTimeout ?? (serving ? 1_000 : 120_000)
        do {
            return try await location.open(
                postgres: .init(
                    maximumConnections: postgresPoolSize,
                    queryTimeout: .milliseconds(timeout),
                    listensForRevisions: hearingRevisions
                )
            )
        } catch {
            throw CommandFailure("cannot open the store \(location): \(error)")
        }
    }
}

/// A failure that ends a command with a one-line message and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
