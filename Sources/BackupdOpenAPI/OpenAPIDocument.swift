public import BackupdAPI
import Foundation
import OpenAPIKit

/// The OpenAPI 3.1 document of every route (`docs/api.md` §10), built from the operations' own
/// declarations: the dispatcher serves the same values, so the document cannot drift from them.
public enum OpenAPIDocument {
    /// The document's JSON: keys sorted and pretty-printed, so that the same declarations always
    /// give the same bytes (the committed `docs/openapi.json` is compared with it).
    /// - Parameter operations: per route, the declarations of what may answer it, the route's
    ///   own first (`DeclaredOperation.answeringDeclarations`).
    public static func json(_ operations: [[OperationDeclaration]], version: String) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        // The document is built from constant declarations; failing to encode it is a bug here.
        // swiftlint:disable:next force_try
        let data = try! encoder.encode(document(operations, version: version))
        return Array(data) + [UInt8(ascii: "\n")]
    }

    static func document(_ operations: [[OperationDeclaration]], version: String) -> OpenAPI.Document {
        // A link names its target by the operation id of the route it is served on.
        var operationIDs: [Route: String] = [:]
        for declarations in operations {
            if let first = declarations.first { operationIDs[first.route] = first.name }
        }
        var paths: OpenAPI.PathItem.Map = [:]
        for declarations in operations {
            guard let first = declarations.first else { continue }
            let path = OpenAPI.Path(rawValue: first.route.template)
            var item = paths[path]?.pathItemValue ?? OpenAPI.PathItem()
            item[OpenAPI.HttpMethod(rawValue: first.route.method) ?? .get] = operation(declarations, operationIDs: operationIDs)
            paths[path] = .b(item)
        }
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: OpenAPI.Document.Info(
                title: "backupd",
                description: """
                    Huawei Cloud's database-backup APIs (RDS, RDS cross-region, TaurusDB, DCS, DDM), \
                    their write side, IAM tokens and the control API, as backupd serves them on one \
                    base URL. Every error body is one of the envelopes of `Error`.
                    """,
                version: version
            ),
            servers: [],
            paths: paths,
            components: OpenAPI.Components(
                schemas: [OpenAPI.ComponentKey(rawValue: errorSchemaName)!: ShapeSchema.errorBody],
                securitySchemes: SecuritySchemes.components
            )
        )
    }

    static let errorSchemaName = "Error"

    /// One method of one path: the first declaration's name, path variables and credential; the
    /// query parameters and answers of all of them (a path several services share).
    private static func operation(_ declarations: [OperationDeclaration], operationIDs: [Route: String]) -> OpenAPI.Operation {
        let route = declarations[0]
        var parameters: OpenAPI.Parameter.Array = route.route.variables.map { name in
            .b(.path(name: name, schema: .string(minLength: 1)))
        }
        for parameter in QueryParameterSchemas.merged(declarations.filter { $0.route == route.route }) {
            parameters.append(.b(parameter))
        }
        for header in route.headers {
            parameters.append(.b(.header(name: header, schema: .string(minLength: 1))))
        }
        var responses: OpenAPI.Response.Map = [:]
        for (status, contents) in answers(declarations) {
            let links = declarations.filter { $0.successStatus == status }.flatMap(\.links)
            responses[.status(code: status)] = .b(response(status: status, contents, links: links, operationIDs: operationIDs))
        }
        responses[.default] = .b(
            OpenAPI.Response(
                description: "An error, in the envelope of the service, the gateway or IAM (docs/api.md §1.6)",
                content: [.json: .b(OpenAPI.Content(schema: .reference(.component(named: errorSchemaName))))]
            )
        )
        let requestShapes = declarations.compactMap { declaration -> JSONShape? in
            if case .json(let shape) = declaration.body { shape } else { nil }
        }
        let requestBody = requestShapes.first.map { _ in
            OpenAPI.Request(
                content: [.json: .b(OpenAPI.Content(schema: ShapeSchema.schema(unique(requestShapes))))],
                required: true
            )
        }
        return OpenAPI.Operation(
            operationId: route.name,
            parameters: parameters,
            requestBody: requestBody,
            responses: responses,
            security: SecuritySchemes.requirements(route.authentication)
        )
    }

    /// The success (and degraded) statuses of the declarations, each with its contents, in order.
    private static func answers(_ declarations: [OperationDeclaration]) -> [(Int, [OperationDeclaration.Content])] {
        var answers: [(Int, [OperationDeclaration.Content])] = []
        for declaration in declarations {
            for status in [declaration.successStatus] + declaration.degradedStatuses {
                if let index = answers.firstIndex(where: { $0.0 == status }) {
                    if !answers[index].1.contains(declaration.response) { answers[index].1.append(declaration.response) }
                } else {
                    answers.append((status, [declaration.response]))
                }
            }
        }
        return answers.sorted { $0.0 < $1.0 }
    }

    private static func response(
        status: Int,
        _ contents: [OperationDeclaration.Content],
        links: [OperationLink],
        operationIDs: [Route: String]
    ) -> OpenAPI.Response {
        var jsonShapes: [JSONShape] = []
        var content: OpenAPI.Content.Map = [:]
        for item in contents {
            switch item {
            case .json(let shape): jsonShapes.append(shape)
            case .empty: break
            case .text(let mediaType):
                content[OpenAPI.ContentType(rawValue: mediaType) ?? .txt] = .b(OpenAPI.Content(schema: .string))
            }
        }
        if !jsonShapes.isEmpty {
            content[.json] = .b(OpenAPI.Content(schema: ShapeSchema.schema(unique(jsonShapes))))
        }
        var linkMap: OpenAPI.Link.Map = [:]
        for link in links {
            guard let target = operationIDs[link.target] else {
                preconditionFailure("\(link.name) links to \(link.target), which no operation serves")
            }
            var parameters: OrderedDictionary<String, Either<OpenAPI.RuntimeExpression, AnyCodable>> = [:]
            for parameter in link.parameters {
                guard let expression = OpenAPI.RuntimeExpression(rawValue: parameter.source.expression) else {
                    preconditionFailure("\(link.name): \(parameter.source.expression) is no runtime expression")
                }
                parameters[parameter.qualifiedName] = .a(expression)
            }
            linkMap[link.name] = .b(OpenAPI.Link(operationId: target, parameters: parameters))
        }
        return OpenAPI.Response(description: HTTPStatusText.phrase(status), content: content, links: linkMap)
    }

    /// One shape, or any of several.
    private static func unique(_ shapes: [JSONShape]) -> JSONShape {
        var distinct: [JSONShape] = []
        for shape in shapes where !distinct.contains(shape) { distinct.append(shape) }
        return distinct.count == 1 ? distinct[0] : .oneOf(distinct)
    }
}
