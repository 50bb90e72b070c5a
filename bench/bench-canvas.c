/* bench-canvas.c: the canvas' per-frame cost
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For generated maps, times what a frame costs during a scripted pan, zoom
 * and drag: the widget's snapshot plus rendering its node with the
 * window's GSK renderer (run with GSK_RENDERER=cairo on a machine without
 * a GPU), and prints median and 95th percentile next to the floor — an
 * empty canvas frame — measured in the same run.  Needs a display (Xvfb).
 *
 * Beside each phase it prints the longest stretch of main-loop work run
 * between two frames: GTK's own repaint of the window on the display
 * (with the cairo renderer on X11, a full upload of the window's pixels)
 * and whatever the canvas scheduled, such as a scene rebuilt on the main
 * thread.  It is not part of the goal, but a user waits for it too.
 *
 * Usage: bench-canvas [N-ACTORS…]  (three ties per actor; without
 * arguments 300, 2,000 and 10,000)
 */
#include "config.h"

#include <gtk/gtk.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include "bench-util.h"
#include "bm-canvas-private.h"
#include "bm-analysis.h"
#include "bm-generate.h"

#define WIDTH 1920
#define HEIGHT 1080
#define FRAMES 60

/* The longest main-loop stretch between frames in the current phase */
static double between_max_ms;

static void
drain (void)
{
  gint64 start = g_get_monotonic_time ();

  while (g_main_context_iteration (NULL, FALSE))
    ;
  between_max_ms = MAX (between_max_ms, (g_get_monotonic_time () - start) / 1000.0);
}

