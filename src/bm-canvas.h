/* bm-canvas.h: the map canvas widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shows a map with the core renderer (a raster cache of the static scene,
 * only what moves drawn on top) and edits it through a BmHistory.
 */
#pragma once

#include <gtk/gtk.h>

#include "bm-analysis.h"
#include "bm-history.h"
#include "bm-map.h"

G_BEGIN_DECLS

#define BM_TYPE_CANVAS (bm_canvas_get_type ())
G_DECLARE_FINAL_TYPE (BmCanvas, bm_canvas, BM, CANVAS, GtkWidget)

GtkWidget   *bm_canvas_new                (void);

/* The document shown and edited; both may be NULL (empty canvas) */
void         bm_canvas_set_document       (BmCanvas   *self,
                                           BmMap      *map,
                                           BmHistory  *history);
BmMap       *bm_canvas_get_map            (BmCanvas   *self);

/* The gap overlay: the analysis is owned by the caller and must stay valid
 * until replaced; NULL hides it */
void         bm_canvas_set_analysis       (BmCanvas   *self,
                                           BmAnalysis *analysis);
void         bm_canvas_set_show_gaps      (BmCanvas   *self,
                                           gboolean    show);

/* Selection: NULL-terminated id arrays (free with g_strfreev) */
char       **bm_canvas_get_selected_actors (BmCanvas  *self);
char       **bm_canvas_get_selected_ties   (BmCanvas  *self);
void         bm_canvas_set_selection       (BmCanvas  *self,
                                            const char * const *actor_ids,
                                            const char * const *tie_ids);
void         bm_canvas_select_all          (BmCanvas  *self);

/* Emphasise some actors (e.g. a gap's) and fade the rest; NULL clears */
void         bm_canvas_set_highlight       (BmCanvas  *self,
                                            const char * const *actor_ids);

/* View */
void         bm_canvas_zoom_in             (BmCanvas  *self);
void         bm_canvas_zoom_out            (BmCanvas  *self);
void         bm_canvas_zoom_to_fit         (BmCanvas  *self);
/* Centre the view on these actors, zooming out if they don't fit */
void         bm_canvas_frame_actors        (BmCanvas  *self,
                                            const char * const *actor_ids);

/* Signals:
 *   selection-changed ()
 *   actor-created (const char *id): an actor was added by double-click;
 *       the window puts the cursor in its name field
 *   context-menu (double x, double y): right click (widget coordinates),
 *       after the clicked item was selected
 */

G_END_DECLS
