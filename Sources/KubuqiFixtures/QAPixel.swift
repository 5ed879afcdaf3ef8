/// A Landsat Collection 2 `QA_PIXEL` value, with its real bit layout:
/// bit 0 fill, 1 dilated cloud, 2 cirrus, 3 cloud, 4 cloud shadow, 5 snow,
/// 6 clear (neither cloud nor dilated cloud), 7 water; bits 8-9 cloud
/// confidence, 10-11 cloud-shadow confidence, 12-13 snow/ice confidence,
/// 14-15 cirrus confidence (each 0 none, 1 low, 2 medium, 3 high).
public struct QAPixel: OptionSet, Sendable, Hashable {
    /// The 16-bit value as stored in the band.
    public let rawValue: UInt16

    /// A QA value from its 16 bits.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// Bit 0: fill (no data).
    public static let fill = QAPixel(rawValue: 1 << 0)
    /// Bit 1: dilated cloud.
    public static let dilatedCloud = QAPixel(rawValue: 1 << 1)
    /// Bit 2: cirrus (high confidence).
    public static let cirrus = QAPixel(rawValue: 1 << 2)
    /// Bit 3: cloud.
    public static let cloud = QAPixel(rawValue: 1 << 3)
    /// Bit 4: cloud shadow.
    public static let cloudShadow = QAPixel(rawValue: 1 << 4)
    /// Bit 5: snow.
    public static let snow = QAPixel(rawValue: 1 << 5)
    /// Bit 6: clear (set when neither the cloud nor the dilated-cloud bit is).
    public static let clear = QAPixel(rawValue: 1 << 6)
    /// Bit 7: water.
    public static let water = QAPixel(rawValue: 1 << 7)

    /// A two-bit confidence level.
    public enum Confidence: UInt16, Sendable {
        /// 00: no confidence level set.
        case none = 0
        /// 01: low.
        case low = 1
        /// 10: medium (reserved for cloud in Collection 2).
        case medium = 2
        /// 11: high.
        case high = 3
    }

    /// Bits 8-9 set to `level`.
    public static func cloudConfidence(_ level: Confidence) -> QAPixel { QAPixel(rawValue: level.rawValue << 8) }
    /// Bits 10-11 set to `level`.
    public static func cloudShadowConfidence(_ level: Confidence) -> QAPixel { QAPixel(rawValue: level.rawValue << 10) }
    /// Bits 12-13 set to `level`.
    public static func snowConfidence(_ level: Confidence) -> QAPixel { QAPixel(rawValue: level.rawValue << 12) }
    /// Bits 14-15 set to `level`.
    public static func cirrusConfidence(_ level: Confidence) -> QAPixel { QAPixel(rawValue: level.rawValue << 14) }

    /// The cloud confidence (bits 8-9).
    public var cloudConfidenceLevel: Confidence { Confidence(rawValue: (rawValue >> 8) & 3)! }

    /// Low confidence of everything: the background of a clear pixel.
    private static let lowEverything: QAPixel = [
        .cloudConfidence(.low), .cloudShadowConfidence(.low), .snowConfidence(.low), .cirrusConfidence(.low),
    ]

    /// 1: fill.
    public static let fillValue: QAPixel = .fill
    /// 21824: clear land, low confidence of cloud, shadow, snow and cirrus.
    public static let clearLand: QAPixel = lowEverything.union(.clear)
    /// 21952: clear water.
    public static let clearWater: QAPixel = lowEverything.union([.clear, .water])
    /// 22280: cloud with high cloud confidence.
    public static let highConfidenceCloud: QAPixel = lowEverything.union([.cloud, .cloudConfidence(.high)])
    /// 21762: dilated cloud (the buffer around a cloud), low cloud confidence.
    public static let dilatedCloudValue: QAPixel = lowEverything.union(.dilatedCloud)
    /// 23888: cloud shadow with high shadow confidence (clear is set: no cloud there).
    public static let highConfidenceShadow: QAPixel = lowEverything.union([.clear, .cloudShadow, .cloudShadowConfidence(.high)])

    /// Whether a surface analysis must drop the pixel: fill, dilated cloud,
    /// cirrus, cloud, cloud shadow or snow.
    public var isUnusable: Bool {
        !isDisjoint(with: [.fill, .dilatedCloud, .cirrus, .cloud, .cloudShadow, .snow])
    }
}
