/* bm-gap-panel.h: the list of gaps where a Track 1.5 bridge is missing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows each gap of an analysis with its severity, title, explanation and
 * candidate bridges.  Signals:
 *   gap-activated (GStrv actor_ids, gboolean chosen): the actors the chosen
 *       gap concerns, to highlight; @chosen is TRUE when the user just
 *       chose it (frame them) and FALSE when a new analysis refreshed it
 *   gap-cleared (): no gap is chosen any more (Escape, or gone after an
 *       edit)
 */
#pragma once

#include <gtk/gtk.h>

#include "bm-analysis.h"
#include "bm-map.h"

G_BEGIN_DECLS

#define BM_TYPE_GAP_PANEL (bm_gap_panel_get_type ())
G_DECLARE_FINAL_TYPE (BmGapPanel, bm_gap_panel, BM, GAP_PANEL, GtkWidget)

GtkWidget  *bm_gap_panel_new            (void);

/* @analysis is owned by the caller and must stay valid until replaced;
 * both may be NULL.  The chosen gap stays chosen when it still exists. */
void        bm_gap_panel_set_analysis   (BmGapPanel  *self,
                                         BmMap       *map,
                                         BmAnalysis  *analysis);

guint       bm_gap_panel_get_n_gaps     (BmGapPanel  *self);
/* Chooses the gap at @index (as a click would); -1 clears */
void        bm_gap_panel_activate_gap   (BmGapPanel  *self,
                                         int          index);
/* Index of the chosen gap, or -1 */
int         bm_gap_panel_get_active_gap (BmGapPanel  *self);

/* The actors a gap concerns: its actors, candidates and bridge, or for a
 * middle-range gap the party's actors; NULL-terminated, free with
 * g_strfreev */
char      **bm_gap_actors               (BmMap       *map,
                                         const BmGap *gap);

G_END_DECLS
