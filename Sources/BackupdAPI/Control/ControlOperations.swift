/// One route of the control API (`docs/lifecycle.md` §5.2): it reads its body and calls the
/// `ClockControl`, which the command line calls too.
public protocol ControlOperation: DeclaredOperation {
    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer
}

extension ControlOperation {
    public var serverFailure: APIError { ControlErrors.serverFailure }
}

/// C1–C5, served only when the server has a control token.
public enum ControlOperations {
    public static let all: [any ControlOperation] = [ShowClock(), ChangeClock(), ShowTimings(), ChangeTimings(), ArmFault()]

    static func declaration(
        _ name: String,
        _ method: String,
        _ path: String,
        body: JSONShape? = nil,
        answer: JSONShape
    ) -> OperationDeclaration {
        OperationDeclaration(
            name: name,
            route: Route(method, path),
            body: body.map { .json($0) } ?? .none,
            response: .json(answer),
            cacheable: false,
            authentication: .controlToken
        )
    }
}

/// C1 `GET /_backupd/v1/clock`.
struct ShowClock: ControlOperation {
    let declaration = ControlOperations.declaration(
        "ShowClock",
        "GET",
        "/_backupd/v1/clock",
        answer: ControlShapes.showClockAnswer
    )

    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer {
        OperationAnswer(body: try await control.clock())
    }
}

/// C2 `PUT /_backupd/v1/clock`.
struct ChangeClock: ControlOperation {
    let declaration = ControlOperations.declaration(
        "ChangeClock",
        "PUT",
        "/_backupd/v1/clock",
        body: ControlShapes.changeClockRequest,
        answer: ControlShapes.changeClockAnswer
    )

    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer {
        OperationAnswer(body: try await control.changeClock(try ControlRequests.clockChange(RequestBody(request.body))))
    }
}

/// C3 `GET /_backupd/v1/timings`.
struct ShowTimings: ControlOperation {
    let declaration = ControlOperations.declaration(
        "ShowTimings",
        "GET",
        "/_backupd/v1/timings",
        answer: ControlShapes.showTimingsAnswer
    )

    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer {
        OperationAnswer(body: try await control.timings())
    }
}

/// C4 `PUT /_backupd/v1/timings`.
struct ChangeTimings: ControlOperation {
    let declaration = ControlOperations.declaration(
        "ChangeTimings",
        "PUT",
        "/_backupd/v1/timings",
        body: ControlShapes.changeTimingsRequest,
        answer: ControlShapes.changeTimingsAnswer
    )

    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer {
        OperationAnswer(body: try await control.changeTimings(try ControlRequests.timingsChange(RequestBody(request.body))))
    }
}

/// C5 `POST /_backupd/v1/faults`.
struct ArmFault: ControlOperation {
    let declaration = ControlOperations.declaration(
        "ArmFault",
        "POST",
        "/_backupd/v1/faults",
        body: ControlShapes.armFaultRequest,
        answer: ControlShapes.armFaultAnswer
    )

    func respond(to request: OperationRequest, control: ClockControl) async throws -> OperationAnswer {
        OperationAnswer(body: try await control.armFault(instanceID: try ControlRequests.faultInstance(RequestBody(request.body))))
    }
}
