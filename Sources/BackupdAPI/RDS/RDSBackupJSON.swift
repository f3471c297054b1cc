import BackupdCatalog

/// The backup object of both RDS lists (`docs/api.md` §2 response table), in the table's key order.
enum RDSBackupJSON {
    /// - Parameters:
    ///   - instance: the backup's instance, whose datastore is the default and decides whether
    ///     `associated_with_ddm` is sent (MySQL only).
    ///   - reportsManualAsAuto: the cross-region list reports a `manual` copy as `auto` (`002` page).
    static func list(
        _ page: Page<RDSBackup>,
        of instance: Instance,
        reportsManualAsAuto: Bool
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 256 + page.items.count * 360)
        json.object { json in
            json.key("backups")
            json.array { json in
                for backup in page.items {
                    write(backup, of: instance, reportsManualAsAuto: reportsManualAsAuto, into: &json)
                }
            }
            json.field("total_count", page.total)
        }
        return json.bytes
    }

    private static func write(
        _ backup: RDSBackup,
        of instance: Instance,
        reportsManualAsAuto: Bool,
        into json: inout JSONWriter
    ) {
        json.object { json in
            json.field("id", backup.id)
            json.field("name", backup.name)
            json.field("type", reportsManualAsAuto && backup.type == .manual ? "auto" : backup.type.rawValue)
            json.field("size", backup.size)
            json.field("status", backup.status.rawValue)
            if let databases = backup.databases { json.databases(databases) }
            json.field("begin_time", backup.beginTime.text)
            json.field("end_time", backup.endTime.text)
            if let datastore = backup.datastore ?? instance.datastore { json.datastore(datastore) }
            json.field("instance_id", backup.instanceID)
            if instance.datastore?.type == "MySQL" {
                json.key("associated_with_ddm")
                json.bool(backup.associatedWithDDM ?? false)
            }
        }
    }
}
