import BackupdCatalog

/// The project and domain lists of `docs/auth.md` §6, in their documented key order.
enum ProjectListJSON {
    /// `{"links": {…}, "projects": [ … ]}`.
    /// - Parameter allProjects: every project of the domain, to find a sub-project's parent.
    static func projects(
        _ projects: [Project],
        of domain: Domain,
        allProjects: [Project],
        baseURL: String,
        selfLink: String
    )
        -> [UInt8]
    {
        var json = JSONWriter(capacity: 256 + 320 * projects.count)
        json.object { json in
            links(selfLink, into: &json)
            json.key("projects")
            json.array { json in
                for project in projects {
                    json.object { json in
                        json.key("is_domain")
                        json.bool(false)
                        json.field("description", "")
                        json.key("links")
                        json.object { $0.field("self", baseURL + "/v3/projects/" + project.id) }
                        json.key("enabled")
                        json.bool(true)
                        json.field("id", project.id)
                        json.field("parent_id", parentID(of: project, domain: domain, allProjects: allProjects))
                        json.field("domain_id", domain.id)
                        json.field("name", project.name)
                    }
                }
            }
        }
        return json.bytes
    }

    /// `{"domains": [ … ], "links": {…}}` with the caller's domain.
    static func domains(_ domain: Domain, baseURL: String) -> [UInt8] {
        var json = JSONWriter(capacity: 384)
        json.object { json in
            json.key("domains")
            json.array { json in
                json.object { json in
                    json.field("id", domain.id)
                    json.field("name", domain.name)
                    json.key("enabled")
                    json.bool(true)
                    json.field("description", "")
                    json.key("links")
                    json.object { $0.field("self", baseURL + "/v3/domains/" + domain.id) }
                }
            }
            links(baseURL + "/v3/auth/domains", into: &json)
        }
        return json.bytes
    }

    /// A region project's parent is the domain; a sub-project's is the domain's project named
    /// after its region, when there is one, and the domain otherwise (`docs/auth.md` §6.1).
    static func parentID(of project: Project, domain: Domain, allProjects: [Project]) -> String {
        guard project.name != project.region else { return domain.id }
        return allProjects.first { $0.name == project.region }?.id ?? domain.id
    }

    private static func links(_ selfLink: String, into json: inout JSONWriter) {
        json.key("links")
        json.object { json in
            json.field("self", selfLink)
            json.field("previous", nil as String?)
            json.field("next", nil as String?)
        }
    }
}
