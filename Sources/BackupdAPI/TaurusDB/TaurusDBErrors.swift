/// The TaurusDB error table (`docs/api.md` §4; codes from the TaurusDB error-code page).
enum TaurusDBErrors {
    static let parameterCode = "DBS.280001"

    static let instanceNotFound = DBSErrors.instanceNotFound

    static let serverFailure = DBSErrors.serverFailure

    /// The example times of the `001` page, quoted by the time-format messages.
    static let beginExample = "2022-07-06T10:41:14+0800"
    static let endExample = "2022-07-16T10:41:14+0800"

    static let offset = QueryParameter.integer("offset", in: 0...IntegerParameter.maximum, default: 0)
    /// `limit`: 1 … 100, default 10. The page documents 10, 20 and 50; any integer in range is accepted.
    static let limit = QueryParameter.integer("limit", in: 1...100, default: 10)
}
