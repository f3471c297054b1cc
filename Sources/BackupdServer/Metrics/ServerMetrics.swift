public import BackupdAPI
public import BackupdCatalog
import Foundation
import Metrics
import Prometheus
import Synchronization

/// The server's metrics, through swift-metrics into a Prometheus registry of this application's
/// own (not the process-wide `MetricsSystem`: tests run many applications in one process), and
/// their text at `GET /metrics` (README, "Metrics"). No label ever carries a tenant's project,
/// an instance or backup id, a token or a key: routes are templates, failures are kinds.
public final class ServerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let store: StoreActivity?
    private let responseCache: CacheCounters
    private let access: StoreAccess
    /// What the sampled counters (the store's, the lookup cache's) showed at the last scrape:
    /// each scrape adds what they counted since.
    private let sampled = Mutex([String: Int]())

    /// - Parameters:
    ///   - store: the engine's activity, when it counts it.
    ///   - responseCache: the response cache's hits and misses.
    ///   - access: the settles it ran.
    public init(store: StoreActivity?, responseCache: CacheCounters, access: StoreAccess) {
        var factory = PrometheusMetricsFactory(registry: registry)
        // From a cached answer (~100 µs) to a deadline (1 s) and beyond.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        ]
        self.factory = factory
        self.store = store
        self.responseCache = responseCache
        self.access = access
        Gauge(label: "process_start_time_seconds", factory: factory).record(Date().timeIntervalSince1970)
        if let capacity = store?.capacity {
            Gauge(label: "backupd_store_connections_max", factory: factory).record(capacity)
        }
    }

    /// One answered request: counted by route template, method and status class, and timed.
    /// - Parameter route: the matched route's template, or `unmatched`.
    public func answered(method: String, route: String, status: Int, after duration: Duration) {
        Counter(
            label: "backupd_http_requests_total",
            dimensions: [("method", method), ("route", route), ("status_class", "\(status / 100)xx")],
            factory: factory
        ).increment()
        Metrics.Timer(
            label: "backupd_http_request_duration_seconds",
            dimensions: [("method", method), ("route", route)],
            factory: factory
        ).record(duration: duration)
    }

    /// A credential that failed, by kind.
    public func authenticationFailed(_ reason: AuthenticationFailure.Reason) {
        Counter(label: "backupd_authentication_failures_total", dimensions: [("reason", reason.rawValue)], factory: factory)
            .increment()
    }

    /// A request refused by the per-credential rate limit (`RequestThrottle`).
    public func throttled() {
        Counter(label: "backupd_throttled_requests_total", factory: factory).increment()
    }

    /// An operation that failed for something other than the request (a store error): the
    /// service's server-failure answer went out.
    public func operationFailed(route: String) {
        Counter(label: "backupd_operation_failures_total", dimensions: [("route", route)], factory: factory).increment()
    }

    /// The Prometheus text exposition of every metric, the sampled ones brought up to date first.
    public func exposition() -> [UInt8] {
        if let store {
            sample("backupd_store_operations_total", ["kind": "read"], store.reads)
            sample("backupd_store_operations_total", ["kind": "write"], store.writes)
            sample("backupd_store_errors_total", [:], store.failures)
            Gauge(label: "backupd_store_connections_in_use", factory: factory).record(store.inUse)
            // 1 while writes fail for a lasting reason (a full disk) and reads go on: /health's `degraded`.
            let failing = store.writeHealth.health != .ok
            Gauge(label: "backupd_store_writes_failing", factory: factory).record(failing ? 1 : 0)
        }
        sample("backupd_response_cache_total", ["result": "hit"], responseCache.hits)
        sample("backupd_response_cache_total", ["result": "miss"], responseCache.misses)
        // Each settle runs the policies' schedules and writes down every lifecycle change due.
        sample("backupd_scheduler_runs_total", [:], access.settlesRun)
        sample("backupd_scheduler_backups_total", [:], access.backupsScheduled)
        if let heap = HeapUsage.current() {
            Gauge(label: "backupd_heap_bytes", dimensions: [("state", "in_use")], factory: factory).record(heap.inUseBytes)
            Gauge(label: "backupd_heap_bytes", dimensions: [("state", "held")], factory: factory).record(heap.heldBytes)
        }
        return registry.emitToBuffer()
    }

    private func sample(_ label: String, _ dimensions: KeyValuePairs<String, String>, _ value: Int) {
        let pairs = dimensions.map { ($0.key, $0.value) }
        let key = label + pairs.map { "|\($0.0)=\($0.1)" }.joined()
        let added = sampled.withLock { seen in
            defer { seen[key] = value }
            return value - (seen[key] ?? 0)
        }
        // Also at 0: the metric is listed from the first scrape on.
        Counter(label: label, dimensions: pairs, factory: factory).increment(by: max(0, added))
    }
}
