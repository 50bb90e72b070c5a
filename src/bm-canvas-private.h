/* bm-canvas-private.h: what tests and the frame benchmark drive directly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real input reaches these through the canvas' gestures; tests and the
 * benchmark call them to script a pan, a zoom or a drag exactly.
 */
#pragma once

#include "bm-canvas.h"

G_BEGIN_DECLS

/* Pan by a distance in widget pixels */
void     bm_canvas_pan_by         (BmCanvas *self, double dx, double dy);
/* Zoom by @factor keeping widget point (@x, @y) fixed */
void     bm_canvas_zoom_at        (BmCanvas *self, double factor, double x, double y);
/* Pixels per map unit */
double   bm_canvas_get_scale      (BmCanvas *self);
/* Widget position of a map point */
void     bm_canvas_map_to_widget  (BmCanvas *self, double mx, double my, double *wx, double *wy);

/* A primary-button drag, as the drag gesture delivers it */
void     bm_canvas_drag_begin     (BmCanvas *self, double x, double y, GdkModifierType state);
void     bm_canvas_drag_update    (BmCanvas *self, double dx, double dy);
void     bm_canvas_drag_end       (BmCanvas *self, double dx, double dy);

/* TRUE once the cached scene shows the current map and view */
gboolean bm_canvas_is_scene_current (BmCanvas *self);

/* Render every scene in a worker thread, as for a large map */
void     bm_canvas_set_always_threaded (BmCanvas *self, gboolean always);

G_END_DECLS
