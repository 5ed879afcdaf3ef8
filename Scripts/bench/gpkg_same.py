#!/usr/bin/env python3
"""Compares two GeoPackages written by kubuqi-monitor (patch layers): the same features and the same index.

Usage: gpkg_same.py A.gpkg B.gpkg

For every feature table of A (gpkg_contents): every row of both, all columns, the geometry blob byte for
byte, in fid order; the spatial index (the R-tree table of gpkg_extensions' gpkg_rtree_index rows) as a
set of (id, minx, maxx, miny, maxy) entries, and SQLite's rtreecheck() on both; the triggers' SQL,
gpkg_extensions, gpkg_contents (without last_change) and gpkg_geometry_columns. Prints one line per
table and exits 1 at the first difference. The SQLite page layout (hence the files' bytes) may differ.
"""
import hashlib, sqlite3, sys


def rows(db, sql):
    return db.execute(sql).fetchall()


def digest(db, sql):
    h, n = hashlib.sha256(), 0
    for r in db.execute(sql):
        h.update(repr(r).encode()); n += 1
    return n, h.hexdigest()


def main(a_path, b_path):
    a, b = sqlite3.connect(a_path), sqlite3.connect(b_path)
    bad = []

    def same(what, x, y):
        if x != y:
            bad.append(what)
            print(f"DIFFERENT {what}: {str(x)[:200]} / {str(y)[:200]}")

    same("gpkg_contents", rows(a, "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents ORDER BY 1"),
         rows(b, "SELECT table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents ORDER BY 1"))
    same("gpkg_geometry_columns", rows(a, "SELECT * FROM gpkg_geometry_columns ORDER BY 1"), rows(b, "SELECT * FROM gpkg_geometry_columns ORDER BY 1"))
    same("gpkg_extensions", rows(a, "SELECT * FROM gpkg_extensions ORDER BY 1, 2, 3"), rows(b, "SELECT * FROM gpkg_extensions ORDER BY 1, 2, 3"))
    same("triggers", rows(a, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
         rows(b, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"))
    same("tables", rows(a, "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'view') ORDER BY name"),
         rows(b, "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'index', 'view') ORDER BY name"))
    for (table,) in rows(a, "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"):
        q = f'SELECT * FROM "{table}" ORDER BY 1'
        fa, fb = digest(a, q), digest(b, q)
        same(f"{table}: features", fa, fb)
        print(f"{table}: {fa[0]} features, {'same' if fa == fb else 'DIFFERENT'}")
    for (table, column) in rows(a, "SELECT table_name, column_name FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'"):
        r = f"rtree_{table}_{column}"
        q = f'SELECT * FROM "{r}" ORDER BY 1'
        ia, ib = digest(a, q), digest(b, q)
        same(f"{r}: entries", ia, ib)
        ca, cb = rows(a, f"SELECT rtreecheck('{r}')")[0][0], rows(b, f"SELECT rtreecheck('{r}')")[0][0]
        same(f"{r}: rtreecheck of the first", ca, "ok")
        same(f"{r}: rtreecheck of the second", cb, "ok")
        print(f"{r}: {ia[0]} entries, {'same' if ia == ib else 'DIFFERENT'}; rtreecheck {ca} / {cb}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
