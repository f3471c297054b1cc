import BackupdAPI
import BackupdAuth
import BackupdCatalog
import Hummingbird
import Logging
import NIOCore

/// Matches the raw request target against the routes (`docs/api.md` §1.1) and runs the checks of
/// §1.2 in order: route, body, authentication, scope, then the operation's own parameters and
/// lookups. The raw target is used, not a decoded path, because `+`, `%2F` and empty segments
/// must keep their meaning (and signatures are computed over it).
///
/// Every operation, backup API or IAM API, runs through one path (`run`) that reads its
/// declaration: who may call it, its success status, whether its answer may be cached, and one
/// way of answering errors (an `APIError` in its envelope; anything else logged, then the
/// service's opaque failure).
struct APIDispatcher: HTTPResponder {
    typealias Context = BackupdRequestContext

    /// Literal routes first, so the IAM paths win over variable ones.
    private let routes: [ServerRoute]
    private let access: StoreAccess
    private let authenticator: CredentialAuthenticator
    private let configuration: ServerConfiguration
    /// Successful bodies of cacheable operations, each kept while nothing it read is written
    /// and served until the clock reaches its expiry.
    private let responses: ScopedCache<ResponseKey, CachedAnswer>
    private let control: ClockControl
    private let metrics: ServerMetrics
    /// The per-credential rate limit, when the server has one (`docs/api.md` §1.11).
    private let throttle: RequestThrottle?

    init(routes: [ServerRoute], access: StoreAccess, configuration: ServerConfiguration, metrics: ServerMetrics) {
        self.metrics = metrics
        self.throttle = configuration.requestLimit.map { RequestThrottle(limit: $0, clock: configuration.clock) }
        self.routes = routes.filter(\.route.isLiteral) + routes.filter { !$0.route.isLiteral }
        self.access = access
        self.responses = ScopedCache(
            tracker: access.changes.tracker,
            budget: configuration.responseCacheBytes,
            counters: configuration.responseCacheCounters
        ) { key, answer in answer.body.readableBytes + key.retainedBytes + 256 }
        self.configuration = configuration
        self.control = ClockControl(store: access.store, realTime: configuration.clock)
        self.authenticator = CredentialAuthenticator(clock: configuration.clock, lockoutPolicy: configuration.lockoutPolicy)
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let target = Substring(request.head.path ?? "/")
        // Split on the byte `?`: a combining mark after it must not hide it in a grapheme.
        let question = target.utf8.firstIndex(of: UInt8(ascii: "?"))
        let rawPath = question.map { target[..<$0] } ?? target
        let rawQuery = question.map { target[target.utf8.index(after: $0)...] } ?? ""
        guard let (matched, variables) = match(method: request.method.rawValue, rawPath: rawPath) else {
            throw GatewayErrors.routeNotFound
        }
        context.coreContext.endpointPath.value = matched.route.description
        let call = Call(request: request, pathVariables: variables, rawQuery: rawQuery, requestID: context.requestID)
        switch matched.handler {
        case .open(let handler):
            // Every route reads at most the configured body, these too (`docs/api.md` §1.2).
            _ = try await readBody(request)
            return try await handler(request, context)
        case .tenant(let operation):
            let declaration = operation.declaration
            return await run(operation, declaration, call, logger: context.logger) { identity, marker, body in
                try await answer(operation, declaration, call, identity: identity, marker: marker, body: body)
            }
        case .control(let operation):
            // The token first: without it the control API does not exist (`docs/lifecycle.md` §5.2).
            guard configuration.controlToken?.admits(request.headers[.authorization]) == true else {
                throw GatewayErrors.routeNotFound
            }
            return await run(operation, operation.declaration, call, logger: context.logger) { _, _, body in
                .fresh(
                    try await operation.respond(
                        to: OperationRequest(pathVariables: call.pathVariables, query: QueryParameters(rawQuery: call.rawQuery), body: body),
                        control: control
                    )
                )
            }
        case .iam(let operation):
            return await run(operation, operation.declaration, call, logger: context.logger) { identity, marker, body in
                .fresh(
                    try await operation.respond(
                        to: iamRequest(call, caller: identity?.principal, body: body),
                        credentials: access.credentials(at: marker)
                    )
                )
            }
        }
    }

