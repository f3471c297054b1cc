import BackupdAPI
public import BackupdCatalog
import BackupdTLS
public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging

/// The responder of the whole server: the log and gateway middleware around the dispatcher.
public struct BackupdResponder: HTTPResponder {
    public typealias Context = BackupdRequestContext
    private let log = RequestLogMiddleware()
    private let measure: RequestMetricsMiddleware
    private let gateway = GatewayMiddleware()
    private let dispatcher: APIDispatcher

    init(store: any CatalogStore, configuration: ServerConfiguration) {
        let access = StoreAccess(store: store, realTime: configuration.clock, lookupCacheBytes: configuration.lookupCacheBytes)
        let metrics = ServerMetrics(
            store: (store as? any ActivityReporting)?.activity,
            responseCache: configuration.responseCacheCounters,
            access: access
        )
        let routes = ServedRoutes.routes(store: store, metrics: metrics, configuration: configuration)
        self.measure = RequestMetricsMiddleware(metrics: metrics)
        self.dispatcher = APIDispatcher(routes: routes, access: access, configuration: configuration, metrics: metrics)
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        try await log.handle(request, context: context) { request, context in
            try await measure.handle(request, context: context) { request, context in
                try await gateway.handle(request, context: context) { request, context in
                    try await dispatcher.respond(to: request, context: context)
                }
            }
        }
    }
}

/// Builds the application that `backupd serve` runs and the tests drive.
/// - Parameter onServerRunning: called with the bound port once the server listens.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any CatalogStore,
    logger: Logger,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [
            UnparsableRequestHandler(logger: logger),
            RequestHeadDeadline.HeadArrival(limit: .init(configuration.headerReadTimeout)),
        ],
        idleTimeout: .init(configuration.idleTimeout)
    )
    // With TLS, the same HTTP/1.1 channel inside a TLS one; the identity was checked when it was read.
    let server = HTTPServerBuilder { responder in
        let plain = HeadDeadlineChannel(base: HTTP1Channel(responder: responder, configuration: http1))
        return try configuration.tls.map { try TLSChannel(plain, tlsConfiguration: $0.configuration) } ?? plain
    }
    return Application(
        responder: BackupdResponder(store: store, configuration: configuration),
        server: server,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "backupd"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
