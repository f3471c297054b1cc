import HTTPTypes
import Hummingbird

/// Counts and times every request in `ServerMetrics`, by method, route template (never the raw
/// path, which holds ids) and status.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BackupdRequestContext

    let metrics: ServerMetrics

    /// Any other method is `other`: a label takes no value a client makes up.
    private static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .patch, .options]

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        metrics.answered(
            method: Self.knownMethods.contains(request.method) ? request.method.rawValue : "other",
            route: Self.template(context.coreContext.endpointPath.value),
            status: response.status.code,
            after: ContinuousClock.now - start
        )
        return response
    }

    /// The template of the matched route, which the dispatcher records as `Route.description`
    /// (`GET /v3/{project_id}/backups`); `unmatched` when no route matched.
    private static func template(_ matched: String?) -> String {
        guard let matched, let space = matched.firstIndex(of: " ") else { return "unmatched" }
        return String(matched[matched.index(after: space)...])
    }
}
