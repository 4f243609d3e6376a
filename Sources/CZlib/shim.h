#ifndef EDGEFLEET_CZLIB_SHIM_H
#define EDGEFLEET_CZLIB_SHIM_H
#include <zlib.h>
#endif
