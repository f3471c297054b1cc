/// IAM's answers in Keystone's `{"error": {"code", "message", "title"}}` shape (`docs/auth.md` §2.4, §4.6, §6.4).
/// The messages are the documented texts of IAM codes `IAM.0011` and `IAM.0001`.
public enum IAMErrors {
    /// The token request's body is not JSON, lacks or mistypes a field, or asks for another method.
    public static let invalidBody = APIError(
        status: 400,
        code: "IAM.0011",
        message: "Request body is invalid.",
        envelope: .keystone(title: "Bad Request")
    )

    /// Wrong domain, user, password or scope, or a failed credential on an IAM read: all alike on purpose.
    public static let unauthorized = APIError(
        status: 401,
        code: "IAM.0001",
        message: "The request you have made requires authentication.",
        envelope: .keystone(title: "Unauthorized")
    )

    /// `GET /v3/auth/tokens` of an unknown or expired subject token.
    public static let tokenNotFound = APIError(
        status: 404,
        code: "IAM.0004",
        message: "The resource could not be found.",
        envelope: .keystone(title: "Not Found")
    )

    /// An unexpected failure behind an IAM route.
    public static let serverFailure = APIError(
        status: 500,
        code: "IAM.0002",
        message: "Internal server error.",
        envelope: .keystone(title: "Internal Server Error")
    )
}
