import BackupdAPI
import BackupdAuth
import HTTPTypes
import Hummingbird

extension PresentedCredential {
    /// The credential `request` carries (`docs/auth.md` §1): a non-empty `X-Auth-Token` wins; the
    /// request is prepared for signature checks only when it has none and carries an `Authorization`.
    init(_ request: Request, body: [UInt8]) {
        let token = request.headers[.xAuthToken].flatMap { $0.isEmpty ? nil : $0 }
        self.init(
            token: token,
            signedRequest: token == nil && request.headers[.authorization] != nil ? SignableRequest(request, body: body) : nil,
            declaredProjectID: request.headers[.xProjectID]
        )
    }
}

extension HTTPField.Name {
    static let xAuthToken = HTTPField.Name("X-Auth-Token")!
    static let xProjectID = HTTPField.Name("X-Project-Id")!
    static let xSubjectToken = HTTPField.Name("X-Subject-Token")!
    static let xIAMTraceID = HTTPField.Name("X-IAM-Trace-Id")!
}
