import BackupdAPI
import BackupdCatalog
import Hummingbird

/// `GET /health` (`docs/api.md` §1.1): 200 once the store answers, 503 with a one-line reason while
/// it does not; 200 `degraded` with the reason while it answers reads but its writes fail for a
/// lasting reason (a full disk).
enum HealthRoute {
    static let declaration = OperationDeclaration(
        name: "ShowHealth",
        route: Route("GET", "/health"),
        response: .json(
            .object([
                JSONShape.Property("status", .choice(["ok", "degraded", "unavailable"])),
                .optional("reason", .string),
            ])
        ),
        degradedStatuses: [503],
        cacheable: false,
        authentication: .none
    )

    static func make(store: any ChangeMarking) -> ServerRoute {
        ServerRoute(declaration) { _, _ in
            var json = JSONWriter(capacity: 96)
            do {
                switch try await store.checkHealth() {
                case .ok:
                    json.object { $0.field("status", "ok") }
                case .writesFailing(let reason):
                    json.object { json in
                        json.field("status", "degraded")
                        json.field("reason", reason)
                    }
                }
                return .json(status: .ok, body: json.bytes)
            } catch {
                let reason = (error as? CatalogError)?.description ?? "the catalog store does not answer"
                json.object { json in
                    json.field("status", "unavailable")
                    json.field("reason", reason)
                }
                return .json(status: .serviceUnavailable, body: json.bytes)
            }
        }
    }
}
