import ResultsStore
import Testing

@Suite struct ContentHashTests {
  struct Vector: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var digest: String
    var testDescription: String { name }
  }

  /// Known digests: FIPS 180-2 appendix B, the empty string, padding boundaries and UTF-8.
  ///
  /// FIPS gives a one-block, a two-block and a long message. 55 bytes still fit the length in
  /// the last block, 56 need another. Digests other than FIPS's come from Python's `hashlib`.
  static let vectors: [Vector] = [
    Vector(
      name: "abc", text: "abc", digest: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    Vector(
      name: "empty", text: "", digest: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    Vector(
      name: "448 bits", text: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      digest: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    Vector(
      name: "one million a", text: String(repeating: "a", count: 1_000_000),
      digest: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    Vector(
      name: "55 bytes", text: String(repeating: "a", count: 55),
      digest: "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
    Vector(
      name: "56 bytes", text: String(repeating: "a", count: 56),
      digest: "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
    Vector(
      name: "64 bytes", text: String(repeating: "a", count: 64),
      digest: "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
    Vector(
      name: "UTF-8", text: "Grüße aus 東京 🎄",
      digest: "f0497e9c2280307aec8c5f3a4956008067176feeae33f1d28e156285ec5b22b8"),
  ]

  @Test(arguments: vectors)
  func sha256(_ vector: Vector) {
    #expect(ContentHash.sha256(vector.text) == vector.digest)
  }
}
