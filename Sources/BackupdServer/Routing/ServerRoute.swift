import BackupdAPI
import Hummingbird

/// A route the server answers: open (no credential: `/health`), a backup API (run only after
/// authentication and the scope check), or an IAM API (authenticated unless it issues tokens).
struct ServerRoute: Sendable {
    enum Handler: Sendable {
        case open(@Sendable (Request, BackupdRequestContext) async throws -> Response)
        case tenant(any TenantOperation)
        case iam(any IAMOperation)
    }

    let route: Route
    let handler: Handler
}
