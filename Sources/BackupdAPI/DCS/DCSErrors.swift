/// The DCS error table (`docs/api.md` §5 and §6; codes from the DCS error-code page).
enum DCSErrors {
    static let instanceNotFound = APIError(
        status: 404,
        code: "DCS.3022",
        message: "This DCS instance does not exist.",
        envelope: .dcs
    )

    static let endNotAfterBegin = APIError(
        status: 400,
        code: "DCS.4025",
        message: "The end time must be after the start time.",
        envelope: .dcs
    )

    static let serverFailure = APIError(status: 500, code: "DCS.5000", message: "Internal service error.", envelope: .dcs)

    // The write routes' errors (`docs/lifecycle.md` §3.11–§3.13).
    /// `DCS.4800` with the documented template `Invalid {0} in the request.`
    static func invalidField(_ name: String) -> APIError {
        APIError(status: 400, code: "DCS.4800", message: invalid(name), envelope: .dcs)
    }
    static let malformedBody = invalidField("body")
    static let backupInProgress = APIError(status: 400, code: "DCS.4096", message: "the instance is backuping.", envelope: .dcs)

    /// `DCS.4800`, `Invalid {0} in the request.`: every malformed or repeated parameter.
    static func invalid(_ parameter: String) -> String {
        "Invalid \(parameter) in the request."
    }

    static func parameters(_ query: QueryParameters) -> ParameterReader {
        ParameterReader(
            query: query,
            invalid: { APIError(status: 400, code: "DCS.4800", message: $0, envelope: .dcs) },
            repeatedMessage: invalid
        )
    }

    /// `limit`: 1 … 1000 (the DCS v2 doc's maximum), default 10.
    static let limit = QueryParameter.integer("limit", in: 1...1000, default: 10)
}
