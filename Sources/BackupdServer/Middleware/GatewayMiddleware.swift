import BackupdAPI
import HTTPTypes
import Hummingbird
import Logging

/// What every response gets, success or error (`docs/api.md` §1.5): `X-Request-Id` and, but for
/// a 204 or an answer that set its own (`/metrics`), `Content-Type: application/json;charset=UTF-8`. It renders `APIError`s in their
/// envelope and turns anything else into an opaque 500 that leaks nothing. A `HEAD`
/// gets the status and headers of its answer, without the body.
struct GatewayMiddleware: RouterMiddleware {
    typealias Context = BackupdRequestContext

    static let contentType = "application/json;charset=UTF-8"

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as APIError {
            response = Self.render(error, requestID: context.requestID)
        } catch {
            context.logger.error("unexpected failure", metadata: ["error": "\(String(reflecting: error))"])
            response = Self.render(GatewayErrors.serverFailure, requestID: context.requestID)
        }
        // A 204 has no body, so no type either (`docs/lifecycle.md` §4).
        if response.status != .noContent, response.headers[.contentType] == nil {
            response.headers[.contentType] = Self.contentType
        }
        response.headers[.xRequestID] = context.requestID
        if request.method == .head {
            // The headers of the GET answer, Content-Length included, without its body.
            let length = response.body.contentLength
            response.body = ResponseBody()
            if let length { response.headers[.contentLength] = String(length) }
        }
        return response
    }

    static func render(_ error: APIError, requestID: String) -> Response {
        .json(status: HTTPResponse.Status(code: error.status), body: error.body(requestID: requestID))
    }
}

extension HTTPField.Name {
    static let xRequestID = HTTPField.Name("X-Request-Id")!
}
