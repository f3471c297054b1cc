import Hummingbird
import Logging

/// One structured log line per request: method, route template (never the raw path, which
/// holds ids), status, duration and request id. Nothing from headers or the query is logged,
/// so no credential can reach the log.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = BackupdRequestContext

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)",
                "route": "\(context.coreContext.endpointPath.value ?? "unmatched")",
                "status": "\(response.status.code)",
                "duration_ms": "\(Self.milliseconds(micros))",
                "request_id": "\(context.requestID)",
            ]
        )
        return response
    }

    /// `1234` µs as `1.234`, without a formatter on every request.
    static func milliseconds(_ micros: Int64) -> String {
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
