public import BackupdCatalog

/// `GET /v3/auth/tokens` (`docs/auth.md` §6.4): the caller (with its own credential) asks whether
/// the token in `X-Subject-Token` is valid; 200 with its body, or 404 when unknown, expired
/// or issued in another account.
public struct IAMVerifyToken: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneValidateToken",
        route: Route("GET", "/v3/auth/tokens"),
        query: [QueryParameter.string("nocatalog")],
        headers: ["X-Subject-Token"],
        response: .json(IAMShapes.keystoneValidateTokenAnswer),
        cacheable: false,
        authentication: .caller,
        tracesRequests: true
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        let caller = try request.authenticatedCaller
        // Another account's token is as unknown as a forged one: nothing crosses accounts.
        guard let subject = request.subjectToken, !subject.isEmpty,
            case .success(let grant) = try await TokenValidation.validate(subject, credentials: credentials, now: request.now),
            grant.principal.domain.id == caller.domain.id
        else { throw IAMErrors.tokenNotFound }
        var project: Project?
        if case .project(let id) = grant.token.scope {
            guard let found = try await credentials.project(id: id) else { throw IAMErrors.tokenNotFound }
            project = found
        }
        let domainProjects = project == nil ? try await credentials.projects(domainID: grant.principal.domain.id) : []
        let body = TokenJSON.body(
            token: grant.token,
            principal: grant.principal,
            project: project,
            domainProjects: domainProjects,
            baseURL: request.query["nocatalog"] == .absent ? request.baseURL : nil,
            catalogStyle: request.catalogStyle
        )
        return OperationAnswer(body: body, subjectToken: subject)
    }
}
