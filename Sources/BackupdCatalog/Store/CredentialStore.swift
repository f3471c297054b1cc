/// Accounts as authentication sees them, issued tokens and signature lockouts (`docs/auth.md`):
/// everything a request's credential is checked against, kept in the store so that every node
/// sharing it accepts the same tokens and sees the same locks.
public protocol CredentialStore: Sendable {
    func domain(id: String) async throws -> Domain?
    func domain(named name: String) async throws -> Domain?
    func project(id: String) async throws -> Project?
    /// The projects of a domain, ordered by name, then id.
    func projects(domainID: String) async throws -> [Project]

    /// The user `userName` of `domainID` with its domain and usable projects, from one read.
    func principal(domainID: String, userName: String) async throws -> Principal?

    /// The access key `access` with its owner and lockout state, from one read; `nil` when unknown.
    func signingCredential(access: String) async throws -> SigningCredential?

    /// Records one more signature failure of `access` at `now` (seconds), atomically across
    /// every node sharing the store, and returns the new state.
    func recordSignatureFailure(access: String, at now: Int64, policy: LockoutPolicy) async throws -> SignatureLockout

    /// Forgets the failures and any lock of `access` (after a correct signature).
    func clearSignatureFailures(access: String) async throws

    /// Stores a newly issued token, and drops tokens that expired more than
    /// `IssuedToken.retentionAfterExpiry` before its issue.
    func saveToken(_ token: IssuedToken) async throws

    /// The token whose SHA-256 is `digest`, expired or not; `nil` when unknown or purged.
    func token(digest: String) async throws -> IssuedToken?
}
