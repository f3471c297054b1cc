import BackupdAPI
import BackupdAuth
import Testing

/// What every operation declares (`docs/architecture.md`, operations that declare themselves):
/// the dispatcher, the OpenAPI document and the client read these values, so they must be whole.
@Suite struct OperationDeclarationTests {
    static let operations: [any DeclaredOperation] =
        BackupOperations.all + IAMOperations.all(hasher: PasswordHasher(rounds: 1_000))
    static let declarations = operations.map(\.declaration)

    @Test("names and method + path pairs are unique")
    func unique() {
        #expect(Set(Self.declarations.map(\.name)).count == Self.declarations.count)
        #expect(Set(Self.declarations.map(\.route.description)).count == Self.declarations.count)
    }

    @Test("backup APIs are tenant reads in a project's path; only reads are cacheable")
    func kinds() {
        for operation in BackupOperations.all {
            let declaration = operation.declaration
            #expect(declaration.authentication == .tenant, "\(declaration.name)")
            #expect(declaration.route.template.contains("/{project_id}/"), "\(declaration.name)")
        }
        for declaration in Self.declarations {
            if declaration.cacheable {
                #expect(declaration.route.method == "GET", "\(declaration.name)")
                #expect(declaration.authentication == .tenant, "\(declaration.name)")
            }
            #expect(Set(declaration.query.map(\.name)).count == declaration.query.count, "\(declaration.name)")
        }
        // Issuing a token, and Keystone's version discovery (`docs/auth.md` §2.6).
        #expect(
            Self.declarations.filter { $0.authentication == .none }.map(\.name)
                == ["KeystoneCreateUserTokenByPassword", "KeystoneShowVersion", "KeystoneListVersions"]
        )
    }

    @Test("a target built from a declaration matches its own route and yields the same variables")
    func targetsRoundTrip() throws {
        let values = ["0483b6b16e954cb88930a360d2c4e663", "a/b", "x?y#z", "caf\u{E9}", "100%", "a+b c", ".."]
        for declaration in Self.declarations {
            let names = declaration.route.template.split(separator: "/").filter { $0.hasPrefix("{") }
                .map { String($0.dropFirst().dropLast()) }
            for value in values {
                let variables = Dictionary(uniqueKeysWithValues: names.map { ($0, value) })
                let target = try #require(declaration.target(pathVariables: variables, query: [("limit", "1 0+")]))
                let (path, query) = try #require(target.split(separator: "?", maxSplits: 1).twoParts)
                #expect(declaration.route.match(rawPath: path) == variables, "\(declaration.name) \(target)")
                #expect(QueryParameters(rawQuery: query)["limit"] == .one("1 0+"), "\(target)")
            }
        }
    }

    @Test("a target needs every path variable, none empty")
    func missingVariables() {
        let ddm = BackupOperations.all.map(\.declaration).first { $0.name == "ShowBackup" }
        #expect(ddm?.target(pathVariables: ["project_id": "p", "instance_id": "i"]) == nil)
        #expect(ddm?.target(pathVariables: ["project_id": "p", "instance_id": "i", "backup_id": ""]) == nil)
        #expect(ddm?.target(pathVariables: ["project_id": "p", "instance_id": "i", "backup_id": "b"]) == "/v3/p/instances/i/backups/b")
    }
}

extension Array where Element == Substring {
    fileprivate var twoParts: (Substring, Substring)? {
        count == 2 ? (self[0], self[1]) : nil
    }
}
