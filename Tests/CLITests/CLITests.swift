import XCTest
@testable import DigitCore

final class CLITests: XCTestCase {
    func testPlaceholder() {}
}
