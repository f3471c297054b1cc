/// The two grammars of the clock's control API (`docs/lifecycle.md` §5.2): an RFC 3339 instant and
/// an ISO 8601 duration of days, hours, minutes and seconds. Both are checked byte by byte, like
/// the read APIs' times (`TimeGrammar`).
public enum ClockGrammar {
    /// The most a duration may hold: 36,500 days.
    public static let longestDuration: Int64 = 36_500 * 86_400_000

    /// `yyyy-mm-ddThh:mm:ss`, an optional fraction of one to three digits, then `Z` or `±hh:mm`.
    /// - Returns: milliseconds since the epoch, or `nil` when the text is not such a real instant.
    public static func parseInstant(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let local = TimeGrammar.parseDateTime(bytes) else { return nil }
        var index = 19
        var millis: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            var scale: Int64 = 100
            while index < bytes.count, isDigit(bytes[index]) {
                digits += 1
                guard digits <= 3 else { return nil }
                millis += Int64(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard digits >= 1 else { return nil }
        }
        let rest = bytes.count - index
        if rest == 1, bytes[index] == UInt8(ascii: "Z") { return local * 1000 + millis }
        guard rest == 6, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
            bytes[index + 3] == UInt8(ascii: ":"),
            let hours = TimeGrammar.digits(bytes, index + 1, 2), hours <= 23,
            let minutes = TimeGrammar.digits(bytes, index + 4, 2), minutes <= 59
        else { return nil }
        let offset = Int64(hours * 3600 + minutes * 60)
        let utc = bytes[index] == UInt8(ascii: "+") ? local - offset : local + offset
        return utc * 1000 + millis
    }

    /// `P[nD][T[nH][nM][n[.fff]S]]` with at least one number, every `T` followed by one, and no
    /// more than `longestDuration` in all (years, months and weeks have no fixed length).
    /// - Returns: milliseconds, or `nil` when the text is not such a duration.
    public static func parseDuration(_ text: String) -> Int64? {
        var bytes = Array(text.utf8)[...]
        guard bytes.popFirst() == UInt8(ascii: "P") else { return nil }
        var total: Int64 = 0
        var numbers = 0
        // Adds `count` units of `unit` milliseconds, refusing anything past the longest duration.
        func add(_ count: Int64, _ unit: Int64) -> Bool {
            guard count <= longestDuration / unit else { return false }
            total += count * unit
            numbers += 1
            return total <= longestDuration
        }
        if let days = number(&bytes, before: UInt8(ascii: "D")) {
            guard add(days, 86_400_000) else { return nil }
        }
        if bytes.first == UInt8(ascii: "T") {
            bytes.removeFirst()
            let before = numbers
            if let hours = number(&bytes, before: UInt8(ascii: "H")) {
                guard add(hours, 3_600_000) else { return nil }
            }
            if let minutes = number(&bytes, before: UInt8(ascii: "M")) {
                guard add(minutes, 60_000) else { return nil }
            }
            if let (seconds, millis) = seconds(&bytes) {
                guard add(seconds, 1000), total + millis <= longestDuration else { return nil }
                total += millis
            }
            guard numbers > before else { return nil }
        }
        guard bytes.isEmpty, numbers > 0 else { return nil }
        return total
    }

    /// Digits followed by `designator`, consumed only when both are there.
    private static func number(_ bytes: inout ArraySlice<UInt8>, before designator: UInt8) -> Int64? {
        let digits = bytes.prefix(while: isDigit)
        guard !digits.isEmpty, bytes.dropFirst(digits.count).first == designator,
            let value = decimal(digits)
        else { return nil }
        bytes.removeFirst(digits.count + 1)
        return value
    }

    /// `n[.fff]S`: whole seconds and milliseconds, consumed only when complete.
    private static func seconds(_ bytes: inout ArraySlice<UInt8>) -> (Int64, Int64)? {
        let whole = bytes.prefix(while: isDigit)
        guard !whole.isEmpty, let seconds = decimal(whole) else { return nil }
        var rest = bytes.dropFirst(whole.count)
        var millis: Int64 = 0
        if rest.first == UInt8(ascii: ".") {
            let fraction = rest.dropFirst().prefix(while: isDigit)
            guard (1...3).contains(fraction.count), let value = decimal(fraction) else { return nil }
            millis = value * [100, 10, 1][fraction.count - 1]
            rest = rest.dropFirst(1 + fraction.count)
        }
        guard rest.first == UInt8(ascii: "S") else { return nil }
        bytes = rest.dropFirst()
        return (seconds, millis)
    }

    /// The value of ASCII digits; `nil` past 18 significant digits, which no valid duration needs.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int64? {
        let significant = digits.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= 18 else { return nil }
        return significant.reduce(0) { $0 * 10 + Int64($1 - UInt8(ascii: "0")) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
