/// Why a request could not be authenticated. `detail` is one of the texts of `docs/auth.md` §4.6
/// after `Incorrect IAM authentication information: ` and never holds a secret; the operation's
/// declared authentication decides the envelope (the gateway's on backup routes, Keystone's on IAM routes).
public struct AuthenticationFailure: Error, Sendable, Equatable {
    public let detail: String

    public static let noCredential = AuthenticationFailure(detail: "x-auth-token not found")
}
