import BackupdTestSupport
import Testing

/// The README's test command runs every engine: without a cluster the PostgreSQL suites would
/// silently shrink to nothing, so there a missing cluster is a failure.
@Suite struct PostgresRequirementTests {
    @Test func theTestCommandRunsWithAPostgreSQLCluster() {
        if TestPostgres.isRequired {
            #expect(TestPostgres.url != nil, "BACKUPD_REQUIRE_POSTGRES=1 but BACKUPD_TEST_POSTGRES_URL is not set")
            #expect(TestPostgres.clusterScript != nil, "BACKUPD_REQUIRE_POSTGRES=1 but BACKUPD_PG_CLUSTER is not set")
            #expect(StoreEngine.all.contains(.postgres))
        }
    }
}
