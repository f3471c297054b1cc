import BackupdAPI
import BackupdCatalog
import BackupdTestSupport
import Foundation
import Testing

/// Rules that a seed must keep with what the store already holds, so that the store never
/// reaches a state whose export could not be loaded back (`docs/seed-format.md`: ids unique, offsite
/// copies in another region of the same domain, fields per service and engine).
@Suite struct SeedStoreRulesTests {
    typealias Acme = Fixtures.Acme

    /// Loads `json` into the example store; returns the error, and checks that nothing changed.
    static func rejection(of json: String) async throws -> SeedError? {
        let store = try await Fixtures.exampleStore()
        let before = try await Fixtures.export(store)
        do {
            try await Fixtures.load(json, into: store)
            return nil
        } catch let error as SeedError {
            #expect(try await Fixtures.export(store) == before)
            return error
        }
    }

    @Test func aBackupIDStoredForAnotherServiceIsRejected() async throws {
        let json = """
            {"backups": [{"instance_id": "\(Acme.taurusInstance)", "id": "43e4feaab48f11e89039fa163ebaa7e4br01",
              "name": "t", "type": "incremental", "begin_time": "2030-01-01T00:00:00+0800",
              "end_time": "2030-01-01T00:01:00+0800", "size": 1}]}
            """
        let error = try await Self.rejection(of: json)
        #expect(error == SeedError(path: "backups[0].id", rule: "the store holds a rds backup with this id"))
    }

    @Test func aStoredInstanceCannotMoveToAnotherProject() async throws {
        let json = """
            {"instances": [{"id": "\(Acme.mysqlInstance)", "project_id": "\(Acme.billing)", "service": "rds",
              "name": "moved", "datastore": {"type": "MySQL", "version": "5.7"}}]}
            """
        let error = try #require(try await Self.rejection(of: json))
        #expect(error.path == "instances[0].project_id")
    }

    @Test func aStoredInstanceCannotChangeItsEngine() async throws {
        let json = """
            {"instances": [{"id": "\(Acme.mysqlInstance)", "project_id": "\(Acme.cnNorth4)", "service": "rds",
              "name": "now-postgres", "datastore": {"type": "PostgreSQL", "version": "12"}}]}
            """
        let error = try #require(try await Self.rejection(of: json))
        #expect(error.path == "instances[0].datastore")
    }

    @Test func aStoredInstanceMayChangeItsNameAndEngineVersion() async throws {
        let store = try await Fixtures.exampleStore()
        let json = """
            {"instances": [{"id": "\(Acme.mysqlInstance)", "project_id": "\(Acme.cnNorth4)", "service": "rds",
              "name": "renamed", "datastore": {"type": "MySQL", "version": "8.0"}}]}
            """
        try await Fixtures.load(json, into: store)
        let instance = try await store.instance(id: Acme.mysqlInstance, service: .rds, inAnyOf: [Acme.cnNorth4])
        #expect(instance?.name == "renamed")
        #expect(instance?.datastore == Datastore(type: "MySQL", version: "8.0"))
    }

    /// The SQL Server instance lives in ap-southeast-1 and has copies held in cn-north-4:
    /// renaming cn-north-4 into ap-southeast-1 would put them in their own region.
    @Test func aStoredProjectCannotChangeRegion() async throws {
        let json = """
            {"domains": [{"name": "acme", "projects": [{"id": "\(Acme.cnNorth4)", "name": "ap-southeast-1_x"}]}]}
            """
        let error = try #require(try await Self.rejection(of: json))
        #expect(error.path == "domains[0].projects[0].name")
    }

    @Test func aProjectMayGainASubProjectNameInItsRegion() async throws {
        let store = try await Fixtures.exampleStore()
        try await Fixtures.load(
            #"{"domains": [{"name": "acme", "projects": [{"id": "\#(Acme.billing)", "name": "cn-north-4_finance"}]}]}"#,
            into: store
        )
        #expect(try await store.project(id: Acme.billing)?.name == "cn-north-4_finance")
    }

    @Test(arguments: [
        (#"{"id": "new-dcs", "project_id": "P", "service": "dcs", "name": "d", "engine_version": "6.0"}"#, "engine"),
        (#"{"id": "new-dcs", "project_id": "P", "service": "dcs", "name": "d", "engine": "Redis"}"#, "engine_version"),
        (#"{"id": "new-ddm", "project_id": "P", "service": "ddm", "name": "d"}"#, "related_data_nodes"),
        (#"{"id": "new-rds", "project_id": "P", "service": "rds", "name": "d"}"#, "datastore"),
    ])
    func fieldsRequiredForTheServiceMustBePresent(_ instance: String, _ field: String) async throws {
        let json = #"{"instances": [\#(instance.replacingOccurrences(of: "\"P\"", with: "\"\(Acme.cnNorth4)\""))]}"#
        let error = try await Self.rejection(of: json)
        #expect(error == SeedError(path: "instances[0].\(field)", rule: "is missing"))
    }
}
