/// What the API gateway answers before a service sees the request (`docs/api.md` §1.7, `docs/auth.md` §4.6).
public enum GatewayErrors {
    /// No route matches the method and path.
    public static let routeNotFound = APIError(
        status: 404,
        code: "APIGW.0101",
        message: "The API does not exist or has not been published in the environment.",
        envelope: .gateway
    )

    /// The caller may not act in the path's project.
    public static let notAuthorized = APIError(
        status: 403,
        code: "APIGW.0302",
        message: "The IAM user is not authorized to access the API.",
        envelope: .gateway
    )

    /// The request body is larger than the server reads (signatures cover bodies, so it cannot be skipped).
    public static let requestTooLarge = APIError(
        status: 413,
        code: "APIGW.0201",
        message: "Request entity too large.",
        envelope: .gateway
    )

    /// The request could not be read whole: its connection ended before the body its head
    /// announced (`docs/api.md` §1.2). Nothing it asked for is done.
    public static let incompleteRequest = APIError(
        status: 400,
        code: "APIGW.0201",
        message: "Bad request.",
        envelope: .gateway
    )

    /// Authentication failed; `detail` is one of the texts of `docs/auth.md` §4.6 and never holds a secret.
    public static func authenticationFailed(_ detail: String) -> APIError {
        APIError(
            status: 401,
            code: "APIGW.0301",
            message: "Incorrect IAM authentication information: \(detail)",
            envelope: .gateway
        )
    }

    /// The caller's credential sent more requests than the per-credential limit allows
    /// (`RequestThrottle`): the text of the gateway's user-level throttling policy.
    public static func throttled(limit: RequestThrottle.Limit) -> APIError {
        APIError(
            status: 429,
            code: "APIGW.0308",
            message: "The throttling threshold has been reached: policy user over ratelimit,limit:\(limit.rate),time:1 second",
            envelope: .gateway
        )
    }

    /// A failure outside any service (e.g. the request could not be read): the RDS-family answer.
    public static let serverFailure = DBSErrors.serverFailure
}
