#ifndef KUBUQI_CSQLITE3_SHIM_H
#define KUBUQI_CSQLITE3_SHIM_H
/* SQLite (Debian: libsqlite3-dev), the library GDAL's GeoPackage driver links: prepared statements on the
   connection of an open GeoPackage (GDALGetInternalHandle "SQLITE_HANDLE"), for its spatial index. */
#include <sqlite3.h>
#endif
