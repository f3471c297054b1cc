/// A whole catalog, or the part of one a seed file adds: what `AccountStore.load`
/// writes and `AccountStore.exportTenancy` plus `exportBackups` read back.
public struct CatalogContent: Sendable, Hashable {
    public var domains: [Domain]
    public var projects: [Project]
    public var users: [User]
    public var accessKeys: [AccessKey]
    public var instances: [Instance]
    public var backups: [Backup]

    public init(
        domains: [Domain] = [],
        projects: [Project] = [],
        users: [User] = [],
        accessKeys: [AccessKey] = [],
        instances: [Instance] = [],
        backups: [Backup] = []
    ) {
        self.domains = domains
        self.projects = projects
        self.users = users
        self.accessKeys = accessKeys
        self.instances = instances
        self.backups = backups
    }
}

/// How many records of each kind a store holds.
public struct CatalogStatistics: Sendable, Hashable {
    public var domains: Int
    public var projects: Int
    public var users: Int
    public var accessKeys: Int
    public var instances: Int
    public var backups: Int

    public init(domains: Int, projects: Int, users: Int, accessKeys: Int, instances: Int, backups: Int) {
        self.domains = domains
        self.projects = projects
        self.users = users
        self.accessKeys = accessKeys
        self.instances = instances
        self.backups = backups
    }
}

/// How many accounts, projects, users and access keys a store holds: what a server reports as
/// it starts, read from small tables only, so it costs nothing whatever the catalog's size.
public struct AccountStatistics: Sendable, Hashable {
    public var domains: Int
    public var projects: Int
    public var users: Int
    public var accessKeys: Int

    public init(domains: Int, projects: Int, users: Int, accessKeys: Int) {
        self.domains = domains
        self.projects = projects
        self.users = users
        self.accessKeys = accessKeys
    }
}

/// Where an export of backups stopped: the next batch starts after this record.
public struct BackupCursor: Sendable, Hashable {
    public var service: Service
    public var id: String

    public init(service: Service, id: String) {
        self.service = service
        self.id = id
    }
}
