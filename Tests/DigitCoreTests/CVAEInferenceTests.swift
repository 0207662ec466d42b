import XCTest
@testable import DigitCore

final class CVAEInferenceTests: XCTestCase {
    func testPlaceholder() {}
}
