import BackupdCatalog
import BackupdPostgres
import Testing

/// `--store postgres://…`: every part parsed, the password never shown.
@Suite struct PostgresLocationTests {
    @Test func aFullURLGivesEveryPart() throws {
        let location = try PostgresLocation(parsing: "postgres://backupd:s3cr%40t@db.example.com:6543/catalog?schema=tenant_a")
        #expect(
            location
                == PostgresLocation(user: "backupd", password: "s3cr@t", host: "db.example.com", port: 6543, database: "catalog", schema: "tenant_a")
        )
        #expect(location.description == "postgres://backupd:***@db.example.com:6543/catalog?schema=tenant_a")
    }

    @Test func defaultsAndTheOtherScheme() throws {
        let location = try PostgresLocation(parsing: "postgresql://me@localhost/backups")
        #expect(location == PostgresLocation(user: "me", password: nil, host: "localhost", port: 5432, database: "backups"))
        #expect(location.description == "postgres://me@localhost:5432/backups")
    }

    @Test func thePasswordMayComeFromTheEnvironmentButTheURLWins() throws {
        #expect(try PostgresLocation(parsing: "postgres://me@h/db", environmentPassword: "env").password == "env")
        #expect(try PostgresLocation(parsing: "postgres://me:url@h/db", environmentPassword: "env").password == "url")
        #expect(try PostgresLocation(parsing: "postgres://me:@h/db", environmentPassword: "env").password == "")
    }

    @Test func anIPv6HostIsBracketed() throws {
        let location = try PostgresLocation(parsing: "postgres://me:pw@[::1]:5433/db")
        #expect(location.host == "::1")
        #expect(location.port == 5433)
        #expect(location.description == "postgres://me:***@[::1]:5433/db")
    }

    @Test(arguments: [
        ("postgres://", "user"),
        ("postgres://h/db", "user"),
        ("postgres://@h/db", "user"),
        ("postgres://me:topsecret@h", "database"),
        ("postgres://me:topsecret@h/", "database"),
        ("postgres://me:topsecret@h/a/b", "database"),
        ("postgres://me:topsecret@/db", "host"),
        ("postgres://me:topsecret@h:0/db", "port"),
        ("postgres://me:topsecret@h:70000/db", "port"),
        ("postgres://me:topsecret@h:x/db", "port"),
        ("postgres://me:topsecret@[::1/db", "IPv6"),
        ("postgres://me:top%zzsecret@h/db", "%-escape"),
        ("postgres://me:topsecret@h/db?sslmode=disable", "schema=NAME"),
        ("postgres://me:topsecret@h/db?schema=Bad-Name", "schema"),
        ("postgres://me:topsecret@h/db?schema=", "schema"),
    ])
    func malformedURLsAreRefusedWithoutEchoingThePassword(url: String, names: String) {
        do {
            _ = try PostgresLocation(parsing: url)
            Issue.record("\(url) was accepted")
        } catch let CatalogError.invalidLocation(message) {
            #expect(message.contains(names), "\(url): \(message)")
            #expect(!message.contains("topsecret"), "\(url): the password is in the message: \(message)")
        } catch {
            Issue.record("\(url): \(error)")
        }
    }
}
