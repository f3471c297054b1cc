import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Route F, `GET /v3/{project_id}/instances/{instance_id}/backups/{backup_id}` (api.md §7).
@Suite struct DDMShowBackupTests {
    static let exampleBackup = "09902ee7866649b8908ec209bfee2747br09"
    static let exampleBody = """
        {"id": "09902ee7866649b8908ec209bfee2747br09",
         "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400",
         "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09",
         "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
         "related_data_nodes": [
           {"instance_id": "fc33739e5d2741529e21d87a7b5923fain01", "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}
         ]}
        """

    @Test func theBackupOfThePagesExampleURLExistsToo() async throws {
        try await withExampleServer { client in
            let response = try await client.send(Target.ddm(backup: "cfea30126a884f46887b4e9211460fc1br09"))
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"id": "cfea30126a884f46887b4e9211460fc1br09",
                     "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025051905400",
                     "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09",
                     "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
                     "related_data_nodes": [
                       {"instance_id": "fc33739e5d2741529e21d87a7b5923fain01",
                        "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}
                     ]}
                    """
            )
        }
    }

    @Test func queryParametersAreIgnored() async throws {
        try await withExampleServer { client in
            for query in ["limit=abc&offset=-1", "backup_id=nothing&backup_id=twice", "instance_id=x", "&&=&x"] {
                let response = try await client.send(Target.ddm(backup: Self.exampleBackup, query: query))
                try expectResponse(response, status: 200, json: Self.exampleBody)
            }
        }
    }

    @Test func pathSegmentsArePercentDecoded() async throws {
        try await withExampleServer { client in
            let encodedBackup = try await client.send(Target.ddm(backup: "%30%39902ee7866649b8908ec209bfee2747br09"))
            try expectResponse(encodedBackup, status: 200, json: Self.exampleBody)
            let encodedInstance = try await client.send(
                Target.ddm(backup: Self.exampleBackup, instance: "34970585d4964f2a8d6d9ea8d303398b%69n09")
            )
            try expectResponse(encodedInstance, status: 200, json: Self.exampleBody)
            let encodedProject = try await client.send(
                Target.ddm(backup: Self.exampleBackup, project: "%36%31%39d3e78f61b4be68bc5aa0b59edcf7b")
            )
            try expectResponse(encodedProject, status: 200, json: Self.exampleBody)
        }
    }

    /// A second DDM instance with no data nodes (`[]`), and backups that carry their own list.
    static let extraSeed = """
        {"instances": [
           {"id": "ddm2ddm2ddm2ddm2ddm2ddm2ddm2ddm2in09", "project_id": "\(Acme.apSoutheast3)", "service": "ddm",
            "name": "ddm-second", "related_data_nodes": []}
         ],
         "backups": [
           {"instance_id": "\(Acme.ddmInstance)", "id": "own-nodes", "name": "own",
            "begin_time": "2025-05-21T05:40:00+0800", "end_time": "2025-05-21T05:41:00+0800",
            "related_data_nodes": [{"instance_id": "n1", "instance_name": "node one"},
                                   {"instance_id": "n2", "instance_name": "node two"}]},
           {"instance_id": "\(Acme.ddmInstance)", "id": "no-nodes", "name": "none",
            "begin_time": "2025-05-22T05:40:00+0800", "end_time": "2025-05-22T05:41:00+0800",
            "related_data_nodes": []},
           {"instance_id": "ddm2ddm2ddm2ddm2ddm2ddm2ddm2ddm2in09", "id": "second-backup", "name": "second",
            "begin_time": "2025-05-23T05:40:00+0800", "end_time": "2025-05-23T05:41:00+0800"}
         ]}
        """

    @Test func aRecordsOwnDataNodesWinEvenWhenEmpty() async throws {
        try await withServer(store: try await exampleStore(adding: Self.extraSeed)) { client in
            let own = try await client.send(Target.ddm(backup: "own-nodes"))
            try expectResponse(
                own,
                status: 200,
                json: """
                    {"id": "own-nodes", "name": "own", "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09",
                     "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
                     "related_data_nodes": [{"instance_id": "n1", "instance_name": "node one"},
                                            {"instance_id": "n2", "instance_name": "node two"}]}
                    """
            )
            let none = try await client.send(Target.ddm(backup: "no-nodes"))
            try expectResponse(
                none,
                status: 200,
                json: """
                    {"id": "no-nodes", "name": "none", "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09",
                     "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg", "related_data_nodes": []}
                    """
            )
        }
    }

    @Test func withoutNodesOnRecordOrInstanceTheListIsEmpty() async throws {
        try await withServer(store: try await exampleStore(adding: Self.extraSeed)) { client in
            let response = try await client.send(
                Target.ddm(backup: "second-backup", instance: "ddm2ddm2ddm2ddm2ddm2ddm2ddm2ddm2in09")
            )
            try expectResponse(
                response,
                status: 200,
                json: """
                    {"id": "second-backup", "name": "second", "instance_id": "ddm2ddm2ddm2ddm2ddm2ddm2ddm2ddm2in09",
                     "instance_name": "ddm-second", "related_data_nodes": []}
                    """
            )
        }
    }

    @Test func aBackupOfAnotherDDMInstanceIsNotFound() async throws {
        try await withServer(store: try await exampleStore(adding: Self.extraSeed)) { client in
            let theirs = try await client.send(Target.ddm(backup: "second-backup"))
            expectResponse(theirs, status: 404, body: Expected.backupNotFound)
            let ours = try await client.send(
                Target.ddm(backup: Self.exampleBackup, instance: "ddm2ddm2ddm2ddm2ddm2ddm2ddm2ddm2in09")
            )
            expectResponse(ours, status: 404, body: Expected.backupNotFound)
        }
    }

    static let errorCases: [RequestCase] = [
        RequestCase(
            "unknown backup",
            Target.ddm(backup: "ffffffffffffffffffffffffffffffffbr09"),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "backup id in upper case",
            Target.ddm(backup: exampleBackup.uppercased()),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "backup id with an encoded trailing slash",
            Target.ddm(backup: exampleBackup + "%2F"),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "an RDS backup id",
            Target.ddm(backup: "43e4feaab48f11e89039fa163ebaa7e4br01"),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "a TaurusDB backup id",
            Target.ddm(backup: "f0d2aea28d26t4848b8c84ed3fea1822fbr07"),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "a DCS backup id",
            Target.ddm(backup: "4631832a-14c6-45b0-a0b3-3abd8f591ad1"),
            404,
            Expected.backupNotFound
        ),
        RequestCase(
            "an RDS instance (the DDM data node) as instance",
            Target.ddm(backup: exampleBackup, instance: Acme.ddmDataNode),
            404,
            Expected.instanceNotFound
        ),
        RequestCase(
            "the DDM instance from another project of the account",
            Target.ddm(backup: exampleBackup, project: Acme.cnNorth4),
            404,
            Expected.instanceNotFound
        ),
        RequestCase(
            "the DDM instance from the globex project",
            Target.ddm(backup: exampleBackup, project: Globex.cnNorth4),
            404,
            Expected.instanceNotFound,
            as: .carol
        ),
        RequestCase(
            "a DCS instance with one of its backup ids",
            Target.ddm(
                backup: "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
                instance: Acme.redisInstance,
                project: Acme.cnNorth4
            ),
            404,
            Expected.instanceNotFound
        ),
        RequestCase(
            "the instance is checked before the backup",
            Target.ddm(backup: "nosuchbackup", instance: "nosuchinstance"),
            404,
            Expected.instanceNotFound
        ),
        RequestCase(
            "a backup id as instance",
            Target.ddm(backup: exampleBackup, instance: exampleBackup),
            404,
            Expected.instanceNotFound
        ),
    ]

    @Test(arguments: errorCases)
    func errorAnswers(_ example: RequestCase) async throws {
        try await withExampleServer { client in
            let response = try await client.send(example.target, as: example.credential)
            expectResponse(response, status: example.status, body: example.body)
        }
    }

    @Test func routeAndScopeComeBeforeTheLookups() async throws {
        try await withExampleServer { client in
            // The page's short example request has no instance segment.
            expectRouteNotFound(
                try await client.send("/v3/\(Acme.apSoutheast3)/backups/cfea30126a884f46887b4e9211460fc1br09")
            )
            expectRouteNotFound(try await client.send(Target.ddm(backup: Self.exampleBackup) + "/"))
            expectRouteNotFound(try await client.send("/v3/\(Acme.apSoutheast3)/instances/\(Acme.ddmInstance)/backups"))
            expectNotAuthorized(try await client.send(Target.ddm(backup: "nosuch", project: unknownProject)))
        }
    }
}
