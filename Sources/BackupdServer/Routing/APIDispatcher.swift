import BackupdAPI
import BackupdCatalog
import Hummingbird
import Logging

/// Matches the raw request target against the routes (`api.md` §1.1) and runs the
/// checks of §1.2 in order: route, authentication, scope, then the operation's own
/// parameters and lookups. The raw target is used, not a decoded path, because `+`,
/// `%2F` and empty segments must keep their meaning (and signatures are computed over it).
struct APIDispatcher: HTTPResponder {
    typealias Context = BackupdRequestContext

    /// Literal routes first, so the IAM paths win over variable ones.
    private let routes: [ServerRoute]
    private let store: any CatalogStore
    private let authenticator: any RequestAuthenticator

    init(routes: [ServerRoute], store: any CatalogStore, authenticator: any RequestAuthenticator) {
        self.routes = routes.filter(\.route.isLiteral) + routes.filter { !$0.route.isLiteral }
        self.store = store
        self.authenticator = authenticator
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = Substring(request.head.path ?? "/")
        // Split on the byte `?`: a combining mark after it must not hide it in a grapheme.
        let question = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = question.map { target[..<$0] } ?? target
        let rawQuery = question.map { target[target.utf8.index(after: $0)...] } ?? ""
        let method = request.method.rawValue
        guard let (matched, variables) = match(method: method, rawPath: rawPath) else {
            throw GatewayErrors.routeNotFound
        }
        context.coreContext.endpointPath.value = matched.route.description
        var context = context
        context.pathVariables = variables
        switch matched.handler {
        case .open(let handler):
            return try await handler(request, context)
        case .tenant(let operation):
            return try await run(operation, request: request, rawQuery: rawQuery, context: context)
        }
    }

    private func run(
        _ operation: any TenantOperation,
        request: Request,
        rawQuery: Substring,
        context: Context
    ) async throws -> Response {
        do {
            var context = context
            context.identity = try await authenticator.authenticate(
                request,
                projectID: context.pathVariables["project_id"] ?? "",
                store: store
            )
            let tenant = try TenantContext(context: context)
            let body = try await operation.respond(
                to: OperationRequest(pathVariables: tenant.pathVariables, query: QueryParameters(rawQuery: rawQuery)),
                in: tenant.scope,
                store: store
            )
            return .json(status: .ok, body: body)
        } catch let error as APIError {
            throw error
        } catch {
            context.logger.error(
                "operation failed",
                metadata: ["route": "\(operation.route)", "error": "\(String(reflecting: error))"]
            )
            throw operation.serverFailure
        }
    }

    private func match(method: String, rawPath: Substring) -> (ServerRoute, [String: String])? {
        guard let path = RequestPath(rawPath: rawPath) else { return nil }
        for candidate in routes where candidate.route.method == method {
            if let variables = candidate.route.match(path) {
                return (candidate, variables)
            }
        }
        return nil
    }
}

extension Response {
    /// A JSON response; the gateway middleware adds `X-Request-Id` and `Content-Type`.
    static func json(status: HTTPResponse.Status, body: [UInt8]) -> Response {
        Response(status: status, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
