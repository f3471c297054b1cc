/// The JSON shapes of the IAM operations, for the OpenAPI document: the password token and its body
/// (`docs/auth.md` §2.1, §2.2, §6.4), the project and domain lists (§6.1–§6.3) and version discovery
/// (`IAMVersionDiscovery`). The token body ignores unknown members, but `null` is not read as absent.
enum IAMShapes {
    /// `{"id"}`, `{"name"}` or both; one of them must be given.
    private static let reference = JSONShape.object(
        [.optional("id", .string), .optional("name", .string)],
        additional: true
    )

    /// `auth.identity`: `methods` must be exactly `["password"]`.
    private static let identity = JSONShape.object(
        [
            .init("methods", .array(.choice(["password"]))),
            .init(
                "password",
                .object(
                    [
                        .init(
                            "user",
                            .object(
                                [.init("name", .string), .init("password", .string), .init("domain", reference)],
                                additional: true
                            )
                        )
                    ],
                    additional: true
                )
            ),
        ],
        additional: true
    )

    /// `auth.scope`: a project or a domain; the project wins when both are given.
    private static let scope = JSONShape.object(
        [
            .optional(
                "project",
                .object(
                    [.optional("id", .string), .optional("name", .string), .optional("domain", reference)],
                    additional: true
                )
            ),
            .optional("domain", reference),
        ],
        additional: true
    )

    /// No `scope`: a domain-scoped token.
    static let keystoneCreateUserTokenByPasswordRequest = JSONShape.object(
        [
            .init(
                "auth",
                .object([.init("identity", identity), .optional("scope", scope)], additional: true)
            )
        ],
        additional: true
    )

    private static let idAndName = JSONShape.object([.init("id", .string), .init("name", .string)])

    /// A catalog entry (`TokenJSON`): `iam` at `<base>/v3` for region `*`, then the regional
    /// services, one endpoint per region (a domain-scoped token of a domain without projects has none).
    private static let catalogEntry = JSONShape.object([
        .init("type", .choice(["identity", "rds", "gaussdb", "ddm", "dcs", "rdsv3", "gaussdb-mysql", "ddmv3"])),
        .init("id", .string),
        .init("name", .choice(["iam", "rds", "gaussdb", "ddm", "dcs", "rdsv3", "gaussdb-mysql", "ddmv3"])),
        .init(
            "endpoints",
            .array(
                .object([
                    .init("url", .string),
                    .init("region", .string),
                    .init("region_id", .string),
                    .init("interface", .choice(["public"])),
                    .init("id", .string),
                ])
            )
        ),
    ])

    /// The token body: exactly one of `project` (project-scoped) and `domain` (domain-scoped);
    /// `catalog` unless the query has a non-empty `nocatalog`; `roles` always `[]`.
    private static let token = JSONShape.object([
        .init(
            "token",
            .object([
                .init("methods", .array(.choice(["password"]))),
                .init("expires_at", .time("yyyy-mm-ddThh:mm:ss.ffffffZ, UTC")),
                .init("issued_at", .time("yyyy-mm-ddThh:mm:ss.ffffffZ, UTC")),
                .init(
                    "user",
                    .object([
                        .init("domain", idAndName),
                        .init("id", .string),
                        .init("name", .string),
                        .init("password_expires_at", .choice([""])),
                    ])
                ),
                .optional(
                    "project",
                    .object([.init("domain", idAndName), .init("id", .string), .init("name", .string)])
                ),
                .optional("domain", idAndName),
                .optional("catalog", .array(catalogEntry)),
                .init("roles", .array(.any)),
            ])
        )
    ])

    /// 201, the token in `X-Subject-Token`.
    static let keystoneCreateUserTokenByPasswordAnswer = token

    /// 200, the subject token's body.
    static let keystoneValidateTokenAnswer = token

    /// `previous` and `next` are always `null`.
    private static let links = JSONShape.object([
        .init("self", .string),
        .init("previous", .nullable(.string)),
        .init("next", .nullable(.string)),
    ])

    private static let projectList = JSONShape.object([
        .init("links", links),
        .init(
            "projects",
            .array(
                .object([
                    .init("is_domain", .boolean),
                    .init("description", .choice([""])),
                    .init("links", .object([.init("self", .string)])),
                    .init("enabled", .boolean),
                    .init("id", .string),
                    .init("parent_id", .string),
                    .init("domain_id", .string),
                    .init("name", .string),
                ])
            )
        ),
    ])

    /// `is_domain` is always `false`, `enabled` always `true`.
    static let keystoneListProjectsAnswer = projectList

    static let keystoneListAuthProjectsAnswer = projectList

    /// The caller's domain alone; `enabled` always `true`.
    static let keystoneListAuthDomainsAnswer = JSONShape.object([
        .init(
            "domains",
            .array(
                .object([
                    .init("id", .string),
                    .init("name", .string),
                    .init("enabled", .boolean),
                    .init("description", .choice([""])),
                    .init("links", .object([.init("self", .string)])),
                ])
            )
        ),
        .init("links", links),
    ])

    /// Identity v3, the one version there is.
    private static let version = JSONShape.object([
        .init("id", .choice(["v3.6"])),
        .init("status", .choice(["stable"])),
        .init("updated", .time("yyyy-mm-ddThh:mm:ssZ")),
        .init("links", .array(.object([.init("rel", .choice(["self"])), .init("href", .string)]))),
        .init(
            "media-types",
            .array(
                .object([
                    .init("base", .choice(["application/json"])),
                    .init("type", .choice(["application/vnd.openstack.identity-v3+json"])),
                ])
            )
        ),
    ])

    /// `GET /v3`.
    static let keystoneShowVersionAnswer = JSONShape.object([.init("version", version)])

    /// `GET /` (300).
    static let keystoneListVersionsAnswer = JSONShape.object([
        .init("versions", .object([.init("values", .array(version))]))
    ])
}
