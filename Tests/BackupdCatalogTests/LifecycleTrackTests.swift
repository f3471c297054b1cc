import BackupdCatalog
import Testing

/// The pure rules of a lifecycle record (`lifecycle.md` §6.1, §6.3): `LifecycleTrack.state(at:)`
/// and `nextChange(after:)` at the instants where they change, one millisecond before each and
/// at it; and the RDS record a track shows (`RDSBackup.started`, `shown(as:track:)`).
@Suite struct LifecycleTrackTests {
    /// 2030-01-07T08:00:00.000Z (T0 of `lifecycle.md` §11).
    static let t0: Int64 = 1_894_003_200_000
    static let minute: Int64 = 60_000
    static let tenSeconds: Int64 = 10_000

    static let mysql = Instance(
        id: "a48e43ff268f4c0e879652d65e63d0fbin01",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "rds-mysql-a48e",
        datastore: Datastore(type: "MySQL", version: "5.7")
    )
    static let postgres = Instance(
        id: "b7c6d5e4f3a2419087f6e5d4c3b2a190in03",
        projectID: "0483b6b16e954cb88930a360d2c4e663",
        service: .rds,
        name: "rds-pg-b7c6",
        datastore: Datastore(type: "PostgreSQL", version: "9.6")
    )
    static let sqlServer = Instance(
        id: "ad4ee2b80adb430082d8336d7da2e14din04",
        projectID: "5f1e2d3c4b5a69788796a5b4c3d2e1f0",
        service: .rds,
        name: "sqlserver-rds-1784",
        datastore: Datastore(type: "sqlserver", version: "2019_SE")
    )

    static func track(
        startedAt: Int64? = t0,
        building: Int64 = minute,
        fails: Bool = false,
        deletedAt: Int64? = nil,
        deleting: Int64 = tenSeconds
    ) -> LifecycleTrack {
        LifecycleTrack(
            backupID: "a2dffe88fcb745c2a35db6a7c6f821a4br01",
            service: .rds,
            instanceID: mysql.id,
            startedAt: startedAt,
            buildingMilliseconds: building,
            fails: fails,
            deletedAt: deletedAt,
            deletingMilliseconds: deleting
        )
    }

    // MARK: - Building and completing

    @Test func buildingUntilTheBuildingTimeHasPassedThenCompleted() {
        let track = Self.track()
        #expect(track.state(at: Self.t0) == .building)
        #expect(track.state(at: Self.t0 + 1) == .building)
        #expect(track.state(at: Self.t0 + Self.minute - 1) == .building)
        #expect(track.state(at: Self.t0 + Self.minute) == .completed)
        #expect(track.state(at: Self.t0 + Self.minute + 1) == .completed)
        #expect(track.state(at: Self.t0 + 36_500 * 86_400_000) == .completed)
        #expect(track.endsAt == Self.t0 + Self.minute)
    }

    @Test func theNextChangeIsTheEndOfBuildingAndThenThereIsNone() {
        let track = Self.track()
        #expect(track.nextChange(after: Self.t0) == Self.t0 + Self.minute)
        #expect(track.nextChange(after: Self.t0 + 1) == Self.t0 + Self.minute)
        #expect(track.nextChange(after: Self.t0 + Self.minute - 1) == Self.t0 + Self.minute)
        // "after" is strict: at the change itself nothing further is due.
        #expect(track.nextChange(after: Self.t0 + Self.minute) == nil)
        #expect(track.nextChange(after: Self.t0 + Self.minute + 1) == nil)
    }

    @Test func aBuildingTimeOfZeroIsSkipped() {
        let track = Self.track(building: 0)
        #expect(track.state(at: Self.t0) == .completed)
        #expect(track.state(at: Self.t0 + 1) == .completed)
        #expect(track.nextChange(after: Self.t0) == nil)
        #expect(track.endsAt == Self.t0)
        // A failing one fails at its start.
        #expect(Self.track(building: 0, fails: true).state(at: Self.t0) == .failed)
    }

    @Test func aFaultEndsTheBackupFailedAtTheSameInstant() {
        let track = Self.track(fails: true)
        #expect(track.state(at: Self.t0) == .building)
        #expect(track.state(at: Self.t0 + Self.minute - 1) == .building)
        #expect(track.state(at: Self.t0 + Self.minute) == .failed)
        #expect(track.state(at: Self.t0 + 10 * Self.minute) == .failed)
        #expect(track.nextChange(after: Self.t0) == Self.t0 + Self.minute)
        #expect(track.nextChange(after: Self.t0 + Self.minute) == nil)
        #expect(track.endsAt == Self.t0 + Self.minute)
    }

    // MARK: - Deleting

