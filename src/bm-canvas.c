/* bm-canvas.c: the map canvas widget
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drawing (performance.md): the static scene is rendered by the core
 * renderer into a cairo image surface at screen resolution — in a worker
 * thread, from a copy of the map, when the last render was slow — and each
 * frame paints that surface with a tiny cairo node, translated while
 * panning and scaled while a zoom is in progress.  Only what changes every
 * frame is drawn on top: the actors being dragged and their ties, actors
 * whose cached drawing is stale, selection rings, hover, the rubber band,
 * the tie being drawn and the band hint.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "bm-canvas-private.h"
#include "bm-edit.h"
#include "bm-render.h"

#define MIN_SCALE 0.02
#define MAX_SCALE 12.0
#define ZOOM_STEP 1.25
#define HANDLE_RADIUS_PX 6.0
#define HIT_TOLERANCE_PX 4.0
#define SYNC_RENDER_LIMIT_US 40000 /* render in a thread when slower */
#define ZOOM_SETTLE_MS 160
#define NUDGE_UNITS 10.0

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_RUBBER,
  DRAG_PAN,
  DRAG_TIE,
} DragMode;

struct _BmCanvas
{
  GtkWidget parent_instance;

  BmMap *map;
  BmHistory *history;
  BmAnalysis *analysis;
  gboolean show_gaps;
  gulong changed_handler;

  /* Where actors are drawn: id → BmPoint*, recomputed on every change */
  GHashTable *positions;
  guint map_serial;

  /* View: widget pixel (wx, wy) shows map point (ox + wx / scale, …) */
  double scale;
  double ox, oy;
  gboolean view_set;

  /* Selection and emphasis (sets of ids) */
  GHashTable *sel_actors;
  GHashTable *sel_ties;
  GHashTable *highlight;
  char *hover_actor;
  char *hover_tie;

  /* The raster cache of the static scene; for a scene drawn in a thread,
   * base is the thread's picture and cache that picture with the gap
   * overlay added on the main thread */
  cairo_surface_t *cache;
  cairo_surface_t *base;
  GdkTexture *cache_texture;  /* the cache for GPU renderers, made when needed */
  double cache_scale, cache_ox, cache_oy;
  int cache_device_scale;
  guint cache_serial;
  gboolean cache_valid_view;
  gint64 last_render_us;
  guint render_idle_id;
  guint zoom_settle_id;
  GCancellable *render_cancel;
  gboolean render_in_flight;
  gboolean always_threaded;
  /* Actors drawn on top until the cache shows their current state */
  GHashTable *stale_actors;

  /* Interaction */
  DragMode drag_mode;
  double press_x, press_y;    /* widget coordinates */
  double drag_x, drag_y;      /* current offset from the press */
  GPtrArray *drag_ids;
  BmPoint *drag_origin;       /* positions at drag start, per drag_ids */
  char *tie_from;
  double pan_ox, pan_oy;
  gboolean space_held;
  gboolean rubber_additive;
  double pointer_x, pointer_y;
  gboolean pointer_inside;
  double zoom_gesture_start;
};

G_DEFINE_FINAL_TYPE (BmCanvas, bm_canvas, GTK_TYPE_WIDGET)

enum {
  SELECTION_CHANGED,
  ACTOR_CREATED,
  CONTEXT_MENU,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule_render (BmCanvas *self, gboolean soon);

/* ---- coordinates ------------------------------------------------------- */

static inline void
widget_to_map (BmCanvas *self, double wx, double wy, double *mx, double *my)
{
  *mx = self->ox + wx / self->scale;
  *my = self->oy + wy / self->scale;
}

static inline void
map_to_widget (BmCanvas *self, double mx, double my, double *wx, double *wy)
{
  *wx = (mx - self->ox) * self->scale;
  *wy = (my - self->oy) * self->scale;
}

static const BmPoint *
actor_position (BmCanvas *self, const char *id)
{
  return self->positions ? g_hash_table_lookup (self->positions, id) : NULL;
}

/* Position of an actor as shown now: moved by the drag if it is dragged */
static gboolean
shown_position (BmCanvas *self, const char *id, BmPoint *out)
{
  const BmPoint *p = actor_position (self, id);

  if (p == NULL)
    return FALSE;
  *out = *p;
  if (self->drag_mode == DRAG_MOVE && self->drag_ids != NULL)
    for (guint i = 0; i < self->drag_ids->len; i++)
      if (g_str_equal (g_ptr_array_index (self->drag_ids, i), id))
        {
          out->x = self->drag_origin[i].x + self->drag_x / self->scale;
          out->y = self->drag_origin[i].y + self->drag_y / self->scale;
          break;
        }
  return TRUE;
}

/* ---- model tracking ---------------------------------------------------- */

static void
prune_set (GHashTable *set, gboolean actors, BmMap *map)
{
  GHashTableIter iter;
  const char *id;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    if (map == NULL ||
        (actors ? bm_map_lookup_actor (map, id) == NULL : bm_map_lookup_tie (map, id) == NULL))
      g_hash_table_iter_remove (&iter);
}

static void
recompute_positions (BmCanvas *self)
{
  g_clear_pointer (&self->positions, g_hash_table_unref);
  if (self->map != NULL)
    self->positions = bm_layout_positions (self->map);
}

static void
on_map_changed (BmMap *map, BmCanvas *self)
{
  guint n_sel = g_hash_table_size (self->sel_actors) + g_hash_table_size (self->sel_ties);
  g_autoptr(GHashTable) old_positions = NULL;

  old_positions = self->positions ? g_hash_table_ref (self->positions) : NULL;
  self->map_serial++;
  recompute_positions (self);

  /* Actors that moved are drawn on top until the new cache arrives */
  if (old_positions != NULL)
    {
      GHashTableIter iter;
      const char *id;
      const BmPoint *p;

      g_hash_table_iter_init (&iter, self->positions);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &p))
        {
          const BmPoint *q = g_hash_table_lookup (old_positions, id);
          if (q == NULL || q->x != p->x || q->y != p->y)
            g_hash_table_add (self->stale_actors, g_strdup (id));
        }
    }

  prune_set (self->sel_actors, TRUE, map);
  prune_set (self->sel_ties, FALSE, map);
  prune_set (self->stale_actors, TRUE, map);
  if (self->hover_actor && bm_map_lookup_actor (map, self->hover_actor) == NULL)
    g_clear_pointer (&self->hover_actor, g_free);
  if (self->hover_tie && bm_map_lookup_tie (map, self->hover_tie) == NULL)
    g_clear_pointer (&self->hover_tie, g_free);

  schedule_render (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (n_sel != g_hash_table_size (self->sel_actors) + g_hash_table_size (self->sel_ties))
    g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* ---- the raster cache --------------------------------------------------- */

typedef struct
{
  BmMap *map;             /* a private copy for threads, else the map */
  GHashTable *positions;
  GHashTable *highlight;
  BmAnalysis *analysis;   /* only in the synchronous path */
  gboolean show_gaps;
  double scale, ox, oy;
  int width, height, device_scale;
  guint serial;
  gint64 elapsed_us;      /* how long the drawing took */
} RenderJob;

static void
render_job_free (RenderJob *job)
{
  g_clear_object (&job->map);
  g_clear_pointer (&job->positions, g_hash_table_unref);
  g_clear_pointer (&job->highlight, g_hash_table_unref);
  g_free (job);
}

static GHashTable *
copy_set (GHashTable *set)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  const char *id;

  if (set != NULL)
    {
      g_hash_table_iter_init (&iter, set);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
        g_hash_table_add (copy, g_strdup (id));
    }
  return copy;
}

