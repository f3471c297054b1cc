/// The JSON shapes of the four error envelopes of `APIError.body(requestID:)`, for the OpenAPI
/// document (`docs/api.md` §1.6, `docs/auth.md` §2.4).
public enum ErrorShapes {
    /// Any error body: every operation may answer one of the envelopes (the gateway's before
    /// routing and authentication, then its service's).
    public static let any = JSONShape.oneOf([gateway, service, dcs, keystone])

    /// The API gateway (route, body size, authentication, scope) and the control API.
    static let gateway = JSONShape.object([
        .init("error_code", .string),
        .init("error_msg", .string),
        .init("request_id", .string),
    ])

    /// RDS, TaurusDB, DDM.
    static let service = JSONShape.object([
        .init("error_code", .string),
        .init("error_msg", .string),
    ])

    /// DCS: `error_ext_msg` is always `null`.
    static let dcs = JSONShape.object([
        .init("error_code", .string),
        .init("error_msg", .string),
        .init("error_ext_msg", .nullable(.string)),
    ])

    /// IAM: `code` is the HTTP status.
    static let keystone = JSONShape.object([
        .init(
            "error",
            .object([
                .init("code", .integer),
                .init("message", .string),
                .init("title", .string),
            ])
        )
    ])
}
