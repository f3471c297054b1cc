public import BackupdAPI
public import BackupdAuth
public import BackupdCatalog
import Foundation

/// The example seed (`examples/seed.json`, a copy of `shared/spec/examples/seed-example.json`)
/// and helpers to load it.
public enum Fixtures {
    /// The bytes of the repository's example seed.
    public static var exampleSeed: [UInt8] {
        let url = Bundle.module.url(forResource: "seed-example", withExtension: "json", subdirectory: "Fixtures")!
        return Array(try! Data(contentsOf: url))
    }

    /// A hasher cheap enough for tests; production uses `PasswordHasher.recommendedRounds`.
    public static let fastHasher = PasswordHasher(rounds: 1_000)

    /// A new store of `engine` holding the example seed.
    public static func exampleStore(_ engine: StoreEngine = .sqliteMemory) async throws -> any CatalogStore {
        let store = try await engine.makeStore()
        try await SeedLoader(store: store, hasher: fastHasher).load(exampleSeed)
        return store
    }

    /// Loads a seed document given as a string.
    @discardableResult
    public static func load(_ json: String, into store: any CatalogStore) async throws -> SeedLoader.Summary {
        try await SeedLoader(store: store, hasher: fastHasher).load(Array(json.utf8))
    }

    /// The whole catalog as an export (secrets dropped), parsed: two stores hold the same
    /// catalog exactly when their exports are equal.
    public static func export(_ store: any CatalogStore) async throws -> String {
        var bytes: [UInt8] = []
        try await SeedExporter(store: store).export { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    // Credentials of the example seed (test secrets, published in the spec).
    public enum Alice {
        public static let name = "alice"
        public static let password = "Passw0rd!alice"
        public static let access = "HPUAEXAMPLEAK0000001"
        public static let secret = "exampleSecretKey0000000000000000000000001"
    }

    /// Acme's user limited to cn-north-4.
    public enum Bob {
        public static let name = "bob"
        public static let password = "Passw0rd!bob"
        public static let access = "HPUAEXAMPLEAK0000002"
        public static let secret = "exampleSecretKey0000000000000000000000002"
    }

    /// Globex's user.
    public enum Carol {
        public static let name = "carol"
        public static let password = "Passw0rd!carol"
        public static let access = "HPUAEXAMPLEAK0000003"
        public static let secret = "exampleSecretKey0000000000000000000000003"
    }

    // Ids of the example seed, named once.
    public enum Acme {
        public static let domainID = "9a3c0d1e2f4b4c5d8e7f6a5b4c3d2e1f"
        public static let cnNorth4 = "0483b6b16e954cb88930a360d2c4e663"
        public static let apSoutheast1 = "5f1e2d3c4b5a69788796a5b4c3d2e1f0"
        public static let cnEast3 = "97b026aa9cc4417888c14c84a1ad9860"
        public static let apSoutheast3 = "619d3e78f61b4be68bc5aa0b59edcf7b"
        public static let billing = "3d9a8f7e6c5b4a39281706f5e4d3c2b1"
        public static let mysqlInstance = "a48e43ff268f4c0e879652d65e63d0fbin01"
        public static let mysqlProd = "43e4feaab48f11e89039fa163ebaa7e4in01"
        public static let postgresInstance = "b7c6d5e4f3a2419087f6e5d4c3b2a190in03"
        public static let sqlServerInstance = "ad4ee2b80adb430082d8336d7da2e14din04"
        public static let ddmDataNode = "fc33739e5d2741529e21d87a7b5923fain01"
        public static let taurusInstance = "61a4ea66210545909d74a05c27a7179ein07"
        public static let redisInstance = "5560df16-cebf-4473-95c4-d1b573c16e79"
        public static let memcachedInstance = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
        public static let ddmInstance = "34970585d4964f2a8d6d9ea8d303398bin09"
    }

    public enum Globex {
        public static let domainID = "1f2e3d4c5b6a47988796a5b4c3d2e1f0"
        public static let cnNorth4 = "2b3c4d5e6f708192a3b4c5d6e7f80912"
        public static let mysqlInstance = "c0ffee00c0ffee00c0ffee00c0ffee00in01"
    }
}
