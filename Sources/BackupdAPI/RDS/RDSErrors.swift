import BackupdCatalog

/// The RDS error table (`docs/api.md` §2 and §3; codes from the RDS error-code page).
enum RDSErrors {
    /// `DBS.200001`: every parameter error of the RDS lists.
    static let parameterCode = "DBS.200001"

    static let instanceNotFound = DBSErrors.instanceNotFound

    static let serverFailure = DBSErrors.serverFailure

    // The write routes' errors (`docs/lifecycle.md` §3.2–§3.4).
    static let backupNotFound = DBSErrors.backupNotFound
    static let backupInProgress = DBSErrors.backupInProgress
    static let invalidDescription = DBSErrors.invalidDescription
    static let malformedBody = parameter("Parameter error. The request body must be a JSON object.")
    static let nameTaken = APIError(status: 409, code: "DBS.201201", message: "The object already exists.", envelope: .service)
    static let notManual = parameter("Parameter error. Only manual backups can be deleted.")
    static let alreadyDeleting = APIError(
        status: 400,
        code: "RDS.3016",
        message: "The backup file is being deleted. Try again later.",
        envelope: .service
    )

    /// `Parameter error. <field> is mandatory.`
    static func mandatory(_ field: String) -> APIError {
        parameter("Parameter error. \(field) is mandatory.")
    }

    static func parameter(_ message: String) -> APIError {
        DBSErrors.parameter(code: parameterCode, message: message)
    }

    /// `offset` and `limit`, 1 … 100 with default 100 (`000` and `002` pages).
    static let offset = QueryParameter.integer("offset", in: 0...IntegerParameter.maximum, default: 0)
    static let limit = QueryParameter.integer("limit", in: 1...100, default: 100)
    static let pageAndWindowParameters = [offset, limit] + OffsetTimeWindow.parameters

    /// `offset`, `limit`, `begin_time` and `end_time`, which both RDS lists check last and alike;
    /// the messages quote the pages' example times.
    static func pageAndWindow(_ parameters: ParameterReader) throws(APIError) -> (PageRequest, TimeWindow?) {
        let offset = try parameters.integer(offset, message: "Parameter error. offset must be an integer from 0 to 2147483647.")
        let limit = try parameters.integer(limit, message: "Parameter error. limit must be an integer from 1 to 100.")
        let window = try parameters.offsetTimeWindow(
            beginExample: "2018-08-06T10:41:14+0800",
            endExample: "2018-08-16T10:41:14+0800"
        )
        return (PageRequest(offset: offset, limit: limit), window)
    }
}
