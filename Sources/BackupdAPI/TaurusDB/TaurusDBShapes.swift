/// The JSON shapes of the TaurusDB operations, for the OpenAPI document: route C (`docs/api.md` §4)
/// and W8–W10 (`docs/lifecycle.md` §3.7–§3.9, §4.6–§4.8). `size` is a JSON number that may have a
/// fraction (`docs/api.md` §1.5); request bodies ignore unknown members and read `null` as absent.
enum TaurusDBShapes {
    /// A stored time, returned in the offset it was written with (`docs/seed-format.md` §Times).
    private static let storedTime = JSONShape.time("yyyy-mm-ddThh:mm:ss±hhmm, or …Z when seeded so; as stored")

    /// Route C. `size` in KB.
    static let showGaussMySqlIncrementalBackupListAnswer = JSONShape.object([
        .init(
            "backups",
            .array(
                .object([
                    .init("id", .string),
                    .init("name", .string),
                    .init("begin_time", storedTime),
                    .init("end_time", storedTime),
                    .init("size", .number),
                    .init("instance_id", .string),
                ])
            )
        ),
        .init("total_count", .integer),
    ])

    /// W10, full backups only. `take_up_time` in whole minutes, `size` in MB (KB / 1024); `description`
    /// only when the record has one.
    static let showGaussMySqlBackupListAnswer = JSONShape.object([
        .init(
            "backups",
            .array(
                .object([
                    .init("id", .string),
                    .init("name", .string),
                    .init("begin_time", storedTime),
                    .init("end_time", storedTime),
                    .init("status", .choice(["BUILDING", "COMPLETED", "FAILED"])),
                    .init("take_up_time", .integer),
                    .init("type", .choice(["auto", "manual"])),
                    .init("size", .number),
                    .init("datastore", .object([.init("type", .string), .init("version", .string)])),
                    .init("instance_id", .string),
                    .init("instance_name", .string),
                    .optional("description", .string),
                ])
            )
        ),
        .init("total_count", .integer),
    ])

    /// W8.
    static let createGaussMySqlBackupRequest = JSONShape.object(
        [
            .init("instance_id", .string),
            .init("name", .string),
            .optional("description", .nullable(.string)),
        ],
        additional: true
    )

    /// W8 (201). `description` only when the request had one (even `""`).
    static let createGaussMySqlBackupAnswer = JSONShape.object([
        .init(
            "backup",
            .object([
                .init("id", .string),
                .init("name", .string),
                .optional("description", .string),
                .init("begin_time", .time("yyyy-mm-ddThh:mm:ss+0000")),
                .init("status", .choice(["BUILDING"])),
                .init("type", .choice(["manual"])),
                .init("instance_id", .string),
            ])
        ),
        .init("job_id", .string),
    ])

    /// W9.
    static let deleteGaussMySqlBackupAnswer = JSONShape.object([
        .init("backup_id", .string),
        .init("backup_name", .string),
    ])
}