static GHashTable *
copy_positions (GHashTable *positions)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  const char *id;
  const BmPoint *p;

  g_hash_table_iter_init (&iter, positions);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &p))
    g_hash_table_insert (copy, g_strdup (id), g_memdup2 (p, sizeof *p));
  return copy;
}

/* Draws what @options asks of the view (@scale, @ox, @oy) of a widget
 * @width × @height pixels large onto @cr, a surface of its size */
static void
draw_view (cairo_t *cr, BmMap *map, BmRenderOptions *options,
           double scale, double ox, double oy, double width, double height, int device_scale)
{
  BmRect clip = { ox, oy, width / scale, height / scale };

  options->pixels_per_unit = scale * device_scale;
  options->clip = &clip;
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -ox, -oy);
  bm_render_draw (cr, map, options);
  cairo_restore (cr);
  options->clip = NULL;
}

static cairo_surface_t *
render_scene (RenderJob *job)
{
  cairo_surface_t *surface;
  BmRenderOptions options;
  cairo_t *cr;
  int pw = MAX (1, job->width * job->device_scale);
  int ph = MAX (1, job->height * job->device_scale);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, pw, ph);
  cairo_surface_set_device_scale (surface, job->device_scale, job->device_scale);
  cr = cairo_create (surface);

  bm_render_options_init (&options);
  options.flags = BM_RENDER_ALL & ~(BM_RENDER_LEGEND | BM_RENDER_TITLE);
  if (!job->show_gaps || job->analysis == NULL)
    options.flags &= ~BM_RENDER_GAPS;
  options.analysis = job->analysis;
  options.positions = job->positions;
  options.highlighted = job->highlight && g_hash_table_size (job->highlight) ? job->highlight : NULL;
  draw_view (cr, job->map, &options, job->scale, job->ox, job->oy,
             job->width, job->height, job->device_scale);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static RenderJob *
render_job_new (BmCanvas *self, gboolean threaded)
{
  RenderJob *job = g_new0 (RenderJob, 1);

  job->map = threaded ? bm_map_copy (self->map) : g_object_ref (self->map);
  job->positions = threaded ? copy_positions (self->positions) : g_hash_table_ref (self->positions);
  job->highlight = copy_set (self->highlight);
  /* The analysis belongs to the window and may be replaced at any time:
   * a worker thread draws no overlay; it is drawn on top instead. */
  job->analysis = threaded ? NULL : self->analysis;
  job->show_gaps = self->show_gaps;
  job->scale = self->scale;
  job->ox = self->ox;
  job->oy = self->oy;
  job->width = gtk_widget_get_width (GTK_WIDGET (self));
  job->height = gtk_widget_get_height (GTK_WIDGET (self));
  job->device_scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  job->serial = self->map_serial;
  return job;
}

static void
set_cache (BmCanvas *self, cairo_surface_t *surface)
{
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_clear_object (&self->cache_texture);
  self->cache = surface;
}

/* A worker thread cannot use the window's analysis, which may be replaced
 * at any time: its picture has no gap overlay.  The overlay is drawn here,
 * on the main thread, onto a copy of that picture — once per new picture,
 * analysis or toggle, rather than on top of every frame. */
static void
compose_gaps (BmCanvas *self)
{
  cairo_surface_t *surface;
  BmRenderOptions options;
  cairo_t *cr;
  int ds = self->cache_device_scale;
  int width, height;

  if (self->base == NULL)
    return;
  set_cache (self, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  if (!self->show_gaps || self->analysis == NULL || bm_analysis_get_n_gaps (self->analysis) == 0)
    {
      set_cache (self, cairo_surface_reference (self->base));
      return;
    }

  width = cairo_image_surface_get_width (self->base);
  height = cairo_image_surface_get_height (self->base);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_surface_set_device_scale (surface, ds, ds);
  cr = cairo_create (surface);
  cairo_set_source_surface (cr, self->base, 0, 0);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);

  bm_render_options_init (&options);
  options.flags = BM_RENDER_GAPS;
  options.analysis = self->analysis;
  options.positions = self->positions;
  draw_view (cr, self->map, &options, self->cache_scale, self->cache_ox, self->cache_oy,
             width / (double) ds, height / (double) ds, ds);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  set_cache (self, surface);
}

static void
adopt_render (BmCanvas *self, RenderJob *job, cairo_surface_t *surface, gboolean has_gaps)
{
  set_cache (self, NULL);
  g_clear_pointer (&self->base, cairo_surface_destroy);
  if (has_gaps)
    set_cache (self, surface);
  else
    self->base = surface;
  self->cache_scale = job->scale;
  self->cache_ox = job->ox;
  self->cache_oy = job->oy;
  self->cache_device_scale = job->device_scale;
  self->cache_serial = job->serial;
  if (job->serial == self->map_serial)
    g_hash_table_remove_all (self->stale_actors);
  compose_gaps (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
render_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  RenderJob *job = data;

  cairo_surface_t *surface;
  gint64 start = g_get_monotonic_time ();

  bm_render_set_thread_single_core (TRUE);
  surface = render_scene (job);
  job->elapsed_us = g_get_monotonic_time () - start;
  g_task_return_pointer (task, surface, (GDestroyNotify) cairo_surface_destroy);
}

static void
render_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BmCanvas *self = BM_CANVAS (source);
  RenderJob *job = g_task_get_task_data (G_TASK (result));
  cairo_surface_t *surface;

  surface = g_task_propagate_pointer (G_TASK (result), NULL);
  self->render_in_flight = FALSE;
  if (surface == NULL)
    return;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      cairo_surface_destroy (surface);
      return;
    }
  adopt_render (self, job, surface, FALSE);
  /* A quick scene (the first one pays for loading fonts) is drawn on the
   * main thread again next time, with its gap overlay */
  self->last_render_us = job->elapsed_us;
  /* The view or the map may have changed meanwhile */
  if (job->serial != self->map_serial || job->scale != self->scale ||
      job->ox != self->ox || job->oy != self->oy)
    schedule_render (self, TRUE);
}

static gboolean
cache_is_current (BmCanvas *self)
{
  return self->cache != NULL &&
         self->cache_serial == self->map_serial &&
         self->cache_scale == self->scale &&
         self->cache_ox == self->ox && self->cache_oy == self->oy &&
         self->cache_device_scale == gtk_widget_get_scale_factor (GTK_WIDGET (self)) &&
         cairo_image_surface_get_width (self->cache) ==
           gtk_widget_get_width (GTK_WIDGET (self)) * self->cache_device_scale &&
         cairo_image_surface_get_height (self->cache) ==
           gtk_widget_get_height (GTK_WIDGET (self)) * self->cache_device_scale;
}

static void
render_now (BmCanvas *self)
{
  gint64 start;
  RenderJob *job;

  if (self->map == NULL || gtk_widget_get_width (GTK_WIDGET (self)) <= 0)
    return;
  if (cache_is_current (self))
    return;

  if (self->last_render_us < SYNC_RENDER_LIMIT_US && !self->always_threaded)
    {
      cairo_surface_t *surface;

      job = render_job_new (self, FALSE);
      start = g_get_monotonic_time ();
      surface = render_scene (job);
      self->last_render_us = g_get_monotonic_time () - start;
      adopt_render (self, job, surface, TRUE);
      render_job_free (job);
    }
  else if (!self->render_in_flight)
    {
      g_autoptr(GTask) task = NULL;

      g_cancellable_cancel (self->render_cancel);
      g_clear_object (&self->render_cancel);
      self->render_cancel = g_cancellable_new ();
      job = render_job_new (self, TRUE);
      task = g_task_new (self, self->render_cancel, render_done, NULL);
      g_task_set_task_data (task, job, (GDestroyNotify) render_job_free);
      self->render_in_flight = TRUE;
      g_task_run_in_thread (task, render_thread);
    }
}

