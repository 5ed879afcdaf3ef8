import Foundation
import XCTest

/// Checks an output folder as a platform would receive it (docs/publishing.md), with
/// independent tools in a Python subprocess:
/// - the STAC catalogue validates against the STAC 1.0.0 JSON schemas with pystac
///   (core schemas bundled with pystac, extension schemas vendored in
///   Tests/Data/stac-schemas; sockets are disabled, so nothing is fetched);
/// - every link and asset href is relative and leads to an existing file whose size and
///   SHA-256 (hashlib) match `file:size` and `file:checksum`;
/// - every GeoTIFF asset passes GDAL's own COG validator (`validate_cloud_optimized_geotiff`
///   from Debian's python3-gdal samples);
/// - each Item's WGS 84 bbox contains the raster's corners transformed by osgeo.osr.
public enum PublishedFolderCheck {
    /// What the check found.
    public struct Report {
        /// Item ids, sorted.
        public var items: [String]
        /// Problems found (empty when the folder is a valid catalogue of COGs).
        public var errors: [String]
        /// Files checked with the COG validator.
        public var cogs: [String]
    }

    /// The vendored extension schemas.
    public static let schemas: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Data/stac-schemas").path

    /// Runs the check on `folder` (holding `catalog.json`) or on a standalone `*.item.json`; nil (skipped, or a failure under CI)
    /// when python3 with pystac, jsonschema and osgeo is missing.
    public static func run(_ folder: String) throws -> Report? {
        guard let python = PythonReference.interpreter(needing: "pystac, jsonschema, osgeo.gdal, osgeo_utils.samples.validate_cloud_optimized_geotiff") else { return nil }
        let out = try PythonReference.run(python, script: script, input: ["folder": folder, "schemas": schemas])
        guard let d = out as? [String: Any] else { throw NSError(domain: "PublishedFolderCheck", code: 1) }
        return Report(items: (d["items"] as? [String] ?? []).sorted(), errors: d["errors"] as? [String] ?? [],
                      cogs: d["cogs"] as? [String] ?? [])
    }

    static let script = #"""
import hashlib, json, os, socket, sys
def no_network(*a, **k):
    raise RuntimeError("network access attempted during validation")
socket.socket.connect = no_network
socket.create_connection = no_network
import pystac
from pystac.validation import JsonSchemaSTACValidator, set_validator
from osgeo import gdal, osr
from osgeo_utils.samples.validate_cloud_optimized_geotiff import validate as validate_cog
gdal.UseExceptions()
args = json.load(open(sys.argv[1]))
folder, schemas = args["folder"], args["schemas"]
validator = JsonSchemaSTACValidator()
for root, _, files in os.walk(schemas):
    if "schema.json" in files:
        ext, version = os.path.relpath(root, schemas).split(os.sep)
        url = "https://stac-extensions.github.io/%s/%s/schema.json" % (ext, version)
        schema = json.load(open(os.path.join(root, "schema.json")))
        validator.schema_cache[url] = schema
        validator.schema_cache[url + "#"] = schema
set_validator(validator)
errors, items, cogs = [], [], []

def check_href(doc_path, href, what):
    if "://" in href or href.startswith("/"):
        errors.append("%s: %s href %s is not relative" % (doc_path, what, href))
        return None
    target = os.path.normpath(os.path.join(os.path.dirname(doc_path), href))
    if not os.path.isfile(target):
        errors.append("%s: %s href %s leads to no file" % (doc_path, what, href))
        return None
    return target

def visit(doc_path, seen):
    doc_path = os.path.normpath(doc_path)
    if doc_path in seen:
        return
    seen.add(doc_path)
    doc = json.load(open(doc_path))
    for link in doc.get("links", []):
        target = check_href(doc_path, link["href"], "link " + link["rel"])
        if target and link["rel"] in ("item", "child"):
            visit(target, seen)
    if doc.get("type") != "Feature":
        return
    items.append(doc["id"])
    for key, asset in doc["assets"].items():
        target = check_href(doc_path, asset["href"], "asset " + key)
        if not target:
            continue
        data = open(target, "rb").read()
        if asset.get("file:size") != len(data):
            errors.append("%s: asset %s file:size %s, the file has %d bytes" % (doc_path, key, asset.get("file:size"), len(data)))
        if asset.get("file:checksum") != "1220" + hashlib.sha256(data).hexdigest():
            errors.append("%s: asset %s file:checksum does not match the file" % (doc_path, key))
        if target.endswith(".tif"):
            cogs.append(os.path.relpath(target, folder))
            warnings, errs, _ = validate_cog(target, full_check=True)
            errors.extend("%s: not a valid COG: %s" % (target, e) for e in errs)
            ds = gdal.Open(target)
            gt, w, h = ds.GetGeoTransform(), ds.RasterXSize, ds.RasterYSize
            srs = osr.SpatialReference(wkt=ds.GetProjection())
            wgs = osr.SpatialReference(); wgs.ImportFromEPSG(4326)
            srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER); wgs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
            ct = osr.CoordinateTransformation(srs, wgs)
            bbox = doc["bbox"]
            for c, r in ((0, 0), (w, 0), (0, h), (w, h)):
                lon, lat, _ = ct.TransformPoint(gt[0] + c * gt[1] + r * gt[2], gt[3] + c * gt[4] + r * gt[5])
                if not (bbox[0] - 1e-6 <= lon <= bbox[2] + 1e-6 and bbox[1] - 1e-6 <= lat <= bbox[3] + 1e-6):
                    errors.append("%s: corner (%f, %f) outside bbox %s" % (doc_path, lon, lat, bbox))
            band = ds.GetRasterBand(1)
            if band.GetOverviewCount() == 0 and max(w, h) > 512:
                errors.append("%s: %dx%d raster without overviews" % (target, w, h))

def stac_error(e):
    """A pystac validation failure as one line: its first line and the tail of its last."""
    lines = str(e).splitlines()
    errors.append("STAC validation: " + lines[0] + (" | " + lines[-1][-300:] if len(lines) > 1 else ""))

if folder.endswith(".item.json"):   # a standalone Item (index -o FILE.tif, stack)
    item_path, folder = folder, os.path.dirname(folder)
    visit(item_path, set())
    try:
        pystac.Item.from_file(item_path).validate()
    except Exception as e:
        stac_error(e)
    json.dump({"items": items, "errors": errors, "cogs": cogs}, open(sys.argv[2], "w"))
    sys.exit(0)
root = os.path.join(folder, "catalog.json")
if not os.path.isfile(root):
    errors.append("no catalog.json in " + folder)
else:
    visit(root, set())
    try:
        pystac.Catalog.from_file(root).validate_all()
    except Exception as e:
        stac_error(e)
json.dump({"items": items, "errors": errors, "cogs": cogs}, open(sys.argv[2], "w"))
"""#
}
