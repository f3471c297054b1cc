import BackupdFuzzTargets
import Foundation

/// `backupd-fuzz TARGET [libFuzzer options] [CORPUS…]`: one parser target (`ParserTarget`).
///
/// Built with `-sanitize=fuzzer` and `--export-dynamic` (`scripts/fuzz-parsers`), the binary carries
/// libFuzzer, whose driver this program finds at run time and hands the target's inputs to
/// (`LLVMFuzzerInitialize`, should libFuzzer's own `main` run instead, takes the target's name off
/// the arguments the same way). In any other build it replays every file of the corpus
/// directories once, as a regression check.

/// The target libFuzzer runs (its callbacks cannot capture).
nonisolated(unsafe) var fuzzedTarget: ParserTarget?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>
) -> Int32 {
    // Through the driver (below), the target is chosen and its name already gone.
    if fuzzedTarget != nil { return 0 }
    guard argc.pointee >= 2, let name = argv.pointee[1], let target = ParserTarget(rawValue: String(cString: name)) else {
        FileHandle.standardError.write(Data("usage: backupd-fuzz TARGET [libFuzzer options] [CORPUS...]\n".utf8))
        exit(2)
    }
    fuzzedTarget = target
    // Drop the target's name: libFuzzer reads the rest as its own options and corpora.
    for index in 1..<Int(argc.pointee) { argv.pointee[index] = argv.pointee[index + 1] }
    argc.pointee -= 1
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzedTarget?.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

typealias FuzzerDriver =
    @convention(c) (
        UnsafeMutablePointer<Int32>,
        UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = ParserTarget(rawValue: arguments[1]) else {
    let names = ParserTarget.allCases.map(\.rawValue).joined(separator: ", ")
    FileHandle.standardError.write(Data("usage: backupd-fuzz TARGET [CORPUS...]; TARGET one of \(names)\n".utf8))
    exit(2)
}
if let driver = dlsym(dlopen(nil, RTLD_NOW), "LLVMFuzzerRunDriver") {
    fuzzedTarget = target
    // libFuzzer reads argv[0], then its options and corpora: the target's name goes.
    var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
    var count = Int32(cArguments.count - 1)
    let status = cArguments.withUnsafeMutableBufferPointer { buffer in
        var base = buffer.baseAddress!
        return unsafeBitCast(driver, to: FuzzerDriver.self)(&count, &base, fuzzerTestOneInput)
    }
    exit(status)
}
var replayed = 0
for directory in arguments.dropFirst(2) where !directory.hasPrefix("-") {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    for file in files.sorted() {
        guard let data = FileManager.default.contents(atPath: directory + "/" + file) else { continue }
        target.run(Array(data))
        replayed += 1
    }
}
print("backupd-fuzz \(target.rawValue): \(replayed) inputs replayed, none trapped")
