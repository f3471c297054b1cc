/// The bounds on waits that guard a test against hanging, never the property it checks.
///
/// Swift Testing runs every suite at once: on the two cores of a CI machine a woken task can
/// wait tens of seconds for a thread, and a child process as long for the CPU. A bound that
/// only stops a hung test is therefore generous; a test whose point is a duration (a deadline
/// firing) checks what only that mechanism can cause, not how fast the machine was.
public enum TestBounds {
    /// A child process asked to stop (SIGTERM, SIGKILL) and its end learnt.
    public static let processEnd: Duration = .seconds(60)
    /// One HTTP request to a node on 127.0.0.1, in seconds (`URLRequest.timeoutInterval`).
    public static let request: Double = 60
}
