public import BackupdAuth
public import BackupdCatalog

/// What an IAM operation reads from a request. It knows nothing of HTTP.
public struct IAMRequest: Sendable {
    public let query: QueryParameters
    /// The request target after the first `?`, as received (echoed in `links.self`).
    public let rawQuery: String
    public let body: [UInt8]
    /// `<scheme>://<host>` of this server as the client reached it (`auth.md` §2.2).
    public let baseURL: String
    /// The authenticated caller; `nil` only for an operation that needs no credential.
    public let caller: Principal?
    /// `X-Subject-Token`, the token `GET /v3/auth/tokens` checks.
    public let subjectToken: String?
    /// Microseconds since the epoch.
    public let now: Int64

    public init(
        query: QueryParameters,
        rawQuery: String,
        body: [UInt8],
        baseURL: String,
        caller: Principal?,
        subjectToken: String?,
        now: Int64
    ) {
        self.query = query
        self.rawQuery = rawQuery
        self.body = body
        self.baseURL = baseURL
        self.caller = caller
        self.subjectToken = subjectToken
        self.now = now
    }

    /// The caller of an operation that requires a credential.
    var authenticatedCaller: Principal {
        get throws(APIError) {
            guard let caller else { throw IAMErrors.unauthorized }
            return caller
        }
    }
}

/// An IAM answer: a status (200, or 201 for a new token), the body, and the token for
/// `X-Subject-Token` when there is one.
public struct IAMResponse: Sendable {
    public let status: Int
    public let body: [UInt8]
    public let subjectToken: String?

    public init(status: Int, body: [UInt8], subjectToken: String? = nil) {
        self.status = status
        self.body = body
        self.subjectToken = subjectToken
    }
}

/// One IAM API of `auth.md` §2 and §6.
public protocol IAMOperation: Sendable {
    var route: Route { get }
    /// Whether the caller must be authenticated first (all but issuing a token).
    var requiresCredential: Bool { get }
    /// The answer, or an `APIError` in Keystone's shape.
    func respond(to request: IAMRequest, store: any CatalogStore) async throws -> IAMResponse
}

/// Every IAM API backupd serves.
public enum IAMOperations {
    /// - Parameter hasher: checks passwords when tokens are issued.
    public static func all(hasher: PasswordHasher) -> [any IAMOperation] {
        [
            IAMIssueToken(passwords: hasher),
            IAMVerifyToken(),
            IAMListProjects(),
            IAMListAuthProjects(),
            IAMListAuthDomains(),
        ]
    }
}
