import BackupdAPI
import Hummingbird

/// A route the server answers: one of the server's own (`/health`, `/metrics`, `/openapi.json`),
/// which answers by itself, or a declared operation of a service (a backup API, an IAM API or the
/// control API), which the dispatcher runs by its declaration.
struct ServerRoute: Sendable {
    enum Handler: Sendable {
        case open(@Sendable (Request, BackupdRequestContext) async throws -> Response)
        case tenant(any TenantOperation)
        case iam(any IAMOperation)
        case control(any ControlOperation)
    }

    let route: Route
    let handler: Handler
    /// What the OpenAPI document says of the route (`DeclaredOperation.answeringDeclarations`).
    let declarations: [OperationDeclaration]

    init(
        _ declaration: OperationDeclaration,
        open handler: @escaping @Sendable (Request, BackupdRequestContext) async throws -> Response
    ) {
        self.route = declaration.route
        self.handler = .open(handler)
        self.declarations = [declaration]
    }

    init(_ operation: any TenantOperation) {
        self.route = operation.declaration.route
        self.handler = .tenant(operation)
        self.declarations = operation.answeringDeclarations
    }

    init(_ operation: any ControlOperation) {
        self.route = operation.declaration.route
        self.handler = .control(operation)
        self.declarations = operation.answeringDeclarations
    }

    init(_ operation: any IAMOperation) {
        self.route = operation.declaration.route
        self.handler = .iam(operation)
        self.declarations = operation.answeringDeclarations
    }
}
