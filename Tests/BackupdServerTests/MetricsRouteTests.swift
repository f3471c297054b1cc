import BackupdAuth
import BackupdServer
import BackupdTestSupport
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `GET /metrics` through the real application: Prometheus text for the control token only,
/// the 404 of an unknown route to anyone else, and labels that never name a tenant's ids.
@Suite struct MetricsRouteTests {
    static let token = "metrics-7c2e-operator-secret"
    static let project = "0483b6b16e954cb88930a360d2c4e663"
    static let instance = "a48e43ff268f4c0e879652d65e63d0fbin01"

    @Test func onlyTheControlTokenReadsTheMetricsAndTheyNameNoTenant() async throws {
        var configuration = ServerConfiguration.testing()
        configuration.controlToken = ControlToken(Self.token)
        let app = makeTestApplication(store: try await Fixtures.exampleStore(), configuration: configuration)
        try await app.test(.router) { client in
            // A tenant's request with a token that was never issued, and one with no credential.
            let path = "/v3/\(Self.project)/backups?instance_id=\(Self.instance)"
            let refused = try await client.execute(uri: path, method: .get, headers: [.init("X-Auth-Token")!: "MIInot-a-token"])
            #expect(refused.status == .unauthorized)
            _ = try await client.execute(uri: path, method: .get)
            _ = try await client.execute(uri: "/v3/\(Self.project)/nowhere", method: .get)

            for headers: HTTPFields in [[:], [.authorization: "Bearer wrong"], [.authorization: Self.token]] {
                let hidden = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                #expect(hidden.status == .notFound)
                #expect(String(buffer: hidden.body).contains("APIGW.0101"))
            }
            let metrics = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let text = String(buffer: metrics.body)
            for line in [
                #"backupd_http_requests_total{method="GET",route="/v3/{project_id}/backups",status_class="4xx"} 2"#,
                #"backupd_http_requests_total{method="GET",route="unmatched",status_class="4xx"} 1"#,
                #"backupd_authentication_failures_total{reason="unknown_token"} 1"#,
                #"backupd_authentication_failures_total{reason="no_credential"} 1"#,
                #"backupd_http_request_duration_seconds_count{method="GET",route="/v3/{project_id}/backups"} 2"#,
                "# TYPE backupd_store_operations_total counter",
                "# TYPE backupd_scheduler_runs_total counter",
                "# TYPE backupd_scheduler_backups_total counter",
                "# TYPE process_start_time_seconds gauge",
                "backupd_store_writes_failing 0.0",
                #"backupd_heap_bytes{state="in_use"} "#,
                #"backupd_heap_bytes{state="held"} "#,
            ] {
                #expect(text.contains(line), "no \(line) in:\n\(text)")
            }
            #expect(!text.contains(Self.project) && !text.contains(Self.instance) && !text.contains("MIInot"))
            #expect(!text.contains(Self.token))
        }
    }

    @Test func withoutAControlTokenThereAreNoMetrics() async throws {
        let app = makeTestApplication(store: try await Fixtures.exampleStore())
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(Self.token)"])
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body).contains("APIGW.0101"))
        }
    }
}

/// `backupd_scheduler_backups_total` counts what the schedules made (`docs/lifecycle.md` §8.1).
@Suite struct SchedulerMetricsTests {
    @Test func theSchedulesBackupsAreCounted() async throws {
        try await RDSManualBackupTests.withSession { session in
            let put = try await PolicyScenarioTests.put(session, PolicyScenarioTests.policyTarget(), PolicyScenarioTests.keepOneDaily)
            #expect(put.status == 200)
            // 08:15 on 01-07 and on 01-08: two automated full backups.
            #expect(try await session.advance("P2D") == "2030-01-09T08:00:00.000Z")
            _ = try await session.list(PolicyScenarioTests.listTarget())
            let metrics = try await session.client.send(
                "/metrics",
                method: .get,
                headers: [.authorization: "Bearer \(RDSManualBackupTests.controlToken)"],
                as: .none
            )
            #expect(metrics.body.contains("backupd_scheduler_backups_total 2"), "\(metrics.body)")
        }
    }
}
