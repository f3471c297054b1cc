public import BackupdCatalog

/// The credential reads every request repeats, each cached with the scope a write must touch to change it
/// (`Cached.lookup`); writes go to `store` itself.
extension Cached where Role == any CredentialStore {
    public func domain(id: String) async throws -> Domain? {
        try await lookup(LookupKey("domain", id, scope: .accounts)) { try await $0.domain(id: id) }
    }

    public func domain(named name: String) async throws -> Domain? {
        try await lookup(LookupKey("domainNamed", name, scope: .accounts)) { try await $0.domain(named: name) }
    }

    public func project(id: String) async throws -> Project? {
        try await lookup(LookupKey("project", id, scope: .accounts)) { try await $0.project(id: id) }
    }

    public func projects(domainID: String) async throws -> [Project] {
        try await lookup(LookupKey("projects", domainID, scope: .accounts)) { try await $0.projects(domainID: domainID) }
    }

    public func principal(domainID: String, userName: String) async throws -> Principal? {
        try await lookup(LookupKey("principal", domainID, userName, scope: .accounts)) {
            try await $0.principal(domainID: domainID, userName: userName)
        }
    }

    public func signingCredential(access: String) async throws -> SigningCredential? {
        try await lookup(LookupKey("signingCredential", access, scope: .accessKey(access), also: .accounts)) {
            try await $0.signingCredential(access: access)
        }
    }

    public func token(digest: String) async throws -> IssuedToken? {
        try await lookup(LookupKey("token", digest, scope: .token(digest), also: .accounts)) { try await $0.token(digest: digest) }
    }
}

extension Cached where Role == any TenantStore {
    /// The instance `id`, of any service and project (`TenantCatalog` decides who may see it).
    func instance(id: String) async throws -> Instance? {
        try await lookup(LookupKey("instance", id, scope: .instance(id))) { try await $0.instance(id: id) }
    }

    /// The backup policy of an instance: every list of an RDS or TaurusDB instance reads it.
    func policy(instanceID: String) async throws -> PolicyState? {
        try await lookup(LookupKey("policy", instanceID, scope: .instance(instanceID))) { try await $0.policy(instanceID: instanceID) }
    }

    /// The cross-region policy of an RDS instance: every cross-region list of it reads it.
    func offsitePolicy(instanceID: String) async throws -> OffsitePolicy? {
        try await lookup(LookupKey("offsitePolicy", instanceID, scope: .instance(instanceID))) { try await $0.offsitePolicy(instanceID: instanceID) }
    }

    /// The segments of incrementals whose copies an RDS instance's cross-region policy made.
    func offsiteIncrementalSegments(instanceID: String) async throws -> [IncrementalCopySegment] {
        try await lookup(LookupKey("offsiteSegments", instanceID, scope: .instance(instanceID))) {
            try await $0.offsiteIncrementalSegments(instanceID: instanceID)
        }
    }

    /// The begins of an instance's automated full backups, where its retention base is.
    func automatedFullBackupStarts(instanceID: String) async throws -> [Int64] {
        try await lookup(LookupKey("automatedStarts", instanceID, scope: .instance(instanceID))) {
            try await $0.automatedFullBackupStarts(instanceID: instanceID)
        }
    }
}
