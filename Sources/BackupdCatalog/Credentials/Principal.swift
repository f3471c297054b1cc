/// A user together with what every authorization decision needs, read in one go: its
/// account and the projects it may use (`docs/auth.md` §5).
public struct Principal: Sendable, Hashable {
    public var domain: Domain
    public var user: User
    /// The user's `projects` list, or every project of the domain when it has none;
    /// ordered by name, then id. Ids in the list that name no project of the domain are left out.
    public var usableProjects: [Project]

    public init(domain: Domain, user: User, usableProjects: [Project]) {
        self.domain = domain
        self.user = user
        self.usableProjects = usableProjects
    }

    /// The principal of `user`, whose usable projects are those of `domainProjects` (in their
    /// order) that its `projects` list names, or all of them when it has none.
    public init(domain: Domain, user: User, domainProjects: [Project]) {
        let allowed = user.projectIDs.map(Set.init)
        self.init(
            domain: domain,
            user: user,
            usableProjects: allowed.map { allowed in domainProjects.filter { allowed.contains($0.id) } } ?? domainProjects
        )
    }

    public var usableProjectIDs: Set<String> {
        Set(usableProjects.map(\.id))
    }

    /// Whether the user may act in `projectID` now.
    public func mayUse(projectID: String) -> Bool {
        usableProjects.contains { $0.id == projectID }
    }
}

/// An access key with its owner and its lockout state, as a signed request needs them.
public struct SigningCredential: Sendable, Hashable {
    public var accessKey: AccessKey
    public var principal: Principal
    public var lockout: SignatureLockout

    public init(accessKey: AccessKey, principal: Principal, lockout: SignatureLockout) {
        self.accessKey = accessKey
        self.principal = principal
        self.lockout = lockout
    }
}
