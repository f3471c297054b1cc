public import BackupdAuth
public import BackupdCatalog

/// The account a fresh server creates so that it is usable and safe at once (no open door, no
/// default password): one domain, a project per region, and a user with a generated password
/// and access key. Its secrets exist in clear only in this value, which the caller shows once.
public struct FirstAccount: Sendable {
    public static let domainName = "backupd"
    public static let userName = "admin"

    public let domain: Domain
    public let projects: [Project]
    public let userName: String
    public let password: String
    public let accessKey: String
    public let secretKey: String

    /// Creates the first account when the store holds no domain at all.
    /// - Parameter regions: region ids (`cn-north-4`), one project each, in this order.
    /// - Returns: the account with its secrets, or `nil` when the store already has a domain.
    /// - Throws: `AccountError` for a malformed region, `CatalogError` when the store fails.
    public static func createIfCatalogIsEmpty(
        in store: any AccountStore,
        regions: [String],
        hasher: PasswordHasher
    ) async throws -> FirstAccount? {
        guard try await store.isEmpty() else { return nil }
        let regions = regions.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard !regions.isEmpty else { throw AccountError("at least one region is needed") }
        for region in regions where !SeedDecoding.isProjectName(region) || region.contains("_") {
            throw AccountError("\(region) is not a region id (lower-case letters, digits and -, e.g. cn-north-4)")
        }
        let domain = Domain(id: CredentialGenerator.hexID(), name: domainName)
        let projects = regions.map { Project(id: CredentialGenerator.hexID(), domainID: domain.id, name: $0) }
        let account = FirstAccount(
            domain: domain,
            projects: projects,
            userName: userName,
            password: CredentialGenerator.password(),
            accessKey: CredentialGenerator.accessKey(),
            secretKey: CredentialGenerator.secretKey()
        )
        try await store.load(
            CatalogContent(
                domains: [domain],
                projects: projects,
                users: [
                    User(
                        domainID: domain.id,
                        name: userName,
                        passwordDigest: hasher.digest(account.password),
                        projectIDs: nil
                    )
                ],
                accessKeys: [
                    AccessKey(access: account.accessKey, domainID: domain.id, userName: userName, secret: account.secretKey)
                ]
            ),
            progress: { _ in }
        )
        return account
    }
}

/// An administrative request that cannot be carried out, in one line for the command line.
public struct AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
