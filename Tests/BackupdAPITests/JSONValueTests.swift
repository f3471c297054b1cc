import BackupdAPI
import Testing

/// The JSON parser behind seed files and golden tests (RFC 8259, key order kept).
@Suite struct JSONValueTests {
    static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONValue(parsing: text) }

    static func syntaxError(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONValue(parsing: text)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Valid documents

    @Test("objects keep member order and number kinds")
    func document() throws {
        let value = try Self.parse(
            #"{"z": 1, "a": [true, false, null], "s": "x", "f": 1.5, "i": 1.0, "e": 1e2, "n": -0, "big": -9223372036854775808}"#
        )
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["z", "a", "s", "f", "i", "e", "n", "big"])
        #expect(value["z"] == .integer(1))
        #expect(value["a"] == .array([.bool(true), .bool(false), .null]))
        #expect(value["s"] == .string("x"))
        #expect(value["f"] == .number(1.5))
        #expect(value["i"] == .number(1.0))
        #expect(value["i"] != .integer(1))
        #expect(value["e"] == .number(100))
        #expect(value["n"] == .integer(0))
        #expect(value["big"] == .integer(Int64.min))
        #expect(value["missing"] == nil)
    }

    @Test(
        "top-level values and blanks around them",
        arguments: [
            ("1", JSONValue.integer(1)), (" \t\r\n true \n", .bool(true)), ("null", .null), (#""s""#, .string("s")),
            ("[]", .array([])), ("{}", .object([])), ("-12.5e-1", .number(-1.25)), ("0", .integer(0)),
            ("9223372036854775807", .integer(Int64.max)), ("9223372036854775808", .number(9.223372036854775808e18)),
            ("1E+2", .number(100)), ("[ 1 , [ 2 ] ]", .array([.integer(1), .array([.integer(2)])])),
        ]
    )
    func topLevel(text: String, expected: JSONValue) throws {
        #expect(try Self.parse(text) == expected)
    }

    @Test("duplicate keys are kept, in order; lookup finds the first")
    func duplicateKeys() throws {
        let value = try Self.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        guard case .object(let members) = value else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["a", "b", "a"])
        #expect(members.map(\.value) == [.integer(1), .integer(2), .integer(3)])
        #expect(value["a"] == .integer(1))
    }

    @Test("escapes decode to their characters")
    func escapes() throws {
        #expect(try Self.parse(#""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{8}e\u{C}f\ng\rh\ti"))
        #expect(try Self.parse(#""\u00e9\u00C9""#) == .string("éÉ"))
        #expect(try Self.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try Self.parse(#""x\u20ACy""#) == .string("x€y"))
        #expect(try Self.parse("\"é€\"") == .string("é€"))
        #expect(try Self.parse(#""plain then \n escape""#) == .string("plain then \n escape"))
        #expect(try Self.parse(#""\\""#) == .string("\\"))
    }

    @Test("surrogate pairs combine; unpaired surrogates are errors")
    func surrogates() throws {
        #expect(try Self.parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try Self.parse(#""\uD83D\uDE00!""#) == .string("😀!"))
        #expect(try Self.parse(#""\udbff\udfff""#) == .string("\u{10FFFF}"))
        #expect(try Self.parse(#""\ud800\udc00""#) == .string("\u{10000}"))
        #expect(Self.syntaxError(#""\ud83d""#) != nil)
        #expect(Self.syntaxError(#""\ud83dx""#) != nil)
        #expect(Self.syntaxError(#""\ud83d\u0041""#) != nil)
        #expect(Self.syntaxError(#""\ud83d\ud83d""#) != nil)
        #expect(Self.syntaxError(#""\ude00""#) != nil)
        #expect(Self.syntaxError(#""\ude00\ud83d""#) != nil)
    }

    // MARK: Errors

    @Test(
        "malformed documents are rejected",
        arguments: [
            "", " ", "{", "[", "]", "}", "[1,]", #"{"a":1,}"#, "[1 2]", #"{"a" 1}"#, #"{a:1}"#, "{'a':1}", "'s'",
            "01", "-01", "1.", ".5", "-", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "tru", "nul",
            "True", "[1] [2]", "{} x", "// c\n1", "/* c */1", "\u{C}1", "1e400", "-1e400", #""\x""#, #""\u12""#,
            #""\u12g4""#, "\"a\tb\"", "\"a\nb\"", "\"abc", #""abc\"#,
        ]
    )
    func malformed(text: String) {
        #expect(Self.syntaxError(text) != nil, "\(text.debugDescription) parsed")
    }

    @Test("invalid UTF-8 inside a string is an error")
    func invalidUTF8() throws {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xC3, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(parsing: [0x22, 0xED, 0xA0, 0x80, 0x22]) }
        #expect(try JSONValue(parsing: [0x22, 0xC3, 0xA9, 0x22]) == .string("é"))
    }

    @Test(
        "errors give the line and column where reading stopped",
        arguments: [
            ("[1,\n2,\n@]", 3, 1),
            (#"{"a" 1}"#, 1, 6),
            ("{} x", 1, 4),
            ("[1 2]", 1, 4),
            ("", 1, 1),
            ("\n\n   }", 3, 4),
            ("{\n  \"a\": tru\n}", 2, 11),
            ("[\n  1,\n  2,\n]", 4, 1),
            ("\"abc", 1, 5),
        ]
    )
    func errorPosition(text: String, line: Int, column: Int) {
        let error = Self.syntaxError(text)
        #expect(error?.line == line, "\(String(describing: error))")
        #expect(error?.column == column, "\(String(describing: error))")
        if let error {
            #expect(error.description.hasPrefix("line \(line), column \(column): "))
            #expect(!error.reason.isEmpty)
        }
    }

    // MARK: Nesting

    @Test("nesting up to 512 levels parses; deeper is an error, not a crash")
    func nesting() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try Self.parse(deepest) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = Self.syntaxError(tooDeep)
        #expect(error != nil)
        #expect(error?.column == 513)
        let objects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(Self.syntaxError(objects) != nil)
        let okObjects = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(throws: Never.self) { try Self.parse(okObjects) }
        let mixed = String(repeating: #"[{"a":"#, count: 257) + "1" + String(repeating: "}]", count: 257)
        #expect(Self.syntaxError(mixed) != nil)
        // An absurdly deep document fails fast.
        let huge = String(repeating: "[", count: 200_000)
        #expect(Self.syntaxError(huge) != nil)
        // Depth counts nesting, not the number of containers.
        let wide = "[" + Array(repeating: "[[]]", count: 2000).joined(separator: ",") + "]"
        #expect(throws: Never.self) { try Self.parse(wide) }
    }

    // MARK: Values

    @Test("sortingKeys orders members recursively; equality respects order")
    func sortingKeys() throws {
        let a = try Self.parse(#"{"b": {"y": 1, "x": [{"d": 1, "c": 2}]}, "a": 0}"#)
        let b = try Self.parse(#"{"a": 0, "b": {"x": [{"c": 2, "d": 1}], "y": 1}}"#)
        #expect(a != b)
        #expect(a.sortingKeys == b.sortingKeys)
        #expect(JSONValue.integer(1) != .number(1))
        #expect(JSONValue.bool(true) != .integer(1))
        #expect(JSONValue.null != .string("null"))
    }
}
