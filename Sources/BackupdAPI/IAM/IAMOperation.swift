public import BackupdAuth
public import BackupdCatalog

/// What an IAM operation reads from a request. It knows nothing of HTTP.
public struct IAMRequest: Sendable {
    public let query: QueryParameters
    /// The request target after the first `?`, as received (echoed in `links.self`).
    public let rawQuery: String
    public let body: [UInt8]
    /// `<scheme>://<host>` of this server as the client reached it (`docs/auth.md` §2.2).
    public let baseURL: String
    /// Which services token catalogs list.
    public let catalogStyle: TokenCatalogStyle
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
        catalogStyle: TokenCatalogStyle = .huaweiCloud,
        caller: Principal?,
        subjectToken: String?,
        now: Int64
    ) {
        self.query = query
        self.rawQuery = rawQuery
        self.body = body
        self.baseURL = baseURL
        self.catalogStyle = catalogStyle
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

/// One IAM API of `docs/auth.md` §2 and §6.
public protocol IAMOperation: DeclaredOperation {
    /// The answer, or an `APIError` in Keystone's shape.
    func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer
}

extension IAMOperation {
    public var serverFailure: APIError { IAMErrors.serverFailure }
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
            IAMShowVersion(),
            IAMListVersions(),
        ]
    }
}
