public import BackupdCatalog

/// `GET /v3/auth/projects` (`docs/auth.md` §6.2): the projects the caller's user may use, whatever
/// the credential; query parameters are ignored.
public struct IAMListAuthProjects: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneListAuthProjects",
        route: Route("GET", "/v3/auth/projects"),
        response: .json(IAMShapes.keystoneListAuthProjectsAnswer),
        cacheable: false,
        authentication: .caller,
        tracesRequests: true
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        let caller = try request.authenticatedCaller
        let all = try await credentials.projects(domainID: caller.domain.id)
        let body = ProjectListJSON.projects(
            caller.usableProjects,
            of: caller.domain,
            allProjects: all,
            baseURL: request.baseURL,
            selfLink: request.baseURL + "/v3/auth/projects"
        )
        return OperationAnswer(body: body)
    }
}
