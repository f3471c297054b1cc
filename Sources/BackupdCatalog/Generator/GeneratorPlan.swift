/// What `CatalogGenerator` makes: how many instances and backups, from which seed.
/// Everything the catalog holds is a function of these values except `chunkSize`, which only
/// decides how the records are handed out.
public struct GeneratorPlan: Sendable, Hashable {
    /// Database instances, exactly.
    public var instances: Int
    /// Backups across all instances, exactly (cross-region copies count).
    public var backups: Int
    public var randomSeed: UInt64
    /// Backups per chunk (and instances per chunk, when there are more than this).
    public var chunkSize: Int
    /// The backups of each large instance.
    public var largeInstanceBackups: Int
    /// One large instance per full step of `backups`: 250,000 backups per 1,000,000 by default.
    public var largeInstanceStep: Int

    public init(
        instances: Int,
        backups: Int,
        randomSeed: UInt64,
        chunkSize: Int = 50_000,
        largeInstanceBackups: Int = 250_000,
        largeInstanceStep: Int = 1_000_000
    ) {
        self.instances = instances
        self.backups = backups
        self.randomSeed = randomSeed
        self.chunkSize = chunkSize
        self.largeInstanceBackups = largeInstanceBackups
        self.largeInstanceStep = largeInstanceStep
    }

    /// The most backups a plan may ask for: ids leave room for 2⁴⁰ of them.
    public static let maximumBackups = 1 << 40
    /// The most instances a plan may ask for (the plan keeps a few dozen bytes per instance).
    public static let maximumInstances = 50_000_000

    /// - Throws: `GeneratorError` naming the first value out of range.
    public func validate() throws(GeneratorError) {
        guard instances >= 1, instances <= Self.maximumInstances else {
            throw GeneratorError("instances must be from 1 to \(Self.maximumInstances)")
        }
        guard backups >= 0, backups <= Self.maximumBackups else {
            throw GeneratorError("backups must be from 0 to \(Self.maximumBackups)")
        }
        guard chunkSize >= 1 else { throw GeneratorError("the chunk size must be at least 1") }
        guard largeInstanceBackups >= 1, largeInstanceStep >= largeInstanceBackups else {
            throw GeneratorError("a large instance needs at least 1 backup, and at most one per step")
        }
    }
}

/// A plan the generator cannot carry out.
public struct GeneratorError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A generated account with its credentials in clear: what a caller needs to call the APIs.
public struct GeneratedDomain: Sendable, Hashable {
    public var domain: Domain
    public var projects: [Project]
    public var users: [GeneratedUser]
}

/// A generated user with its password in clear and its access keys with their secrets.
public struct GeneratedUser: Sendable, Hashable {
    public var name: String
    public var password: String
    /// `nil`: every project of the domain.
    public var projectIDs: [String]?
    public var accessKeys: [AccessKey]
}

/// How many backups one instance gets, by kind.
public struct GeneratedBackupCounts: Sendable, Hashable {
    /// Every record of the instance, cross-region copies included.
    public var total: Int
    /// RDS cross-region copies (listed by the offsite API, not by the home project's list).
    public var offsiteCopies: Int
    /// RDS and TaurusDB backups of type `incremental` (RDS: at home).
    public var incrementals: Int
    /// RDS: the cross-region copies of type `incremental` (`backup_type=incremental` of the
    /// offsite API; the others answer `backup_type=auto`).
    public var offsiteIncrementals: Int = 0
    /// The project holding the cross-region copies.
    public var offsiteProjectID: String?

    /// RDS: the records the home project's `GET /v3/{project_id}/backups` lists.
    public var atHome: Int { total - offsiteCopies }
}

/// An instance worth pointing a benchmark or a demo at, with the numbers it should answer.
public struct GeneratedSample: Sendable, Hashable {
    public var instance: Instance
    public var domainID: String
    public var counts: GeneratedBackupCounts
    /// DDM: the id of one of its backups.
    public var backupID: String?
}

/// One sample per API; `nil` when the catalog has no instance for it.
public struct GeneratedSamples: Sendable, Hashable {
    /// The RDS instance with the most backups at home.
    public var rds: GeneratedSample?
    /// The RDS instance with the most cross-region copies (`counts.offsiteProjectID` holds them).
    public var rdsOffsite: GeneratedSample?
    /// The TaurusDB instance with the most backups.
    public var taurusdb: GeneratedSample?
    /// The DCS instance with the most backup records.
    public var dcs: GeneratedSample?
    /// The DDM instance with the most backups, with one backup id.
    public var ddm: GeneratedSample?
}
