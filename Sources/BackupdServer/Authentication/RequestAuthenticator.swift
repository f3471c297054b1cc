public import BackupdCatalog
public import Hummingbird

/// Establishes the identity of a request to a tenant route, or throws the gateway's 401.
/// The dispatcher calls it for every backup route before the route's `TenantContext` is made.
public protocol RequestAuthenticator: Sendable {
    /// - Parameter projectID: the path's `{project_id}`, for credentials scoped by it.
    func authenticate(_ request: Request, projectID: String, store: any CatalogStore) async throws -> Identity
}

/// The authenticator of the foundation release: it verifies no credential and acts as the
/// owner of the path's project, with every project of that account usable. It exists so
/// that the pipeline has its final shape (route, authenticate, scope, parameters, lookup)
/// before IAM tokens and AK/SK signatures arrive; those replace it, not the pipeline.
/// An unknown project yields an identity with no projects, so the scope check answers 403.
public struct ProjectOwnerAuthenticator: RequestAuthenticator {
    public init() {}

    public func authenticate(_ request: Request, projectID: String, store: any CatalogStore) async throws -> Identity {
        guard let project = try await store.project(id: projectID) else {
            return Identity(domainID: "", userName: nil, usableProjectIDs: [])
        }
        let projects = try await store.projects(domainID: project.domainID)
        return Identity(domainID: project.domainID, userName: nil, usableProjectIDs: Set(projects.map(\.id)))
    }
}
