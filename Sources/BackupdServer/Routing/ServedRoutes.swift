import BackupdAPI
import BackupdAuth
import BackupdCatalog
import BackupdOpenAPI

/// Every route backupd serves, and the OpenAPI document of them all.
public enum ServedRoutes {
    /// The document's `info.version`: that of the API backupd serves, raised when a route changes.
    static let documentVersion = "1.0.0"

    /// The declarations of every route, per route, in the order a server matches them; the
    /// control API included, so that every server serves the same document. A test checks that
    /// they are those of `routes(…)`.
    static var declarations: [[OperationDeclaration]] {
        [[HealthRoute.declaration], [MetricsRoute.declaration], [OpenAPIRoute.declaration]]
            + IAMOperations.all(hasher: PasswordHasher()).map(\.answeringDeclarations)
            + BackupOperations.all.map(\.answeringDeclarations)
            + ControlOperations.all.map(\.answeringDeclarations)
    }

    /// The OpenAPI document (`docs/api.md` §10), built once.
    public static let openAPIDocument: [UInt8] = OpenAPIDocument.json(declarations, version: documentVersion)

    /// The routes of a server; the control API only with a control token.
    static func routes(store: any ChangeMarking, metrics: ServerMetrics, configuration: ServerConfiguration) -> [ServerRoute] {
        [
            HealthRoute.make(store: store),
            MetricsRoute.make(metrics: metrics, controlToken: configuration.controlToken),
            OpenAPIRoute.make(document: openAPIDocument),
        ]
            + IAMOperations.all(hasher: configuration.passwordHasher).map(ServerRoute.init)
            + BackupOperations.all.map(ServerRoute.init)
            + (configuration.controlToken == nil ? [] : ControlOperations.all.map(ServerRoute.init))
    }
}
