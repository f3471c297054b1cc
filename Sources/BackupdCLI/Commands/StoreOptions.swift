import ArgumentParser
import BackupdCatalog
import BackupdServer

/// `--store`, shared by every command that opens the catalog.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The catalog store: sqlite:PATH or sqlite::memory:.")
    var store: String = StoreLocation.default.description

    func location() throws -> StoreLocation {
        do {
            return try StoreLocation(parsing: store)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    func open() throws -> any CatalogStore {
        let location = try location()
        do {
            return try location.open()
        } catch {
            throw CommandFailure("cannot open the store \(location): \(error)")
        }
    }
}

/// A failure that ends a command with a one-line message and exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
