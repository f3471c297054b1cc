import BackupdCatalog

/// Which services a token's catalog lists (`docs/auth.md` §2.2).
public enum TokenCatalogStyle: Sendable, Hashable {
    /// The five entries of the table, every regional one at `<base>`.
    case huaweiCloud
    /// Those, with DCS's endpoint naming the project's v1.0 base, then the types openstacksdk's Open
    /// Telekom Cloud extensions look these services up by (`serve --openstack-catalog`, §2.6).
    case openStack
}

/// The token body of `docs/auth.md` §2.2, written in its documented key order.
enum TokenJSON {
    /// A catalog entry (`docs/auth.md` §2.2): its name and OpenStack type, and where its endpoint
    /// points on this server.
    private struct Service {
        enum Endpoint {
            /// `<base>` + this path, in every catalog.
            case base(String)
            /// `<base>` + this prefix + `/<project id>` in a project-scoped token, as OpenStack-based
            /// tools expect a project's endpoint; plain `<base>` in a domain-scoped one.
            case projectOrBase(String)
            /// `<base>` + this prefix + `/<project id>`, only in a project-scoped token.
            case project(String)
        }

        let name: String
        let type: String
        let endpoint: Endpoint

        func url(baseURL: String, projectID: String?) -> String? {
            switch endpoint {
            case .base(let path): baseURL + path
            case .projectOrBase(let prefix): projectID.map { baseURL + prefix + "/" + $0 } ?? baseURL
            case .project(let prefix): projectID.map { baseURL + prefix + "/" + $0 }
            }
        }
    }

    /// The regional services after `iam`, in the table's order.
    private static func regionalServices(_ style: TokenCatalogStyle) -> [Service] {
        switch style {
        case .huaweiCloud:
            ["rds", "gaussdb", "ddm", "dcs"].map { Service(name: $0, type: $0, endpoint: .base("")) }
        case .openStack:
            [
                Service(name: "rds", type: "rds", endpoint: .base("")),
                Service(name: "gaussdb", type: "gaussdb", endpoint: .base("")),
                Service(name: "ddm", type: "ddm", endpoint: .base("")),
                Service(name: "dcs", type: "dcs", endpoint: .projectOrBase("/v1.0")),
                Service(name: "rdsv3", type: "rdsv3", endpoint: .project("/v3")),
                Service(name: "gaussdb-mysql", type: "gaussdb-mysql", endpoint: .project("/v3")),
                Service(name: "ddmv3", type: "ddmv3", endpoint: .project("/v3")),
            ]
        }
    }

    /// - Parameters:
    ///   - project: the token's project, for a project-scoped token.
    ///   - domainProjects: every project of the domain, for a domain-scoped token's catalog.
    ///   - baseURL: `<scheme>://<host>`; `nil` leaves `catalog` out (`nocatalog`).
    static func body(
        token: IssuedToken,
        principal: Principal,
        project: Project?,
        domainProjects: [Project],
        baseURL: String?,
        catalogStyle: TokenCatalogStyle
    ) -> [UInt8] {
        var json = JSONWriter(capacity: 2048)
        json.object { json in
            json.key("token")
            json.object { json in
                json.key("methods")
                json.array { $0.string("password") }
                json.field("expires_at", TimeGrammar.formatUTCMicroseconds(token.expiresAt))
                json.field("issued_at", TimeGrammar.formatUTCMicroseconds(token.issuedAt))
                json.key("user")
                json.object { json in
                    domain(principal.domain, into: &json)
                    json.field("id", IAMIdentifiers.userID(domainID: principal.domain.id, userName: principal.user.name))
                    json.field("name", principal.user.name)
                    json.field("password_expires_at", "")
                }
                if let project {
                    json.key("project")
                    json.object { json in
                        domain(principal.domain, into: &json)
                        json.field("id", project.id)
                        json.field("name", project.name)
                    }
                } else {
                    json.key("domain")
                    json.object { json in
                        json.field("id", principal.domain.id)
                        json.field("name", principal.domain.name)
                    }
                }
                if let baseURL {
                    // A project-scoped token: its project's region; domain-scoped: every region of the domain.
                    let regions = project.map { [$0.region] } ?? Array(Set(domainProjects.map(\.region))).sorted()
                    json.key("catalog")
                    catalog(
                        catalogStyle,
                        baseURL: baseURL,
                        projectID: project?.id,
                        regions: regions,
                        into: &json
                    )
                }
                json.key("roles")
                json.array { _ in }
            }
        }
        return json.bytes
    }

    private static func domain(_ domain: Domain, into json: inout JSONWriter) {
        json.key("domain")
        json.object { json in
            json.field("id", domain.id)
            json.field("name", domain.name)
        }
    }

    private static func catalog(
        _ style: TokenCatalogStyle,
        baseURL: String,
        projectID: String?,
        regions: [String],
        into json: inout JSONWriter
    ) {
        json.array { json in
            entry(name: "iam", type: "identity", url: baseURL + "/v3", regions: ["*"], into: &json)
            for service in regionalServices(style) {
                guard let url = service.url(baseURL: baseURL, projectID: projectID) else { continue }
                entry(name: service.name, type: service.type, url: url, regions: regions, into: &json)
            }
        }
    }

    private static func entry(name: String, type: String, url: String, regions: [String], into json: inout JSONWriter) {
        json.object { json in
            json.field("type", type)
            json.field("id", IAMIdentifiers.serviceID(name))
            json.field("name", name)
            json.key("endpoints")
            json.array { json in
                for region in regions {
                    json.object { json in
                        json.field("url", url)
                        json.field("region", region)
                        json.field("region_id", region)
                        json.field("interface", "public")
                        json.field("id", IAMIdentifiers.endpointID(service: name, region: region))
                    }
                }
            }
        }
    }
}
