/// What the planted cloud does to one pixel of the later scene.
public enum CloudPixel: String, Sendable, Codable {
    /// Untouched by the cloud.
    case clear
    /// Under the opaque cloud.
    case cloud
    /// In the ring of thin cloud around it (QA_PIXEL's dilated-cloud bit).
    case dilatedCloud
    /// In the cloud's shadow on the ground.
    case shadow
}
