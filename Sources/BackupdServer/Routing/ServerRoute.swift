import BackupdAPI
import Hummingbird

/// A route the server answers: open (no credential: `/health`), or a declared operation of a
/// service (a backup API, an IAM API or the control API), which the dispatcher runs by its declaration.
struct ServerRoute: Sendable {
    enum Handler: Sendable {
        case open(@Sendable (Request, BackupdRequestContext) async throws -> Response)
        case tenant(any TenantOperation)
        case iam(any IAMOperation)
        case control(any ControlOperation)
    }

    let route: Route
    let handler: Handler

    init(route: Route, open handler: @escaping @Sendable (Request, BackupdRequestContext) async throws -> Response) {
        self.route = route
        self.handler = .open(handler)
    }

    init(_ operation: any TenantOperation) {
        self.route = operation.declaration.route
        self.handler = .tenant(operation)
    }

    init(_ operation: any ControlOperation) {
        self.route = operation.declaration.route
        self.handler = .control(operation)
    }

    init(_ operation: any IAMOperation) {
        self.route = operation.declaration.route
        self.handler = .iam(operation)
    }
}