    /// An operation's answer, or a cached body of a cacheable one (its declared success status).
    private enum Answer {
        case fresh(OperationAnswer)
        case cached(ByteBuffer)
    }

    /// One request to a declared operation.
    private struct Call {
        let request: Request
        let pathVariables: [String: String]
        let rawQuery: Substring
        let requestID: String
    }

    /// The steps every operation shares: the body (413 beyond the configured size), the store's
    /// revision every cached read of the request is kept at, the credential the declaration asks
    /// for, then `respond`; the answer with the declared status, or the error in its envelope.
    /// `declaration` is `operation.declaration`, read once by the caller for the whole request.
    @inline(__always)
    private func run(
        _ operation: any DeclaredOperation,
        _ declaration: OperationDeclaration,
        _ call: Call,
        logger: Logger,
        respond: (Identity?, UInt64, [UInt8]) async throws -> Answer
    ) async -> Response {
        var response: Response
        do {
            let body = try await readBody(call.request)
            let marker = try await access.changeMarker()
            var identity: Identity?
            if declaration.authentication == .tenant || declaration.authentication == .caller {
                let presented = PresentedCredential(call.request, body: body)
                do {
                    identity = try await authenticator.authenticate(presented, with: access.credentials(at: marker))
                } catch let failure as AuthenticationFailure {
                    metrics.authenticationFailed(failure.reason)
                    throw operation.refusal(failure)
                }
                if let throttle, let identity, !throttle.admit(Self.throttleKey(identity, presented)) {
                    metrics.throttled()
                    throw GatewayErrors.throttled(limit: throttle.limit)
                }
            }
            switch try await respond(identity, marker, body) {
            case .cached(let body):
                response = Response(status: Self.status(declaration.successStatus), body: ResponseBody(byteBuffer: body))
            case .fresh(let answer):
                let status = Self.status(answer.status ?? declaration.successStatus)
                response = status == .noContent ? Response(status: status) : .json(status: status, body: answer.body)
                if let token = answer.subjectToken {
                    response.headers[.xSubjectToken] = token
                }
                if let location = answer.location {
                    response.headers[.location] = location
                }
            }
        } catch let error as APIError {
            response = GatewayMiddleware.render(error, requestID: call.requestID)
        } catch {
            logger.error(
                "operation failed",
                metadata: ["route": "\(declaration.route)", "error": "\(String(reflecting: error))"]
            )
            metrics.operationFailed(route: declaration.route.template)
            response = GatewayMiddleware.render(operation.serverFailure, requestID: call.requestID)
        }
        if declaration.tracesRequests {
            response.headers[.xIAMTraceID] = call.requestID
        }
        return response
    }

    /// A backup API: the caller's catalog for the path's project (403 outside it), then the
    /// answer, from the response cache when the declaration allows and nothing it read was
    /// written since (the scopes its reads noted).
    private func answer(
        _ operation: any TenantOperation,
        _ declaration: OperationDeclaration,
        _ call: Call,
        identity: Identity?,
        marker: UInt64,
        body: [UInt8]
    ) async throws -> Answer {
        guard let identity else { throw operation.refusal(.noCredential) }
        let projectID = call.pathVariables["project_id"] ?? ""
        // Scope first (403), then the catalog as it is at its clock's time now.
        guard identity.mayAct(inProject: projectID) else { throw GatewayErrors.notAuthorized }
        let reading = try await access.clockReading(at: marker)
        let key = ResponseKey(
            route: declaration.route.template,
            pathVariables: call.pathVariables,
            rawQuery: String(call.rawQuery),
            scope: try identity.catalog(inProject: projectID, at: reading.now, backups: access.backups(at: marker)).scope
        )
        // A hit needs nothing settled: what it read shows the same until its expiry.
        if declaration.cacheable, let cached = responses.value(for: key, current: { $0.isCurrent(at: reading.now) }) {
            return .cached(cached.body)
        }
        // Then the catalog as it is at its clock's time now.
        let moment = try await access.settled(reading, at: marker)
        // Only an answer that may be kept needs to know what it read.
        let recorder = declaration.cacheable ? ScopeRecorder() : nil
        let answer = try await operation.respond(
            to: OperationRequest(pathVariables: call.pathVariables, query: QueryParameters(rawQuery: call.rawQuery), body: body),
            in: try identity.catalog(inProject: projectID, at: moment.now, backups: access.backups(at: moment.marker, recording: recorder))
        )
        // Kept only with its expiry: without one (the store failed to give it) it is answered, not kept.
        if let recorder, !answer.dependsOnInstant, let expiry = try? await access.answerExpiry(dependingOn: recorder.noted, at: moment) {
            responses.keep(
                CachedAnswer(body: ByteBuffer(bytes: answer.body), expiry: expiry),
                for: key,
                readAt: moment.marker,
                scopes: ScopeList(recorder.noted)
            )
        }
        return .fresh(answer)
    }

