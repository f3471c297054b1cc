/// The begin seconds of a list of stored records, in its API order (newest first): what merging
/// it with a computed series needs of it (`MergedPage`), eight bytes a record, so that it can be
/// kept in memory for many requests while its instance is not written.
public struct StoredOrder: Sendable, Hashable {
    /// Non-increasing.
    public let seconds: [Int64]

    /// - Parameter seconds: the records' begin seconds in API order.
    public init(seconds: [Int64]) {
        precondition(zip(seconds, seconds.dropFirst()).allSatisfy { $0 >= $1 }, "a stored order is newest first")
        self.seconds = seconds
    }

    public var count: Int { seconds.count }

    /// The positions of the records whose begin second lies in `window` (a contiguous run).
    public func indices(in window: TimeWindow?) -> Range<Int> {
        let all = seconds.indices
        let start = window?.upperBound.map { firstIndex(notNewerThan: $0, in: all) } ?? 0
        let end = window?.lowerBound.map { firstIndex(notNewerThan: $0 - 1, in: all) } ?? seconds.count
        return start..<max(start, end)
    }

    /// The first position in `range` whose record began at or before `second`.
    public func firstIndex(notNewerThan second: Int64, in range: Range<Int>) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if seconds[middle] > second { low = middle + 1 } else { high = middle }
        }
        return low
    }

}

/// One page of a list that holds stored records and an incremental series, in API order (newest
/// begin first, ties by id), in a few reads of the store whatever its depth (`docs/lifecycle.md`
/// §8.2). The series is computed; of the stored records, the page needs how many come before a
/// key, which a binary search over the series asks about a dozen times. For a list of up to
/// `orderLimit` records that comes from its `StoredOrder` in memory, and the page costs one read
/// of the stored records it shows; a longer list is counted by the store, whose order index
/// answers windowed counts of long lists from memory.
public enum MergedPage {
    /// The longest stored list merged through its `StoredOrder`.
    public static let orderLimit = 20_000

    /// The page at `request` of the stored records of `order` (restricted to `window`) merged
    /// with `series`.
    /// - Parameters:
    ///   - ties: the ids of the matching stored records that begin at a second (at most the given
    ///     number, as many as the order holds there), in any order; asked only when the order
    ///     holds a record at the second of a series element.
    ///   - stored: the matching stored records at an offset, in API order.
    public static func page<Item: Sendable>(
        _ request: PageRequest,
        order: StoredOrder,
        window: TimeWindow?,
        series: SeriesSet,
        ties: (Int64, Int) async throws -> [String],
        stored: (PageRequest) async throws -> [Item],
        element: (Int) -> Item,
        key: (Item) -> (Int64, String)
    ) async throws -> Page<Item> {
        let matching = order.indices(in: window)
        return try await page(
            request,
            storedTotal: matching.count,
            series: series,
            storedBefore: { second, id in
                let newer = order.firstIndex(notNewerThan: second, in: matching) - matching.lowerBound
                let atSecond = order.firstIndex(notNewerThan: second - 1, in: matching) - matching.lowerBound - newer
                guard atSecond > 0 else { return newer }
                let ids = try await ties(second, atSecond)
                return newer + ids.count(where: { $0.utf8.lexicographicallyPrecedes(id.utf8) })
            },
            countsInMemory: true,
            stored: stored,
            element: element,
            key: key
        )
    }

    /// The page at `request` of the stored records merged with `series`.
    /// - Parameters:
    ///   - storedTotal: how many stored records match.
    ///   - series: the matching part of the series.
    ///   - storedBefore: how many matching stored records come before `(begin second, id)`.
    ///   - countsInMemory: `storedBefore` costs no read, so the page's end is searched for too
    ///     and no stored record is read that the page does not show.
    ///   - stored: the matching stored records at an offset, in API order.
    ///   - element: series element `index` as a record.
    ///   - key: a record's begin second and id.
    public static func page<Item: Sendable>(
        _ request: PageRequest,
        storedTotal: Int,
        series: SeriesSet,
        storedBefore: (Int64, String) async throws -> Int,
        countsInMemory: Bool = false,
        stored: (PageRequest) async throws -> [Item],
        element: (Int) -> Item,
        key: (Item) -> (Int64, String)
    ) async throws -> Page<Item> {
        let total = storedTotal + series.count
        guard request.offset < total else { return Page(items: [], total: total) }
        let first = try await elements(before: request.offset, of: series, storedBefore: storedBefore)
        let storedSkipped = request.offset - first
        var storedLimit = min(request.limit, storedTotal - storedSkipped)
        if countsInMemory {
            // Where the page ends too: only the stored records it shows are read, none at all for
            // a page of the chain alone.
            let end = min(request.offset + request.limit, total)
            storedLimit = end - request.offset - (try await elements(before: end, of: series, storedBefore: storedBefore) - first)
        }
        let storedItems = storedLimit > 0 ? try await stored(PageRequest(offset: storedSkipped, limit: storedLimit)) : []
        var items: [Item] = []
        items.reserveCapacity(min(request.limit, total - request.offset))
        var nextStored = 0
        var nextElement = first
        while items.count < request.limit {
            let hasElement = nextElement < series.count
            guard nextStored < storedItems.count else {
                guard hasElement else { break }
                items.append(element(nextElement))
                nextElement += 1
                continue
            }
            let storedItem = storedItems[nextStored]
            if hasElement {
                // Compared by key, the element made only when it is the one taken.
                let (storedBegin, storedID) = key(storedItem)
                let elementBegin = series.begin(at: nextElement) / 1000
                let storedFirst =
                    storedBegin != elementBegin
                    ? storedBegin > elementBegin : storedID.utf8.lexicographicallyPrecedes(series.id(at: nextElement).utf8)
                if !storedFirst {
                    items.append(element(nextElement))
                    nextElement += 1
                    continue
                }
            }
            items.append(storedItem)
            nextStored += 1
        }
        return Page(items: items, total: total)
    }

    /// How many series elements come before merged position `position`: the first index whose
    /// merged position (its index plus the stored records before it) reaches it.
    private static func elements(
        before position: Int,
        of series: SeriesSet,
        storedBefore: (Int64, String) async throws -> Int
    ) async throws -> Int {
        var low = 0
        var high = series.count
        guard position > 0 else { return 0 }
        while low < high {
            let middle = (low + high) / 2
            let merged = try await middle + storedBefore(series.begin(at: middle) / 1000, series.id(at: middle))
            if merged >= position { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
