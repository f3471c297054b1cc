import BackupdCatalog

/// The token body of `docs/auth.md` §2.2, written in its documented key order.
enum TokenJSON {
    /// The regional services the catalog lists after `iam`, in the table's order.
    private static let regionalServices = ["rds", "gaussdb", "ddm", "dcs"]

    /// - Parameters:
    ///   - project: the token's project, for a project-scoped token.
    ///   - domainProjects: every project of the domain, for a domain-scoped token's catalog.
    ///   - baseURL: `<scheme>://<host>`; `nil` leaves `catalog` out (`nocatalog`).
    static func body(
        token: IssuedToken,
        principal: Principal,
        project: Project?,
        domainProjects: [Project],
        baseURL: String?
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
                    catalog(baseURL: baseURL, regions: regions, into: &json)
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

    private static func catalog(baseURL: String, regions: [String], into json: inout JSONWriter) {
        json.array { json in
            entry(name: "iam", type: "identity", url: baseURL + "/v3", regions: ["*"], into: &json)
            for service in regionalServices {
                entry(name: service, type: service, url: baseURL, regions: regions, into: &json)
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
