import BackupdAuth
public import BackupdCatalog

/// Listing, creating and revoking access keys (`backupd credentials`). Secrets leave only
/// once, in the answer to `create`; listings never carry them.
public struct AccessKeyAdministration: Sendable {
    /// A user and its keys, as a listing shows them.
    public struct UserSummary: Sendable, Equatable {
        public let domainName: String
        public let domainID: String
        public let userName: String
        public let hasPassword: Bool
        /// Project names the user may use; `nil` means every project of the domain.
        public let projects: [String]?
        public let accessKeys: [String]
    }

    /// A new key, with its secret shown this one time.
    public struct NewKey: Sendable {
        public let access: String
        public let secret: String
    }

    private let store: any AccountStore & CredentialStore

    public init(store: any AccountStore & CredentialStore) {
        self.store = store
    }

    /// Every user of every domain with its access key ids, ordered by domain name, then user name.
    public func users() async throws -> [UserSummary] {
        let tenancy = try await store.exportTenancy()
        let domains = Dictionary(tenancy.domains.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let projectNames = Dictionary(tenancy.projects.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        return tenancy.users.map { user in
            UserSummary(
                domainName: domains[user.domainID]?.name ?? "?",
                domainID: user.domainID,
                userName: user.name,
                hasPassword: user.passwordDigest != nil,
                projects: user.projectIDs.map { $0.map { projectNames[$0] ?? $0 } },
                accessKeys: tenancy.accessKeys.filter { $0.domainID == user.domainID && $0.userName == user.name }
                    .map(\.access).sorted()
            )
        }
        .sorted { ($0.domainName, $0.userName) < ($1.domainName, $1.userName) }
    }

    /// A new access key for `userName` of the domain named `domainName`.
    /// - Throws: `AccountError` when there is no such domain or user.
    public func create(domainName: String, userName: String) async throws -> NewKey {
        guard let domain = try await store.domain(named: domainName) else {
            throw AccountError("no domain is named \(domainName)")
        }
        guard try await store.user(domainID: domain.id, name: userName) != nil else {
            throw AccountError("domain \(domainName) has no user \(userName)")
        }
        var access = CredentialGenerator.accessKey()
        while try await store.accessKey(access: access) != nil {
            access = CredentialGenerator.accessKey()
        }
        let key = NewKey(access: access, secret: CredentialGenerator.secretKey())
        try await store.load(
            CatalogContent(
                accessKeys: [AccessKey(access: key.access, domainID: domain.id, userName: userName, secret: key.secret)]
            ),
            progress: { _ in }
        )
        return key
    }

    /// Revokes `access`: requests signed with it fail from now on, on every node.
    /// - Throws: `AccountError` when no such key exists.
    public func revoke(access: String) async throws {
        guard try await store.deleteAccessKey(access: access) else {
            throw AccountError("no access key \(access)")
        }
    }
}
