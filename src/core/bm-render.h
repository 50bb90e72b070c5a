/* bm-render.h: draw a map into any cairo context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The same code draws the editor's canvas and the exported diagrams.
 * Drawing happens in map units; the caller sets the cairo transform.
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
  /* Actor ids drawn as selected / highlighted; may be NULL */
  GHashTable   *selected;
  GHashTable   *highlighted;
} BmRenderOptions;

void     bm_render_options_init  (BmRenderOptions *options);

/* Where each actor is drawn: its stored position, or for actors without
 * one the automatic placement.  Returns a map id → BmPoint* valid as long
 * as the table; deterministic. */
typedef struct { double x, y; } BmPoint;
GHashTable *bm_layout_positions  (BmMap *map);

/* Give every actor without a position one (an edit, emits actor-changed). */
void     bm_layout_place_unpositioned (BmMap *map);

/* The content's bounding box in map units: the bands across the actors'
 * horizontal extent, title, legend, margin */
void     bm_render_get_extents   (BmMap *map, const BmRenderOptions *options, BmRect *extents);

/* Draw the map in map units into @cr */
void     bm_render_draw          (cairo_t *cr, BmMap *map, const BmRenderOptions *options);

/* Radius of an actor's shape in map units (from influence) */
double   bm_render_actor_radius  (const BmActor *actor);

G_END_DECLS
