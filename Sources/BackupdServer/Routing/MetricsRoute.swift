import BackupdAPI
import BackupdAuth
import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text of `ServerMetrics`, for the operator only. Like the control
/// API it answers only to the control token (`Authorization: Bearer …`, as Prometheus's
/// `authorization` setting sends it); to anyone else, and on a server without a control token,
/// it is the 404 `APIGW.0101` of an unknown route, so that no tenant learns of others' activity.
enum MetricsRoute {
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static let declaration = OperationDeclaration(
        name: "ShowMetrics",
        route: Route("GET", "/metrics"),
        response: .text(mediaType: "text/plain"),
        cacheable: false,
        authentication: .controlToken
    )

    static func make(metrics: ServerMetrics, controlToken: ControlToken?) -> ServerRoute {
        ServerRoute(declaration) { request, _ in
            guard let controlToken, controlToken.admits(request.headers[.authorization]) else {
                throw GatewayErrors.routeNotFound
            }
            var response = Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
            response.headers[.contentType] = contentType
            return response
        }
    }
}
