/// The rule every stored string obeys: no NUL (U+0000). SQLite's C API and PostgreSQL's
/// `text` both stop at or reject NUL, so a string holding one could never be stored or found
/// faithfully. Seeds reject such strings; store lookups treat them as ids that do not exist.
public enum CatalogText {
    /// Whether `text` can be stored and looked up exactly.
    public static func isStorable(_ text: String) -> Bool {
        !text.utf8.contains(0)
    }
}

/// A string as a key compared byte for byte. Swift's `String` equality (and so `Set<String>`
/// and dictionary keys) follows Unicode canonical equivalence, under which `"café"` written with
/// one scalar equals `"café"` written with two; the stores compare bytes, and so must every
/// check of uniqueness or reference made before writing to them.
public struct ExactText: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(_ text: String) {
        self.bytes = Array(text.utf8)
    }
}
