/// The shape of a JSON body an operation reads or writes, declared beside the code that writes
/// it, for the OpenAPI document (`docs/api.md` §10). It says which keys an object has, in the
/// order they are written, which of them may be left out, and which values may be `null`.
/// schemathesis checks every answer against it, so a shape that no longer matches its writer
/// fails the tests.
public indirect enum JSONShape: Sendable, Hashable {
    case string
    /// A string of one of these values.
    case choice([String])
    /// A string in a time grammar, described in words (`docs/api.md` §1.8).
    case time(String)
    case integer
    case number
    case boolean
    /// An object with these keys in this order; `additional` allows keys it does not list.
    case object([Property], additional: Bool = false)
    /// An object of any keys, each value of this shape.
    case map(JSONShape)
    case array(JSONShape)
    /// The shape or `null`.
    case nullable(JSONShape)
    /// Any one of these shapes.
    case oneOf([JSONShape])
    /// Any JSON value.
    case any

    /// One key of an object.
    public struct Property: Sendable, Hashable {
        public let name: String
        public let shape: JSONShape
        /// Whether every object of the shape has the key.
        public let isRequired: Bool

        public init(_ name: String, _ shape: JSONShape, required: Bool = true) {
            self.name = name
            self.shape = shape
            self.isRequired = required
        }
    }

    /// `{}`: the answer of writes that return nothing more.
    public static let empty = JSONShape.object([])
}

extension JSONShape.Property {
    /// A key some objects of the shape leave out.
    public static func optional(_ name: String, _ shape: JSONShape) -> JSONShape.Property {
        JSONShape.Property(name, shape, required: false)
    }
}