    /// The bucket of a credential: its access key, or the digest of its token (never the token).
    private static func throttleKey(_ identity: Identity, _ presented: PresentedCredential) -> String {
        if case .accessKey(let accessKey, _) = identity.credential { return "ak:" + accessKey }
        return "token:" + IAMToken.digest(presented.token ?? "")
    }

    /// The status of a declared success, with its standard reason phrase.
    private static func status(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: .ok
        case 201: .created
        case 202: .accepted
        case 204: .noContent
        default: HTTPResponse.Status(code: code)
        }
    }

    /// What an IAM operation reads of a request.
    private func iamRequest(_ call: Call, caller: Principal?, body: [UInt8]) -> IAMRequest {
        IAMRequest(
            query: QueryParameters(rawQuery: call.rawQuery),
            rawQuery: String(call.rawQuery),
            body: body,
            baseURL: baseURL(of: call.request),
            catalogStyle: configuration.tokenCatalog,
            caller: caller,
            subjectToken: call.request.headers[.xSubjectToken],
            now: configuration.clock.microseconds
        )
    }

    /// The whole body, which a signature covers. - Throws: 413 beyond the configured size; 400
    /// when the connection ended before the body did (Hummingbird ends the body of a request
    /// whose connection closes at the close, as if it were complete: the length is checked here,
    /// and a chunked body that breaks off fails through `UnparsableRequestHandler`).
    private func readBody(_ request: Request) async throws -> [UInt8] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: configuration.maximumBodySize)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayErrors.requestTooLarge
        } catch is NIOTooManyBytesError {
            throw GatewayErrors.requestTooLarge
        } catch {
            throw GatewayErrors.incompleteRequest
        }
        if let announced = request.headers[.contentLength].flatMap(Int.init), announced != buffer.readableBytes {
            throw GatewayErrors.incompleteRequest
        }
        return Array(buffer.readableBytesView)
    }

    /// Where clients reached this server: the configured public URL, else this server's scheme
    /// (`https` over TLS) and the `Host` received.
    private func baseURL(of request: Request) -> String {
        if let configured = configuration.publicBaseURL { return configured }
        return configuration.scheme + "://" + (request.head.authority ?? "\(configuration.host):\(configuration.port)")
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

/// A cached answer: its body as a `ByteBuffer`, which every response that serves it shares
/// without a copy, and the clock instant from which it may be out of date without any write
/// (`StoreAccess.answerExpiry`).
struct CachedAnswer: Sendable {
    let body: ByteBuffer
    let expiry: AnswerExpiry

    func isCurrent(at now: Int64) -> Bool {
        expiry.isCurrent(at: now)
    }
}

/// What a backup API's answer depends on: the operation, its path and query as sent, and
/// where the caller acts (its project and every project it may use, for cross-project lookups).
struct ResponseKey: Hashable, Sendable {
    let route: String
    let pathVariables: [String: String]
    let rawQuery: String
    let scope: ProjectScope

    /// The bytes of what the request sent that the key keeps: a query may be as long as a
    /// request line, and a kept answer pays for it in the cache's budget.
    var retainedBytes: Int {
        rawQuery.utf8.count + pathVariables.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count }
    }
}
