// swift-tools-version:6.2
import PackageDescription

/// Settings shared by every target (the same set Hummingbird builds with).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "backupd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "backupd", targets: ["BackupdCLI"]),
        .executable(name: "backupd-fuzz", targets: ["BackupdFuzzer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Without its ExternalLoading trait: the document is built, never loaded from elsewhere.
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
    ],
    targets: [
        // Calendar arithmetic and time texts, shared by the catalog and the signer. No dependencies.
        .target(name: "BackupdTime", swiftSettings: swiftSettings),
        // Domain: catalog model, query semantics, the store's role protocols, semantic errors. No SQL, no HTTP.
        // (Crypto only for the ids of automated records, SHA-256 of what they are.)
        .target(
            name: "BackupdCatalog",
            dependencies: ["BackupdTime", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // Credential digests, SDK-HMAC-SHA256 signing and verification, IAM token texts. Pure.
        .target(
            name: "BackupdAuth",
            dependencies: [
                "BackupdTime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both store engines share: tables and columns, row encoding and decoding, the ordered-list paging.
        .target(name: "BackupdStorage", dependencies: ["BackupdCatalog"], swiftSettings: swiftSettings),
        // The SQLite engine of the catalog store.
        .target(
            name: "BackupdSQLite",
            dependencies: [
                "BackupdCatalog", "BackupdStorage",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL engine of the catalog store, for several nodes on one database.
        .target(
            name: "BackupdPostgres",
            dependencies: [
                "BackupdCatalog", "BackupdStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Only for its ConnectionPoolError, which PostgresClient throws but does not re-export.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Huawei Cloud contract per service: operations, parameters, validation, response shapes,
        // errors, authentication and tenancy, seed files.
        .target(
            name: "BackupdAPI",
            dependencies: ["BackupdCatalog", "BackupdAuth"],
            swiftSettings: swiftSettings
        ),
        // Server certificates: loading and checking PEM files, and throw-away development ones.
        .target(
            name: "BackupdTLS",
            dependencies: [
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The OpenAPI 3.1 document of every route, built from the operations' declarations.
        .target(
            name: "BackupdOpenAPI",
            dependencies: ["BackupdAPI", .product(name: "OpenAPIKit", package: "OpenAPIKit")],
            swiftSettings: swiftSettings
        ),
        // glibc's allocator statistics (the heap gauges of /metrics) and settings (`serve`'s), which
        // Swift's Glibc module leaves out.
        .target(name: "CMalloc"),
        // The Hummingbird application: pipeline, request context, dispatcher.
        .target(
            name: "BackupdServer",
            dependencies: [
                "BackupdAPI", "BackupdAuth", "BackupdCatalog", "BackupdSQLite", "BackupdPostgres",
                "BackupdTLS", "BackupdOpenAPI", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // The thin executable: commands, bootstrapping, nothing else.
        .executableTarget(
            name: "BackupdCLI",
            dependencies: [
                "BackupdServer", "BackupdAPI", "BackupdAuth", "BackupdCatalog", "BackupdPostgres", "BackupdTLS",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The parsers hostile input reaches first, as fuzz targets (scripts/fuzz-parsers).
        .target(
            name: "BackupdFuzzTargets",
            dependencies: ["BackupdAPI", "BackupdAuth", "BackupdCatalog", "BackupdSQLite"],
            swiftSettings: swiftSettings
        ),
        // libFuzzer's driver over one target, or a replay of a corpus without the fuzzer.
        .executableTarget(name: "BackupdFuzzer", dependencies: ["BackupdFuzzTargets"], swiftSettings: swiftSettings),
        // Fixtures and store factories shared by the test targets.
        .target(
            name: "BackupdTestSupport",
            dependencies: [
                "BackupdServer", "BackupdSQLite", "BackupdPostgres", "BackupdStorage", "BackupdAPI", "BackupdAuth",
                "BackupdCatalog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system", condition: .when(platforms: [.linux])),
            ],
            path: "Tests/BackupdTestSupport",
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BackupdCatalogTests", dependencies: ["BackupdCatalog"], swiftSettings: swiftSettings),
        // The signer against the official SDK's vectors (a copy of shared/spec/signing-vectors.json).
        .testTarget(
            name: "BackupdAuthTests",
            dependencies: ["BackupdAuth", "BackupdCatalog"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackupdStoreConformanceTests",
            dependencies: ["BackupdTestSupport", "BackupdCatalog"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackupdAPITests",
            dependencies: ["BackupdAPI", "BackupdAuth", "BackupdCatalog", "BackupdTestSupport", "BackupdFuzzTargets"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackupdServerTests",
            dependencies: [
                "BackupdServer", "BackupdAPI", "BackupdAuth", "BackupdCatalog", "BackupdSQLite", "BackupdTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                // StoreWriteHealthTests caps the SQLite writer's pages.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL engine's own behaviour: URLs, migrations, plans, outages (a cluster per test where it stops one).
        .testTarget(
            name: "BackupdPostgresTests",
            dependencies: [
                "BackupdPostgres", "BackupdAPI", "BackupdTestSupport", "BackupdCatalog",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `backupd` binary; depending on its target makes `swift test` build it first.
        .testTarget(
            name: "BackupdCLITests",
            dependencies: ["BackupdTestSupport", "BackupdCLI", "BackupdAPI", "BackupdAuth", "BackupdCatalog"],
            swiftSettings: swiftSettings
        ),
    ]
)
