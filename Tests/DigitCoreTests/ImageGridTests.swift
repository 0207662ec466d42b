import XCTest
@testable import DigitCore

final class ImageGridTests: XCTestCase {
    /// Image i of side s filled with value v_i.
    private func flat(_ values: [Float], side: Int) -> [Float] {
        values.flatMap { Array(repeating: $0, count: side * side) }
    }

    func testOneRowWithoutPaddingIsExactlyTheImagesSideBySide() {
        let images = (0..<(3 * 28 * 28)).map { Float($0 % 256) / 255 }
        let grid = ImageGrid.compose(images: images, count: 3, side: 28, scale: 1, padding: 0, columns: nil, invert: false)
        XCTAssertEqual(grid.width, 84)
        XCTAssertEqual(grid.height, 28)
        XCTAssertEqual(grid.pixels.count, 84 * 28)
        // Pixel (x, y) of image i sits at column 28 i + x.
        for (i, x, y) in [(0, 0, 0), (1, 5, 3), (2, 27, 27)] {
            let expected = UInt8((i * 784 + y * 28 + x) % 256)
            XCTAssertEqual(grid.pixels[y * 84 + 28 * i + x], expected)
        }
    }

    func testQuantisationRoundsAndClamps() {
        let values: [Float] = [0, 1, 0.5, 0.499 / 255, 0.501 / 255, -0.3, 1.7, .nan, .infinity, 100.4 / 255]
        let grid = ImageGrid.compose(images: values, count: values.count, side: 1, scale: 1, padding: 0,
                                     columns: nil, invert: false)
        XCTAssertEqual(grid.pixels, [0, 255, 128, 0, 1, 0, 255, 0, 255, 100])
    }

    func testScaleAndPadding() {
        // Two 2x2 images, scale 3, padding 2: cells of 6, width 2*6 + 3*2 = 18, height 6 + 2*2 = 10.
        let images: [Float] = [1, 0, 0, 0, /* second */ 0, 0, 0, 1]
        let grid = ImageGrid.compose(images: images, count: 2, side: 2, scale: 3, padding: 2, columns: nil, invert: false)
        XCTAssertEqual(grid.width, 18)
        XCTAssertEqual(grid.height, 10)
        func at(_ x: Int, _ y: Int) -> UInt8 { grid.pixels[y * grid.width + x] }
        // First image's top-left pixel covers x 2..<5, y 2..<5.
        for y in 2..<5 { for x in 2..<5 { XCTAssertEqual(at(x, y), 255, "(\(x), \(y))") } }
        XCTAssertEqual(at(5, 2), 0)
        XCTAssertEqual(at(1, 2), 0)       // border
        XCTAssertEqual(at(2, 1), 0)
        // Second image starts at x = 2 + 6 + 2 = 10; its bottom-right pixel covers x 13..<16, y 5..<8.
        for y in 5..<8 { for x in 13..<16 { XCTAssertEqual(at(x, y), 255, "(\(x), \(y))") } }
        XCTAssertEqual(at(12, 7), 0)
        XCTAssertEqual(at(16, 7), 0)       // right border
        XCTAssertEqual(at(13, 8), 0)       // bottom border
        XCTAssertEqual(grid.pixels.filter { $0 == 255 }.count, 18)
    }

    func testColumnsWrapIntoRows() {
        let grid = ImageGrid.compose(images: flat([0.2, 0.4, 0.6, 0.8, 1.0], side: 2), count: 5, side: 2, scale: 1,
                                     padding: 1, columns: 2, invert: false)
        // 2 columns, ceil(5 / 2) = 3 rows.
        XCTAssertEqual(grid.width, 2 * 2 + 3)
        XCTAssertEqual(grid.height, 3 * 2 + 4)
        func at(_ x: Int, _ y: Int) -> UInt8 { grid.pixels[y * grid.width + x] }
        XCTAssertEqual(at(1, 1), 51)       // image 0 at row 0, col 0
        XCTAssertEqual(at(4, 1), 102)      // image 1 at row 0, col 1
        XCTAssertEqual(at(1, 4), 153)      // image 2 at row 1, col 0
        XCTAssertEqual(at(5, 5), 204)      // image 3 at row 1, col 1
        XCTAssertEqual(at(2, 8), 255)      // image 4 at row 2, col 0
        XCTAssertEqual(at(4, 8), 0)        // empty last cell stays background
        // More columns than images: one row without empty cells.
        let wide = ImageGrid.compose(images: flat([1, 1], side: 2), count: 2, side: 2, scale: 1, padding: 0,
                                     columns: 10, invert: false)
        XCTAssertEqual(wide.width, 4)
        XCTAssertEqual(wide.height, 2)
    }

    func testInvertMapsEverythingIncludingBackground() {
        let images: [Float] = [1, 0, 0.2, 0.6]
        let normal = ImageGrid.compose(images: images, count: 1, side: 2, scale: 2, padding: 1, columns: nil, invert: false)
        let inverted = ImageGrid.compose(images: images, count: 1, side: 2, scale: 2, padding: 1, columns: nil, invert: true)
        XCTAssertEqual(inverted.width, normal.width)
        XCTAssertEqual(inverted.height, normal.height)
        XCTAssertEqual(inverted.pixels, normal.pixels.map { 255 - $0 })
        XCTAssertEqual(inverted.pixels[0], 255)                                 // white border
        XCTAssertEqual(inverted.pixels[1 * inverted.width + 1], 0)              // full ink is black
    }

    func testGridWrittenAsPNGReadsBack() throws {
        let dir = try makeTemporaryDirectory(self)
        let grid = ImageGrid.compose(images: flat([0.1, 0.9, 0.5], side: 28), count: 3, side: 28, scale: 1,
                                     padding: 0, columns: nil, invert: false)
        let path = dir + "/grid.png"
        try PNG.writeGray(path: path, width: grid.width, height: grid.height, pixels: grid.pixels)
        let back = try PNG.readGray(path: path)
        XCTAssertEqual(back.width, 84)
        XCTAssertEqual(back.height, 28)
        XCTAssertEqual(back.pixels, grid.pixels)
    }

    func testSizeMatchesCompose() {
        for (count, scale, padding, columns) in [(1, 1, 0, nil), (5, 4, 4, nil), (7, 2, 3, 3), (3, 1, 1, 50), (10, 3, 0, 10)] as [(Int, Int, Int, Int?)] {
            let images = [Float](repeating: 0.5, count: count * 16)
            let g = ImageGrid.compose(images: images, count: count, side: 4, scale: scale, padding: padding,
                                      columns: columns, invert: false)
            let s = ImageGrid.size(count: count, side: 4, scale: scale, padding: padding, columns: columns)
            XCTAssertEqual(s.width, g.width)
            XCTAssertEqual(s.height, g.height)
        }
        // 10,000 MNIST digits in one row at the default scale 4 and padding 4.
        XCTAssertEqual(ImageGrid.size(count: 10_000, side: 28, scale: 4, padding: 4, columns: nil).width, 1_160_004)
    }
}
