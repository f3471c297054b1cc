/// The `DBS.*` errors that RDS, TaurusDB and DDM share (`docs/api.md` §8): one value per code, which
/// each service's table names rather than spells again.
enum DBSErrors {
    static let instanceNotFound = APIError(
        status: 404,
        code: "DBS.200002",
        message: "The DB instance does not exist.",
        envelope: .service
    )

    static let backupNotFound = APIError(
        status: 404,
        code: "DBS.201010",
        message: "The backup information does not exist.",
        envelope: .service
    )

    /// A create while a full backup of the instance is building (`docs/lifecycle.md` §7).
    static let backupInProgress = APIError(status: 409, code: "DBS.201205", message: "Backup is in progress, please wait.", envelope: .service)

    static let invalidDescription = APIError(status: 400, code: "DBS.280127", message: "Invalid backup description.", envelope: .service)

    static let serverFailure = APIError(status: 500, code: "DBS.108000", message: "Server failure.", envelope: .service)

    /// A 400 with a service's parameter code (`DBS.200001` RDS, `DBS.280001` TaurusDB).
    static func parameter(code: String, message: String) -> APIError {
        APIError(status: 400, code: code, message: message, envelope: .service)
    }
}
