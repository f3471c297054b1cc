import BackupdAPI
import OpenAPIKit

/// The credentials of `docs/auth.md` as OpenAPI security schemes, and which operation takes which.
enum SecuritySchemes {
    static let token = "token"
    static let signature = "signature"
    static let controlToken = "controlToken"

    static let components: OpenAPI.ComponentReferenceDictionary<OpenAPI.SecurityScheme> = [
        key(token): .b(
            .apiKey(
                name: "X-Auth-Token",
                location: .header,
                description: "An IAM token from POST /v3/auth/tokens (docs/auth.md §2, §3)"
            )
        ),
        key(signature): .b(
            .apiKey(
                name: "Authorization",
                location: .header,
                description: """
                    An access key's SDK-HMAC-SHA256 signature, with X-Sdk-Date (docs/auth.md §4), as \
                    the official Huawei Cloud SDKs sign
                    """
            )
        ),
        key(controlToken): .b(
            .http(scheme: "bearer", description: "The operator's control token (serve --control-token)")
        ),
    ]

    /// Who may call: a token or a signature, the control token, or anyone (an empty list).
    static func requirements(_ authentication: OperationDeclaration.Authentication) -> [OpenAPI.SecurityRequirement] {
        switch authentication {
        case .tenant, .caller: [[.component(named: token): []], [.component(named: signature): []]]
        case .controlToken: [[.component(named: controlToken): []]]
        case .none: []
        }
    }

    private static func key(_ name: String) -> OpenAPI.ComponentKey {
        // The names above are valid component keys (letters only).
        OpenAPI.ComponentKey(rawValue: name)!
    }
}
