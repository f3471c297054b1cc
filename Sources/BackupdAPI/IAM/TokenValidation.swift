import BackupdAuth
public import BackupdCatalog

/// Finds what a presented token stands for (`docs/auth.md` §2.3, §3): looked up by its SHA-256,
/// refused when unknown, purged or expired, and re-read with its user's current projects.
public enum TokenValidation {
    public enum Failure: Error, Sendable, Equatable {
        /// Never issued, altered, purged, or its user is gone.
        case unknown
        /// Past its lifetime; carries `expires_at` as the token body wrote it.
        case expired(expiresAt: String)

        /// The text after `Incorrect IAM authentication information: ` (`docs/auth.md` §4.6).
        public var detail: String {
            switch self {
            case .unknown: "decrypt token fail"
            case .expired(let expiresAt): "token expires, expires_at: \(expiresAt)"
            }
        }
    }

    /// A valid token and the principal it was issued to.
    public struct Grant: Sendable {
        public let token: IssuedToken
        public let principal: Principal
    }

    /// - Parameter now: microseconds since the epoch.
    public static func validate(
        _ token: String,
        credentials: Cached<any CredentialStore>,
        now: Int64
    ) async throws -> Result<Grant, Failure> {
        guard let issued = try await credentials.token(digest: IAMToken.digest(token)) else {
            return .failure(.unknown)
        }
        guard !issued.hasExpired(at: now) else {
            return .failure(.expired(expiresAt: TimeGrammar.formatUTCMicroseconds(issued.expiresAt)))
        }
        guard let principal = try await credentials.principal(domainID: issued.domainID, userName: issued.userName) else {
            return .failure(.unknown)
        }
        return .success(Grant(token: issued, principal: principal))
    }
}
