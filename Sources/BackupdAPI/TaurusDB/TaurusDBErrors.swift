/// The TaurusDB error table (`docs/api.md` §4; codes from the TaurusDB error-code page).
enum TaurusDBErrors {
    static let parameterCode = "DBS.280001"

    static let instanceNotFound = DBSErrors.instanceNotFound

    static let serverFailure = DBSErrors.serverFailure

    // The write routes' errors (`docs/lifecycle.md` §3.7, §3.8).
    static func parameter(_ message: String) -> APIError {
        DBSErrors.parameter(code: parameterCode, message: message)
    }
    static func mandatory(_ field: String) -> APIError {
        parameter("Parameter error. \(field) is mandatory.")
    }
    static let malformedBody = parameter("Parameter error. The request body must be a JSON object.")
    static let invalidDescription = DBSErrors.invalidDescription
    static let backupInProgress = DBSErrors.backupInProgress
    static let typeNotAllowed = APIError(status: 400, code: "DBS.201204", message: "The backup type is not allowed.", envelope: .service)
    static let statusNotAllowed = APIError(
        status: 400,
        code: "DBS.201208",
        message: "The operation is not allowed by the backup status.",
        envelope: .service
    )

    /// The example times of the `001` page, quoted by the time-format messages.
    static let beginExample = "2022-07-06T10:41:14+0800"
    static let endExample = "2022-07-16T10:41:14+0800"

    static let offset = QueryParameter.integer("offset", in: 0...IntegerParameter.maximum, default: 0)
    /// `limit`: 1 … 100, default 10. The page documents 10, 20 and 50; any integer in range is accepted.
    static let limit = QueryParameter.integer("limit", in: 1...100, default: 10)
}