static double
frame (GtkWidget *canvas, GskRenderer *renderer)
{
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkTexture *texture;
  gint64 start;
  double ms;

  drain ();
  gtk_widget_queue_draw (canvas);
  start = g_get_monotonic_time ();
  /* What GTK does for the widget each frame: its snapshot() */
  snapshot = gtk_snapshot_new ();
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (canvas, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  ms = (g_get_monotonic_time () - start) / 1000.0;
  g_object_unref (texture);
  gsk_render_node_unref (node);
  return ms;
}

typedef struct
{
  double median, p95;
} Stats;

static Stats
stats (double *t, int n)
{
  Stats s;
  qsort (t, n, sizeof *t, bench_compare_double);
  s.median = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
  s.p95 = t[(int) ((n - 1) * 0.95 + 0.5)];
  return s;
}

static void
report (const char *what, double *t, int n, Stats floor, double goal)
{
  Stats s = stats (t, n);
  printf ("  %-6s median %7.2f ms   p95 %7.2f ms   (floor median %.2f, p95 %.2f; goal p95 <= %.0f ms: %s)"
          "   between frames: max %.1f ms\n",
          what, s.median, s.p95, floor.median, floor.p95, goal, s.p95 <= goal ? "met" : "NOT met",
          between_max_ms);
  between_max_ms = 0;
}

static void
wait_for_scene (BmCanvas *canvas)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!bm_canvas_is_scene_current (canvas) && g_get_monotonic_time () < deadline)
    {
      gtk_widget_queue_draw (GTK_WIDGET (canvas));
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
run (GtkWidget *window, BmCanvas *canvas, GskRenderer *renderer,
     guint n_actors, guint n_ties, double goal)
{
  g_autoptr(BmMap) map = bm_generate_map (n_actors, n_ties, 7);
  g_autoptr(BmHistory) history = bm_history_new (map);
  BmAnalysis *analysis;
  double t[FRAMES];
  Stats floor;
  const BmActor *actor = NULL;
  double ax, ay;
  gint64 start;

  /* The floor: an empty canvas frame */
  bm_canvas_set_document (canvas, NULL, NULL);
  for (int i = 0; i < FRAMES; i++)
    t[i] = frame (GTK_WIDGET (canvas), renderer);
  floor = stats (t, FRAMES);

  start = g_get_monotonic_time ();
  bm_canvas_set_document (canvas, map, history);
  /* As the window does: the gap overlay is shown */
  analysis = bm_analysis_new (map);
  bm_canvas_set_analysis (canvas, analysis);
  frame (GTK_WIDGET (canvas), renderer);
  wait_for_scene (canvas);
  printf ("%u actors, %u ties: first full scene in %.0f ms\n", n_actors, n_ties,
          (g_get_monotonic_time () - start) / 1000.0);

  /* Pan: 60 frames of 12 px */
  between_max_ms = 0;
  for (int i = 0; i < FRAMES; i++)
    {
      bm_canvas_pan_by (canvas, 12, 5);
      t[i] = frame (GTK_WIDGET (canvas), renderer);
    }
  report ("pan", t, FRAMES, floor, goal);
  wait_for_scene (canvas);

  /* Zoom in and out toward a point, as Ctrl+scroll or a pinch does */
  between_max_ms = 0;
  for (int i = 0; i < FRAMES; i++)
    {
      bm_canvas_zoom_at (canvas, i < FRAMES / 2 ? 1.04 : 1 / 1.04, WIDTH * 0.4, HEIGHT * 0.6);
      t[i] = frame (GTK_WIDGET (canvas), renderer);
    }
  report ("zoom", t, FRAMES, floor, goal);
  wait_for_scene (canvas);

  /* Drag the actor nearest the centre of the view */
  {
    double best = G_MAXDOUBLE;
    for (guint i = 0; i < bm_map_get_n_actors (map); i++)
      {
        const BmActor *a = bm_map_get_actor (map, i);
        double wx, wy, d;
        if (!a->has_position)
          continue;
        bm_canvas_map_to_widget (canvas, a->x, a->y, &wx, &wy);
        d = hypot (wx - WIDTH / 2.0, wy - HEIGHT / 2.0);
        if (d < best)
          {
            best = d;
            actor = a;
            ax = wx;
            ay = wy;
          }
      }
  }
  if (actor != NULL)
    {
      between_max_ms = 0;
      bm_canvas_drag_begin (canvas, ax, ay, 0);
      for (int i = 0; i < FRAMES; i++)
        {
          bm_canvas_drag_update (canvas, 4.0 * (i + 1), 2.0 * (i + 1));
          t[i] = frame (GTK_WIDGET (canvas), renderer);
        }
      bm_canvas_drag_end (canvas, 4.0 * FRAMES, 2.0 * FRAMES);
      report ("drag", t, FRAMES, floor, goal);
      /* The frames right after the drop, while the scene is rebuilt */
      for (int i = 0; i < FRAMES / 2; i++)
        t[i] = frame (GTK_WIDGET (canvas), renderer);
      report ("drop", t, FRAMES / 2, floor, goal);
    }
  else
    printf ("  drag: no actor in view\n");
  wait_for_scene (canvas);
  bm_canvas_set_analysis (canvas, NULL);
  bm_canvas_set_document (canvas, NULL, NULL);
  bm_analysis_free (analysis);
}

int
main (int argc, char *argv[])
{
  GtkWidget *window, *canvas;
  GskRenderer *renderer;

  gtk_init ();
  if (gdk_display_get_default () == NULL)
    {
      fprintf (stderr, "bench-canvas: no display; run it under xvfb-run\n");
      return 77;
    }

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  canvas = bm_canvas_new ();
  gtk_widget_set_size_request (canvas, WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (window), canvas);
  gtk_window_present (GTK_WINDOW (window));
  while (gtk_widget_get_width (canvas) < WIDTH)
    g_main_context_iteration (NULL, TRUE);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  printf ("Canvas frame cost at %dx%d, GSK renderer %s, %d frames per phase\n",
          WIDTH, HEIGHT, G_OBJECT_TYPE_NAME (renderer), FRAMES);
  if (argc > 1)
    for (int i = 1; i < argc; i++)
      {
        guint n = (guint) atoi (argv[i]);
        run (window, BM_CANVAS (canvas), renderer, n, 3 * n, n > 2000 ? 33 : 16);
      }
  else
    {
      run (window, BM_CANVAS (canvas), renderer, 300, 900, 16);
      run (window, BM_CANVAS (canvas), renderer, 2000, 6000, 16);
      run (window, BM_CANVAS (canvas), renderer, 10000, 30000, 33);
    }
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
