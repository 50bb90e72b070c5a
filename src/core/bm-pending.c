/* bm-pending.c: TEMPORARY weak placeholders so the executable links while
 * the core is being written.  Every real definition overrides these.
 * This file must be gone before any issue is called resolved. */
#include "config.h"
#include "bm-analysis.h"
#include "bm-export.h"
#include "bm-map-io.h"

#define PENDING(ret, fn, args, val) \
  __attribute__((weak)) ret fn args { g_critical ("%s is not written yet", G_STRFUNC); return val; }

