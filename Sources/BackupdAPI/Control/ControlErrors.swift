import BackupdCatalog

/// The control API's errors (`docs/lifecycle.md` §5.2), in the gateway's envelope. The command
/// line prints their messages.
public enum ControlErrors {
    static func invalid(_ message: String) -> APIError {
        APIError(status: 400, code: "BACKUPD.0400", message: message, envelope: .gateway)
    }

    static let malformedClockChange = invalid("The request body must be a JSON object with only now, advance and frozen.")
    static let noClockChange = invalid("Give now, advance or frozen.")
    static let nowAndAdvance = invalid("Give either now or advance, not both.")
    static let invalidNow = invalid("now must be an RFC 3339 time, for example 2030-01-07T08:00:00.000Z.")
    static let invalidAdvance = invalid("advance must be an ISO 8601 duration such as PT36H or P7D.")
    static let invalidFrozen = invalid("frozen must be true or false.")

    static let malformedTimings = invalid("The request body must be a JSON object of known timings.")
    static func invalidTiming(_ timing: Timing) -> APIError {
        invalid("\(timing.rawValue) must be an integer from 0 to 86400.")
    }

    static let malformedFault = invalid(#"The request body must be {"instance_id": "...", "next_backup": "fail"}."#)
    static let unknownInstance = APIError(status: 404, code: "BACKUPD.0404", message: "The instance does not exist.", envelope: .gateway)

    /// The clock reads `reading` (milliseconds) and may not be set earlier.
    static func backwards(reading: Int64) -> APIError {
        APIError(
            status: 409,
            code: "BACKUPD.0409",
            message: "The clock cannot move backwards: it reads \(TimeGrammar.formatUTCMilliseconds(reading)).",
            envelope: .gateway
        )
    }

    /// An unexpected failure (the store unavailable): the gateway's opaque 500.
    static let serverFailure = APIError(
        status: 500,
        code: "BACKUPD.0500",
        message: "The control request could not be completed.",
        envelope: .gateway
    )
}
