import BackupdAPI
public import BackupdCatalog
public import Hummingbird

/// The context of every backup route. Its only initializer requires the identity an
/// authenticator put on the parent context and checks that the caller may act in the
/// path's project, so a handler that takes a `TenantContext` cannot run for an anonymous
/// or out-of-scope caller: that is decided here, once, not in each handler.
public struct TenantContext: ChildRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Where the caller acts; store lookups are made inside it.
    public let scope: ProjectScope
    let pathVariables: [String: String]

    /// - Throws: `APIGW.0301` without an identity, `APIGW.0302` when the caller may not act in the
    ///   path's project (unknown and foreign projects included, so nothing leaks; `auth.md` §5).
    public init(context: BackupdRequestContext) throws {
        guard let identity = context.identity else {
            throw GatewayErrors.authenticationFailed(AuthenticationFailure.noCredential.detail)
        }
        let projectID = context.pathVariables["project_id"] ?? ""
        guard identity.mayAct(inProject: projectID) else {
            throw GatewayErrors.notAuthorized
        }
        self.coreContext = context.coreContext
        self.pathVariables = context.pathVariables
        self.scope = ProjectScope(
            domainID: identity.principal.domain.id,
            projectID: projectID,
            usableProjectIDs: identity.principal.usableProjectIDs
        )
    }
}
