import ArgumentParser
import BackupdAPI
import BackupdCatalog
import BackupdServer
import Foundation
import Hummingbird
import Logging

/// `backupd serve`: answer the APIs until SIGINT or SIGTERM, which finish requests in flight.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the API server.")

    @Option(help: "The address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 8080

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "A seed file to load into the store before serving (seed-format.md).")
    var seed: String?

    func run() async throws {
        let logger = Logging.bootstrapped(label: "backupd")
        let store = try storeOptions.open()
        if let seed {
            let summary = try await SeedFileLoading.load(path: seed, into: store, showProgress: false)
            logger.info("seed loaded", metadata: ["file": "\(seed)", "records": "\(summary.records)"])
        }
        let statistics = try await store.statistics()
        let location = try storeOptions.location()
        logger.info(
            "starting",
            metadata: [
                "address": "\(host):\(port)", "store": "\(location)",
                "domains": "\(statistics.domains)", "instances": "\(statistics.instances)",
                "backups": "\(statistics.backups)",
            ]
        )
        let app = buildApplication(
            configuration: ServerConfiguration(host: host, port: port),
            store: store,
            logger: logger
        )
        try await app.runService()
    }
}
