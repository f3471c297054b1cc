/// The JSON shapes of the DCS operations, for the OpenAPI document: the record lists of
/// `docs/api.md` §5 (v1.0) and §6 (v2), and W13, W14, W17, W18 (`docs/lifecycle.md` §3.11, §3.12,
/// §4.10). Request bodies ignore unknown members and read `null` as absent (§3.1).
enum DCSShapes {
    private static let time = JSONShape.time("yyyy-mm-ddThh:mm:ss.SSSZ, UTC")

    /// A backup record (`DCSBackupRecordJSON`): all 14 keys always; `period` and `error_code` `null`
    /// when unset. `progress` is a string such as `"100.00"`, `size` an integer in bytes.
    private static let record = JSONShape.object([
        .init("status", .choice(["waiting", "backuping", "succeed", "failed", "expired", "deleted"])),
        .init("remark", .string),
        .init("period", .nullable(.string)),
        .init("progress", .string),
        .init("size", .integer),
        .init("instance_id", .string),
        .init("backup_id", .string),
        .init("created_at", time),
        .init("updated_at", time),
        .init("execution_at", time),
        .init("backup_type", .choice(["manual", "auto"])),
        .init("backup_name", .string),
        .init("error_code", .nullable(.choice((1...8).map { "dcs.08.000\($0)" }))),
        .init("is_support_restore", .choice(["TRUE", "FALSE"])),
    ])

    /// v1.0: the list first, then the count.
    static let listBackupRecordsV1Answer = JSONShape.object([
        .init("backup_record_response", .array(record)),
        .init("total_num", .integer),
    ])

    /// v2: the count first, as the DCS v2 reference does.
    static let listBackupRecordsAnswer = JSONShape.object([
        .init("total_num", .integer),
        .init("backup_record_response", .array(record)),
    ])

    /// W17: `remark` at most 128 code points; `backup_format` is not read on v1.0 (an unknown member).
    static let createBackupV1Request = JSONShape.object(
        [.optional("remark", .nullable(.string))],
        additional: true
    )

    static let createBackupV1Answer = JSONShape.object([.init("backup_id", .string)])

    /// W13: `backup_format` is checked, then not kept.
    static let copyInstanceRequest = JSONShape.object(
        [
            .optional("remark", .nullable(.string)),
            .optional("backup_format", .nullable(.choice(["aof", "rdb"]))),
        ],
        additional: true
    )

    static let copyInstanceAnswer = JSONShape.object([.init("backup_id", .string)])

    /// W18: always `{"message": ""}`.
    static let deleteBackupV1Answer = JSONShape.object([.init("message", .choice([""]))])

    // DeleteBackupFile (W14) answers 204 with neither body nor `Content-Type`: it has no shape.
}
