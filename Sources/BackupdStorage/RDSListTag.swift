public import BackupdCatalog

/// The filter tag of an RDS backup in an ordered list (`OrderedList.tags`): its type and status
/// in one byte (type × 4 + status), so that a filtered total is a scan of one byte per backup.
/// Engines compute it in SQL with `sqlExpression`.
public enum RDSListTag {
    private static let typeCodes: [RDSBackupType: UInt8] = [.auto: 0, .manual: 1, .fragment: 2, .incremental: 3]
    private static let statusCodes: [RDSBackupStatus: UInt8] = [.building: 0, .completed: 1, .failed: 2, .deleting: 3]

    /// The tag as SQL over the columns `type` and `status`, for SQLite and PostgreSQL alike.
    public static let sqlExpression = """
        CASE type WHEN 'auto' THEN 0 WHEN 'manual' THEN 4 WHEN 'fragment' THEN 8 ELSE 12 END
        + CASE status WHEN 'BUILDING' THEN 0 WHEN 'COMPLETED' THEN 1 WHEN 'FAILED' THEN 2 ELSE 3 END
        """

    /// The tags a query accepts; `nil` when it filters on neither type nor status.
    public static func accepted(types: Set<RDSBackupType>?, status: RDSBackupStatus?) -> Set<UInt8>? {
        guard types != nil || status != nil else { return nil }
        var tags: Set<UInt8> = []
        for type in types ?? Set(RDSBackupType.allCases) {
            for candidate in status.map({ [$0] }) ?? RDSBackupStatus.allCases {
                tags.insert(typeCodes[type]! * 4 + statusCodes[candidate]!)
            }
        }
        return tags
    }
}
