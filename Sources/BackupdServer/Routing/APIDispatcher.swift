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
    private let store: CachingCatalogStore
    private let authenticator: CredentialAuthenticator
    private let configuration: ServerConfiguration
    /// 200 bodies of backup APIs, for the store's current change marker.
    private let responses: CacheGeneration<ResponseKey, [UInt8]>

    init(routes: [ServerRoute], store: CachingCatalogStore, configuration: ServerConfiguration) {
        self.routes = routes.filter(\.route.isLiteral) + routes.filter { !$0.route.isLiteral }
        self.store = store
        self.responses = CacheGeneration(budget: configuration.responseCacheBytes) { $0.count + 256 }
        self.configuration = configuration
        self.authenticator = CredentialAuthenticator(
            store: store,
            clock: configuration.clock,
            lockoutPolicy: configuration.lockoutPolicy
        )
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
        case .iam(let operation):
            return try await run(operation, request: request, rawQuery: rawQuery, context: context)
        }
    }

    /// A backup API: authenticate (gateway 401s), check the scope (403), then the operation.
    private func run(
        _ operation: any TenantOperation,
        request: Request,
        rawQuery: Substring,
        context: Context
    ) async throws -> Response {
        do {
            let requestBody = try await readBody(request)
            let marker = try await store.changeMarker()
            return try await CachingCatalogStore.$requestMarker.withValue(marker) {
                var context = context
                do {
                    context.identity = try await authenticator.authenticate(request, body: requestBody)
                } catch let failure as AuthenticationFailure {
                    throw GatewayErrors.authenticationFailed(failure.detail)
                }
                let tenant = try TenantContext(context: context)
                let key = ResponseKey(
                    route: operation.route.template,
                    pathVariables: tenant.pathVariables,
                    rawQuery: String(rawQuery),
                    scope: tenant.scope
                )
                if let cached = responses.value(for: key, marker: marker) {
                    return .json(status: .ok, body: cached)
                }
                let body = try await operation.respond(
                    to: OperationRequest(pathVariables: tenant.pathVariables, query: QueryParameters(rawQuery: rawQuery)),
                    in: tenant.scope,
                    store: store
                )
                responses.keep(body, for: key, marker: marker)
                return .json(status: .ok, body: body)
            }
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

    /// An IAM API: authenticated unless it issues tokens, with Keystone-shaped errors and
    /// `X-IAM-Trace-Id` (the request id) on every answer (`auth.md` §6).
    private func run(
        _ operation: any IAMOperation,
        request: Request,
        rawQuery: Substring,
        context: Context
    ) async throws -> Response {
        var response: Response
        do {
            let body = try await readBody(request)
            let marker = try await store.changeMarker()
            response = try await CachingCatalogStore.$requestMarker.withValue(marker) {
                try await answer(operation, request: request, body: body, rawQuery: rawQuery)
            }
        } catch let error as APIError {
            response = GatewayMiddleware.render(error, requestID: context.requestID)
        } catch {
            context.logger.error(
                "operation failed",
                metadata: ["route": "\(operation.route)", "error": "\(String(reflecting: error))"]
            )
            response = GatewayMiddleware.render(IAMErrors.serverFailure, requestID: context.requestID)
        }
        response.headers[.xIAMTraceID] = context.requestID
        return response
    }

    /// The IAM operation's answer; authentication failures become Keystone's 401.
    private func answer(
        _ operation: any IAMOperation,
        request: Request,
        body: [UInt8],
        rawQuery: Substring
    ) async throws -> Response {
        var caller: Principal?
        if operation.requiresCredential {
            do {
                caller = try await authenticator.authenticate(request, body: body).principal
            } catch is AuthenticationFailure {
                throw IAMErrors.unauthorized
            }
        }
        let answer = try await operation.respond(
            to: IAMRequest(
                query: QueryParameters(rawQuery: rawQuery),
                rawQuery: String(rawQuery),
                body: body,
                baseURL: baseURL(of: request),
                caller: caller,
                subjectToken: request.headers[.xSubjectToken],
                now: configuration.clock.microseconds
            ),
            store: store
        )
        var response = Response.json(status: HTTPResponse.Status(code: answer.status), body: answer.body)
        if let token = answer.subjectToken {
            response.headers[.xSubjectToken] = token
        }
        return response
    }

    /// The whole body, which a signature covers. - Throws: 413 beyond the configured size.
    private func readBody(_ request: Request) async throws -> [UInt8] {
        do {
            let buffer = try await request.body.collect(upTo: configuration.maximumBodySize)
            return Array(buffer.readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayErrors.requestTooLarge
        }
    }

    /// Where clients reached this server: the configured public URL, else `http://` and the `Host` received.
    private func baseURL(of request: Request) -> String {
        if let configured = configuration.publicBaseURL { return configured }
        return "http://" + (request.head.authority ?? "\(configuration.host):\(configuration.port)")
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

/// What a backup API's answer depends on: the operation, its path and query as sent, and
/// where the caller acts (its project and every project it may use, for cross-project lookups).
struct ResponseKey: Hashable, Sendable {
    let route: String
    let pathVariables: [String: String]
    let rawQuery: String
    let scope: ProjectScope
}
