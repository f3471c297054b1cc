public import BackupdCatalog

/// `GET /v3/auth/tokens` (`auth.md` §6.4): the caller (with its own credential) asks whether
/// the token in `X-Subject-Token` is valid; 200 with its body, or 404 when unknown, expired
/// or issued in another account.
public struct IAMVerifyToken: IAMOperation {
    public let route = Route("GET", "/v3/auth/tokens")
    public let requiresCredential = true

    public init() {}

    public func respond(to request: IAMRequest, store: any CatalogStore) async throws -> IAMResponse {
        let caller = try request.authenticatedCaller
        // Another account's token is as unknown as a forged one: nothing crosses accounts.
        guard let subject = request.subjectToken, !subject.isEmpty,
            case .success(let grant) = try await TokenValidation.validate(subject, store: store, now: request.now),
            grant.principal.domain.id == caller.domain.id
        else { throw IAMErrors.tokenNotFound }
        var project: Project?
        if case .project(let id) = grant.token.scope {
            guard let found = try await store.project(id: id) else { throw IAMErrors.tokenNotFound }
            project = found
        }
        let domainProjects = project == nil ? try await store.projects(domainID: grant.principal.domain.id) : []
        let body = TokenJSON.body(
            token: grant.token,
            principal: grant.principal,
            project: project,
            domainProjects: domainProjects,
            baseURL: request.query["nocatalog"] == .absent ? request.baseURL : nil
        )
        return IAMResponse(status: 200, body: body, subjectToken: subject)
    }
}
