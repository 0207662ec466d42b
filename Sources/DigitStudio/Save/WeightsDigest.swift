import CCrypto
import DigitCore

/// SHA-256 of a weights file (OpenSSL's libcrypto), so that a saved view names the exact
/// weights that drew it.
public enum WeightsDigest {
    public static func sha256(path: String) throws -> String {
        sha256(try FileBytes.read(path: path))
    }

    public static func sha256(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        _ = bytes.withUnsafeBufferPointer { data in
            EVP_Digest(data.baseAddress, data.count, &digest, &length, EVP_sha256(), nil)
        }
        let hex: [Character] = Array("0123456789abcdef")
        return String(digest.prefix(Int(length)).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }
}
