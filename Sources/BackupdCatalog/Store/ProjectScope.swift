/// Where an authenticated caller is acting: the path's project, inside the caller's
/// domain, and every project the caller may use (for the cross-region API, whose
/// instance may live in another project of the account, `api.md` §3).
///
/// Store reads that look instances up take a scope, so a lookup can never reach
/// outside what the caller was allowed.
public struct ProjectScope: Sendable, Hashable {
    public let domainID: String
    /// The `{project_id}` of the request path, already checked to be usable.
    public let projectID: String
    /// Every project of the domain the caller may use, `projectID` among them.
    public let usableProjectIDs: Set<String>

    public init(domainID: String, projectID: String, usableProjectIDs: Set<String>) {
        self.domainID = domainID
        self.projectID = projectID
        self.usableProjectIDs = usableProjectIDs.union([projectID])
    }
}
