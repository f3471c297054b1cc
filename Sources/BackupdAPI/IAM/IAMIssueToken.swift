public import BackupdAuth
public import BackupdCatalog

/// `POST /v3/auth/tokens` (`docs/auth.md` §2): a password token, scoped to a project or to the
/// user's domain, stored as its SHA-256 and valid for 24 hours.
public struct IAMIssueToken: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneCreateUserTokenByPassword",
        route: Route("POST", "/v3/auth/tokens"),
        query: [QueryParameter.string("nocatalog")],
        body: .json(IAMShapes.keystoneCreateUserTokenByPasswordRequest),
        successStatus: 201,
        response: .json(IAMShapes.keystoneCreateUserTokenByPasswordAnswer),
        cacheable: false,
        authentication: .none,
        tracesRequests: true,
        links: [
            OperationLink(
                "KeystoneValidateToken",
                to: Route("GET", "/v3/auth/tokens"),
                [.header("X-Subject-Token", from: .responseHeader("X-Subject-Token"))]
            )
        ]
    )
    private let passwords: PasswordHasher

    /// A digest checked when the domain or user is unknown, so that those answers take as long
    /// as a wrong password and reveal nothing by their timing.
    private let decoyDigest: String

    public init(passwords: PasswordHasher) {
        self.passwords = passwords
        // A well-formed digest at the hasher's cost that no password matches: checking it takes as
        // long as a real check, and building it costs nothing at start.
        self.decoyDigest =
            "pbkdf2-sha256$\(passwords.rounds)$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        let asked = try PasswordTokenRequest(body: request.body)
        let principal = try await authenticate(asked, credentials)
        let scope = try resolveScope(asked.scope, of: principal)

        let token = IAMToken.generate()
        let issued = IssuedToken(
            digest: IAMToken.digest(token),
            domainID: principal.domain.id,
            userName: principal.user.name,
            scope: scope.map { .project(id: $0.id) } ?? .domain,
            issuedAt: request.now,
            expiresAt: request.now + IssuedToken.lifetime
        )
        try await credentials.store.saveToken(issued)
        let domainProjects = scope == nil ? try await credentials.projects(domainID: principal.domain.id) : []
        // `nocatalog` with any non-empty value leaves the catalog out (doc).
        let withCatalog = request.query["nocatalog"] == .absent
        let body = TokenJSON.body(
            token: issued,
            principal: principal,
            project: scope,
            domainProjects: domainProjects,
            baseURL: withCatalog ? request.baseURL : nil,
            catalogStyle: request.catalogStyle
        )
        return OperationAnswer(body: body, subjectToken: token)
    }

    /// The user named in the request, when its domain exists and the password is right.
    private func authenticate(_ asked: PasswordTokenRequest, _ credentials: Cached<any CredentialStore>) async throws -> Principal {
        let principal: Principal? =
            if let domain = try await domain(asked.userDomain, credentials) {
                try await credentials.principal(domainID: domain.id, userName: asked.userName)
            } else {
                nil
            }
        guard let principal, let digest = principal.user.passwordDigest, !asked.password.isEmpty else {
            _ = passwords.verify(asked.password, against: decoyDigest)
            throw IAMErrors.unauthorized
        }
        guard passwords.verify(asked.password, against: digest) else { throw IAMErrors.unauthorized }
        return principal
    }

    /// The project of a project scope (`nil` for a domain-scoped token), when the user may use it.
    private func resolveScope(
        _ scope: PasswordTokenRequest.Scope,
        of principal: Principal
    ) throws(APIError) -> Project? {
        switch scope {
        case .none:
            return nil
        case .domain(let reference):
            guard Self.names(principal.domain, reference) else { throw IAMErrors.unauthorized }
            return nil
        case .project(let reference, let domain):
            if let domain, !Self.names(principal.domain, domain) { throw IAMErrors.unauthorized }
            // Only projects the user may use can be named; others are as unknown as foreign ones.
            let project = principal.usableProjects.first { project in
                (reference.id.map { $0 == project.id } ?? true) && (reference.name.map { $0 == project.name } ?? true)
            }
            guard let project else { throw IAMErrors.unauthorized }
            return project
        }
    }

    private func domain(
        _ reference: PasswordTokenRequest.Reference,
        _ credentials: Cached<any CredentialStore>
    ) async throws -> Domain? {
        let found: Domain? =
            if let id = reference.id {
                try await credentials.domain(id: id)
            } else if let name = reference.name {
                try await credentials.domain(named: name)
            } else {
                nil
            }
        guard let found, Self.names(found, reference) else { return nil }
        return found
    }

    /// Whether `reference` names `domain` by each of the keys it gives.
    private static func names(_ domain: Domain, _ reference: PasswordTokenRequest.Reference) -> Bool {
        (reference.id.map { $0 == domain.id } ?? true) && (reference.name.map { $0 == domain.name } ?? true)
    }
}