    @Test func aDeleteIsDeletingForTheDeletingTimeThenGone() {
        let deletedAt = Self.t0 + 2 * Self.minute
        let track = Self.track(deletedAt: deletedAt)
        #expect(track.state(at: deletedAt - 1) == .completed)
        #expect(track.state(at: deletedAt) == .deleting)
        #expect(track.state(at: deletedAt + Self.tenSeconds - 1) == .deleting)
        #expect(track.state(at: deletedAt + Self.tenSeconds) == .gone)
        #expect(track.state(at: deletedAt + 86_400_000) == .gone)

        // The end of building is past; the only change left is the end of deleting.
        #expect(track.nextChange(after: deletedAt) == deletedAt + Self.tenSeconds)
        #expect(track.nextChange(after: deletedAt + Self.tenSeconds - 1) == deletedAt + Self.tenSeconds)
        #expect(track.nextChange(after: deletedAt + Self.tenSeconds) == nil)
        // Before the end of building both are ahead; the earlier comes first.
        #expect(track.nextChange(after: Self.t0) == Self.t0 + Self.minute)
    }

    @Test func aFailedBackupDeletedIsDeletingThenGone() {
        let deletedAt = Self.t0 + 5 * Self.minute
        let track = Self.track(fails: true, deletedAt: deletedAt)
        #expect(track.state(at: deletedAt - 1) == .failed)
        #expect(track.state(at: deletedAt) == .deleting)
        #expect(track.state(at: deletedAt + Self.tenSeconds) == .gone)
    }

    @Test func aDeletingTimeOfZeroIsGoneAtOnce() {
        let deletedAt = Self.t0 + 2 * Self.minute
        let track = Self.track(deletedAt: deletedAt, deleting: 0)
        #expect(track.state(at: deletedAt - 1) == .completed)
        #expect(track.state(at: deletedAt) == .gone)
        #expect(track.nextChange(after: deletedAt) == nil)
        #expect(track.nextChange(after: deletedAt - 1) == deletedAt)
    }

    // MARK: - Seeded records

    @Test func aSeededRecordIsAsSeededAtEveryClockTimeUntilADelete() {
        let seeded = Self.track(startedAt: nil)
        for t in [Int64.min, -1, 0, Self.t0, Self.t0 + Self.minute, Self.t0 + 36_500 * 86_400_000, Int64.max] {
            #expect(seeded.state(at: t) == .asSeeded, "t = \(t)")
            #expect(seeded.nextChange(after: t) == nil, "t = \(t)")
        }
        #expect(seeded.endsAt == nil)
    }

    @Test func aSeededRecordOnlyChangesByADelete() {
        let deletedAt = Self.t0
        let deleted = Self.track(startedAt: nil, deletedAt: deletedAt)
        #expect(deleted.state(at: deletedAt - 1) == .asSeeded)
        #expect(deleted.state(at: deletedAt) == .deleting)
        #expect(deleted.state(at: deletedAt + Self.tenSeconds - 1) == .deleting)
        #expect(deleted.state(at: deletedAt + Self.tenSeconds) == .gone)
        #expect(deleted.nextChange(after: deletedAt - 1) == deletedAt + Self.tenSeconds)
        #expect(deleted.nextChange(after: deletedAt + Self.tenSeconds - 1) == deletedAt + Self.tenSeconds)
        #expect(deleted.nextChange(after: deletedAt + Self.tenSeconds) == nil)

        let gone = Self.track(startedAt: nil, deletedAt: deletedAt, deleting: 0)
        #expect(gone.state(at: deletedAt - 1) == .asSeeded)
        #expect(gone.state(at: deletedAt) == .gone)
        #expect(gone.nextChange(after: deletedAt) == nil)
    }

    // MARK: - RDSBackup.started

    @Test func aStartedBackupIsBuildingWithItsStartAsBothTimes() {
        let backup = RDSBackup.started(
            id: "a2dffe88fcb745c2a35db6a7c6f821a4br01",
            instance: Self.mysql,
            name: "manual-001",
            type: .manual,
            at: Self.t0 / 1000
        )
        #expect(backup.id == "a2dffe88fcb745c2a35db6a7c6f821a4br01")
        #expect(backup.instanceID == Self.mysql.id)
        #expect(backup.name == "manual-001")
        #expect(backup.type == .manual)
        #expect(backup.status == .building)
        #expect(backup.size == 0)
        #expect(backup.beginTime == RecordedTime(instant: Self.t0, text: "2030-01-07T08:00:00+0000"))
        #expect(backup.endTime == backup.beginTime)
        #expect(backup.databases == nil)
        #expect(backup.associatedWithDDM == false)
        #expect(backup.datastore == nil)
        #expect(backup.offsiteProjectID == nil)
    }

