/// What the control API and the `clock`, `timings` and `fault` commands set
/// (`docs/lifecycle.md` §5): the catalog clock, the phase timings and the armed faults. All
/// three live in the store, so every node sharing it runs on the same time and the same rules.
public protocol ClockStore: Sendable {
    /// The clock's stored setting (`ClockSetting.initial` for a new store).
    func clockSetting() async throws -> ClockSetting

    /// Replaces the setting by `change(current)` in one transaction, so that two concurrent
    /// changes apply one after the other. - Returns: the new setting.
    /// - Throws: what `change` throws, leaving the setting as it was.
    func changeClock(
        _ change: @escaping @Sendable (ClockSetting) throws -> ClockSetting
    ) async throws -> ClockSetting

    /// The timings in force (`LifecycleTimings.defaults` for a new store).
    func timings() async throws -> LifecycleTimings

    /// Replaces the timings by `change(current)` in one transaction. - Returns: the new timings.
    func changeTimings(
        _ change: @escaping @Sendable (LifecycleTimings) -> LifecycleTimings
    ) async throws -> LifecycleTimings

    /// Arms a fault for the next full backup of the instance `instanceID` (any service), as of
    /// the catalog instant `instant`. Arming again while one is armed changes nothing: it stays
    /// one fault, armed when it was first.
    /// - Returns: `false` when there is no such instance.
    func armFault(instanceID: String, at instant: Int64) async throws -> Bool

    /// The catalog instant the fault of `instanceID` was armed at; `nil` when none is armed.
    func armedFault(instanceID: String) async throws -> Int64?
}
