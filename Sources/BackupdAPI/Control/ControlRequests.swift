public import BackupdCatalog

/// The control API's request bodies read into domain changes, in the order of checks of
/// `docs/lifecycle.md` §5.2. Unknown members are refused: a typo in a test must not pass
/// silently. The command line builds the same bodies, so both refuse alike.
public enum ControlRequests {
    /// C2: a move (`now` or `advance`), then `frozen`.
    public static func clockChange(_ body: RequestBody?) throws(APIError) -> ClockChange {
        let known: Set = ["now", "advance", "frozen"]
        guard let body, body.names.allSatisfy(known.contains) else { throw ControlErrors.malformedClockChange }
        let now = body["now"]
        let advance = body["advance"]
        let frozen = body["frozen"]
        guard now != nil || advance != nil || frozen != nil else { throw ControlErrors.noClockChange }
        guard now == nil || advance == nil else { throw ControlErrors.nowAndAdvance }
        var change = ClockChange()
        if let now {
            guard let instant = now.string.flatMap(ClockGrammar.parseInstant) else { throw ControlErrors.invalidNow }
            change.move = .to(instant)
        }
        if let advance {
            guard let duration = advance.string.flatMap(ClockGrammar.parseDuration) else { throw ControlErrors.invalidAdvance }
            change.move = .by(duration)
        }
        if let frozen {
            guard let value = frozen.bool else { throw ControlErrors.invalidFrozen }
            change.frozen = value
        }
        return change
    }

    /// C4: the timings named, each an integer from 0 to 86400, checked in the document's order.
    public static func timingsChange(_ body: RequestBody?) throws(APIError) -> [Timing: Int] {
        guard let body, body.names.allSatisfy({ Timing(rawValue: $0) != nil }) else { throw ControlErrors.malformedTimings }
        var change: [Timing: Int] = [:]
        for timing in Timing.allCases {
            guard let value = body[timing.rawValue] else { continue }
            guard let seconds = value.integer, LifecycleTimings.range.contains(Int(clamping: seconds)) else {
                throw ControlErrors.invalidTiming(timing)
            }
            change[timing] = Int(seconds)
        }
        return change
    }

    /// C5: the instance whose next full backup fails.
    public static func faultInstance(_ body: RequestBody?) throws(APIError) -> String {
        guard let body, body.names.allSatisfy(["instance_id", "next_backup"].contains),
            let instanceID = body["instance_id"]?.string, body["next_backup"]?.string == "fail"
        else { throw ControlErrors.malformedFault }
        return instanceID
    }
}