static gboolean
render_idle (gpointer data)
{
  BmCanvas *self = data;

  self->render_idle_id = 0;
  if (self->zoom_settle_id != 0 || self->drag_mode == DRAG_MOVE)
    return G_SOURCE_REMOVE;
  render_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_render (BmCanvas *self, gboolean soon)
{
  if (self->render_idle_id != 0)
    return;
  self->render_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, render_idle, self, NULL);
}

static gboolean
zoom_settled (gpointer data)
{
  BmCanvas *self = data;

  self->zoom_settle_id = 0;
  schedule_render (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* ---- view ---------------------------------------------------------------- */

static void
view_changed (BmCanvas *self, gboolean zooming)
{
  /* While the view keeps moving, the cached scene is only translated or
   * scaled; it is rebuilt once the gesture pauses */
  self->view_set = TRUE;
  g_clear_handle_id (&self->zoom_settle_id, g_source_remove);
  self->zoom_settle_id = g_timeout_add (ZOOM_SETTLE_MS, zoom_settled, self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_at (BmCanvas *self, double factor, double wx, double wy)
{
  double mx, my, new_scale;

  new_scale = CLAMP (self->scale * factor, MIN_SCALE, MAX_SCALE);
  if (new_scale == self->scale)
    return;
  widget_to_map (self, wx, wy, &mx, &my);
  self->scale = new_scale;
  self->ox = mx - wx / self->scale;
  self->oy = my - wy / self->scale;
  view_changed (self, TRUE);
}

static void
pan_by (BmCanvas *self, double dx_px, double dy_px)
{
  self->ox += dx_px / self->scale;
  self->oy += dy_px / self->scale;
  view_changed (self, FALSE);
}

static void
fit_rect (BmCanvas *self, const BmRect *r, double max_scale)
{
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  double sx, sy;

  if (w <= 0 || h <= 0 || r->width <= 0 || r->height <= 0)
    return;
  sx = (w - 24) / r->width;
  sy = (h - 24) / r->height;
  self->scale = CLAMP (MIN (MIN (sx, sy), max_scale), MIN_SCALE, MAX_SCALE);
  self->ox = r->x + r->width / 2 - w / 2.0 / self->scale;
  self->oy = r->y + r->height / 2 - h / 2.0 / self->scale;
  view_changed (self, TRUE);
}

void
bm_canvas_zoom_to_fit (BmCanvas *self)
{
  BmRenderOptions options;
  BmRect extents;

  g_return_if_fail (BM_IS_CANVAS (self));

  if (self->map == NULL)
    return;
  bm_render_options_init (&options);
  options.flags = BM_RENDER_ALL & ~(BM_RENDER_LEGEND | BM_RENDER_TITLE);
  options.positions = self->positions;
  bm_render_get_extents (self->map, &options, &extents);
  fit_rect (self, &extents, 2.0);
}

void
bm_canvas_zoom_in (BmCanvas *self)
{
  g_return_if_fail (BM_IS_CANVAS (self));
  zoom_at (self, ZOOM_STEP, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
bm_canvas_zoom_out (BmCanvas *self)
{
  g_return_if_fail (BM_IS_CANVAS (self));
  zoom_at (self, 1 / ZOOM_STEP, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
           gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

void
bm_canvas_frame_actors (BmCanvas *self, const char * const *actor_ids)
{
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  int w = gtk_widget_get_width (GTK_WIDGET (self));
  int h = gtk_widget_get_height (GTK_WIDGET (self));
  guint n = 0;
  BmRect r;

  g_return_if_fail (BM_IS_CANVAS (self));

  for (guint i = 0; actor_ids != NULL && actor_ids[i] != NULL; i++)
    {
      const BmPoint *p = actor_position (self, actor_ids[i]);
      if (p == NULL)
        continue;
      x0 = MIN (x0, p->x);
      y0 = MIN (y0, p->y);
      x1 = MAX (x1, p->x);
      y1 = MAX (y1, p->y);
      n++;
    }
  if (n == 0 || w <= 0 || h <= 0)
    return;

  /* Keep the zoom when everything fits; otherwise zoom out just enough */
  r.x = x0 - 80;
  r.y = y0 - 80;
  r.width = x1 - x0 + 160;
  r.height = y1 - y0 + 160;
  if (r.width * self->scale <= w && r.height * self->scale <= h)
    {
      self->ox = (x0 + x1) / 2 - w / 2.0 / self->scale;
      self->oy = (y0 + y1) / 2 - h / 2.0 / self->scale;
      view_changed (self, FALSE);
    }
  else
    fit_rect (self, &r, self->scale);
}

/* ---- selection ----------------------------------------------------------- */

static void
selection_changed (BmCanvas *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

static void
clear_selection (BmCanvas *self)
{
  g_hash_table_remove_all (self->sel_actors);
  g_hash_table_remove_all (self->sel_ties);
}

static char **
set_to_sorted_strv (GHashTable *set, BmMap *map, gboolean actors)
{
  GPtrArray *out = g_ptr_array_new ();

  /* in model order, so the caller's view is stable */
  if (map != NULL)
    {
      guint n = actors ? bm_map_get_n_actors (map) : bm_map_get_n_ties (map);
      for (guint i = 0; i < n; i++)
        {
          const char *id = actors ? bm_map_get_actor (map, i)->id : bm_map_get_tie (map, i)->id;
          if (g_hash_table_contains (set, id))
            g_ptr_array_add (out, g_strdup (id));
        }
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char **
bm_canvas_get_selected_actors (BmCanvas *self)
{
  g_return_val_if_fail (BM_IS_CANVAS (self), NULL);
  return set_to_sorted_strv (self->sel_actors, self->map, TRUE);
}

char **
bm_canvas_get_selected_ties (BmCanvas *self)
{
  g_return_val_if_fail (BM_IS_CANVAS (self), NULL);
  return set_to_sorted_strv (self->sel_ties, self->map, FALSE);
}

void
bm_canvas_set_selection (BmCanvas          *self,
                         const char * const *actor_ids,
                         const char * const *tie_ids)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  clear_selection (self);
  for (guint i = 0; actor_ids != NULL && actor_ids[i] != NULL; i++)
    if (self->map && bm_map_lookup_actor (self->map, actor_ids[i]))
      g_hash_table_add (self->sel_actors, g_strdup (actor_ids[i]));
  for (guint i = 0; tie_ids != NULL && tie_ids[i] != NULL; i++)
    if (self->map && bm_map_lookup_tie (self->map, tie_ids[i]))
      g_hash_table_add (self->sel_ties, g_strdup (tie_ids[i]));
  selection_changed (self);
}

void
bm_canvas_select_all (BmCanvas *self)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  if (self->map == NULL)
    return;
  clear_selection (self);
  for (guint i = 0; i < bm_map_get_n_actors (self->map); i++)
    g_hash_table_add (self->sel_actors, g_strdup (bm_map_get_actor (self->map, i)->id));
  for (guint i = 0; i < bm_map_get_n_ties (self->map); i++)
    g_hash_table_add (self->sel_ties, g_strdup (bm_map_get_tie (self->map, i)->id));
  selection_changed (self);
}

void
bm_canvas_set_highlight (BmCanvas *self, const char * const *actor_ids)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  g_hash_table_remove_all (self->highlight);
  for (guint i = 0; actor_ids != NULL && actor_ids[i] != NULL; i++)
    g_hash_table_add (self->highlight, g_strdup (actor_ids[i]));
  self->map_serial++; /* the cached scene fades the rest */
  schedule_render (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ---- document ------------------------------------------------------------ */

void
bm_canvas_set_document (BmCanvas *self, BmMap *map, BmHistory *history)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  if (self->map != NULL)
    g_clear_signal_handler (&self->changed_handler, self->map);
  g_set_object (&self->map, map);
  g_set_object (&self->history, history);
  clear_selection (self);
  g_hash_table_remove_all (self->highlight);
  g_hash_table_remove_all (self->stale_actors);
  g_clear_pointer (&self->hover_actor, g_free);
  g_clear_pointer (&self->hover_tie, g_free);
  set_cache (self, NULL);
  g_clear_pointer (&self->base, cairo_surface_destroy);
  self->last_render_us = 0;
  self->map_serial++;
  recompute_positions (self);
  if (map != NULL)
    self->changed_handler = g_signal_connect (map, "changed", G_CALLBACK (on_map_changed), self);
  self->view_set = FALSE;
  if (gtk_widget_get_width (GTK_WIDGET (self)) > 0)
    bm_canvas_zoom_to_fit (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

BmMap *
bm_canvas_get_map (BmCanvas *self)
{
  g_return_val_if_fail (BM_IS_CANVAS (self), NULL);
  return self->map;
}

/* The overlay is part of a scene rendered on the main thread, or added
 * to the picture of one rendered in a thread */
static void
gaps_changed (BmCanvas *self)
{
  if (self->base != NULL)
    compose_gaps (self);
  else
    self->cache_serial = (guint) -1;
  schedule_render (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bm_canvas_set_analysis (BmCanvas *self, BmAnalysis *analysis)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  self->analysis = analysis;
  gaps_changed (self);
}

void
bm_canvas_set_show_gaps (BmCanvas *self, gboolean show)
{
  g_return_if_fail (BM_IS_CANVAS (self));

  show = !!show;
  if (self->show_gaps == show)
    return;
  self->show_gaps = show;
  gaps_changed (self);
}

/* ---- drawing on top ------------------------------------------------------ */

static void
draw_actor_with_ties (BmCanvas *self, cairo_t *cr, const BmActor *actor,
                      const BmRenderOptions *options, GHashTable *drawn_ties)
{
  BmPoint here;

  if (!shown_position (self, actor->id, &here))
    return;
  for (guint i = 0; i < bm_map_get_n_ties (self->map); i++)
    {
      const BmTie *tie = bm_map_get_tie (self->map, i);
      BmPoint a, b;

      if (strcmp (tie->from, actor->id) != 0 && strcmp (tie->to, actor->id) != 0)
        continue;
      if (drawn_ties != NULL && !g_hash_table_add (drawn_ties, tie->id))
        continue;
      if (shown_position (self, tie->from, &a) && shown_position (self, tie->to, &b))
        bm_render_draw_tie (cr, self->map, tie, &a, &b, options);
    }
  bm_render_draw_actor (cr, self->map, actor, here.x, here.y, options);
}

static void
draw_ring (cairo_t *cr, double x, double y, double r, double scale,
           double red, double green, double blue, double width_px)
{
  cairo_new_path (cr);
  cairo_arc (cr, x, y, r, 0, 2 * G_PI);
  cairo_set_source_rgba (cr, red, green, blue, 0.9);
  cairo_set_line_width (cr, width_px / scale);
  cairo_stroke (cr);
}

static void
draw_band_hint (BmCanvas *self, cairo_t *cr, int width)
{
  const BmActor *actor;
  BmPoint p;
  BmLevel level;
  PangoLayout *layout;
  g_autofree char *text = NULL;
  double top, wx, wy;

  if (self->drag_mode != DRAG_MOVE || self->drag_ids == NULL || self->drag_ids->len == 0)
    return;
  actor = bm_map_lookup_actor (self->map, g_ptr_array_index (self->drag_ids, 0));
  if (actor == NULL || !shown_position (self, actor->id, &p))
    return;
  level = bm_level_for_y (CLAMP (p.y, 0, 899.99));
  if (level == actor->level)
    return;

  top = bm_level_band_top (level);
  cairo_save (cr);
  cairo_rectangle (cr, self->ox, top, width / self->scale, BM_BAND_HEIGHT);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.10);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
  cairo_set_line_width (cr, 2 / self->scale);
  cairo_stroke (cr);
  cairo_restore (cr);

  /* The label is drawn in widget pixels next to the pointer */
  text = g_strdup_printf (_("Move to %s"), bm_level_display_name (level));
  map_to_widget (self, p.x, p.y, &wx, &wy);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  cairo_move_to (cr, wx + 18, wy + 18);
  cairo_set_source_rgba (cr, 1, 1, 1, 0.9);
  {
    int lw, lh;
    pango_layout_get_pixel_size (layout, &lw, &lh);
    cairo_rectangle (cr, wx + 12, wy + 14, lw + 12, lh + 8);
    cairo_fill (cr);
  }
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.6);
  cairo_move_to (cr, wx + 18, wy + 18);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
  cairo_restore (cr);
}

static void
draw_overlays (BmCanvas *self, cairo_t *cr, int width, int height)
{
  BmRenderOptions options;
  g_autoptr(GHashTable) drawn_ties = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) on_top = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  const char *id;
  gboolean cache_stale = self->cache == NULL || self->cache_serial != self->map_serial;

  bm_render_options_init (&options);
  options.flags = BM_RENDER_ACTORS | BM_RENDER_TIES | BM_RENDER_LABELS;
  options.positions = self->positions;
  options.pixels_per_unit = self->scale * gtk_widget_get_scale_factor (GTK_WIDGET (self));

  cairo_save (cr);
  cairo_scale (cr, self->scale, self->scale);
  cairo_translate (cr, -self->ox, -self->oy);

  /* A dragged actor's place in the cached scene shows as a faded ghost */
  if (self->drag_mode == DRAG_MOVE && self->drag_ids != NULL && !cache_stale)
    for (guint i = 0; i < self->drag_ids->len; i++)
      {
        const BmActor *actor = bm_map_lookup_actor (self->map, g_ptr_array_index (self->drag_ids, i));
        const BmPoint *p = actor != NULL ? actor_position (self, actor->id) : NULL;

        if (p == NULL)
          continue;
        cairo_new_path (cr);
        cairo_arc (cr, p->x, p->y, bm_render_actor_radius (actor) * 1.5 + 2 / self->scale, 0, 2 * G_PI);
        cairo_set_source_rgba (cr, 1, 1, 1, 0.65);
        cairo_fill (cr);
      }

  /* What moves, and what the cache shows in an old state */
  if (self->drag_mode == DRAG_MOVE && self->drag_ids != NULL)
    for (guint i = 0; i < self->drag_ids->len; i++)
      g_hash_table_add (on_top, g_ptr_array_index (self->drag_ids, i));
  if (cache_stale)
    {
      g_hash_table_iter_init (&iter, self->stale_actors);
      while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
        g_hash_table_add (on_top, (gpointer) id);
    }
  g_hash_table_iter_init (&iter, on_top);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      const BmActor *actor = bm_map_lookup_actor (self->map, id);
      if (actor != NULL)
        draw_actor_with_ties (self, cr, actor, &options, drawn_ties);
    }

  /* Hover: the actor's ties emphasised, and a ring */
  if (self->hover_actor != NULL && self->drag_mode == DRAG_NONE)
    {
      const BmActor *actor = bm_map_lookup_actor (self->map, self->hover_actor);
      BmPoint p, a, b;

      if (actor != NULL && shown_position (self, actor->id, &p))
        {
          double r = bm_render_actor_radius (actor);

          cairo_save (cr);
          cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.55);
          cairo_set_line_width (cr, 5 / self->scale);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          for (guint i = 0; i < bm_map_get_n_ties (self->map); i++)
            {
              const BmTie *tie = bm_map_get_tie (self->map, i);
              if ((g_str_equal (tie->from, actor->id) || g_str_equal (tie->to, actor->id)) &&
                  shown_position (self, tie->from, &a) && shown_position (self, tie->to, &b))
                {
                  cairo_move_to (cr, a.x, a.y);
                  cairo_line_to (cr, b.x, b.y);
                }
            }
          cairo_stroke (cr);
          cairo_restore (cr);
          draw_ring (cr, p.x, p.y, r + 4 / self->scale, self->scale, 0.21, 0.52, 0.89, 2);

          /* The handle from which a tie is drawn */
          cairo_new_path (cr);
          cairo_arc (cr, p.x + r + HANDLE_RADIUS_PX / self->scale + 2 / self->scale, p.y,
                     HANDLE_RADIUS_PX / self->scale, 0, 2 * G_PI);
          cairo_set_source_rgb (cr, 1, 1, 1);
          cairo_fill_preserve (cr);
          cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
          cairo_set_line_width (cr, 2 / self->scale);
          cairo_stroke (cr);
        }
    }
  if (self->hover_tie != NULL && self->drag_mode == DRAG_NONE)
    {
      const BmTie *tie = bm_map_lookup_tie (self->map, self->hover_tie);
      BmPoint a, b;
      if (tie && shown_position (self, tie->from, &a) && shown_position (self, tie->to, &b))
        {
          cairo_save (cr);
          cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.45);
          cairo_set_line_width (cr, 7 / self->scale);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          cairo_move_to (cr, a.x, a.y);
          cairo_line_to (cr, b.x, b.y);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }

  /* Selection */
  g_hash_table_iter_init (&iter, self->sel_ties);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      const BmTie *tie = bm_map_lookup_tie (self->map, id);
      BmPoint a, b;
      if (tie && shown_position (self, tie->from, &a) && shown_position (self, tie->to, &b))
        {
          cairo_save (cr);
          cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.8);
          cairo_set_line_width (cr, 3 / self->scale);
          cairo_set_dash (cr, (double[]) { 6 / self->scale, 4 / self->scale }, 2, 0);
          cairo_move_to (cr, a.x, a.y);
          cairo_line_to (cr, b.x, b.y);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }
  g_hash_table_iter_init (&iter, self->sel_actors);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    {
      const BmActor *actor = bm_map_lookup_actor (self->map, id);
      BmPoint p;
      if (actor && shown_position (self, id, &p))
        {
          double r = bm_render_actor_radius (actor) + 5 / self->scale;
          draw_ring (cr, p.x, p.y, r, self->scale, 1, 1, 1, 5);
          draw_ring (cr, p.x, p.y, r, self->scale, 0.21, 0.52, 0.89, 3);
        }
    }

  /* The tie being drawn */
  if (self->drag_mode == DRAG_TIE && self->tie_from != NULL)
    {
      BmPoint p;
      double mx, my;

      if (shown_position (self, self->tie_from, &p))
        {
          widget_to_map (self, self->press_x + self->drag_x, self->press_y + self->drag_y, &mx, &my);
          cairo_save (cr);
          cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);
          cairo_set_line_width (cr, 2.5 / self->scale);
          cairo_set_dash (cr, (double[]) { 8 / self->scale, 5 / self->scale }, 2, 0);
          cairo_move_to (cr, p.x, p.y);
          cairo_line_to (cr, mx, my);
          cairo_stroke (cr);
          cairo_restore (cr);
        }
    }

  draw_band_hint (self, cr, width);
  cairo_restore (cr);

  /* Rubber band, in widget pixels */
  if (self->drag_mode == DRAG_RUBBER)
    {
      double x = MIN (self->press_x, self->press_x + self->drag_x);
      double y = MIN (self->press_y, self->press_y + self->drag_y);
      cairo_rectangle (cr, x + 0.5, y + 0.5, fabs (self->drag_x), fabs (self->drag_y));
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
    }
}

/* GTK's cairo renderer draws a texture node by converting the texture
 * every frame; the GPU renderers keep it */
static gboolean
use_texture_node (BmCanvas *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && !GSK_IS_CAIRO_RENDERER (renderer);
}

static void
release_surface (gpointer data)
{
  cairo_surface_destroy (data);
}

/* The cache's pixels as a texture, without a copy */
static GdkTexture *
texture_for_surface (cairo_surface_t *surface)
{
  int stride = cairo_image_surface_get_stride (surface);
  int height = cairo_image_surface_get_height (surface);
  g_autoptr(GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) stride * height, release_surface,
                                      cairo_surface_reference (surface));
  /* GDK_MEMORY_DEFAULT is cairo's premultiplied ARGB in native order */
  return gdk_memory_texture_new (cairo_image_surface_get_width (surface), height,
                                 GDK_MEMORY_DEFAULT, bytes, stride);
}

/* Whether anything is drawn over the cached scene */
static gboolean
has_overlays (BmCanvas *self)
{
  gboolean cache_stale = self->cache == NULL || self->cache_serial != self->map_serial;

  return (self->drag_mode != DRAG_NONE && self->drag_mode != DRAG_PAN) ||
         self->hover_actor != NULL || self->hover_tie != NULL ||
         g_hash_table_size (self->sel_actors) > 0 || g_hash_table_size (self->sel_ties) > 0 ||
         (cache_stale && g_hash_table_size (self->stale_actors) > 0);
}

static void
bm_canvas_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  BmCanvas *self = BM_CANVAS (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  cairo_t *cr;

  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 }, &bounds);
  if (self->map == NULL || width <= 0 || height <= 0)
    return;

  if (!self->view_set)
    bm_canvas_zoom_to_fit (self);

  /* The very first frame of a map waits for its scene */
  if (self->cache == NULL)
    render_now (self);
  else if (!cache_is_current (self) && self->zoom_settle_id == 0 && self->drag_mode != DRAG_MOVE)
    schedule_render (self, TRUE);

  if (self->cache != NULL)
    {
      double k = self->scale / self->cache_scale;
      double tx = (self->cache_ox - self->ox) * self->scale;
      double ty = (self->cache_oy - self->oy) * self->scale;
      int ds = self->cache_device_scale;
      double cw = cairo_image_surface_get_width (self->cache) / (double) ds;
      double ch = cairo_image_surface_get_height (self->cache) / (double) ds;

      /* Whole device pixels while panning keep this a plain copy; a zoom
       * in progress is scaled until the scene is rebuilt at the new scale */
      if (k == 1.0)
        {
          tx = round (tx * ds) / ds;
          ty = round (ty * ds) / ds;
        }
      if (use_texture_node (self))
        {
          /* A GPU renderer keeps a texture it has seen: it is uploaded
           * once per scene, where a cairo node would be every frame */
          if (self->cache_texture == NULL)
            self->cache_texture = texture_for_surface (self->cache);
          gtk_snapshot_push_clip (snapshot, &bounds);
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (tx, ty));
          gtk_snapshot_scale (snapshot, k, k);
          gtk_snapshot_append_texture (snapshot, self->cache_texture,
                                       &GRAPHENE_RECT_INIT (0, 0, cw, ch));
          gtk_snapshot_restore (snapshot);
          gtk_snapshot_pop (snapshot);
        }
      else
        {
          /* GTK's cairo renderer replays a cairo node every frame: what it
           * replays is one paint of the cache, with the fast filter, and
           * only where the cache has pixels — a source that covers the
           * whole area painted keeps pixman on its plain copy, where an
           * area outside the image would send every pixel through the
           * general path (about 25 times slower at 1920 × 1080) */
          cr = gtk_snapshot_append_cairo (snapshot, &bounds);
          cairo_translate (cr, tx, ty);
          cairo_scale (cr, k, k);
          cairo_rectangle (cr, 0, 0, cw, ch);
          cairo_clip (cr);
          cairo_set_source_surface (cr, self->cache, 0, 0);
          cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_FAST);
          cairo_paint (cr);
          cairo_destroy (cr);
        }
    }
  if (has_overlays (self))
    {
      cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      draw_overlays (self, cr, width, height);
      cairo_destroy (cr);
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA focus = { 0.21, 0.52, 0.89, 0.6 };
      GskRoundedRect outline;
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (1, 1, width - 2, height - 2), 0);
      gtk_snapshot_append_border (snapshot, &outline, (float[]) { 2, 2, 2, 2 },
                                  (GdkRGBA[]) { focus, focus, focus, focus });
    }
}

