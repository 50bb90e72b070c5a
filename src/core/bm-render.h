/* bm-render.h: draw a map into any cairo context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code draws the editor's canvas and the exported diagrams.
 * Drawing happens in map units; the caller sets the cairo transform.
 *
 * The notation (domain.md, section 5), also explained by the legend:
 *
 *   actor shape = track: 1 square, 1.5 diamond, 2 circle, 3 triangle,
 *                 with a small badge naming the track ("1", "1.5", "2", "3")
 *   actor fill  = party colour; no party (third party): grey with a shadow
 *   outline     = kind: person solid, organisation double, group dashed
 *   letter      = sector (G government, C conflict resolution, B business,
 *                 P private citizens, E research/training/education,
 *                 A activism, R religion, F funding, M media)
 *   size        = influence (bm_render_actor_radius)
 *   ties        = channel a line (dotted at strength 1), alliance a double
 *                 line, influence an arrow, mediation an arrow with a hollow
 *                 diamond on it, funding an arrow with a hollow circle
 *                 ("coin") on it, conflict a zig-zag, broken a line crossed
 *                 by a double bar; the width grows with strength
 *   gaps        = BM_RENDER_GAP_COLOR (no party colour is drawn close to
 *                 it) with dashes and labels, so they read in greyscale:
 *                 a missing back channel is a dashed connector between the
 *                 two leaderships (critical: thick, short dashes and a
 *                 filled label; warning: thinner, longer dashes and an
 *                 outlined label) with dashed rings on their officials;
 *                 stranded unofficial actors (transfer) a dotted ring and a
 *                 warning sign; a one-sided bridge a "one side" badge; a
 *                 missing middle-range link a dashed note in the middle band
 *
 * On screen (options->pixels_per_unit > 0), detail too small to read is
 * left out: names below 6 pixels, badges and letters below 4.5, zig-zags
 * and dots whose pattern is smaller than a few pixels (drawn as plain
 * lines instead).  Names are placed greedily (the most influential first)
 * beside their shape where they cover no other name or shape and cross
 * the fewest ties; on screen a name that fits nowhere is left out, in
 * print (pixels_per_unit 0) never.
 *
 * Thread safety: drawing may happen on several threads at once (each with
 * its own cairo context); text layouts are cached per thread.
 */
#pragma once

#include <cairo.h>

#include "bm-map.h"
#include "bm-analysis.h"

G_BEGIN_DECLS

typedef struct
{
  double x, y, width, height;
} BmRect;

typedef enum
{
  BM_RENDER_PYRAMID   = 1 << 0,
  BM_RENDER_TIES      = 1 << 1,
  BM_RENDER_ACTORS    = 1 << 2,
  BM_RENDER_LABELS    = 1 << 3,
  BM_RENDER_LEGEND    = 1 << 4,
  BM_RENDER_TITLE     = 1 << 5,
  BM_RENDER_GAPS      = 1 << 6,
  BM_RENDER_ALL       = 0x7f,
} BmRenderFlags;

typedef struct
{
  BmRenderFlags flags;
  /* The analysis whose gaps are overlaid (BM_RENDER_GAPS); may be NULL */
  BmAnalysis   *analysis;
  /* Only what intersects this rectangle (map units) needs drawing; NULL
   * draws everything */
  const BmRect *clip;
  /* Screen pixels per map unit, to drop unreadable detail; 0 means "print" */
  double        pixels_per_unit;
  /* Actor ids to skip (being dragged, drawn on top by the caller); may be NULL */
  GHashTable   *skip_actors;
  /* Actor ids drawn as selected / highlighted; may be NULL.  When
   * @highlighted is not empty, everything not highlighted is faded (a tie
   * is highlighted when both its ends are, a gap when it concerns a
   * highlighted actor; faded gaps lose their notes).  @selected may hold
   * tie ids too (drawn with a halo). */
  GHashTable   *selected;
  GHashTable   *highlighted;
  /* Where actors are drawn, from bm_layout_positions(); NULL computes it
   * on each call (cheap when every actor has a stored position) */
  GHashTable   *positions;
} BmRenderOptions;

/* flags BM_RENDER_ALL, everything else NULL / 0 */
void     bm_render_options_init  (BmRenderOptions *options);