    @Test func associatedWithDDMIsFalseForMySQLOnlyAndDatabasesArePassedThrough() {
        let postgres = RDSBackup.started(id: "p", instance: Self.postgres, name: "pg-manual", type: .manual, at: Self.t0 / 1000)
        #expect(postgres.associatedWithDDM == nil)
        let sqlServer = RDSBackup.started(
            id: "s",
            instance: Self.sqlServer,
            name: "sql-manual",
            type: .manual,
            at: Self.t0 / 1000,
            databases: ["db_sales", "db_hr"]
        )
        #expect(sqlServer.associatedWithDDM == nil)
        #expect(sqlServer.databases == ["db_sales", "db_hr"])
        let auto = RDSBackup.started(id: "a", instance: Self.mysql, name: "auto", type: .auto, at: Self.t0 / 1000 + 59)
        #expect(auto.type == .auto)
        #expect(auto.beginTime == RecordedTime(instant: Self.t0 + 59_000, text: "2030-01-07T08:00:59+0000"))
    }

    // MARK: - RDSBackup.shown

    static let started = RDSBackup.started(
        id: "a2dffe88fcb745c2a35db6a7c6f821a4br01",
        instance: sqlServer,
        name: "manual-001",
        type: .manual,
        at: t0 / 1000,
        databases: ["db_sales"]
    )

    @Test func completedShowsTheFullSizeAndTheEndOfBuildingInWholeSeconds() throws {
        let track = Self.track()
        let shown = try #require(Self.started.shown(as: track.state(at: Self.t0 + Self.minute), track: track))
        var expected = Self.started
        expected.status = .completed
        expected.size = 1024
        expected.endTime = RecordedTime(instant: Self.t0 + Self.minute, text: "2030-01-07T08:01:00+0000")
        #expect(shown == expected)
        #expect(RDSBackup.completedSize == 1024)
    }

    @Test func failedShowsNoSizeAndTheSameEndTime() throws {
        let track = Self.track(fails: true)
        let shown = try #require(Self.started.shown(as: .failed, track: track))
        var expected = Self.started
        expected.status = .failed
        expected.size = 0
        expected.endTime = RecordedTime(instant: Self.t0 + Self.minute, text: "2030-01-07T08:01:00+0000")
        #expect(shown == expected)
    }

    @Test func theEndTimeIsCutToWholeSeconds() throws {
        // A track that started 750 ms into a second and builds 61.5 s ends at 08:01:02.250: shown 08:01:02.
        let track = Self.track(startedAt: Self.t0 + 750, building: 61_500)
        let shown = try #require(Self.started.shown(as: .completed, track: track))
        #expect(shown.endTime == RecordedTime(instant: Self.t0 + 62_000, text: "2030-01-07T08:01:02+0000"))
        // Building 0 ends at the start.
        let instant = Self.track(building: 0)
        let completed = try #require(Self.started.shown(as: instant.state(at: Self.t0), track: instant))
        #expect(completed.status == .completed)
        #expect(completed.size == 1024)
        #expect(completed.endTime == completed.beginTime)
    }

    @Test func buildingAndAsSeededShowTheRecordAsItIs() {
        #expect(Self.started.shown(as: .building, track: Self.track()) == Self.started)
        let seeded = RDSBackup(
            id: "dbf3f7c6c2083efd3cf148808ea6908fbr01",
            instanceID: Self.mysql.id,
            name: "rds-mysql-a48e-20180720153000004",
            type: .manual,
            status: .completed,
            size: 2512,
            beginTime: RecordedTime(instant: 1_532_071_800_000, text: "2018-07-20T15:30:00+0800"),
            endTime: RecordedTime(instant: 1_532_071_937_000, text: "2018-07-20T15:32:17+0800"),
            associatedWithDDM: false
        )
        #expect(seeded.shown(as: .asSeeded, track: Self.track(startedAt: nil)) == seeded)
    }

    @Test func deletingChangesOnlyTheStatusAndGoneShowsNothing() throws {
        // A seeded record reached by a delete keeps its own size and times, in its own offset.
        let seeded = RDSBackup(
            id: "dbf3f7c6c2083efd3cf148808ea6908fbr01",
            instanceID: Self.mysql.id,
            name: "rds-mysql-a48e-20180720153000004",
            type: .manual,
            status: .completed,
            size: 2512,
            beginTime: RecordedTime(instant: 1_532_071_800_000, text: "2018-07-20T15:30:00+0800"),
            endTime: RecordedTime(instant: 1_532_071_937_000, text: "2018-07-20T15:32:17+0800"),
            associatedWithDDM: false
        )
        let track = Self.track(startedAt: nil, deletedAt: Self.t0)
        var expected = seeded
        expected.status = .deleting
        #expect(seeded.shown(as: track.state(at: Self.t0), track: track) == expected)
        #expect(seeded.shown(as: track.state(at: Self.t0 + Self.tenSeconds), track: track) == nil)

        // A completed lifecycle record deleted: DELETING with the completed fields.
        let lifecycle = Self.track(deletedAt: Self.t0 + 2 * Self.minute)
        let completed = try #require(Self.started.shown(as: .completed, track: lifecycle))
        var deleting = completed
        deleting.status = .deleting
        #expect(completed.shown(as: lifecycle.state(at: Self.t0 + 2 * Self.minute), track: lifecycle) == deleting)
        #expect(completed.shown(as: .gone, track: lifecycle) == nil)
    }
}
