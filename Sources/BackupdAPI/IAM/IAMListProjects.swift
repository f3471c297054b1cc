public import BackupdCatalog

/// `GET /v3/projects` (`docs/auth.md` §6.1): the projects of the caller's domain, filtered by exact
/// `name`, `domain_id` and `parent_id`. The SDK calls it with `name=<region>` to find the project
/// id of a region and needs exactly one answer.
public struct IAMListProjects: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneListProjects",
        route: Route("GET", "/v3/projects"),
        query: [QueryParameter.string("name"), QueryParameter.string("domain_id"), QueryParameter.string("parent_id")],
        response: .json(IAMShapes.keystoneListProjectsAnswer),
        cacheable: false,
        authentication: .caller,
        tracesRequests: true
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        let caller = try request.authenticatedCaller
        let all = try await credentials.projects(domainID: caller.domain.id)
        let selected = all.filter { project in
            Self.matches(request.query["name"], project.name)
                && Self.matches(request.query["domain_id"], caller.domain.id)
                && Self.matches(
                    request.query["parent_id"],
                    ProjectListJSON.parentID(of: project, domain: caller.domain, allProjects: all)
                )
        }
        let selfLink = request.baseURL + "/v3/projects" + (request.rawQuery.isEmpty ? "" : "?" + request.rawQuery)
        let body = ProjectListJSON.projects(
            selected,
            of: caller.domain,
            allProjects: all,
            baseURL: request.baseURL,
            selfLink: selfLink
        )
        return OperationAnswer(body: body)
    }

    /// An absent filter keeps everything; a filter given twice with different values matches
    /// nothing (chosen here), one value matches exactly, case-sensitively.
    private static func matches(_ filter: QueryParameters.Value, _ value: String) -> Bool {
        switch filter {
        case .absent: true
        case .one(let wanted): wanted.utf8.elementsEqual(value.utf8)
        case .repeated: false
        }
    }
}
