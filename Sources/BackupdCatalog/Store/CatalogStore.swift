/// The durable catalog behind every API, as one engine implements it: a few small protocols by
/// role, so that each caller depends only on what it uses, one engine per database (SQLite
/// embedded, PostgreSQL for several nodes), and one conformance suite for all
/// (`Tests/BackupdStoreConformanceTests`, `@Test(arguments: StoreEngine.all)`).
///
/// | role | what | who calls it |
/// |---|---|---|
/// | `BackupStore` | instances and their backups | tenant operations, through `TenantCatalog` (BackupdAPI) |
/// | `CredentialStore` | accounts as authentication sees them, tokens, lockouts | the authenticator and the IAM operations |
/// | `AccountStore` | seeds, exports, account administration, counts | the CLI commands, the seed loader and exporter |
/// | `ChangeMarking` | the revision, the change log and health | `ChangeFeed`, `/health` |
/// | `ClockStore` | the catalog clock, phase timings, armed faults | the control API, the CLI, the lifecycle |
/// | `BackupWriting` | creates and deletes, checked and written atomically | tenant operations, through `TenantCatalog` |
/// | `TransitionStore` | lifecycle records moved along the clock | `StoreAccess`, before a request reads |
/// | `PolicyStore` | backup policies, set with their effects | the policy APIs, seed loads |
///
/// Contract shared by every engine and every role:
/// - Reads see every write that completed before they started, through this node or another:
///   nothing is cached that a write could make stale.
/// - Writes are atomic: all of their content or, when they throw, nothing.
/// - Lists are ordered by key descending, then id ascending by ASCII bytes, and totals count
///   every match before paging (`docs/api.md` §1.9).
/// - A lookup by a string that `CatalogText.isStorable` rejects finds nothing.
/// - Failures are thrown as `CatalogError`.
public typealias CatalogStore = AccountStore & BackupStore & BackupWriting & ChangeMarking & ClockStore & CredentialStore
    & PolicyStore & TransitionStore
