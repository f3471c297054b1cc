import BackupdCatalog

/// Where an authenticated caller is acting: the path's project, inside the caller's domain,
/// and every project the caller may use (for the cross-region API, whose instance may live in
/// another project of the account, `docs/api.md` §3). Only `Identity.catalog(inProject:backups:)`
/// makes one, after checking the caller may act in the project.
public struct ProjectScope: Sendable, Hashable {
    public let domainID: String
    /// The `{project_id}` of the request path, already checked to be usable.
    public let projectID: String
    /// Every project of the domain the caller may use, `projectID` among them.
    public let usableProjectIDs: Set<String>

    init(domainID: String, projectID: String, usableProjectIDs: Set<String>) {
        self.domainID = domainID
        self.projectID = projectID
        self.usableProjectIDs = usableProjectIDs.union([projectID])
    }
}