static void
bm_canvas_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  BmCanvas *self = BM_CANVAS (widget);

  if (!self->view_set && self->map != NULL)
    bm_canvas_zoom_to_fit (self);
  schedule_render (self, TRUE);
}

/* ---- hit testing --------------------------------------------------------- */

static const BmActor *
actor_at (BmCanvas *self, double wx, double wy)
{
  double mx, my;

  if (self->map == NULL)
    return NULL;
  widget_to_map (self, wx, wy, &mx, &my);
  return bm_render_actor_at (self->map, self->positions, mx, my, HIT_TOLERANCE_PX / self->scale);
}

static const BmTie *
tie_at (BmCanvas *self, double wx, double wy)
{
  double mx, my;

  if (self->map == NULL)
    return NULL;
  widget_to_map (self, wx, wy, &mx, &my);
  return bm_render_tie_at (self->map, self->positions, mx, my, HIT_TOLERANCE_PX / self->scale);
}

/* The tie handle of the hovered or single selected actor under the point */
static const BmActor *
handle_at (BmCanvas *self, double wx, double wy)
{
  const char *candidates[2] = { self->hover_actor, NULL };

  if (self->map == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      const BmActor *actor = candidates[i] ? bm_map_lookup_actor (self->map, candidates[i]) : NULL;
      const BmPoint *p;
      double hx, hy, cx, cy;

      if (actor == NULL || (p = actor_position (self, actor->id)) == NULL)
        continue;
      hx = p->x + bm_render_actor_radius (actor) + (HANDLE_RADIUS_PX + 2) / self->scale;
      hy = p->y;
      map_to_widget (self, hx, hy, &cx, &cy);
      if (hypot (cx - wx, cy - wy) <= HANDLE_RADIUS_PX + 3)
        return actor;
    }
  return NULL;
}

