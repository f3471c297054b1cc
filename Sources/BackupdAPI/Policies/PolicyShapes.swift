/// The JSON shapes of the policy operations, for the OpenAPI document: W4–W7, W11, W12, W15 and W16
/// (`docs/lifecycle.md` §3.5, §3.6, §3.10, §3.13, §4.2, §4.4, §4.5, §4.9, §4.11). Request bodies
/// ignore unknown members at every level and read `null` as absent (§3.1).
enum PolicyShapes {
    /// W4. `start_time` and `period` are required when `keep_days` ≥ 1, and ignored when it is 0.
    static let setBackupPolicyRequest = JSONShape.object(
        [
            .init(
                "backup_policy",
                .object(
                    [
                        .init("keep_days", .integer),
                        .optional("start_time", .nullable(.string)),
                        .optional("period", .nullable(.string)),
                    ],
                    additional: true
                )
            ),
            .optional("reserve_backups", .nullable(.boolean)),
        ],
        additional: true
    )

    static let setBackupPolicyAnswer = JSONShape.empty

    /// W5 and W11: `{"keep_days": 0}` alone while the policy is off or was never set.
    static let showBackupPolicyAnswer = JSONShape.object([
        .init(
            "backup_policy",
            .object([
                .init("keep_days", .integer),
                .optional("start_time", .string),
                .optional("period", .string),
            ])
        )
    ])

    static let showGaussMySqlBackupPolicyAnswer = showBackupPolicyAnswer

    /// W12: `retention_num_backup_level1` (0 or 1) is checked, then ignored.
    static let updateGaussMySqlBackupPolicyRequest = JSONShape.object(
        [
            .init(
                "backup_policy",
                .object(
                    [
                        .init("start_time", .string),
                        .init("keep_days", .integer),
                        .init("period", .string),
                        .optional("retention_num_backup_level1", .nullable(.integer)),
                    ],
                    additional: true
                )
            )
        ],
        additional: true
    )

    static let updateGaussMySqlBackupPolicyAnswer = JSONShape.object([
        .init("status", .choice(["COMPLETED"])),
        .init("instance_id", .string),
        .init("instance_name", .string),
    ])

    /// W6: `policy_para` is one object. The destination fields are required when `keep_days` ≥ 1.
    static let setOffSiteBackupPolicyRequest = JSONShape.object(
        [
            .init(
                "policy_para",
                .object(
                    [
                        .init("backup_type", .choice(["auto", "incremental", "all"])),
                        .init("keep_days", .integer),
                        .optional("destination_region", .nullable(.string)),
                        .optional("destination_project_id", .nullable(.string)),
                    ],
                    additional: true
                )
            )
        ],
        additional: true
    )

    static let setOffSiteBackupPolicyAnswer = JSONShape.object([.init("resp", .choice(["success"]))])

    /// W7: always an array; `[{"keep_days": 0}]` while nothing is copied, else one full object per type
    /// copied, in the order `auto`, `incremental`, `manual`.
    static let showOffSiteBackupPolicyAnswer = JSONShape.object([
        .init(
            "policy_para",
            .array(
                .object([
                    .init("keep_days", .integer),
                    .optional("backup_type", .choice(["auto", "incremental", "manual"])),
                    .optional("destination_region", .string),
                    .optional("destination_project_id", .string),
                ])
            )
        )
    ])

    /// W15 reads only `instance_backup_policy` (the SDK's `BackupPolicy`); `save_days` and
    /// `periodical_backup_plan` are required when `backup_type` is `auto`. `backup_at` holds distinct
    /// weekdays 1–7. The answer is 204 without a body: there is no `UpdateInstanceAnswer`.
    static let updateInstanceRequest = JSONShape.object(
        [
            .optional(
                "instance_backup_policy",
                .nullable(
                    .object(
                        [
                            .init("backup_type", .choice(["auto", "manual"])),
                            .optional("save_days", .nullable(.integer)),
                            .optional(
                                "periodical_backup_plan",
                                .nullable(
                                    .object(
                                        [
                                            .init("backup_at", .array(.integer)),
                                            .init("period_type", .choice(["weekly"])),
                                            .init("begin_at", .string),
                                            .optional("timezone_offset", .nullable(.string)),
                                        ],
                                        additional: true
                                    )
                                )
                            ),
                        ],
                        additional: true
                    )
                )
            )
        ],
        additional: true
    )

    /// W16: `instance_backup_policy` is `null` until the instance has a policy.
    static let showInstanceAnswer = JSONShape.object([
        .init("instance_id", .string),
        .init("name", .string),
        .init("engine", .string),
        .init("engine_version", .string),
        .init(
            "instance_backup_policy",
            .nullable(
                .object([
                    .init("backup_policy_id", .string),
                    .init("created_at", .time("yyyy-mm-ddThh:mm:ss.SSSZ, UTC")),
                    .init("updated_at", .time("yyyy-mm-ddThh:mm:ss.SSSZ, UTC")),
                    .init(
                        "policy",
                        .object([
                            .init("backup_type", .choice(["auto", "manual"])),
                            // Once given.
                            .optional("save_days", .integer),
                            // Once given; `timezone_offset` only if the last plan had one.
                            .optional(
                                "periodical_backup_plan",
                                .object([
                                    .optional("timezone_offset", .string),
                                    .init("backup_at", .array(.integer)),
                                    .init("period_type", .choice(["weekly"])),
                                    .init("begin_at", .string),
                                ])
                            ),
                        ])
                    ),
                    .init("tenant_id", .string),
                ])
            )
        ),
    ])
}
