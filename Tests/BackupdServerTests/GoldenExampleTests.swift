import BackupdAPI
import BackupdTestSupport
import HummingbirdTesting
import Testing

/// Each example request of the five pages (as `docs/api.md` gives them), against the example
/// seed, returns exactly the documented response: same keys in the same order, same values.
@Suite struct GoldenExampleTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let name: String
        let target: String
        let expected: String
        var status = 200
        var testDescription: String { name }
    }

    static let examples: [Example] = [
        Example(
            name: "api.md §2 RDS Obtaining Backups",
            target:
                "/v3/0483b6b16e954cb88930a360d2c4e663/backups?instance_id=a48e43ff268f4c0e879652d65e63d0fbin01&backup_type=auto&offset=0&limit=10&begin_time=2018-08-06T10:41:14+0800&end_time=2018-08-16T10:41:14+0800",
            expected: """
                {
                  "backups": [{
                    "id": "43e4feaab48f11e89039fa163ebaa7e4br01",
                    "name": "xxxx.xxx",
                    "type": "auto",
                    "size": 2803,
                    "status": "COMPLETED",
                    "begin_time": "2018-08-06T12:41:14+0800",
                    "end_time": "2018-08-06T12:43:14+0800",
                    "datastore": {"type": "MySQL", "version": "5.7"},
                    "instance_id": "a48e43ff268f4c0e879652d65e63d0fbin01",
                    "associated_with_ddm": false
                  }],
                  "total_count": 1
                }
                """
        ),
        Example(
            name: "api.md §3 RDS Querying Cross-Region Backups",
            target:
                "/v3/0483b6b16e954cb88930a360d2c4e663/offsite-backups?instance_id=ad4ee2b80adb430082d8336d7da2e14din04&backup_type=auto&offset=0&limit=10&begin_time=2022-12-02T00:00:00+0000&end_time=2022-12-02T23:59:59+0000",
            expected: """
                {
                  "backups": [
                    {
                      "id": "d0ea632a5c32451dbdb157ef5c2ad3ecbr04",
                      "name": "sqlserver-rds-1784-20221202062025775",
                      "type": "auto",
                      "size": 5956,
                      "status": "COMPLETED",
                      "begin_time": "2022-12-02T06:20:25+0000",
                      "end_time": "2022-12-02T06:24:45+0000",
                      "datastore": {"type": "sqlserver", "version": "2019_SE"},
                      "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"
                    },
                    {
                      "id": "07d6a8ab12304f9aa3f368a6cff21ac9br04",
                      "name": "backup-81f1",
                      "type": "auto",
                      "size": 773,
                      "status": "COMPLETED",
                      "begin_time": "2022-12-02T06:12:22+0000",
                      "end_time": "2022-12-02T06:16:37+0000",
                      "datastore": {"type": "sqlserver", "version": "2019_SE"},
                      "instance_id": "ad4ee2b80adb430082d8336d7da2e14din04"
                    }
                  ],
                  "total_count": 2
                }
                """
        ),
        Example(
            name: "api.md §4 TaurusDB Querying Incremental Backups",
            target:
                "/v3/97b026aa9cc4417888c14c84a1ad9860/instances/61a4ea66210545909d74a05c27a7179ein07/incremental-backups?offset=0&limit=10&begin_time=2022-07-06T10:41:14+0800&end_time=2022-07-16T10:41:14+0800",
            expected: """
                {
                  "backups": [{
                    "id": "f0d2aea28d26t4848b8c84ed3fea1822fbr07",
                    "name": "GaussDBforMySQL--20230728181555006",
                    "begin_time": "2022-07-07T12:41:14+0800",
                    "end_time": "2022-07-08T12:45:14+0800",
                    "size": 0.109375,
                    "instance_id": "61a4ea66210545909d74a05c27a7179ein07"
                  }],
                  "total_count": 1
                }
                """
        ),
        Example(
            name: "api.md §5 DCS v1.0 Querying Backup Records",
            target:
                "/v1.0/0483b6b16e954cb88930a360d2c4e663/instances/5560df16-cebf-4473-95c4-d1b573c16e79/backups?start=1&limit=10&beginTime=20190510000000&endTime=20190510235959",
            expected: """
                {
                  "backup_record_response": [
                    {
                      "status": "succeed",
                      "remark": "001",
                      "period": null,
                      "progress": "100.00",
                      "size": 880232,
                      "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79",
                      "backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
                      "created_at": "2019-05-10T08:31:16.166Z",
                      "updated_at": "2019-05-10T08:32:30.546Z",
                      "execution_at": "2019-05-10T08:31:21.461Z",
                      "backup_type": "manual",
                      "backup_name": "backup_20190510163116",
                      "error_code": null,
                      "is_support_restore": "TRUE"
                    }
                  ],
                  "total_num": 1
                }
                """
        ),
        Example(
            name: "api.md §6 DCS v2 Listing Backup Records",
            target:
                "/v2/0483b6b16e954cb88930a360d2c4e663/instances/5560df16-cebf-4473-95c4-d1b573c16e79/backups?begin_time=20190510000000&end_time=20190510235959&limit=10&offset=0",
            expected: """
                {
                  "total_num": 1,
                  "backup_record_response": [
                    {
                      "status": "succeed",
                      "remark": "001",
                      "period": null,
                      "progress": "100.00",
                      "size": 880232,
                      "instance_id": "5560df16-cebf-4473-95c4-d1b573c16e79",
                      "backup_id": "4631832a-14c6-45b0-a0b3-3abd8f591ad1",
                      "created_at": "2019-05-10T08:31:16.166Z",
                      "updated_at": "2019-05-10T08:32:30.546Z",
                      "execution_at": "2019-05-10T08:31:21.461Z",
                      "backup_type": "manual",
                      "backup_name": "backup_20190510163116",
                      "error_code": null,
                      "is_support_restore": "TRUE"
                    }
                  ]
                }
                """
        ),
        Example(
            name: "api.md §7 DDM Querying Backup Details",
            target:
                "/v3/619d3e78f61b4be68bc5aa0b59edcf7b/instances/34970585d4964f2a8d6d9ea8d303398bin09/backups/09902ee7866649b8908ec209bfee2747br09",
            expected: """
                {
                  "id": "09902ee7866649b8908ec209bfee2747br09",
                  "name": "Backup-ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg-2025052005400",
                  "instance_id": "34970585d4964f2a8d6d9ea8d303398bin09",
                  "instance_name": "ddm-diagnose3-2u8g-1-4bfGfxqdESTHbkKm5XrWLg",
                  "related_data_nodes": [
                    {"instance_id": "fc33739e5d2741529e21d87a7b5923fain01", "instance_name": "mysql_rds_related_ddm_for_diagnose3_01"}
                  ]
                }
                """
        ),
        Example(
            name: "api.md §7 DDM unknown backup",
            target:
                "/v3/619d3e78f61b4be68bc5aa0b59edcf7b/instances/34970585d4964f2a8d6d9ea8d303398bin09/backups/00000000000000000000000000000000br09",
            expected: #"{"error_code": "DBS.201010", "error_msg": "The backup information does not exist."}"#,
            status: 404
        ),
    ]

    @Test(arguments: examples)
    func exampleReturnsTheDocumentedResponse(_ example: Example) async throws {
        let app = makeTestApplication(store: try await Fixtures.exampleStore())
        try await app.test(.router) { client in
            let response = try await client.send(example.target)
            #expect(response.status == example.status)
            #expect(response.header("Content-Type") == "application/json;charset=UTF-8")
            let requestID = try #require(response.requestID)
            #expect(requestID.utf8.count == 32 && requestID.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            // Same members in the same order with the same values and number kinds.
            #expect(try response.json == JSONValue(parsing: example.expected))
        }
    }
}
