import BackupdAuth
import Hummingbird

extension SignableRequest {
    /// The request as received: the raw target, every header in order with `Host` first (HTTP/1
    /// carries it as a header; Hummingbird hands it over as the `:authority`), and the body.
    init(_ request: Request, body: [UInt8]) {
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(request.headers.count + 1)
        if let authority = request.head.authority {
            headers.append((name: "host", value: authority))
        }
        for field in request.headers {
            headers.append((name: field.name.canonicalName, value: field.value))
        }
        self.init(method: request.method.rawValue, target: request.head.path ?? "/", headers: headers, body: body)
    }
}
