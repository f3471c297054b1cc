import BackupdCatalog

/// A PostgreSQL catalog as `--store` names it:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME]` (or `postgresql://`).
///
/// The password may instead come from `BACKUPD_PG_PASSWORD`, which keeps it out of process
/// listings and shell histories. `schema` (default `public`) lets several catalogs, or a test
/// suite's many throw-away ones, share one database. `description` masks the password: it is
/// what logs, banners and errors print.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String

    public static let defaultPort = 5432
    public static let passwordVariable = "BACKUPD_PG_PASSWORD"

    public init(user: String, password: String?, host: String, port: Int = defaultPort, database: String, schema: String = "public") {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.schema = schema
    }

    /// Whether `text` names a PostgreSQL store at all (then `init(parsing:)` says what is wrong with it).
    public static func matches(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Parameter environmentPassword: `BACKUPD_PG_PASSWORD`, used when the URL has no password.
    /// - Throws: `CatalogError.invalidLocation` naming what is wrong, never echoing the password.
    public init(parsing text: String, environmentPassword: String? = nil) throws {
        let scheme = text.hasPrefix("postgresql://") ? "postgresql://" : "postgres://"
        guard text.hasPrefix(scheme) else {
            throw CatalogError.invalidLocation("expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        var rest = text.dropFirst(scheme.count)
        var schema = "public"
        if let question = rest.firstIndex(of: "?") {
            schema = try Self.schema(fromQuery: rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw CatalogError.invalidLocation("postgres:// needs a user: postgres://USER@HOST/DATABASE")
        }
        let credentials = rest[..<at]
        let address = rest[rest.index(after: at)...]
        let user: Substring
        var password: String?
        if let colon = credentials.firstIndex(of: ":") {
            user = credentials[..<colon]
            password = try Self.decode(credentials[credentials.index(after: colon)...], part: "password")
        } else {
            user = credentials
        }
        guard !user.isEmpty else { throw CatalogError.invalidLocation("postgres:// needs a user before @") }
        guard let slash = address.firstIndex(of: "/") else {
            throw CatalogError.invalidLocation("postgres:// needs a database: postgres://USER@HOST:PORT/DATABASE")
        }
        let hostAndPort = address[..<slash]
        let database = try Self.decode(address[address.index(after: slash)...], part: "database")
        guard !database.isEmpty, !database.contains("/") else {
            throw CatalogError.invalidLocation("postgres:// needs one database name after the host")
        }
        var host = hostAndPort
        var port = Self.defaultPort
        if hostAndPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:5432.
            guard let close = hostAndPort.firstIndex(of: "]") else {
                throw CatalogError.invalidLocation("postgres:// host: unclosed [ in an IPv6 address")
            }
            host = hostAndPort[hostAndPort.index(after: hostAndPort.startIndex)..<close]
            let after = hostAndPort[hostAndPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw CatalogError.invalidLocation("postgres:// host: unexpected text after ]") }
                port = try Self.port(after.dropFirst())
            }
        } else if let colon = hostAndPort.lastIndex(of: ":") {
            host = hostAndPort[..<colon]
            port = try Self.port(hostAndPort[hostAndPort.index(after: colon)...])
        }
        guard !host.isEmpty else { throw CatalogError.invalidLocation("postgres:// needs a host after @") }
        self.init(
            user: try Self.decode(user, part: "user"),
            password: password ?? environmentPassword,
            host: String(host),
            port: port,
            database: database,
            schema: schema
        )
    }

    /// The URL with its password masked.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let secret = password == nil ? "" : ":***"
        let query = schema == "public" ? "" : "?schema=\(schema)"
        return "postgres://\(user)\(secret)@\(shownHost):\(port)/\(database)\(query)"
    }

    private static func port(_ text: Substring) throws -> Int {
        guard let port = Int(text), (1...65_535).contains(port) else {
            throw CatalogError.invalidLocation("postgres:// port must be a number from 1 to 65535")
        }
        return port
    }

    private static func schema(fromQuery query: Substring) throws -> String {
        var schema = "public"
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "schema" else {
                throw CatalogError.invalidLocation("postgres:// knows one parameter, schema=NAME")
            }
            schema = try decode(parts[1], part: "schema")
        }
        // Quoted as an identifier in SQL; kept to a plain form so that it also reads well in logs.
        let allowed = schema.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
        guard allowed, !schema.isEmpty, schema.utf8.count <= 63 else {
            throw CatalogError.invalidLocation("postgres:// schema must be 1 to 63 of a-z, 0-9 and _")
        }
        return schema
    }

    /// Percent-decodes one part of the URL (a password may hold `@`, `:` or `/` written as `%40`…).
    private static func decode(_ text: Substring, part: String) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                throw CatalogError.invalidLocation("postgres:// \(part) has a malformed %-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self), CatalogText.isStorable(decoded) else {
            throw CatalogError.invalidLocation("postgres:// \(part) is not valid UTF-8 text")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
