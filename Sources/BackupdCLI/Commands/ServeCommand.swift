import ArgumentParser
import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdServer
import BackupdTLS
import Foundation
import Hummingbird
import Logging

/// `backupd serve`: answer the APIs until SIGINT or SIGTERM, which finish requests in flight.
/// On an empty store it first creates an account, so that a fresh server is usable and safe.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the API server.")

    @Option(help: "The address to listen on (env: BACKUPD_HOST).")
    var host: String = "127.0.0.1"

    @Option(help: "The port to listen on; 0 picks a free one (env: BACKUPD_PORT).")
    var port: Int = 8080

    @OptionGroup var storeOptions: StoreOptions

    @Flag(
        name: .customLong("pg-revision-notifications"),
        help: """
            PostgreSQL: learn the catalog's revision from notifications instead of reading it for \
            every request, so that cached answers need no round trip (docs/architecture.md, "Caches") \
            (env: BACKUPD_PG_REVISION_NOTIFICATIONS=true).
            """
    )
    var postgresRevisionNotifications = false

    @Option(help: "A seed file to load into the store before serving (seed-format.md) (env: BACKUPD_SEED).")
    var seed: String?

    @Option(
        name: .customLong("region"),
        help: """
            A region of the account created when the store holds none (repeatable) \
            (env: BACKUPD_REGIONS, comma-separated).
            """
    )
    var regions: [String] = ["cn-north-4"]

    @Option(
        help: """
            The base URL that IAM answers point clients to (default: http://, or https:// with TLS, \
            and the request's Host) (env: BACKUPD_PUBLIC_URL).
            """
    )
    var publicURL: String?

    @Option(
        help: """
            Serve the control API (/_backupd/v1/: clock, timings, faults) and /metrics to requests \
            carrying Authorization: Bearer TOKEN; without it, neither exists (env: BACKUPD_CONTROL_TOKEN).
            """
    )
    var controlToken: String?

    @Flag(
        name: .customLong("openstack-catalog"),
        help: """
            Also list the OpenStack service types (rdsv3, gaussdb-mysql, ddmv3) in token catalogs and \
            name the project in DCS's, so that openstacksdk finds every service from the auth URL \
            (env: BACKUPD_OPENSTACK_CATALOG).
            """
    )
    var openStackCatalog = false

    @Option(
        help: """
            Refuse a credential's requests beyond this many a second with the gateway's 429 APIGW.0308, \
            per access key and per token, counted on this node; off by default (env: BACKUPD_RATE_LIMIT).
            """
    )
    var rateLimit: Int?

    @Option(help: "With --rate-limit: how many requests a credential may send at once (default: the rate) (env: BACKUPD_RATE_BURST).")
    var rateBurst: Int?

    @Option(
        name: .customLong("response-cache-mb"),
        help: """
            Keep up to this many MiB of answers in memory, served again until a write touches what \
            they read; 0 turns the cache off (env: BACKUPD_RESPONSE_CACHE_MB).
            """
    )
    var responseCacheMiB: Int = 64

    @Option(
        name: .customLong("lookup-cache-mb"),
        help: """
            Keep up to about this many MiB of lookups (access keys, tokens, principals, instances) in \
            memory; 0 reads the store for every one (env: BACKUPD_LOOKUP_CACHE_MB).
            """
    )
    var lookupCacheMiB: Int = StoreAccess.defaultLookupCacheBytes >> 20

    @Option(help: "Close a connection that sends no request for this many seconds (env: BACKUPD_IDLE_TIMEOUT).")
    var idleTimeout: Int = 60

    @Option(
        name: .customLong("header-timeout"),
        help: """
            Close a connection whose request head is not complete this many seconds after its first \
            byte (env: BACKUPD_HEADER_TIMEOUT).
            """
    )
    var headerTimeout: Int = 10

    @Option(
        name: .customLong("tls-cert"),
        help: """
            Serve HTTPS with this PEM certificate chain, the server's certificate first \
            (with --tls-key; backupd dev-cert makes one) (env: BACKUPD_TLS_CERT).
            """
    )
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert (env: BACKUPD_TLS_KEY).")
    var tlsKey: String?

    /// Every option of `serve` and the variable that gives it when the command line does not.
    static let environment: [EnvironmentOption] = [
        EnvironmentOption("BACKUPD_HOST", "host"),
        EnvironmentOption("BACKUPD_PORT", "port"),
        EnvironmentOption("BACKUPD_STORE", "store"),
        EnvironmentOption("BACKUPD_PG_POOL_SIZE", "pg-pool-size"),
        EnvironmentOption("BACKUPD_PG_QUERY_TIMEOUT", "pg-query-timeout"),
        EnvironmentOption("BACKUPD_PG_REVISION_NOTIFICATIONS", "pg-revision-notifications", .flag),
        EnvironmentOption("BACKUPD_SEED", "seed"),
        EnvironmentOption("BACKUPD_REGIONS", "region", .list),
        EnvironmentOption("BACKUPD_PUBLIC_URL", "public-url"),
        EnvironmentOption("BACKUPD_CONTROL_TOKEN", "control-token"),
        EnvironmentOption("BACKUPD_OPENSTACK_CATALOG", "openstack-catalog", .flag),
        EnvironmentOption("BACKUPD_RATE_LIMIT", "rate-limit"),
        EnvironmentOption("BACKUPD_RATE_BURST", "rate-burst"),
        EnvironmentOption("BACKUPD_RESPONSE_CACHE_MB", "response-cache-mb"),
        EnvironmentOption("BACKUPD_LOOKUP_CACHE_MB", "lookup-cache-mb"),
        EnvironmentOption("BACKUPD_IDLE_TIMEOUT", "idle-timeout"),
        EnvironmentOption("BACKUPD_HEADER_TIMEOUT", "header-timeout"),
        EnvironmentOption("BACKUPD_TLS_CERT", "tls-cert"),
        EnvironmentOption("BACKUPD_TLS_KEY", "tls-key"),
    ]

    func validate() throws {
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard idleTimeout >= 1, headerTimeout >= 1 else {
            throw ValidationError("--idle-timeout and --header-timeout are whole seconds, at least 1")
        }
        guard (0...(1 << 20)).contains(responseCacheMiB) else {
            throw ValidationError("--response-cache-mb is whole MiB, from 0 (no cache) to 1048576")
        }
        guard (0...(1 << 20)).contains(lookupCacheMiB) else {
            throw ValidationError("--lookup-cache-mb is whole MiB, from 0 (no cache) to 1048576")
        }
        if let rateLimit, rateLimit < 1 {
            throw ValidationError("--rate-limit must be at least 1 request a second")
        }
        if let rateBurst {
            guard rateLimit != nil else { throw ValidationError("--rate-burst needs --rate-limit") }
            guard rateBurst >= 1 else { throw ValidationError("--rate-burst must be at least 1") }
        }
    }

    func run() async throws {
        // Before the store is opened: a wrong file is one line and nothing else happens.
        let identity: ServerIdentity?
        do {
            identity = try tlsCertificate.map { try ServerIdentity(certificatePath: $0, keyPath: tlsKey ?? "") }
        } catch {
            throw CommandFailure("cannot serve TLS: \(error)")
        }
        let logger = try Logging.bootstrapped(label: "backupd")
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
        let configuration = ServerConfiguration(
            host: host,
            port: port,
            publicBaseURL: publicURL,
            responseCacheBytes: responseCacheMiB << 20,
            lookupCacheBytes: lookupCacheMiB << 20,
            controlToken: controlToken.flatMap { $0.isEmpty ? nil : ControlToken($0) },
            tokenCatalog: openStackCatalog ? .openStack : .huaweiCloud,
            requestLimit: rateLimit.map { RequestThrottle.Limit(rate: $0, burst: rateBurst) },
            idleTimeout: .seconds(idleTimeout),
            headerReadTimeout: .seconds(headerTimeout),
            tls: identity
        )
        logger.info(
            "starting",
            metadata: ["address": "\(configuration.scheme)://\(host):\(port)", "store": "\(location)"]
        )
        let host = host
        let app = buildApplication(
            configuration: configuration,
            store: store,
            logger: logger,
            onServerRunning: { boundPort in
                // Read once the server answers, and from small tables only: nothing holds up /health.
                do {
                    let banner = StartupBanner(
                        scheme: configuration.scheme,
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
