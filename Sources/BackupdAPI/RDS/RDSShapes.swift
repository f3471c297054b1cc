/// The JSON shapes of the RDS operations, for the OpenAPI document: the lists of `docs/api.md` §2
/// and §3 (`RDSBackupJSON`) and the write routes W1–W3 (`docs/lifecycle.md` §3.2–§3.4, §4.1–§4.3).
/// Request bodies ignore unknown members and read `null` as absent (`docs/lifecycle.md` §3.1).
enum RDSShapes {
    /// A stored time, returned in the offset it was written with (`docs/seed-format.md` §Times).
    private static let storedTime = JSONShape.time("yyyy-mm-ddThh:mm:ss±hhmm, or …Z when seeded so; as stored")

    private static let databases = JSONShape.array(.object([.init("name", .string)]))

    private static let datastore = JSONShape.object([
        .init("type", .string),
        .init("version", .string),
    ])

    /// The backup object of both lists; `types` are the `type` values the list can show.
    private static func backup(types: [String]) -> JSONShape {
        .object([
            .init("id", .string),
            .init("name", .string),
            .init("type", .choice(types)),
            .init("size", .integer),
            .init("status", .choice(["BUILDING", "COMPLETED", "FAILED", "DELETING"])),
            // SQL Server records only.
            .optional("databases", databases),
            .init("begin_time", storedTime),
            .init("end_time", storedTime),
            .init("datastore", datastore),
            .init("instance_id", .string),
            // Only when the instance's datastore type is exactly `MySQL`.
            .optional("associated_with_ddm", .boolean),
        ])
    }

    private static func list(of backup: JSONShape) -> JSONShape {
        .object([
            .init("backups", .array(backup)),
            .init("total_count", .integer),
        ])
    }

    /// `GET /v3/{project_id}/backups` for an RDS instance (route A).
    static let listBackupsAnswer = list(of: backup(types: ["auto", "manual", "fragment", "incremental"]))

    /// Route B: a `manual` copy is reported as `auto`, and `fragment` copies are never listed.
    static let listOffSiteBackupsAnswer = list(of: backup(types: ["auto", "incremental"]))

    /// W1. `databases` is an array of objects each with a non-empty string `name`.
    static let createManualBackupRequest = JSONShape.object(
        [
            .init("instance_id", .string),
            .init("name", .string),
            .optional("description", .nullable(.string)),
            .optional("databases", .nullable(.array(.object([.init("name", .string)], additional: true)))),
            .optional("backup_database_individually", .nullable(.boolean)),
        ],
        additional: true
    )

    /// `description` only when the request had one (even `""`), `databases` only when kept (SQL Server).
    static let createManualBackupAnswer = JSONShape.object([
        .init(
            "backup",
            .object([
                .init("id", .string),
                .init("instance_id", .string),
                .init("name", .string),
                .optional("description", .string),
                .optional("databases", databases),
                .init("begin_time", .time("yyyy-mm-ddThh:mm:ss+0000")),
                .init("status", .choice(["BUILDING"])),
                .init("type", .choice(["manual"])),
            ])
        )
    ])

    static let deleteManualBackupAnswer = JSONShape.empty

    /// W3: 1 to 50 backup ids.
    static let batchDeleteManualBackupRequest = JSONShape.object(
        [.init("backup_ids", .array(.string))],
        additional: true
    )

    /// One result per id, in request order: `"0"` and `""` on success, else W2's code and message.
    static let batchDeleteManualBackupAnswer = JSONShape.object([
        .init(
            "delete_results",
            .array(
                .object([
                    .init("backup_id", .string),
                    .init("error_code", .choice(["0", "DBS.201010", "DBS.200001", "DBS.201205", "RDS.3016"])),
                    .init("error_msg", .string),
                ])
            )
        )
    ])
}
