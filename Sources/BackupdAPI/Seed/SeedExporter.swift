public import BackupdCatalog

/// Writes a store's catalog as a seed file (`docs/seed-format.md`), without passwords or secret
/// keys, so that seeding the output into an empty store reproduces the catalog (secrets
/// aside). Backups are streamed in batches: an export never holds the catalog in memory.
public struct SeedExporter: Sendable {
    private let store: any AccountStore
    private let batchSize: Int

    public init(store: any AccountStore, batchSize: Int = 10_000) {
        self.store = store
        self.batchSize = batchSize
    }

    /// Writes the document in pieces to `sink`.
    public func export(to sink: ([UInt8]) throws -> Void) async throws {
        let tenancy = try await store.exportTenancy()
        var layout = SeedFileJSON.Layout()
        var head = layout.open("domains")
        for domain in tenancy.domains {
            head += layout.place(Self.domain(domain, in: tenancy), in: "domains")
        }
        try sink(head)
        var instances = layout.open("instances")
        for instance in tenancy.instances {
            instances += layout.place(SeedFileJSON.record(instance), in: "instances")
        }
        try sink(instances + layout.open("backups"))
        var cursor: BackupCursor?
        while true {
            let batch = try await store.exportBackups(after: cursor, limit: batchSize)
            guard let last = batch.last else { break }
            var bytes: [UInt8] = []
            // A deleted DDM backup is found nowhere, so it is not exported either.
            for backup in batch where !backup.isDeletedDDMBackup {
                bytes += layout.place(SeedFileJSON.record(backup), in: "backups")
            }
            try sink(bytes)
            let next = BackupCursor(service: last.service, id: last.id)
            // A store that hands back the cursor's own record would make this loop forever.
            guard next != cursor else { throw CatalogError.constraintViolated("export cursor did not advance") }
            cursor = next
        }
        try sink(layout.finish())
    }

    /// A domain without its secrets: users keep their project lists and access key ids only.
    private static func domain(_ domain: Domain, in tenancy: CatalogContent) -> [UInt8] {
        let users = tenancy.users.filter { $0.domainID == domain.id }.map { user in
            SeedFileJSON.User(
                name: user.name,
                password: nil,
                projectIDs: user.projectIDs,
                accessKeys: tenancy.accessKeys
                    .filter { $0.domainID == domain.id && ExactText($0.userName) == ExactText(user.name) }
                    .map { (access: $0.access, secret: nil) }
            )
        }
        return SeedFileJSON.domain(domain, users: users, projects: tenancy.projects.filter { $0.domainID == domain.id })
    }
}

extension Backup {
    fileprivate var isDeletedDDMBackup: Bool {
        if case .ddm(let backup) = self { backup.status == .deleted } else { false }
    }
}
