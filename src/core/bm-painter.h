/* bm-painter.h: the renderer's drawing primitives (private to the core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A painter draws simple shapes in map units into a cairo context.  On an
 * image surface with an axis-aligned transform it writes the pixels
 * itself, with antialiasing from the exact distance to each shape, which
 * is several times faster than cairo's general rasteriser for the long
 * thin lines of a network; on anything else (PDF, SVG, a rotated
 * transform, a complex clip) it builds cairo paths.  Both give the same
 * picture.
 *
 * Use: begin a fill or a stroke style, add shapes, end.  Polygons must be
 * convex.  Text goes through bm_painter_text() and is batched per font and
 * colour until bm_painter_flush_text().
 */
#pragma once

#include <cairo.h>
#include <pango/pango.h>

G_BEGIN_DECLS

typedef struct _BmPainter BmPainter;

typedef enum
{
  BM_DASH_NONE,
  BM_DASH_DOTS,     /* round dots, one line width across, @period apart */
  BM_DASH_DASHES,   /* @on long, @period - @on gap */
} BmDash;

/* @allow_raster FALSE forces cairo paths */
BmPainter *bm_painter_new          (cairo_t *cr, gboolean allow_raster);
/* Flushes pending text and hands the surface back to cairo */
void       bm_painter_free         (BmPainter *p);
gboolean   bm_painter_is_raster    (BmPainter *p);
/* Call before drawing on the cairo context directly */
void       bm_painter_sync         (BmPainter *p);

void       bm_painter_fill_begin   (BmPainter *p, guint32 rgb, double alpha);
void       bm_painter_stroke_begin (BmPainter *p, guint32 rgb, double alpha, double width,
                                    BmDash dash, double on, double period);
void       bm_painter_end          (BmPainter *p);

/* Strokes only.  A segment has butt caps; a polyline square caps and
 * mitred joins (the zig-zag of a conflict) */
void       bm_painter_segment      (BmPainter *p, double x1, double y1, double x2, double y2);
void       bm_painter_polyline     (BmPainter *p, const double *xy, int n);
/* Fill or stroke */
void       bm_painter_polygon      (BmPainter *p, const double *xy, int n);
void       bm_painter_circle       (BmPainter *p, double cx, double cy, double r);
/* A rectangle with fully rounded ends (a pill), or square corners */
void       bm_painter_pill         (BmPainter *p, double x, double y, double w, double h);
void       bm_painter_rect         (BmPainter *p, double x, double y, double w, double h);

/* Queue @layout's glyphs at (@x, @y) (the layout's origin) */
void       bm_painter_text         (BmPainter *p, PangoLayout *layout, double x, double y,
                                    guint32 rgb, double alpha);
void       bm_painter_flush_text   (BmPainter *p);

/* cairo writes the text of an SVG surface as outlines: after the surface
 * is finished, this puts the lines of text painters drew on it into @svg
 * (its output) as transparent <text> elements, so names can be found and
 * copied */
void       bm_painter_write_svg_text (cairo_surface_t *surface, GByteArray *svg);

G_END_DECLS
