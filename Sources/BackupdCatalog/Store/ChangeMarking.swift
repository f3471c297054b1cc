/// The store's change marker, which every cache above the store is keyed by, and its health.
public protocol ChangeMarking: Sendable {
    /// A value that differs from any earlier answer once a write has committed since, through
    /// this object, another one, another process or another node. Equal answers mean nothing
    /// was written in between, so whatever was read after the first answer is still current:
    /// this is what lets caches serve without going stale. Read it before reading what you cache.
    func changeMarker() async throws -> UInt64

    /// Throws `CatalogError.unavailable` unless the store answers a query now.
    func checkHealth() async throws
}
