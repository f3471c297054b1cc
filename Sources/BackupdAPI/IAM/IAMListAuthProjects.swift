public import BackupdCatalog

/// `GET /v3/auth/projects` (`auth.md` §6.2): the projects the caller's user may use, whatever
/// the credential; query parameters are ignored.
public struct IAMListAuthProjects: IAMOperation {
    public let route = Route("GET", "/v3/auth/projects")
    public let requiresCredential = true

    public init() {}

    public func respond(to request: IAMRequest, store: any CatalogStore) async throws -> IAMResponse {
        let caller = try request.authenticatedCaller
        let all = try await store.projects(domainID: caller.domain.id)
        let body = ProjectListJSON.projects(
            caller.usableProjects,
            of: caller.domain,
            allProjects: all,
            baseURL: request.baseURL,
            selfLink: request.baseURL + "/v3/auth/projects"
        )
        return IAMResponse(status: 200, body: body)
    }
}
