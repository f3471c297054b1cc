public import BackupdCatalog
import Foundation

/// The few list-valued fields (databases, project ids, data nodes), kept as JSON text in one
/// column each by every engine, so that a catalog moves between engines byte for byte.
public enum StoredJSON {
    private struct StoredDataNode: Codable {
        var instance_id: String
        var instance_name: String
    }

    public static func encode(_ strings: [String]?) -> String? {
        strings.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
    }

    public static func encode(_ nodes: [DataNode]?) -> String? {
        nodes.flatMap { nodes in
            let stored = nodes.map { StoredDataNode(instance_id: $0.instanceID, instance_name: $0.instanceName) }
            return try? String(decoding: JSONEncoder().encode(stored), as: UTF8.self)
        }
    }

    public static func decodeStrings(_ text: String?) -> [String]? {
        text.flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
    }

    public static func decodeDataNodes(_ text: String?) -> [DataNode]? {
        text.flatMap { try? JSONDecoder().decode([StoredDataNode].self, from: Data($0.utf8)) }?
            .map { DataNode(instanceID: $0.instance_id, instanceName: $0.instance_name) }
    }
}