/* ---- input --------------------------------------------------------------- */

static void
set_hover (BmCanvas *self, const char *actor_id, const char *tie_id)
{
  if (g_strcmp0 (actor_id, self->hover_actor) == 0 && g_strcmp0 (tie_id, self->hover_tie) == 0)
    return;
  g_free (self->hover_actor);
  g_free (self->hover_tie);
  self->hover_actor = g_strdup (actor_id);
  self->hover_tie = g_strdup (tie_id);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_hover (BmCanvas *self, double x, double y)
{
  const BmActor *actor;
  const BmTie *tie = NULL;

  if (self->drag_mode != DRAG_NONE)
    return;
  if (handle_at (self, x, y) != NULL)
    {
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
      return;
    }
  actor = actor_at (self, x, y);
  if (actor == NULL)
    tie = tie_at (self, x, y);
  set_hover (self, actor ? actor->id : NULL, tie ? tie->id : NULL);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self),
                                   self->space_held ? "grab" : (actor || tie) ? "pointer" : NULL);
}

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, BmCanvas *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  update_hover (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller, BmCanvas *self)
{
  self->pointer_inside = FALSE;
  if (self->drag_mode == DRAG_NONE)
    set_hover (self, NULL, NULL);
}

static void
click_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, BmCanvas *self)
{
  const BmActor *actor;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (self->map == NULL || self->history == NULL || n_press != 2)
    return;

  actor = actor_at (self, x, y);
  if (actor == NULL && tie_at (self, x, y) == NULL)
    {
      g_autofree char *id = NULL;
      double mx, my;

      widget_to_map (self, x, y, &mx, &my);
      if (my < 0 || my >= 3 * BM_BAND_HEIGHT)
        return;
      id = bm_edit_add_actor (self->history, mx, my);
      if (id != NULL)
        {
          const char *ids[] = { id, NULL };
          bm_canvas_set_selection (self, ids, NULL);
          g_signal_emit (self, signals[ACTOR_CREATED], 0, id);
        }
    }
  else if (actor != NULL)
    g_signal_emit (self, signals[ACTOR_CREATED], 0, actor->id);
}

