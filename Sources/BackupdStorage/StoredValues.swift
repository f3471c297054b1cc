public import BackupdCatalog

/// One value of a stored row, in the types both engines bind.
public enum StoredValue: Sendable, Hashable {
    case text(String?)
    case integer(Int64?)
    case real(Double)
    case boolean(Bool?)
}

/// Record → row, in the column order of its `StoredTable`: the one definition of what each
/// column holds, which both engines' writers bind.
public enum StoredValues {
    public static func of(_ domain: Domain) -> [StoredValue] {
        [.text(domain.id), .text(domain.name)]
    }

    public static func of(_ project: Project) -> [StoredValue] {
        [.text(project.id), .text(project.domainID), .text(project.name)]
    }

    public static func of(_ user: User) -> [StoredValue] {
        [.text(user.domainID), .text(user.name), .text(user.passwordDigest), .text(StoredJSON.encode(user.projectIDs))]
    }

    public static func of(_ key: AccessKey) -> [StoredValue] {
        [.text(key.access), .text(key.domainID), .text(key.userName), .text(key.secret)]
    }

    public static func of(_ token: IssuedToken) -> [StoredValue] {
        [
            .text(token.digest), .text(token.domainID), .text(token.userName), .text(token.scope.projectID),
            .integer(token.issuedAt), .integer(token.expiresAt),
        ]
    }

    public static func of(_ instance: Instance) -> [StoredValue] {
        [
            .text(instance.id), .text(instance.projectID), .text(instance.service.rawValue), .text(instance.name),
            .text(instance.datastore?.type), .text(instance.datastore?.version), .text(instance.engine),
            .text(instance.engineVersion), .text(StoredJSON.encode(instance.relatedDataNodes)),
        ]
    }

    /// A track's row, with the instant after `settledThrough` at which it next changes.
    public static func of(_ track: LifecycleTrack, settledThrough instant: Int64) -> [StoredValue] {
        [
            .text(track.backupID), .text(track.service.rawValue), .text(track.instanceID), .integer(track.startedAt),
            .integer(track.waitingMilliseconds), .integer(track.buildingMilliseconds), .boolean(track.fails), .integer(track.deletedAt),
            .integer(track.deletingMilliseconds), .integer(track.retiredAt), .integer(track.retentionMilliseconds),
            .integer(track.nextChange(after: instant)),
        ]
    }

    /// A policy's row, with the next instant it runs at.
    public static func of(_ state: PolicyState) -> [StoredValue] {
        var full: FullBackupPolicy?
        var plan: DCSBackupPlan?
        let kind: String
        switch state.policy {
        case .full(let policy):
            kind = "full"
            full = policy
        case .dcs(let given):
            kind = "dcs"
            plan = given
        case .ddmDaily:
            kind = "ddm"
        }
        return [
            .text(state.instanceID), .text(kind), .integer(full.map { Int64($0.keepDays) }), .text(full?.startTime),
            .text(full?.period), .text(plan?.backupType.rawValue), .integer(plan?.saveDays.map(Int64.init)),
            .text(plan?.backupAt.map { $0.map(String.init).joined(separator: ",") }), .text(plan?.periodType),
            .text(plan?.beginAt), .text(plan?.timezoneOffset), .integer(state.since), .integer(state.scheduledThrough),
            .integer(state.chainStart), .integer(state.incrementalFloor), .text(state.policyID), .integer(state.createdAt), .integer(state.nextRun),
            .text(full == nil ? nil : IncrementalSeries.key(instanceID: state.instanceID).prefix),
        ]
    }

    public static func of(_ policy: OffsitePolicy, instanceID: String) -> [StoredValue] {
        [
            .text(instanceID), .boolean(policy.copiesAuto), .boolean(policy.copiesIncremental), .boolean(policy.copiesManual),
            .integer(Int64(policy.keepDays)), .text(policy.destinationRegion), .text(policy.destinationProjectID),
            .integer(policy.incrementalFloor),
        ]
    }

    /// The row of a backup of any service, for the table `StoredTables.backups(of: backup.service)`.
    public static func of(_ backup: Backup) -> [StoredValue] {
        switch backup {
        case .rds(let b):
            [
                .text(b.id), .text(b.instanceID), .text(b.name), .text(b.type.rawValue), .text(b.status.rawValue),
                .integer(b.size), .text(b.beginTime.text), .integer(b.beginTime.epochSeconds), .text(b.endTime.text),
                .text(StoredJSON.encode(b.databases)), .boolean(b.associatedWithDDM), .text(b.datastore?.type),
                .text(b.datastore?.version), .text(b.offsiteProjectID),
            ]
        case .taurusdb(let b):
            [
                .text(b.id), .text(b.instanceID), .text(b.name), .text(b.type.rawValue), .text(b.beginTime.text),
                .integer(b.beginTime.epochSeconds), .text(b.endTime.text), .real(b.size), .text(b.status.rawValue),
                .text(b.description),
            ]
        case .dcs(let b):
            [
                .text(b.backupID), .text(b.instanceID), .text(b.backupName), .text(b.backupType.rawValue),
                .text(b.status.rawValue), .integer(b.size), .text(b.progress), .text(b.remark), .text(b.period),
                .text(b.errorCode), .text(b.isSupportRestore), .text(b.createdAt.text),
                .integer(b.createdAt.epochSeconds), .integer(b.createdAt.instant), .text(b.updatedAt.text),
                .text(b.executionAt.text),
            ]
        case .ddm(let b):
            [
                .text(b.id), .text(b.instanceID), .text(b.name), .text(b.beginTime.text),
                .integer(b.beginTime.epochSeconds), .text(b.endTime.text), .text(StoredJSON.encode(b.relatedDataNodes)),
                .text(b.status.rawValue), .text(b.description), .real(b.fileSize), .text(b.backupType.rawValue),
            ]
        }
    }
}
