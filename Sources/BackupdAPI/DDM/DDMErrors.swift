/// The DDM error table (`docs/api.md` §7). The page documents only `DBS.280001`; the two 404s
/// borrow their codes from the RDS and TaurusDB tables (chosen in the spec).
enum DDMErrors {
    static let instanceNotFound = DBSErrors.instanceNotFound

    static let backupNotFound = DBSErrors.backupNotFound

    static let serverFailure = DBSErrors.serverFailure

    /// `DBS.280001`: the code of the DDM page's example (`docs/lifecycle.md` §3.14).
    static let parameterCode = "DBS.280001"
}
