import BackupdAPI
import Hummingbird

/// A route the server answers: either open (no credential: `/health`) or a tenant
/// operation, which the dispatcher runs only after authentication and the scope check.
struct ServerRoute: Sendable {
    enum Handler: Sendable {
        case open(@Sendable (Request, BackupdRequestContext) async throws -> Response)
        case tenant(any TenantOperation)
    }

    let route: Route
    let handler: Handler
}
