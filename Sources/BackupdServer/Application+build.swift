import BackupdAPI
public import BackupdCatalog
public import Hummingbird
public import Logging

/// The responder of the whole server: the log and gateway middleware around the dispatcher.
public struct BackupdResponder: HTTPResponder {
    public typealias Context = BackupdRequestContext
    private let log = RequestLogMiddleware()
    private let gateway = GatewayMiddleware()
    private let dispatcher: APIDispatcher

    init(store: any CatalogStore, configuration: ServerConfiguration) {
        let routes =
            [HealthRoute.make(store: store)]
            + IAMOperations.all(hasher: configuration.passwordHasher).map(ServerRoute.init)
            + BackupOperations.all.map(ServerRoute.init)
            + (configuration.controlToken == nil ? [] : ControlOperations.all.map(ServerRoute.init))
        self.dispatcher = APIDispatcher(
            routes: routes,
            access: StoreAccess(store: store, realTime: configuration.clock),
            configuration: configuration
        )
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        try await log.handle(request, context: context) { request, context in
            try await gateway.handle(request, context: context) { request, context in
                try await dispatcher.respond(to: request, context: context)
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
    Application(
        responder: BackupdResponder(store: store, configuration: configuration),
        server: .http1(
            configuration: .init(additionalChannelHandlers: [UnparsableRequestHandler(logger: logger)])
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "backupd"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
        logger: logger
    )
}
