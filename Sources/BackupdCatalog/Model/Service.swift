/// The cloud service an instance belongs to; it decides which API lists its backups
/// and which fields its backup records carry (`docs/seed-format.md` §instances).
public enum Service: String, Sendable, CaseIterable, Codable {
    case rds
    case taurusdb
    case dcs
    case ddm
}
