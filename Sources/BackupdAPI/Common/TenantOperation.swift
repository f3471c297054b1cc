public import BackupdCatalog

/// What an operation reads from a request: the decoded path variables and the query.
public struct OperationRequest: Sendable {
    public let pathVariables: [String: String]
    public let query: QueryParameters

    public init(pathVariables: [String: String], query: QueryParameters) {
        self.pathVariables = pathVariables
        self.query = query
    }

    /// A variable of the route's template; routes guarantee their own variables exist.
    public func path(_ name: String) -> String {
        pathVariables[name] ?? ""
    }
}

/// One backup API of one service: its route, how it reads its parameters, which store
/// call it makes and how the answer is shaped. It runs only for an authenticated caller,
/// inside the project scope that authentication produced, and knows nothing of HTTP.
public protocol TenantOperation: Sendable {
    /// Method and path as the page spells them.
    var route: Route { get }
    /// The service's answer to an unexpected failure (`api.md` §1.7).
    var serverFailure: APIError { get }
    /// The 200 body, or an `APIError` of the service's table.
    func respond(to request: OperationRequest, in scope: ProjectScope, store: any CatalogStore) async throws -> [UInt8]
}

extension CatalogStore {
    /// The instance `id` of `service` in one of `projectIDs`, the lookup step of `api.md` §1.2.
    /// - Throws: `notFound` (the service's 404) when there is none, whether or not the id exists elsewhere.
    func requireInstance(
        _ id: String,
        of service: Service,
        in projectIDs: Set<String>,
        otherwise notFound: APIError
    ) async throws -> Instance {
        guard let instance = try await instance(id: id, service: service, inAnyOf: projectIDs) else { throw notFound }
        return instance
    }
}

/// Every backup API of `api.md` §1.1, routes A–F.
public enum BackupOperations {
    public static let all: [any TenantOperation] = [
        RDSListBackups(),
        RDSListOffsiteBackups(),
        TaurusDBListIncrementalBackups(),
        DCSListBackupRecords(version: .v1),
        DCSListBackupRecords(version: .v2),
        DDMShowBackup(),
    ]
}
