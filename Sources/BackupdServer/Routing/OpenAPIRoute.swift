import BackupdAPI
import Hummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI document of every route (`docs/api.md` §10), no credential.
/// The same bytes as the committed `docs/openapi.json`, whatever the server's configuration.
enum OpenAPIRoute {
    static let declaration = OperationDeclaration(
        name: "ShowOpenAPIDocument",
        route: Route("GET", "/openapi.json"),
        response: .json(.any),
        cacheable: false,
        authentication: .none
    )

    static func make(document: [UInt8]) -> ServerRoute {
        let body = ByteBuffer(bytes: document)
        return ServerRoute(declaration) { _, _ in
            Response(status: .ok, body: ResponseBody(byteBuffer: body))
        }
    }
}
