/// The column lists every engine selects for each record, in the order its decoder reads them:
/// both schemas name their columns alike (`SQLiteMigrations`, `PostgresMigrations`).
public enum StoredColumns {
    public static let instance =
        "id, project_id, service, name, datastore_type, datastore_version, engine, engine_version, related_data_nodes"
    public static let rdsBackup = """
        id, instance_id, name, type, status, size, begin_time, begin_key, end_time, databases, \
        associated_with_ddm, datastore_type, datastore_version, offsite_project_id
        """
    public static let taurusDBBackup = "id, instance_id, name, type, begin_time, begin_key, end_time, size"
    public static let dcsBackup = """
        backup_id, instance_id, backup_name, backup_type, status, size, progress, remark, period, error_code, \
        is_support_restore, created_at, created_ms, updated_at, execution_at
        """
    public static let ddmBackup = "id, instance_id, name, begin_time, begin_key, end_time, related_data_nodes"
    public static let user = "domain_id, name, password_digest, project_ids"
    public static let accessKey = "access, domain_id, user_name, secret"
    public static let project = "id, domain_id, name"
}
