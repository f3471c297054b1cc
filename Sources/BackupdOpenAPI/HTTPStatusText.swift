/// The reason phrases of the statuses backupd answers with, as the responses' descriptions.
enum HTTPStatusText {
    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 300: "Multiple Choices"
        case 503: "Service Unavailable"
        default: "Status \(status)"
        }
    }
}
