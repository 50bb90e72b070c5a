/* bm-history-private.h: what only sibling files of bm-history.c need
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bm-history.h"

G_BEGIN_DECLS

/* Counts every operation recorded so far: an edit changed the map exactly
 * when the count moved. */
guint64 bm_history_get_change_count (BmHistory *self);

G_END_DECLS
