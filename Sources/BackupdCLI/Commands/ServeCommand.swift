import ArgumentParser
import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import Foundation
import Hummingbird
import Logging

/// `backupd serve`: answer the APIs until SIGINT or SIGTERM, which finish requests in flight.
/// On an empty store it first creates an account, so that a fresh server is usable and safe.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the API server.")

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 8080

    @OptionGroup var storeOptions: StoreOptions

    @Flag(
        name: .customLong("pg-revision-notifications"),
        help: """
            PostgreSQL: learn the catalog's revision from notifications instead of reading it for \
            every request, so that cached answers need no round trip (docs/architecture.md, "Caches").
            """
    )
    var postgresRevisionNotifications = false

    @Option(help: "A seed file to load into the store before serving (seed-format.md).")
    var seed: String?

    @Option(
        name: .customLong("region"),
        help: "A region of the account created when the store holds none (repeatable)."
    )
    var regions: [String] = ["cn-north-4"]

    @Option(help: "The base URL that IAM answers point clients to (default: http:// and the request's Host).")
    var publicURL: String?

    @Option(
        help: """
            Serve the control API (/_backupd/v1/: clock, timings, faults) to requests carrying \
            Authorization: Bearer TOKEN (default: $\(Self.controlTokenVariable); without either, no control API).
            """
    )
    var controlToken: String?

    static let controlTokenVariable = "BACKUPD_CONTROL_TOKEN"

    func run() async throws {
        let logger = Logging.bootstrapped(label: "backupd")
        let store = try await storeOptions.open(serving: true, hearingRevisions: postgresRevisionNotifications)
        if let seed {
            let summary = try await SeedFileLoading.load(path: seed, into: store, showProgress: false)
            logger.info("seed loaded", metadata: ["file": "\(seed)", "records": "\(summary.records)"])
        }
        let firstAccount: FirstAccount?
        do {
            firstAccount = try await FirstAccount.createIfCatalogIsEmpty(
                in: store,
                regions: regions,
                hasher: PasswordHasher()
            )
        } catch let error as AccountError {
            throw CommandFailure("cannot create the first account: \(error)")
        }
        let location = try storeOptions.location()
        logger.info("starting", metadata: ["address": "\(host):\(port)", "store": "\(location)"])
        let host = host
        let app = buildApplication(
            configuration: ServerConfiguration(
                host: host,
                port: port,
                publicBaseURL: publicURL,
                controlToken: (controlToken ?? ProcessInfo.processInfo.environment[Self.controlTokenVariable])
                    .flatMap { $0.isEmpty ? nil : ControlToken($0) }
            ),
            store: store,
            logger: logger,
            onServerRunning: { boundPort in
                // Read once the server answers, and from small tables only: nothing holds up /health.
                do {
                    let banner = StartupBanner(
                        host: host,
                        port: boundPort,
                        publicURL: publicURL,
                        store: location,
                        accounts: try await store.accountStatistics(),
                        regions: try await store.regions(),
                        firstAccount: firstAccount
                    )
                    FileHandle.standardOutput.write(Data(banner.text.utf8))
                } catch {
                    logger.error("cannot describe the catalog", metadata: ["error": "\(error)"])
                }
            }
        )
        try await app.runService()
        LogOutput.shared.flush()
    }
}
