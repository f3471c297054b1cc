import ArgumentParser
import BackupdServer
import Foundation

/// `backupd openapi`: prints the OpenAPI document every server serves at `/openapi.json`
/// (`docs/api.md` §10); `backupd openapi > docs/openapi.json` refreshes the committed copy.
struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print the OpenAPI 3.1 document of every route (as GET /openapi.json serves it)."
    )

    func run() throws {
        FileHandle.standardOutput.write(Data(ServedRoutes.openAPIDocument))
    }
}
