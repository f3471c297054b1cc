/// The store's revision and change log, which every cache above the store checks its entries
/// against (`ChangeFeed`), and its health.
public protocol ChangeMarking: Sendable {
    /// The store's revision: it grows with every committed write that changed anything, through
    /// this object, another one, another process or another node, and reads never change it.
    /// A revision this returns was committed before it returned, so whatever is read afterwards
    /// is at least that recent. Read it before reading what you cache.
    func changeMarker() async throws -> UInt64

    /// Every revision after `revision` with the scopes its write touched, read in one snapshot
    /// (at most `ChangeLog.readLimit` rows; a log that no longer holds them all says so).
    func changes(after revision: UInt64) async throws -> ChangeLog

    /// Throws `CatalogError.unavailable` unless the store answers a query now; when it does,
    /// says whether its writes are failing for a lasting reason (`WriteHealth`).
    @discardableResult
    func checkHealth() async throws -> StoreHealth
}
