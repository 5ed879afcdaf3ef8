#ifndef KUBUQI_CTIFF_SHIM_H
#define KUBUQI_CTIFF_SHIM_H
#include <tiffio.h>
#endif