static void
context_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, BmCanvas *self)
{
  const BmActor *actor = actor_at (self, x, y);
  const BmTie *tie = actor ? NULL : tie_at (self, x, y);

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (actor && !g_hash_table_contains (self->sel_actors, actor->id))
    {
      const char *ids[] = { actor->id, NULL };
      bm_canvas_set_selection (self, ids, NULL);
    }
  else if (tie && !g_hash_table_contains (self->sel_ties, tie->id))
    {
      const char *ids[] = { tie->id, NULL };
      bm_canvas_set_selection (self, NULL, ids);
    }
  g_signal_emit (self, signals[CONTEXT_MENU], 0, x, y);
}

static void
end_drag (BmCanvas *self)
{
  self->drag_mode = DRAG_NONE;
  g_clear_pointer (&self->drag_ids, g_ptr_array_unref);
  g_clear_pointer (&self->drag_origin, g_free);
  g_clear_pointer (&self->tie_from, g_free);
  self->drag_x = self->drag_y = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
bm_canvas_drag_begin (BmCanvas *self, double x, double y, GdkModifierType state)
{
  gboolean additive = (state & (GDK_SHIFT_MASK | GDK_CONTROL_MASK)) != 0;
  const BmActor *actor, *handle;
  const BmTie *tie;

  self->press_x = x;
  self->press_y = y;
  self->drag_x = self->drag_y = 0;
  gtk_widget_grab_focus (GTK_WIDGET (self));

  if (self->map == NULL)
    {
      self->drag_mode = DRAG_NONE;
      return;
    }

  if (self->space_held)
    {
      self->drag_mode = DRAG_PAN;
      self->pan_ox = self->ox;
      self->pan_oy = self->oy;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
      return;
    }

  handle = handle_at (self, x, y);
  if (handle != NULL && self->history != NULL)
    {
      self->drag_mode = DRAG_TIE;
      self->tie_from = g_strdup (handle->id);
      return;
    }

  actor = actor_at (self, x, y);
  if (actor != NULL)
    {
      if (additive)
        {
          if (!g_hash_table_remove (self->sel_actors, actor->id))
            g_hash_table_add (self->sel_actors, g_strdup (actor->id));
          selection_changed (self);
        }
      else if (!g_hash_table_contains (self->sel_actors, actor->id))
        {
          const char *ids[] = { actor->id, NULL };
          bm_canvas_set_selection (self, ids, NULL);
        }
      if (!g_hash_table_contains (self->sel_actors, actor->id) || self->history == NULL)
        {
          self->drag_mode = DRAG_NONE;
          return;
        }

      /* Drag the selected actors, the pressed one first */
      self->drag_mode = DRAG_MOVE;
      self->drag_ids = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->drag_ids, g_strdup (actor->id));
      {
        g_auto(GStrv) ids = bm_canvas_get_selected_actors (self);
        for (guint i = 0; ids[i]; i++)
          if (!g_str_equal (ids[i], actor->id))
            g_ptr_array_add (self->drag_ids, g_strdup (ids[i]));
      }
      self->drag_origin = g_new0 (BmPoint, self->drag_ids->len);
      for (guint i = 0; i < self->drag_ids->len; i++)
        {
          const BmPoint *p = actor_position (self, g_ptr_array_index (self->drag_ids, i));
          if (p != NULL)
            self->drag_origin[i] = *p;
        }
      set_hover (self, NULL, NULL);
      return;
    }

  tie = tie_at (self, x, y);
  if (tie != NULL)
    {
      if (additive)
        {
          if (!g_hash_table_remove (self->sel_ties, tie->id))
            g_hash_table_add (self->sel_ties, g_strdup (tie->id));
          selection_changed (self);
        }
      else
        {
          const char *ids[] = { tie->id, NULL };
          bm_canvas_set_selection (self, NULL, ids);
        }
      self->drag_mode = DRAG_NONE;
      return;
    }

  /* Empty space: a rubber band (a plain click clears the selection) */
  self->drag_mode = DRAG_RUBBER;
  self->rubber_additive = additive;
  if (!additive && (g_hash_table_size (self->sel_actors) || g_hash_table_size (self->sel_ties)))
    {
      clear_selection (self);
      selection_changed (self);
    }
}