/* The colour reserved for the gap overlay, 0xRRGGBB */
#define BM_RENDER_GAP_COLOR 0xd6007e

/* ---- placement (bm-layout.c) --------------------------------------------- */

/* Where each actor is drawn: its stored position, or for actors without
 * one the automatic placement.  Returns a map id → BmPoint* valid as long
 * as the table; deterministic. */
typedef struct { double x, y; } BmPoint;
GHashTable *bm_layout_positions  (BmMap *map);

/* The same as an array by actor index (model order), n_actors entries;
 * free with g_free(). */
BmPoint    *bm_layout_positions_array (BmMap *map);

/* Give every actor without a position one (an edit, emits actor-changed).
 * Returns how many actors were placed. */
guint    bm_layout_place_unpositioned (BmMap *map);

/* Automatic placement, which keeps stored positions exactly and puts the
 * others:
 *   - inside their level's band, on four rows per band;
 *   - parties left to right in model order, third parties (no party) in
 *     the middle; a party whose other actors already have positions gets
 *     its new actors near them (the median x of its placed actors);
 *   - within a party and band ordered by track, then model order;
 *   - never overlapping another actor (placed or positioned): the nearest
 *     free slot to the target is taken; only where the band is crammed
 *     for thousands of units around the target (positioned actors packed
 *     together), the least crowded slot near it.
 * It depends only on model order, never on hash order. */

/* ---- drawing (bm-render.c) ---------------------------------------------- */

/* The content's bounding box in map units: the bands across the actors'
 * horizontal extent, title, legend, margin */
void     bm_render_get_extents   (BmMap *map, const BmRenderOptions *options, BmRect *extents);

/* Draw the map in map units into @cr */
void     bm_render_draw          (cairo_t *cr, BmMap *map, const BmRenderOptions *options);

/* Radius of an actor's shape in map units (from influence) */
double   bm_render_actor_radius  (const BmActor *actor);

/* The box an actor drawn at (@x, @y) covers, its name aside: shape,
 * shadow, badge, and the selection and highlight rings (for a rubber
 * band, or to know what to redraw) */
void     bm_render_actor_bounds  (const BmActor *actor, double x, double y, BmRect *bounds);

/* The fill colour an actor of @party_id (NULL: third party) is drawn
 * with, 0xRRGGBB: the party's colour, moved away from
 * BM_RENDER_GAP_COLOR when too close to it, or a palette colour (by the
 * party's place among parties without a colour) */
guint32  bm_render_party_color   (BmMap *map, const char *party_id);

/* Draw one actor centred at (@x, @y), ignoring its stored position and
 * options->skip_actors: shape, badges, selection ring, and its name below
 * it (when options->flags has BM_RENDER_LABELS).  For the editor's drag. */
void     bm_render_draw_actor    (cairo_t               *cr,
                                  BmMap                 *map,
                                  const BmActor         *actor,
                                  double                 x,
                                  double                 y,
                                  const BmRenderOptions *options);

/* Draw one tie as if its ends were at @from and @to (the centres of its
 * actors), ending at the shapes' edges.  For the editor's drag. */
void     bm_render_draw_tie      (cairo_t               *cr,
                                  BmMap                 *map,
                                  const BmTie           *tie,
                                  const BmPoint         *from,
                                  const BmPoint         *to,
                                  const BmRenderOptions *options);

/* Hit testing in map units.  @positions from bm_layout_positions(), or
 * NULL to compute them.  The actor drawn on top whose shape lies within
 * @tolerance of (@x, @y); NULL if none. */
const BmActor *bm_render_actor_at (BmMap      *map,
                                   GHashTable *positions,
                                   double      x,
                                   double      y,
                                   double      tolerance);

/* The tie whose drawn line passes nearest (@x, @y), within @tolerance plus
 * half its width; NULL if none. */
const BmTie   *bm_render_tie_at   (BmMap      *map,
                                   GHashTable *positions,
                                   double      x,
                                   double      y,
                                   double      tolerance);

/* Drawing on the calling thread uses a helper thread for large scenes.
 * A background renderer (the editor's) calls this with TRUE on its worker
 * thread so that drawing there stays on one core and leaves the other to
 * the thread that shows frames. */
void     bm_render_set_thread_single_core (gboolean single);

G_END_DECLS
