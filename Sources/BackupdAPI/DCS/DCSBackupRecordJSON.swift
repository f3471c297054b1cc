import BackupdCatalog

/// A DCS backup record as both lists return it, which is also its seed-file form (`docs/seed-format.md` §dcs).
enum DCSBackupRecordJSON {
    /// All 14 fields, in the `003` page's order; `period` and `error_code` are `null` when unset.
    static func write(_ record: DCSBackup, into json: inout JSONWriter) {
        json.object { json in
            json.field("status", record.status.rawValue)
            json.field("remark", record.remark)
            json.field("period", record.period)
            json.field("progress", record.progress)
            json.field("size", record.size)
            json.field("instance_id", record.instanceID)
            json.field("backup_id", record.backupID)
            json.field("created_at", record.createdAt.text)
            json.field("updated_at", record.updatedAt.text)
            json.field("execution_at", record.executionAt.text)
            json.field("backup_type", record.backupType.rawValue)
            json.field("backup_name", record.backupName)
            json.field("error_code", record.errorCode)
            json.field("is_support_restore", record.isSupportRestore)
        }
    }
}
