/// How long each phase of a lifecycle record lasts, in whole seconds (`docs/lifecycle.md` §6).
/// Kept in the store, so that every node runs the same; a record keeps the timings in force
/// when it started, so a change affects only records that start later.
public struct LifecycleTimings: Sendable, Hashable {
    /// RDS full backup: `BUILDING` → `COMPLETED`.
    public var rdsBuilding: Int
    /// RDS delete: `DELETING` → gone.
    public var rdsDeleting: Int
    /// TaurusDB full backup: `BUILDING` → `COMPLETED`.
    public var taurusDBBuilding: Int
    /// DCS: `waiting` → `backuping`.
    public var dcsWaiting: Int
    /// DCS: `backuping` → `succeed`.
    public var dcsBackuping: Int

    public init(rdsBuilding: Int, rdsDeleting: Int, taurusDBBuilding: Int, dcsWaiting: Int, dcsBackuping: Int) {
        self.rdsBuilding = rdsBuilding
        self.rdsDeleting = rdsDeleting
        self.taurusDBBuilding = taurusDBBuilding
        self.dcsWaiting = dcsWaiting
        self.dcsBackuping = dcsBackuping
    }

    public static let defaults = LifecycleTimings(rdsBuilding: 60, rdsDeleting: 10, taurusDBBuilding: 60, dcsWaiting: 5, dcsBackuping: 60)

    /// The longest a phase may be set to: one day.
    public static let range = 0...86_400

    /// The value of one timing, by name.
    public subscript(timing: Timing) -> Int {
        get {
            switch timing {
            case .rdsBuilding: rdsBuilding
            case .rdsDeleting: rdsDeleting
            case .taurusDBBuilding: taurusDBBuilding
            case .dcsWaiting: dcsWaiting
            case .dcsBackuping: dcsBackuping
            }
        }
        set {
            switch timing {
            case .rdsBuilding: rdsBuilding = newValue
            case .rdsDeleting: rdsDeleting = newValue
            case .taurusDBBuilding: taurusDBBuilding = newValue
            case .dcsWaiting: dcsWaiting = newValue
            case .dcsBackuping: dcsBackuping = newValue
            }
        }
    }
}

/// The timings by their document names, in the document's order (`docs/lifecycle.md` §5.2).
public enum Timing: String, Sendable, CaseIterable {
    case rdsBuilding = "rds_building"
    case rdsDeleting = "rds_deleting"
    case taurusDBBuilding = "taurusdb_building"
    case dcsWaiting = "dcs_waiting"
    case dcsBackuping = "dcs_backuping"
}
