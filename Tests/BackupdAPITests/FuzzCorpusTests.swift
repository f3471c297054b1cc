import BackupdFuzzTargets
import Foundation
import Testing

/// Every committed fuzz input, and every input the fuzzer once found trapping, runs through its
/// parser target without a trap (`scripts/fuzz-parsers`, README "Faults"): a crash found becomes
/// a regression test by being kept in `Fuzz/crashes/<target>/`.
@Suite struct FuzzCorpusTests {
    static let fuzz = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    @Test(arguments: ParserTarget.allCases)
    func theCommittedInputsPassTheirTarget(_ target: ParserTarget) throws {
        var inputs = 0
        for folder in ["corpus", "crashes"] {
            let directory = Self.fuzz.appendingPathComponent(folder).appendingPathComponent(target.rawValue)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files.sorted() {
                target.run(Array(try Data(contentsOf: directory.appendingPathComponent(file))))
                inputs += 1
            }
        }
        #expect(inputs > 0, "no committed corpus for \(target.rawValue)")
    }
}
