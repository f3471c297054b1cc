import BackupdCatalog

/// What an operation reads from a request: the decoded path variables, the query and the body.
public struct OperationRequest: Sendable {
    public let pathVariables: [String: String]
    public let query: QueryParameters
    /// The request body as received (empty for most reads).
    public let body: [UInt8]

    public init(pathVariables: [String: String], query: QueryParameters, body: [UInt8] = []) {
        self.pathVariables = pathVariables
        self.query = query
        self.body = body
    }

    /// A variable of the route's template; routes guarantee their own variables exist.
    public func path(_ name: String) -> String {
        pathVariables[name] ?? ""
    }
}

/// A successful answer: the body, sent with the declared success status, the token for
/// `X-Subject-Token` and the URL for `Location` when there are.
public struct OperationAnswer: Sendable {
    public let body: [UInt8]
    public let subjectToken: String?
    /// `Location`: where Keystone's root points version discovery (`IAMListVersions`).
    public let location: String?
    /// Whether the answer depends on the very instant it was made, beyond the store's state (a
    /// running DCS backup's progress): then it is never served again from a cache.
    public let dependsOnInstant: Bool
    /// The success status of the operation that answered, when the route's declaration is not
    /// its own (a path several services share, `SharedRoute`); `nil` means the declared one.
    public var status: Int?

    public init(
        body: [UInt8],
        subjectToken: String? = nil,
        location: String? = nil,
        dependsOnInstant: Bool = false,
        status: Int? = nil
    ) {
        self.body = body
        self.subjectToken = subjectToken
        self.location = location
        self.dependsOnInstant = dependsOnInstant
        self.status = status
    }
}

/// An operation of any service: its declaration and how an unexpected failure is answered.
public protocol DeclaredOperation: Sendable {
    var declaration: OperationDeclaration { get }
    /// The service's answer to an unexpected failure (`docs/api.md` §1.7).
    var serverFailure: APIError { get }
    /// The declarations of every operation that may answer this one's route, its own first: a
    /// path several services share answers with each service's parameters and shapes (the
    /// OpenAPI document lists them all).
    var answeringDeclarations: [OperationDeclaration] { get }
}

extension DeclaredOperation {
    public var answeringDeclarations: [OperationDeclaration] { [declaration] }
}

extension DeclaredOperation {
    /// The answer to a request whose credential failed, in the envelope the declaration names.
    public func refusal(_ failure: AuthenticationFailure) -> APIError {
        switch declaration.authentication {
        case .tenant: GatewayErrors.authenticationFailed(failure.detail)
        case .caller, .none: IAMErrors.unauthorized
        case .controlToken: GatewayErrors.routeNotFound
        }
    }
}

/// One backup API of one service: it reads its parameters, makes its reads through the caller's
/// `TenantCatalog` and shapes the answer. It runs only for an authenticated caller, inside the
/// project scope that authentication produced, and knows nothing of HTTP.
public protocol TenantOperation: DeclaredOperation {
    /// The answer, or an `APIError` of the service's table.
    func respond(to request: OperationRequest, in catalog: TenantCatalog) async throws -> OperationAnswer
}

/// Every backup API: the reads of `docs/api.md` §1.1 (routes A–F) and the write routes of
/// `docs/lifecycle.md` §1.
public enum BackupOperations {
    public static let all: [any TenantOperation] = [
        SharedRoute.backupList,
        RDSListOffsiteBackups(),
        TaurusDBListIncrementalBackups(),
        DCSListBackupRecords(version: .v1),
        DCSListBackupRecords(version: .v2),
        // Before route F, whose `{backup_id}` would take the literal `policy`.
        SharedRoute.backupPolicy,
        SharedRoute.offsitePolicy,
        DDMShowBackup(),
        RDSCreateManualBackup(),
        SharedRoute.backupDelete,
        RDSBatchDeleteManualBackups(),
        RDSSetBackupPolicy(),
        RDSSetOffsitePolicy(),
        TaurusDBCreateManualBackup(),
        TaurusDBUpdateBackupPolicy(),
        DCSCreateBackup(version: .v1),
        DCSCreateBackup(version: .v2),
        DCSDeleteBackup(version: .v1),
        DCSDeleteBackup(version: .v2),
        DCSUpdateInstance(),
        DCSShowInstance(),
    ]
}
