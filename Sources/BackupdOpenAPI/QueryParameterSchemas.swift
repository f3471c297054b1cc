import BackupdAPI
import OpenAPIKit

/// The query parameters of a route as OpenAPI parameters (`docs/api.md` §1.3 for the grammar).
enum QueryParameterSchemas {
    /// The parameters of declarations that share a route (`SharedRoute`), each once, in the order
    /// first declared: required only where every one of them requires it, and a plain string
    /// where they accept different values.
    static func merged(_ declarations: [OperationDeclaration]) -> [OpenAPI.Parameter] {
        var order: [String] = []
        var byName: [String: [QueryParameter]] = [:]
        for parameter in declarations.flatMap(\.query) {
            if byName[parameter.name] == nil { order.append(parameter.name) }
            byName[parameter.name, default: []].append(parameter)
        }
        return order.map { name in
            let variants = byName[name] ?? []
            let required = variants.count == declarations.count && variants.allSatisfy(\.isRequired)
            let schemas = Set(variants.map(\.schema))
            return .query(
                name: name,
                required: required,
                schema: schemas.count == 1 ? schema(variants[0].schema) : .string
            )
        }
    }

    static func schema(_ schema: QueryParameter.Schema) -> JSONSchema {
        switch schema {
        case .string:
            .string
        case .integer(let range, let defaultValue):
            .integer(
                maximum: (range.upperBound, exclusive: false),
                minimum: (range.lowerBound, exclusive: false),
                defaultValue: AnyCodable(defaultValue)
            )
        case .choice(let values):
            .string(allowedValues: values.map { AnyCodable($0) })
        case .offsetTime:
            .string(description: "yyyy-mm-ddThh:mm:ss±hhmm or yyyy-mm-ddThh:mm:ssZ (docs/api.md §1.8)")
        case .compactTime:
            .string(description: "yyyyMMddHHmmss, UTC (docs/api.md §1.8)", pattern: "^[0-9]{14}$")
        case .boolean:
            .string(allowedValues: ["true", "false"])
        }
    }
}
