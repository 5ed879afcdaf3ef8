import Foundation
import KubuqiGDAL
import KubuqiRaster
import TestSupport
import XCTest

/// A config or input list opened through a symbolic link: relative paths in it resolve against the folder of the
/// path as given (the link's folder), not the link target's, as GDAL resolves a VRT's relative sources and as a
/// shell resolves `./x` (docs/ldn.md, docs/stack.md).
final class ConfigThroughLinkTests: CLITestCase {
    /// `real/ldn.toml` names `ndvi.tif` etc. beside it; `links/ldn.toml` links to it. Through the link, the inputs are
    /// looked for in `links/`: missing there, an input error naming `links/ndvi.tif`; linked there, the check passes.
    func testLDNConfigThroughALinkResolvesBesideTheLink() throws {
        let real = try TemporaryFolder(), links = try TemporaryFolder()
        let target = try LDNTestRegion.write(real)
        let link = links.file("ldn.toml")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        try run(["ldn", "--config", target, "--check"])
        let r = try run(["ldn", "--config", link, "--check"], expect: 3)
        XCTAssertTrue(r.stderr.contains(links.file("ndvi.tif")), r.stderr)
        XCTAssertFalse(r.stderr.contains(real.path), r.stderr)
        for name in ["ndvi.tif", "lc2000.tif", "lc2010.tif", "soc.tif"] {
            try FileManager.default.createSymbolicLink(atPath: links.file(name), withDestinationPath: real.file(name))
        }
        try run(["ldn", "--config", link, "--check"])
    }

    /// An input list (`.txt`) read through a link: its relative lines resolve beside the link too (stack, drought, warn).
    func testInputListThroughALinkResolvesBesideTheLink() throws {
        let real = try TemporaryFolder(), links = try TemporaryFolder()
        try "a-2001-06-01.tif\n".write(toFile: real.file("list.txt"), atomically: true, encoding: .utf8)
        try TestRaster.write(real.file("a-2001-06-01.tif"), width: 2, height: 2, values: [0.1, 0.2, 0.3, 0.4])
        try FileManager.default.createSymbolicLink(atPath: links.file("list.txt"), withDestinationPath: real.file("list.txt"))
        let r = try run(["stack", links.file("list.txt"), "-o", links.file("out.tif")], expect: 3)
        XCTAssertTrue(r.stderr.contains(links.file("a-2001-06-01.tif")), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: links.file("out.tif")))
    }
}
