#ifndef KUBUQI_CDEFLATE_SHIM_H
#define KUBUQI_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
