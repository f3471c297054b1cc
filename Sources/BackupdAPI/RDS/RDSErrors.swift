/// The RDS error table (`api.md` §2 and §3; codes from the RDS error-code page).
enum RDSErrors {
    /// `DBS.200001`: every parameter error of the RDS lists.
    static let parameterCode = "DBS.200001"

    static let instanceNotFound = APIError(
        status: 404, code: "DBS.200002", message: "The DB instance does not exist.", envelope: .service
    )

    static let serverFailure = APIError(status: 500, code: "DBS.108000", message: "Server failure.", envelope: .service)

    static func parameter(_ message: String) -> APIError {
        APIError(status: 400, code: parameterCode, message: message, envelope: .service)
    }

    static let offsetMessage = "Parameter error. offset must be an integer from 0 to 2147483647."
    static let limitMessage = "Parameter error. limit must be an integer from 1 to 100."
    /// The example times of the `000` and `002` pages, quoted by the time-format messages.
    static let beginExample = "2018-08-06T10:41:14+0800"
    static let endExample = "2018-08-16T10:41:14+0800"

    /// `limit` of both RDS lists: 1 … 100, default 100 (`000` and `002` pages).
    static let limitRange = 1...100
    static let defaultLimit = 100
}
