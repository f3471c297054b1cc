/// Who is calling, as an authenticator established it: the account, and the projects of
/// that account the caller may act in (`auth.md` §5).
public struct Identity: Sendable, Hashable {
    public let domainID: String
    /// The user, when the credential names one.
    public let userName: String?
    public let usableProjectIDs: Set<String>

    public init(domainID: String, userName: String?, usableProjectIDs: Set<String>) {
        self.domainID = domainID
        self.userName = userName
        self.usableProjectIDs = usableProjectIDs
    }
}
