import BackupdAPI
import BackupdTestSupport
import Testing

/// Every query parameter a backup API declares is the one it checks: a malformed or repeated value
/// of each is refused with a 400 before any lookup, so the declarations the OpenAPI document and
/// the client read cannot drift from what the operations do.
@Suite struct DeclaredParameterTests {
    /// A target of `operation` whose other required parameters are valid, with `extra` appended.
    static func target(_ operation: OperationDeclaration, _ extra: String, testing parameter: String) -> String? {
        let required = operation.query.filter { $0.isRequired && $0.name != parameter }.map { required in
            required.name + "=" + (required.name == "backup_type" ? "auto" : "x")
        }
        let query = (required + [extra]).joined(separator: "&")
        switch operation.name {
        case "ListBackups": return Target.rdsList(query)
        case "ListOffSiteBackups": return Target.offsite(query)
        case "ShowGaussMySqlIncrementalBackupList": return Target.taurus(query)
        case "ListBackupRecordsV1": return Target.dcsV1(query)
        case "ListBackupRecords": return Target.dcsV2(query)
        default: return nil
        }
    }

    /// Values the parameter's schema refuses.
    static func malformed(_ parameter: QueryParameter) -> [String] {
        switch parameter.schema {
        case .string: []
        case .integer(let range, _):
            ["x", "-1", "1.5", String(range.lowerBound - 1)] + (range.upperBound < IntegerParameter.maximum ? [String(range.upperBound + 1)] : [])
        case .choice: ["none-of-them"]
        case .offsetTime: ["2018-08-06 10:41:14", "20180806104114"]
        case .compactTime: ["2018-08-06T10:41:14Z", "20181306104114"]
        case .boolean: ["yes"]
        }
    }

    @Test(
        "each declared parameter refuses malformed and repeated values with a 400",
        arguments: BackupOperations.all.map(\.declaration).filter { !$0.query.isEmpty }.map(\.name)
    )
    func declaredParametersAreChecked(_ name: String) async throws {
        let declaration = try #require(BackupOperations.all.map(\.declaration).first { $0.name == name })
        try await withExampleServer { client in
            for parameter in declaration.query {
                var values = Self.malformed(parameter).map { parameter.name + "=" + $0 }
                values.append(parameter.name + "=a&" + parameter.name + "=b")
                for extra in values {
                    guard let target = Self.target(declaration, extra, testing: parameter.name) else {
                        Issue.record("no target for \(declaration.name)")
                        return
                    }
                    let response = try await client.send(target)
                    #expect(response.status == 400, "\(declaration.name) \(target): \(response.body)")
                }
            }
        }
    }
}
