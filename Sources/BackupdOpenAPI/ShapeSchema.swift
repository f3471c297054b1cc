import BackupdAPI
import OpenAPIKit

/// JSON Schema (OpenAPI 3.1's dialect) of the shapes operations declare.
enum ShapeSchema {
    static func schema(_ shape: JSONShape) -> JSONSchema {
        switch shape {
        case .string: .string
        case .choice(let values): .string(allowedValues: values.map { AnyCodable($0) })
        case .time(let grammar): .string(description: grammar)
        case .integer: .integer
        case .number: .number
        case .boolean: .boolean
        case .object(let properties, let additional):
            .object(
                properties: OrderedDictionary(
                    properties.map { property in
                        let schema = schema(property.shape)
                        return (property.name, property.isRequired ? schema : schema.optionalSchemaObject())
                    },
                    uniquingKeysWith: { first, _ in first }
                ),
                additionalProperties: .a(additional)
            )
        case .map(let values): .object(additionalProperties: .b(schema(values)))
        case .array(let items): .array(items: schema(items))
        case .nullable(let inner): .any(of: [schema(inner), .null()])
        case .oneOf(let shapes): .any(of: shapes.map(schema))
        case .any: .fragment
        }
    }

    /// `Error`: any of the envelopes of `docs/api.md` §1.6.
    static let errorBody = schema(ErrorShapes.any)
}