void
bm_canvas_drag_update (BmCanvas *self, double dx, double dy)
{
  self->drag_x = dx;
  self->drag_y = dy;

  switch (self->drag_mode)
    {
    case DRAG_PAN:
      self->ox = self->pan_ox - dx / self->scale;
      self->oy = self->pan_oy - dy / self->scale;
      view_changed (self, FALSE);
      break;
    case DRAG_MOVE:
    case DRAG_RUBBER:
    case DRAG_TIE:
      gtk_widget_queue_draw (GTK_WIDGET (self));
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

static void
finish_move (BmCanvas *self)
{
  g_autofree double *xy = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  if (fabs (self->drag_x) < 1 && fabs (self->drag_y) < 1)
    return;
  xy = g_new (double, 2 * self->drag_ids->len);
  for (guint i = 0; i < self->drag_ids->len; i++)
    {
      g_ptr_array_add (ids, g_ptr_array_index (self->drag_ids, i));
      xy[2 * i] = self->drag_origin[i].x + self->drag_x / self->scale;
      xy[2 * i + 1] = self->drag_origin[i].y + self->drag_y / self->scale;
    }
  g_ptr_array_add (ids, NULL);
  bm_history_break_coalescing (self->history);
  bm_edit_move_actors_to (self->history, (const char * const *) ids->pdata, xy);
  bm_history_break_coalescing (self->history);
}

static void
finish_rubber (BmCanvas *self)
{
  double x0, y0, x1, y1;
  GHashTableIter iter;
  const char *id;
  const BmPoint *p;

  widget_to_map (self, MIN (self->press_x, self->press_x + self->drag_x),
                 MIN (self->press_y, self->press_y + self->drag_y), &x0, &y0);
  widget_to_map (self, MAX (self->press_x, self->press_x + self->drag_x),
                 MAX (self->press_y, self->press_y + self->drag_y), &x1, &y1);
  if (fabs (self->drag_x) < 3 && fabs (self->drag_y) < 3)
    return;

  g_hash_table_iter_init (&iter, self->positions);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &p))
    if (p->x >= x0 && p->x <= x1 && p->y >= y0 && p->y <= y1)
      g_hash_table_add (self->sel_actors, g_strdup (id));
  /* ties whose two ends are inside */
  for (guint i = 0; i < bm_map_get_n_ties (self->map); i++)
    {
      const BmTie *tie = bm_map_get_tie (self->map, i);
      if (g_hash_table_contains (self->sel_actors, tie->from) &&
          g_hash_table_contains (self->sel_actors, tie->to))
        g_hash_table_add (self->sel_ties, g_strdup (tie->id));
    }
  selection_changed (self);
}

static void
finish_tie (BmCanvas *self)
{
  const BmActor *target = actor_at (self, self->press_x + self->drag_x, self->press_y + self->drag_y);
  g_autofree char *id = NULL;

  if (target == NULL || g_str_equal (target->id, self->tie_from))
    return;
  id = bm_edit_add_tie (self->history, self->tie_from, target->id);
  if (id != NULL)
    {
      const char *ids[] = { id, NULL };
      bm_canvas_set_selection (self, NULL, ids);
    }
}

void
bm_canvas_drag_end (BmCanvas *self, double dx, double dy)
{
  self->drag_x = dx;
  self->drag_y = dy;

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      finish_move (self);
      break;
    case DRAG_RUBBER:
      finish_rubber (self);
      break;
    case DRAG_TIE:
      finish_tie (self);
      break;
    case DRAG_PAN:
    case DRAG_NONE:
    default:
      break;
    }
  end_drag (self);
  update_hover (self, self->press_x + dx, self->press_y + dy);
  schedule_render (self, TRUE);
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, BmCanvas *self)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (gesture));
  bm_canvas_drag_begin (self, x, y, event ? gdk_event_get_modifier_state (event) : 0);
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, BmCanvas *self)
{
  bm_canvas_drag_update (self, dx, dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, BmCanvas *self)
{
  bm_canvas_drag_end (self, dx, dy);
}

void
bm_canvas_pan_by (BmCanvas *self, double dx, double dy)
{
  g_return_if_fail (BM_IS_CANVAS (self));
  pan_by (self, dx, dy);
}

void
bm_canvas_zoom_at (BmCanvas *self, double factor, double x, double y)
{
  g_return_if_fail (BM_IS_CANVAS (self));
  zoom_at (self, factor, x, y);
}

double
bm_canvas_get_scale (BmCanvas *self)
{
  return self->scale;
}

void
bm_canvas_map_to_widget (BmCanvas *self, double mx, double my, double *wx, double *wy)
{
  map_to_widget (self, mx, my, wx, wy);
}

gboolean
bm_canvas_is_scene_current (BmCanvas *self)
{
  return cache_is_current (self) && !self->render_in_flight;
}

void
bm_canvas_set_always_threaded (BmCanvas *self, gboolean always)
{
  self->always_threaded = always;
}

static void
pan_begin_cb (GtkGestureDrag *gesture, double x, double y, BmCanvas *self)
{
  self->pan_ox = self->ox;
  self->pan_oy = self->oy;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
}

static void
pan_update_cb (GtkGestureDrag *gesture, double dx, double dy, BmCanvas *self)
{
  self->ox = self->pan_ox - dx / self->scale;
  self->oy = self->pan_oy - dy / self->scale;
  view_changed (self, FALSE);
}

static void
pan_end_cb (GtkGestureDrag *gesture, double dx, double dy, BmCanvas *self)
{
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller, double dx, double dy, BmCanvas *self)
{
  GdkEvent *event = gtk_event_controller_get_current_event (GTK_EVENT_CONTROLLER (controller));
  GdkModifierType state = event ? gdk_event_get_modifier_state (event) : 0;
  gboolean smooth = event && gdk_scroll_event_get_direction (event) == GDK_SCROLL_SMOOTH;
  double step = smooth ? 1.0 : 1.0;

  if (state & GDK_CONTROL_MASK)
    {
      zoom_at (self, pow (1.15, -dy * step), self->pointer_x, self->pointer_y);
      return TRUE;
    }
  if (state & GDK_SHIFT_MASK)
    {
      double t = dx;
      dx = dy;
      dy = t;
    }
  pan_by (self, dx * 40, dy * 40);
  return TRUE;
}

static void
zoom_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, BmCanvas *self)
{
  self->zoom_gesture_start = self->scale;
}

