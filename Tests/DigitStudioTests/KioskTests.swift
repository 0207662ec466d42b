import Foundation
import XCTest
@testable import DigitStudio

/// The kiosk's timeline, driven by a hand-moved clock.
final class KioskTimelineTests: XCTestCase {
    func timeline(_ o: KioskOptions = KioskOptions(attractAfter: 60, resetAfter: 45)) -> (KioskTimeline, ManualClock) {
        let clock = ManualClock(now: 1000)
        return (KioskTimeline(options: o, now: clock.now), clock)
    }

    func testAttractStartsAfterTheSetTimeAndInputStopsItAtOnce() {
        var (t, clock) = timeline()
        XCTAssertEqual(t.handle(.input, now: clock.now), [])
        XCTAssertEqual(t.nextDeadline, 1045)
        clock.advance(by: 44.9)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [])
        clock.advance(by: 0.1)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.resetToWelcome], "idle reset at 45 s")
        clock.advance(by: 14.9)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [])
        clock.advance(by: 0.1)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.startAttract], "attract at 60 s, already at the welcome view")
        XCTAssertEqual(t.mode, .attract)
        XCTAssertEqual(t.attractCycles, 1)
        clock.advance(by: 300)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [], "the loop runs until someone comes")
        XCTAssertEqual(t.handle(.input, now: clock.now), [.stopAttract])
        XCTAssertEqual(t.mode, .visitor)
        XCTAssertEqual(t.nextDeadline, clock.now + 45)
    }

    func testAttractAlwaysStartsFromTheWelcomeViewWhicheverTimeoutIsShorter() {
        var (t, clock) = timeline(KioskOptions(attractAfter: 20, resetAfter: 45))
        _ = t.handle(.input, now: clock.now)
        clock.advance(by: 20)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.resetToWelcome, .startAttract])
        clock.advance(by: 100)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [], "no reset during the loop")
    }

    func testResetRestoresTheWelcomeViewOncePerVisitor() {
        var (t, clock) = timeline(KioskOptions(attractAfter: 600, resetAfter: 45))
        _ = t.handle(.input, now: clock.now)
        clock.advance(by: 46)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.resetToWelcome])
        clock.advance(by: 46)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [], "already at the welcome view")
        XCTAssertEqual(t.nextDeadline, 1000 + 600)
    }

    func testTheStaffHoldNeedsFiveSeconds() {
        var (t, clock) = timeline()
        _ = t.handle(.staffCornerPressed, now: clock.now)
        clock.advance(by: 4.9)
        XCTAssertEqual(t.handle(.staffCornerReleased, now: clock.now), [], "released too early")
        _ = t.handle(.staffCornerPressed, now: clock.now)
        XCTAssertEqual(t.nextDeadline, clock.now + 5)
        clock.advance(by: 5)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.log("staff exit"), .exit(0)], "no PIN configured: exit")
    }

    func testAWrongPINReturnsToTheExhibitAndTheRightOneExits() {
        var (t, clock) = timeline(KioskOptions(staffPIN: "2468"))
        _ = t.handle(.staffCornerPressed, now: clock.now)
        clock.advance(by: 5)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.showPINPad])
        for d in [1, 2, 3, 4] { XCTAssertEqual(t.handle(.pinDigit(d), now: clock.now), []) }
        XCTAssertEqual(t.handle(.pinSubmit, now: clock.now), [.hidePINPad, .log("wrong staff PIN; back to the exhibit")])
        XCTAssertEqual(t.mode, .visitor)
        XCTAssertEqual(t.handle(.staffChord, now: clock.now), [.showPINPad], "Ctrl+Alt+Shift+Q asks at once")
        for d in [2, 4, 6, 9] { _ = t.handle(.pinDigit(d), now: clock.now) }
        _ = t.handle(.pinBackspace, now: clock.now)
        _ = t.handle(.pinDigit(8), now: clock.now)
        XCTAssertEqual(t.handle(.pinSubmit, now: clock.now), [.log("staff exit"), .exit(0)])
    }

    func testThePINPadTimesOutAndStopsTheAttractLoopWhileOpen() {
        var (t, clock) = timeline(KioskOptions(staffPIN: "1"))
        clock.advance(by: 60)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.startAttract])
        XCTAssertEqual(t.handle(.staffChord, now: clock.now), [.stopAttract, .showPINPad])
        clock.advance(by: KioskOptions.pinTimeoutSeconds)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.hidePINPad, .log("staff PIN pad timed out")])
        XCTAssertEqual(t.mode, .visitor)
    }

    func testAFailedModelShowsOutOfOrderAndIsRetriedEveryThirtySeconds() {
        var (t, clock) = timeline()
        let failed = t.handle(.modelFailed("no such file"), now: clock.now)
        XCTAssertEqual(failed.first, .showOutOfOrder)
        XCTAssertEqual(t.mode, .outOfOrder)
        XCTAssertEqual(t.lastError, "no such file")
        XCTAssertEqual(t.handle(.input, now: clock.now), [], "visitors cannot do anything")
        clock.advance(by: 29)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [])
        clock.advance(by: 1)
        XCTAssertEqual(t.handle(.tick, now: clock.now), [.retryLoad])
        XCTAssertEqual(t.nextDeadline, clock.now + 30)
        XCTAssertEqual(t.handle(.modelLoaded, now: clock.now).prefix(2), [.hideOutOfOrder, .resetToWelcome])
        XCTAssertEqual(t.mode, .visitor)
    }
}

