/// An error answer in one of the envelopes of `docs/api.md` §1.6. Each service declares its
/// errors as values of this type in one table; the server only renders them.
public struct APIError: Error, Sendable, Equatable {
    /// Which body shape the error is written in.
    public enum Envelope: Sendable, Equatable {
        /// RDS, TaurusDB, DDM: `{"error_code", "error_msg"}`.
        case service
        /// DCS: `{"error_code", "error_msg", "error_ext_msg": null}`.
        case dcs
        /// The API gateway (route, authentication, scope): adds `"request_id"`.
        case gateway
        /// IAM: Keystone's `{"error": {"code", "message", "title"}}`.
        case keystone(title: String)
    }

    public let status: Int
    public let code: String
    public let message: String
    public let envelope: Envelope

    public init(status: Int, code: String, message: String, envelope: Envelope) {
        self.status = status
        self.code = code
        self.message = message
        self.envelope = envelope
    }

    /// The body; `requestID` is written only by the gateway envelope.
    public func body(requestID: String) -> [UInt8] {
        var json = JSONWriter(capacity: 160)
        json.object { json in
            switch envelope {
            case .service:
                json.field("error_code", code)
                json.field("error_msg", message)
            case .dcs:
                json.field("error_code", code)
                json.field("error_msg", message)
                json.field("error_ext_msg", nil as String?)
            case .gateway:
                json.field("error_code", code)
                json.field("error_msg", message)
                json.field("request_id", requestID)
            case .keystone(let title):
                json.key("error")
                json.object { json in
                    json.field("code", status)
                    json.field("message", message)
                    json.field("title", title)
                }
            }
        }
        return json.bytes
    }
}