static void
zoom_scale_cb (GtkGestureZoom *gesture, double scale, BmCanvas *self)
{
  double cx, cy;

  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    {
      cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  zoom_at (self, self->zoom_gesture_start * scale / self->scale, cx, cy);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, BmCanvas *self)
{
  if (keyval == GDK_KEY_space && !(state & (GDK_CONTROL_MASK | GDK_ALT_MASK)))
    {
      self->space_held = TRUE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grab");
      return TRUE;
    }
  return FALSE;
}

static void
key_released_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                 GdkModifierType state, BmCanvas *self)
{
  if (keyval == GDK_KEY_space)
    {
      self->space_held = FALSE;
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), NULL);
    }
}

/* ---- actions ------------------------------------------------------------- */

static void
action_zoom (GtkWidget *widget, const char *name, GVariant *param)
{
  BmCanvas *self = BM_CANVAS (widget);

  if (g_str_equal (name, "canvas.zoom-in"))
    bm_canvas_zoom_in (self);
  else if (g_str_equal (name, "canvas.zoom-out"))
    bm_canvas_zoom_out (self);
  else
    bm_canvas_zoom_to_fit (self);
}

static void
action_select_all (GtkWidget *widget, const char *name, GVariant *param)
{
  bm_canvas_select_all (BM_CANVAS (widget));
}

static void
action_select_none (GtkWidget *widget, const char *name, GVariant *param)
{
  BmCanvas *self = BM_CANVAS (widget);

  if (self->drag_mode != DRAG_NONE)
    {
      end_drag (self);
      return;
    }
  clear_selection (self);
  selection_changed (self);
}

static void
action_delete (GtkWidget *widget, const char *name, GVariant *param)
{
  BmCanvas *self = BM_CANVAS (widget);
  g_auto(GStrv) actors = NULL;
  g_auto(GStrv) ties = NULL;

  if (self->history == NULL)
    return;
  actors = bm_canvas_get_selected_actors (self);
  ties = bm_canvas_get_selected_ties (self);
  if (actors[0] == NULL && ties[0] == NULL)
    return;
  bm_edit_delete (self->history, (const char * const *) actors, (const char * const *) ties);
}

static void
action_nudge (GtkWidget *widget, const char *name, GVariant *param)
{
  BmCanvas *self = BM_CANVAS (widget);
  g_auto(GStrv) actors = NULL;
  double dx = 0, dy = 0, step;
  int dir;
  gboolean fine;

  if (self->history == NULL)
    return;
  g_variant_get (param, "(ib)", &dir, &fine);
  step = fine ? 1.0 : NUDGE_UNITS;
  switch (dir)
    {
    case 0: dx = -step; break;
    case 1: dx = step; break;
    case 2: dy = -step; break;
    default: dy = step; break;
    }
  actors = bm_canvas_get_selected_actors (self);
  if (actors[0] == NULL)
    {
      /* Nothing selected: the arrows pan the view */
      pan_by (self, dx * 4 * self->scale, dy * 4 * self->scale);
      return;
    }
  bm_edit_move_actors (self->history, (const char * const *) actors, dx, dy);
}

/* ---- GObject ------------------------------------------------------------- */

static void
bm_canvas_dispose (GObject *object)
{
  BmCanvas *self = BM_CANVAS (object);

  if (self->map != NULL)
    g_clear_signal_handler (&self->changed_handler, self->map);
  g_cancellable_cancel (self->render_cancel);
  g_clear_object (&self->render_cancel);
  g_clear_handle_id (&self->render_idle_id, g_source_remove);
  g_clear_handle_id (&self->zoom_settle_id, g_source_remove);
  g_clear_object (&self->map);
  g_clear_object (&self->history);
  set_cache (self, NULL);
  g_clear_pointer (&self->base, cairo_surface_destroy);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  end_drag (self);

  G_OBJECT_CLASS (bm_canvas_parent_class)->dispose (object);
}

static void
bm_canvas_finalize (GObject *object)
{
  BmCanvas *self = BM_CANVAS (object);

  g_hash_table_unref (self->sel_actors);
  g_hash_table_unref (self->sel_ties);
  g_hash_table_unref (self->highlight);
  g_hash_table_unref (self->stale_actors);
  g_free (self->hover_actor);
  g_free (self->hover_tie);

  G_OBJECT_CLASS (bm_canvas_parent_class)->finalize (object);
}

static void
add_nudge (GtkWidgetClass *widget_class, guint key, guint kp_key, int dir)
{
  gtk_widget_class_add_binding_action (widget_class, key, 0, "canvas.nudge", "(ib)", dir, FALSE);
  gtk_widget_class_add_binding_action (widget_class, kp_key, 0, "canvas.nudge", "(ib)", dir, FALSE);
  gtk_widget_class_add_binding_action (widget_class, key, GDK_SHIFT_MASK, "canvas.nudge", "(ib)", dir, TRUE);
}

static void
bm_canvas_class_init (BmCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

#ifdef __GLIBC__
  /* Every frame, GTK's cairo renderer allocates and frees a few buffers of
   * the window's size (8 MB at 1920 × 1080).  glibc maps such blocks
   * afresh and gives them back, or trims its heap after them, so that each
   * frame could touch two thousand new pages: on a virtual machine that
   * was 50 ms of page faults in a 3 ms frame.  Keep blocks up to 32 MB in
   * the heap and the freed ones there for reuse. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 128 * 1024 * 1024);
#endif

  object_class->dispose = bm_canvas_dispose;
  object_class->finalize = bm_canvas_finalize;
  widget_class->snapshot = bm_canvas_snapshot;
  widget_class->size_allocate = bm_canvas_size_allocate;

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[ACTOR_CREATED] = g_signal_new ("actor-created", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[CONTEXT_MENU] = g_signal_new ("context-menu", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_install_action (widget_class, "canvas.zoom-in", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-out", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.zoom-fit", NULL, action_zoom);
  gtk_widget_class_install_action (widget_class, "canvas.select-all", NULL, action_select_all);
  gtk_widget_class_install_action (widget_class, "canvas.select-none", NULL, action_select_none);
  gtk_widget_class_install_action (widget_class, "canvas.delete", NULL, action_delete);
  gtk_widget_class_install_action (widget_class, "canvas.nudge", "(ib)", action_nudge);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "canvas.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "canvas.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "canvas.zoom-fit", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_a, GDK_CONTROL_MASK, "canvas.select-all", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "canvas.select-none", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "canvas.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, 0, "canvas.delete", NULL);
  add_nudge (widget_class, GDK_KEY_Left, GDK_KEY_KP_Left, 0);
  add_nudge (widget_class, GDK_KEY_Right, GDK_KEY_KP_Right, 1);
  add_nudge (widget_class, GDK_KEY_Up, GDK_KEY_KP_Up, 2);
  add_nudge (widget_class, GDK_KEY_Down, GDK_KEY_KP_Down, 3);

  gtk_widget_class_set_css_name (widget_class, "bmcanvas");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
bm_canvas_init (BmCanvas *self)
{
  GtkGesture *gesture;
  GtkEventController *controller;

  self->scale = 1.0;
  self->show_gaps = TRUE;
  self->sel_actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->sel_ties = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->highlight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->stale_actors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_vexpand (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_SECONDARY);
  g_signal_connect (gesture, "pressed", G_CALLBACK (context_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_MIDDLE);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (pan_begin_cb), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (pan_update_cb), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (pan_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (zoom_begin_cb), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (zoom_scale_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  g_signal_connect (controller, "key-released", G_CALLBACK (key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
bm_canvas_new (void)
{
  return g_object_new (BM_TYPE_CANVAS, NULL);
}
