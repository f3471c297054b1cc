import BackupdAuth

/// Why a request could not be authenticated. `detail` is one of the texts of `docs/auth.md` §4.6
/// after `Incorrect IAM authentication information: ` and never holds a secret; the operation's
/// declared authentication decides the envelope (the gateway's on backup routes, Keystone's on IAM routes).
public struct AuthenticationFailure: Error, Sendable, Equatable {
    /// The failure's kind, a fixed word fit for a metric label: unlike `detail`, it names no
    /// access key and no time (`/metrics`, README "Metrics").
    public enum Reason: String, Sendable, CaseIterable {
        case noCredential = "no_credential"
        case unknownToken = "unknown_token"
        case expiredToken = "expired_token"
        case malformedSignature = "malformed_signature"
        case unknownAccessKey = "unknown_access_key"
        case clockSkew = "clock_skew"
        case signatureMismatch = "signature_mismatch"
        case lockedAccessKey = "locked_access_key"
    }

    public let reason: Reason
    public let detail: String

    public init(reason: Reason, detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public static let noCredential = AuthenticationFailure(reason: .noCredential, detail: "x-auth-token not found")

    init(_ failure: TokenValidation.Failure) {
        switch failure {
        case .unknown: self.init(reason: .unknownToken, detail: failure.detail)
        case .expired: self.init(reason: .expiredToken, detail: failure.detail)
        }
    }

    init(_ failure: SignatureVerifier.Failure) {
        let reason: Reason =
            switch failure {
            case .malformedAuthorization, .malformedDate: .malformedSignature
            case .unknownAccessKey: .unknownAccessKey
            case .clockSkew: .clockSkew
            case .signatureMismatch: .signatureMismatch
            case .locked: .lockedAccessKey
            }
        self.init(reason: reason, detail: failure.detail)
    }
}
