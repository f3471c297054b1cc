/// A database engine and its version, as the RDS and TaurusDB APIs report it.
public struct Datastore: Sendable, Hashable {
    public var type: String
    public var version: String

    public init(type: String, version: String) {
        self.type = type
        self.version = version
    }
}

/// An RDS instance behind a DDM instance.
public struct DataNode: Sendable, Hashable {
    public var instanceID: String
    public var instanceName: String

    public init(instanceID: String, instanceName: String) {
        self.instanceID = instanceID
        self.instanceName = instanceName
    }
}

/// A database instance; its service decides which API lists its backups.
public struct Instance: Sendable, Hashable {
    public var id: String
    public var projectID: String
    public var service: Service
    public var name: String
    /// RDS and TaurusDB only.
    public var datastore: Datastore?
    /// DCS only (`Redis`, `Memcached`).
    public var engine: String?
    public var engineVersion: String?
    /// DDM only: the RDS instances behind it.
    public var relatedDataNodes: [DataNode]?

    public init(
        id: String,
        projectID: String,
        service: Service,
        name: String,
        datastore: Datastore? = nil,
        engine: String? = nil,
        engineVersion: String? = nil,
        relatedDataNodes: [DataNode]? = nil
    ) {
        self.id = id
        self.projectID = projectID
        self.service = service
        self.name = name
        self.datastore = datastore
        self.engine = engine
        self.engineVersion = engineVersion
        self.relatedDataNodes = relatedDataNodes
    }
}
