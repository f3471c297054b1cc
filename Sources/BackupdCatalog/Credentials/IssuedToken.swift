/// An IAM token as the store keeps it (`docs/auth.md` §2.3): the SHA-256 of the token, never the
/// token itself, with whom it was issued to, its scope and its lifetime.
public struct IssuedToken: Sendable, Hashable {
    /// What the token may act on.
    public enum Scope: Sendable, Hashable {
        /// Exactly one project, as long as the user may still use it.
        case project(id: String)
        /// The account: IAM reads only, no project's APIs.
        case domain

        /// The project of a project-scoped token.
        public var projectID: String? {
            if case .project(let id) = self { id } else { nil }
        }
    }

    /// Lower-case hex SHA-256 of the token text.
    public var digest: String
    public var domainID: String
    public var userName: String
    public var scope: Scope
    /// Microseconds since the epoch.
    public var issuedAt: Int64
    /// Microseconds since the epoch; the token is refused from this instant on.
    public var expiresAt: Int64

    public init(digest: String, domainID: String, userName: String, scope: Scope, issuedAt: Int64, expiresAt: Int64) {
        self.digest = digest
        self.domainID = domainID
        self.userName = userName
        self.scope = scope
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }

    /// A token is valid for 24 hours from its issue (`docs/auth.md` §2.3).
    public static let lifetime: Int64 = 24 * 3600 * 1_000_000

    /// An expired token is kept this long after it expires, so that it gets "token expires"
    /// rather than "decrypt token fail"; then it may be purged.
    public static let retentionAfterExpiry: Int64 = 24 * 3600 * 1_000_000

    public func hasExpired(at now: Int64) -> Bool {
        now >= expiresAt
    }
}
