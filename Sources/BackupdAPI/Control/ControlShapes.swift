/// The JSON shapes of the control API C1–C5, for the OpenAPI document (`docs/lifecycle.md` §5.2).
/// Unlike the backup APIs' bodies, these refuse unknown members; `null` still reads as absent.
enum ControlShapes {
    /// The clock document: `offset_seconds` = now − real time, truncated toward zero.
    private static let clock = JSONShape.object([
        .init("now", .time("yyyy-mm-ddThh:mm:ss.SSSZ, UTC")),
        .init("frozen", .boolean),
        .init("offset_seconds", .integer),
    ])

    /// The timings, in the order of `Timing.allCases`, which the documents are written in.
    private static let timingNames = [
        "rds_building", "rds_deleting", "taurusdb_building", "dcs_waiting", "dcs_backuping",
    ]

    /// The timings document, whole seconds, every timing always.
    private static let timings = JSONShape.object(timingNames.map { .init($0, .integer) })

    /// C1.
    static let showClockAnswer = clock

    /// C2: `now` or `advance` (not both), and/or `frozen`; at least one of the three.
    static let changeClockRequest = JSONShape.object([
        .optional("now", .nullable(.time("yyyy-mm-ddThh:mm:ss[.f{1,3}](Z|±hh:mm), RFC 3339"))),
        .optional("advance", .nullable(.time("ISO 8601 duration P[nD][T[nH][nM][n[.f{1,3}]S]], at most 36500 days"))),
        .optional("frozen", .nullable(.boolean)),
    ])

    /// C2: the clock after the change.
    static let changeClockAnswer = clock

    /// C3.
    static let showTimingsAnswer = timings

    /// C4: any subset of the timings document, each an integer from 0 to 86400.
    static let changeTimingsRequest = JSONShape.object(timingNames.map { .optional($0, .nullable(.integer)) })

    /// C4: the timings after the change.
    static let changeTimingsAnswer = timings

    /// C5: arms a fault for the instance's next full backup.
    static let armFaultRequest = JSONShape.object([
        .init("instance_id", .string),
        .init("next_backup", .choice(["fail"])),
    ])

    /// C5: the request's object, echoed.
    static let armFaultAnswer = armFaultRequest
}