final class KioskPartsTests: XCTestCase {
    func testWatchdogPingsKeepHalfTheInterval() {
        XCTAssertEqual(WatchdogSchedule.pingInterval(watchdogUSec: "30000000"), 15)
        XCTAssertNil(WatchdogSchedule.pingInterval(watchdogUSec: nil))
        XCTAssertNil(WatchdogSchedule.pingInterval(watchdogUSec: "0"))
        XCTAssertNil(WatchdogSchedule.pingInterval(watchdogUSec: "soon"))
        var w = WatchdogSchedule(interval: 15)
        var pings: [Double] = []
        // A main loop that wakes every 0.7 s for an hour.
        var now = 0.0
        while now < 3600 {
            if w.pingIfDue(now: now) { pings.append(now) }
            now += 0.7
        }
        let gaps = zip(pings.dropFirst(), pings).map { $0 - $1 }
        XCTAssertGreaterThanOrEqual(gaps.min()!, 15)
        XCTAssertLessThan(gaps.max()!, 15.7 + 1e-9, "never later than one wake-up after the interval")
    }

    func testOptionsFromTheKeyFileAreCheckedAndCommandLineWins() throws {
        let file = try KioskOptions().applying(keyFile: ["attract-after": " 90", "staff-pin": "1234", "health-file": "/var/lib/x.json"],
                                               path: "kiosk.conf")
        XCTAssertEqual(file, KioskOptions(attractAfter: 90, resetAfter: 45, staffPIN: "1234", healthFile: "/var/lib/x.json"))
        XCTAssertThrowsError(try KioskOptions().applying(keyFile: ["atract-after": "90"], path: "kiosk.conf")) {
            XCTAssertTrue("\($0)".contains("unknown kiosk setting 'atract-after'"), "\($0)")
        }
        XCTAssertThrowsError(try KioskOptions().applying(keyFile: ["reset-after": "0"], path: "kiosk.conf")) {
            XCTAssertTrue("\($0)".contains("reset-after"), "\($0)")
        }
        XCTAssertThrowsError(try KioskOptions(staffPIN: "12a4").validate()) {
            XCTAssertFalse("\($0)".contains("12a4"), "a PIN is never printed")
        }
    }

    func testHealthReportIsValidJSONWithEveryField() throws {
        let r = HealthReport(version: "1.0", uptimeSeconds: 3600.4, imagesGenerated: 1234, attractCycles: 7,
                             lastInput: Date(timeIntervalSince1970: 1_800_000_000), lastError: "weights \"x\" missing\n",
                             mode: HealthReport.modeName(.attract), written: Date(timeIntervalSince1970: 1_800_000_060))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.json().utf8)) as? [String: Any])
        XCTAssertEqual(object["uptime_seconds"] as? Int, 3600)
        XCTAssertEqual(object["images_generated"] as? Int, 1234)
        XCTAssertEqual(object["attract_cycles"] as? Int, 7)
        XCTAssertEqual(object["mode"] as? String, "attract")
        XCTAssertEqual(object["last_error"] as? String, "weights \"x\" missing\n")
        XCTAssertEqual(object["last_input"] as? String, "2027-01-15T08:00:00Z")
        let none = HealthReport(version: "1.0", uptimeSeconds: 1, imagesGenerated: 0, attractCycles: 0, lastInput: nil,
                                lastError: nil, mode: "visitor", written: Date())
        let o2 = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(none.json().utf8)) as? [String: Any])
        XCTAssertTrue(o2["last_error"] is NSNull)
    }
}
