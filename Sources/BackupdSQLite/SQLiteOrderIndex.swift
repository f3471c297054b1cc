import BackupdCatalog
import GRDB
import Synchronization

/// Deep pages and windowed totals of large lists in time independent of their depth.
///
/// SQLite pages with `OFFSET`, which walks every skipped index entry, and counts a window by
/// walking it: at 250,000 backups that is tens of milliseconds. For a large list this keeps its
/// order in memory instead: one compact entry per backup (sort key, rowid, a tag for the
/// filters), built once from the covering list index. A window is then two binary searches, a
/// total without filters a subtraction, one with filters a scan of one byte per entry, and a
/// page a slice of rowids whose rows are read by rowid.
///
/// Lists are kept for one change marker of the store (`CatalogStore.changeMarker`) and dropped
/// when it changes; a page is only served from a list if the marker is the same after its rows
/// were read, so nothing stale is ever answered.
final class SQLiteOrderIndex: Sendable {
    /// One list in API order: newest key first, ties by id.
    struct OrderedList: Sendable {
        let keys: [Int64]
        let rowIDs: [Int64]
        /// Filter tags (RDS: type and status), 0 where the list has no filters.
        let tags: [UInt8]

        /// The positions whose key lies in `window`, both ends included.
        func range(_ window: TimeWindow?) -> Range<Int> {
            // Keys descend: entries with key > upper come first, entries with key < lower last.
            let start = window?.upperBound.map { upper in firstIndex { $0 <= upper } } ?? 0
            let end = window?.lowerBound.map { lower in firstIndex { $0 < lower } } ?? keys.count
            return start..<max(start, end)
        }

        /// The first position whose key satisfies `predicate`, which must hold for a suffix.
        private func firstIndex(where predicate: (Int64) -> Bool) -> Int {
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if predicate(keys[middle]) { high = middle } else { low = middle + 1 }
            }
            return low
        }
    }

    /// Which list: the table and the rows of one partition of it.
    struct ListKey: Hashable, Sendable {
        let table: String
        let partition: [String]
    }

    private struct State {
        var marker: UInt64?
        var lists: [ListKey: OrderedList] = [:]
        var entries = 0
    }

    private let state = Mutex(State())
    private let budget: Int

    /// - Parameter budget: the most entries kept at once (17 bytes each).
    init(budget: Int) {
        self.budget = budget
    }

    func list(_ key: ListKey, marker: UInt64) -> OrderedList? {
        state.withLock { $0.marker == marker ? $0.lists[key] : nil }
    }

    func keep(_ list: OrderedList, for key: ListKey, marker: UInt64) {
        state.withLock { state in
            if state.marker != marker { state = State(marker: marker) }
            if state.entries + list.keys.count > budget {
                state.lists.removeAll()
                state.entries = 0
            }
            guard list.keys.count <= budget else { return }
            state.lists[key] = list
            state.entries += list.keys.count
        }
    }

    /// Reads a list in API order from its covering index.
    /// - Parameters:
    ///   - sql: selects `key, rowid, tag` of the partition, ordered as the API orders it.
    static func build(_ db: Database, sql: String, arguments: StatementArguments) throws -> OrderedList {
        var keys: [Int64] = []
        var rowIDs: [Int64] = []
        var tags: [UInt8] = []
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try cursor.next() {
            keys.append(row[0])
            rowIDs.append(row[1])
            tags.append(UInt8(truncatingIfNeeded: row[2] as Int64))
        }
        return OrderedList(keys: keys, rowIDs: rowIDs, tags: tags)
    }
}

/// When a list is paged from its order in memory rather than by SQLite.
public struct SQLiteListIndexPolicy: Sendable, Hashable {
    /// Lists shorter than this are paged by SQLite, which is fast enough for them.
    public var minimumListSize: Int
    /// Pages nearer the top than this, without a window, are paged by SQLite.
    public var minimumOffset: Int

    public init(minimumListSize: Int, minimumOffset: Int) {
        self.minimumListSize = minimumListSize
        self.minimumOffset = minimumOffset
    }

    /// Lists of 20,000 backups and more, at offsets of 1,000 and more or with a window.
    public static let standard = SQLiteListIndexPolicy(minimumListSize: 20_000, minimumOffset: 1_000)
    /// Every list, every page past the first record or with a window: for tests of the index path.
    public static let always = SQLiteListIndexPolicy(minimumListSize: 1, minimumOffset: 1)
}
