public import BackupdCatalog

/// `GET /v3/auth/domains` (`auth.md` §6.3): the caller's domain. Terraform's provider and the
/// SDK's `GlobalCredentials` call it at start to learn the domain id.
public struct IAMListAuthDomains: IAMOperation {
    public let route = Route("GET", "/v3/auth/domains")
    public let requiresCredential = true

    public init() {}

    public func respond(to request: IAMRequest, store: any CatalogStore) async throws -> IAMResponse {
        let caller = try request.authenticatedCaller
        return IAMResponse(status: 200, body: ProjectListJSON.domains(caller.domain, baseURL: request.baseURL))
    }
}
