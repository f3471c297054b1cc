/// The JSON shapes of the DDM operations, for the OpenAPI document: route F (`docs/api.md` §7) and
/// W19, W20 (`docs/lifecycle.md` §3.14, §4.12). None of them reads a body.
enum DDMShapes {
    /// A stored time, returned in the offset it was written with (`docs/seed-format.md` §Times).
    private static let storedTime = JSONShape.time("yyyy-mm-ddThh:mm:ss±hhmm, or …Z when seeded so; as stored")

    /// Route F: all five keys always; `related_data_nodes` the record's, else the instance's, else `[]`.
    static let showBackupAnswer = JSONShape.object([
        .init("id", .string),
        .init("name", .string),
        .init("instance_id", .string),
        .init("instance_name", .string),
        .init(
            "related_data_nodes",
            .array(.object([.init("instance_id", .string), .init("instance_name", .string)]))
        ),
    ])

    /// W19: `deleted` backups are never listed; `file_size` in KB, a JSON number; `created` and
    /// `updated` are the record's `begin_time` and `end_time`; `offset` and `limit` the values used.
    static let listBackupsAnswer = JSONShape.object([
        .init(
            "backups",
            .array(
                .object([
                    .init("id", .string),
                    .init("name", .string),
                    .init("description", .string),
                    .init("status", .choice(["normal", "createfail"])),
                    .init("instance_id", .string),
                    .init("instance_name", .string),
                    .init("instance_status", .choice(["normal"])),
                    .init("file_size", .number),
                    .init("created", storedTime),
                    .init("updated", storedTime),
                    .init("backup_type", .choice(["auto_metadata", "metadata"])),
                ])
            )
        ),
        .init("total", .integer),
        .init("offset", .integer),
        .init("limit", .integer),
    ])

    /// W20 (202).
    static let deleteBackupAnswer = JSONShape.object([.init("job_id", .string)])
}
