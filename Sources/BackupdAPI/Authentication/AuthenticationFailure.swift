/// Why a request could not be authenticated. `detail` is one of the texts of `auth.md` §4.6
/// after `Incorrect IAM authentication information: ` and never holds a secret; the route
/// decides the envelope (the gateway's on backup routes, Keystone's on IAM routes).
struct AuthenticationFailure: Error, Sendable, Equatable {
    let detail: String

    static let noCredential = AuthenticationFailure(detail: "x-auth-token not found")
}
