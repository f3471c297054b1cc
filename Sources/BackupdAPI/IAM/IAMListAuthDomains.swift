public import BackupdCatalog

/// `GET /v3/auth/domains` (`docs/auth.md` §6.3): the caller's domain. Terraform's provider and the
/// SDK's `GlobalCredentials` call it at start to learn the domain id.
public struct IAMListAuthDomains: IAMOperation {
    public let declaration = OperationDeclaration(
        name: "KeystoneListAuthDomains",
        route: Route("GET", "/v3/auth/domains"),
        response: .json(IAMShapes.keystoneListAuthDomainsAnswer),
        cacheable: false,
        authentication: .caller,
        tracesRequests: true
    )

    public init() {}

    public func respond(to request: IAMRequest, credentials: Cached<any CredentialStore>) async throws -> OperationAnswer {
        let caller = try request.authenticatedCaller
        return OperationAnswer(body: ProjectListJSON.domains(caller.domain, baseURL: request.baseURL))
    }
}
