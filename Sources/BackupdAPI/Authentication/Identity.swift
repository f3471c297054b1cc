public import BackupdCatalog

/// Who is calling, as authentication established it: the user with its account and usable
/// projects, and the credential used, which narrows where the caller may act (`docs/auth.md` §5).
/// Only `CredentialAuthenticator` makes one, and only an identity opens a `TenantCatalog`.
public struct Identity: Sendable {
    public enum Credential: Sendable, Hashable {
        /// A token scoped to one project.
        case projectToken(projectID: String)
        /// A token scoped to the account: IAM reads only.
        case domainToken
        /// An `SDK-HMAC-SHA256` signature with this AK; `declaredProjectID` is the `X-Project-Id`
        /// header when the request carried one.
        case accessKey(String, declaredProjectID: String?)
    }

    public let principal: Principal
    public let credential: Credential

    init(principal: Principal, credential: Credential) {
        self.principal = principal
        self.credential = credential
    }

    /// Whether the caller may act in `projectID` (`docs/auth.md` §5). Unknown and foreign projects
    /// are simply not among the user's, so they are refused like any other.
    public func mayAct(inProject projectID: String) -> Bool {
        switch credential {
        case .projectToken(let tokenProject):
            tokenProject == projectID && principal.mayUse(projectID: projectID)
        case .domainToken:
            false
        case .accessKey(_, let declared):
            (declared.map { $0 == projectID } ?? true) && principal.mayUse(projectID: projectID)
        }
    }
}
