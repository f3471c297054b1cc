import BackupdCatalog

/// Reads query parameters one at a time, in the order an API checks them, by their
/// declarations (`QueryParameter`), turning the first problem into that API's error. The
/// message texts come from each service's table.
struct ParameterReader {
    let query: QueryParameters
    /// Builds the service's 400 from a message.
    let invalid: @Sendable (String) -> APIError
    /// The message for a parameter given more than once.
    let repeatedMessage: @Sendable (String) -> String

    /// The value, `nil` when absent.
    /// - Throws: the repeated-parameter error.
    func string(_ parameter: QueryParameter) throws(APIError) -> String? {
        switch query[parameter.name] {
        case .absent: return nil
        case .one(let value): return value
        case .repeated: throw invalid(repeatedMessage(parameter.name))
        }
    }

    /// An integer of the declared range (`docs/api.md` §1.3), or the declared default when absent.
    func integer(_ parameter: QueryParameter, message: String) throws(APIError) -> Int {
        guard case .integer(let range, let defaultValue) = parameter.schema else {
            preconditionFailure("\(parameter.name) is not declared as an integer")
        }
        guard let text = try string(parameter) else { return defaultValue }
        guard let value = IntegerParameter.parse(text), range.contains(value) else { throw invalid(message) }
        return value
    }

    /// One of a closed set of values, `nil` when absent.
    func choice<T>(_ parameter: QueryParameter, message: String, _ parse: (String) -> T?) throws(APIError) -> T? {
        guard let text = try string(parameter) else { return nil }
        guard let value = parse(text) else { throw invalid(message) }
        return value
    }

    /// The `begin_time`/`end_time` pair of RDS and TaurusDB (`docs/api.md` §1.8): both or neither,
    /// the end later than the begin, each in `yyyy-mm-ddThh:mm:ssZ`.
    /// - Parameters: `beginExample`, `endExample`: the example times the messages quote.
    func offsetTimeWindow(beginExample: String, endExample: String) throws(APIError) -> TimeWindow? {
        let format = "must be in the yyyy-mm-ddThh:mm:ssZ format, for example"
        let begin = try choice(OffsetTimeWindow.begin, message: "Parameter error. begin_time \(format) \(beginExample).") {
            TimeGrammar.parseOffsetTime($0)
        }
        let end = try choice(OffsetTimeWindow.end, message: "Parameter error. end_time \(format) \(endExample).") {
            TimeGrammar.parseOffsetTime($0)
        }
        switch (begin, end) {
        case (nil, nil):
            return nil
        case (.some, nil):
            throw invalid("Parameter error. end_time is mandatory when begin_time is given.")
        case (nil, .some):
            throw invalid("Parameter error. begin_time is mandatory when end_time is given.")
        case (let begin?, let end?):
            guard end > begin else { throw invalid("Parameter error. end_time must be later than begin_time.") }
            return TimeWindow(from: begin, through: end)
        }
    }
}

/// The `begin_time`/`end_time` pair that `ParameterReader.offsetTimeWindow` reads.
enum OffsetTimeWindow {
    static let begin = QueryParameter("begin_time", .offsetTime)
    static let end = QueryParameter("end_time", .offsetTime)
    static let parameters = [begin, end]
}

extension ParameterReader {
    /// The reader of the services whose 400s say `Parameter error. <detail>` (RDS, TaurusDB).
    static func parameterError(_ query: QueryParameters, code: String) -> ParameterReader {
        ParameterReader(
            query: query,
            invalid: { DBSErrors.parameter(code: code, message: $0) },
            repeatedMessage: { "Parameter error. \($0) must be given only once." }
        )
    }
}
