/* test-canvas.c: what the canvas shows while the view moves, and the gap
 * overlay of a scene rendered in a thread (needs a display: run under Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames are taken as GTK takes them: the widget's snapshot, rendered by
 * the window's GSK renderer into a texture.
 */
#include "config.h"

#include <gtk/gtk.h>
#include <string.h>

#include "bm-analysis.h"
#include "bm-canvas-private.h"
#include "bm-map-io.h"
#include "bm-render.h"

#define WIDTH 640
#define HEIGHT 480

static gboolean want_gpu;

typedef struct
{
  GtkWidget *window;
  BmCanvas *canvas;
  BmMap *map;
  BmHistory *history;
  BmAnalysis *analysis;
} Fixture;

typedef struct
{
  guint32 *pixels;    /* WIDTH × HEIGHT, premultiplied ARGB in native order */
} Frame;

static void
frame_clear (Frame *f)
{
  g_free (f->pixels);
}

/* FALSE when a GPU renderer was asked for and GTK could not have one */
static gboolean
fixture_set_up (Fixture *fx, const char *example)
{
  GskRenderer *renderer;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "..", "data", "examples",
                                                 example, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  fx->map = bm_map_load_file (file, NULL, &error);
  g_assert_no_error (error);
  fx->history = bm_history_new (fx->map);
  fx->analysis = bm_analysis_new (fx->map);

  fx->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (fx->window), WIDTH, HEIGHT);
  gtk_window_set_decorated (GTK_WINDOW (fx->window), FALSE);
  fx->canvas = BM_CANVAS (bm_canvas_new ());
  gtk_widget_set_size_request (GTK_WIDGET (fx->canvas), WIDTH, HEIGHT);
  gtk_window_set_child (GTK_WINDOW (fx->window), GTK_WIDGET (fx->canvas));
  gtk_window_present (GTK_WINDOW (fx->window));
  while (gtk_widget_get_width (GTK_WIDGET (fx->canvas)) < WIDTH)
    g_main_context_iteration (NULL, TRUE);
  renderer = gtk_native_get_renderer (GTK_NATIVE (fx->window));
  g_test_message ("renderer: %s", G_OBJECT_TYPE_NAME (renderer));
  return !want_gpu || !GSK_IS_CAIRO_RENDERER (renderer);
}

static void
fixture_tear_down (Fixture *fx)
{
  bm_canvas_set_analysis (fx->canvas, NULL);
  bm_canvas_set_document (fx->canvas, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (fx->window));
  bm_analysis_free (fx->analysis);
  g_object_unref (fx->history);
  g_object_unref (fx->map);
}

static void
wait_for_scene (Fixture *fx)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!bm_canvas_is_scene_current (fx->canvas))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      gtk_widget_queue_draw (GTK_WIDGET (fx->canvas));
      g_main_context_iteration (NULL, TRUE);
    }
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
take_frame (Fixture *fx, Frame *f)
{
  GtkWidget *widget = GTK_WIDGET (fx->canvas);
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (fx->window));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  GdkTexture *texture;

  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, WIDTH, HEIGHT));
  g_assert_cmpint (gdk_texture_get_width (texture), ==, WIDTH);
  f->pixels = g_new (guint32, WIDTH * HEIGHT);
  gdk_texture_download (texture, (guchar *) f->pixels, WIDTH * 4);
  g_object_unref (texture);
  gsk_render_node_unref (node);
}

static guint32
pixel (const Frame *f, int x, int y)
{
  return f->pixels[y * WIDTH + x] & 0xffffff;
}

/* Pixels close to the gap colour, whose overlay no party colour resembles */
static guint
count_gap_pixels (const Frame *f)
{
  int r0 = (BM_RENDER_GAP_COLOR >> 16) & 0xff, g0 = (BM_RENDER_GAP_COLOR >> 8) & 0xff;
  int b0 = BM_RENDER_GAP_COLOR & 0xff;
  guint n = 0;

  for (int i = 0; i < WIDTH * HEIGHT; i++)
    {
      guint32 p = f->pixels[i];
      int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
      n += ABS (r - r0) + ABS (g - g0) + ABS (b - b0) < 30;
    }
  return n;
}

/* While a pan is in progress, the cached scene is moved, not redrawn: each
 * frame must show exactly the picture before, shifted — and where the
 * cache has no pixels yet, the canvas' white, not stale or random pixels. */
static void
test_pan_shifts_scene (void)
{
  Fixture fx = { 0, };
  Frame before = { 0, }, during = { 0, };
  const int dx = 48, dy = 30;
  guint compared = 0, differing = 0, nonwhite = 0;

  if (!fixture_set_up (&fx, "mozambique-1990-1992.bridgemap"))
    {
      g_test_skip ("no OpenGL renderer here");
      fixture_tear_down (&fx);
      return;
    }
  bm_canvas_set_document (fx.canvas, fx.map, fx.history);
  bm_canvas_set_analysis (fx.canvas, fx.analysis);
  wait_for_scene (&fx);
  /* Close enough that the map fills the view */
  bm_canvas_zoom_at (fx.canvas, 2.5, WIDTH / 2.0, HEIGHT / 2.0);
  wait_for_scene (&fx);
  take_frame (&fx, &before);

  bm_canvas_pan_by (fx.canvas, dx, dy);
  take_frame (&fx, &during);
  g_assert_false (bm_canvas_is_scene_current (fx.canvas));

  for (int y = 0; y < HEIGHT; y++)
    for (int x = 0; x < WIDTH; x++)
      {
        if (x + dx < WIDTH && y + dy < HEIGHT)
          {
            compared++;
            differing += pixel (&during, x, y) != pixel (&before, x + dx, y + dy);
          }
        else
          nonwhite += pixel (&during, x, y) != 0xffffff;
      }
  g_assert_cmpuint (compared, >, 200000);
  g_assert_cmpuint (differing, ==, 0);
  g_assert_cmpuint (nonwhite, ==, 0);

  /* Once the gesture pauses, the scene is rebuilt for the new view: the
   * strip uncovered by the pan shows the map again */
  wait_for_scene (&fx);
  frame_clear (&during);
  take_frame (&fx, &during);
  for (int y = 0; y < HEIGHT; y++)
    for (int x = WIDTH - dx; x < WIDTH; x++)
      nonwhite += pixel (&during, x, y) != 0xffffff;
  g_assert_cmpuint (nonwhite, >, 0);

  frame_clear (&before);
  frame_clear (&during);
  fixture_tear_down (&fx);
}

/* A scene rendered in a worker thread still shows the gap overlay, follows
 * the "show gaps" toggle and a new analysis, and every frame shows it
 * without redrawing it */
static void
test_threaded_scene_gaps (void)
{
  Fixture fx = { 0, };
  Frame shown = { 0, }, hidden = { 0, }, again = { 0, }, cleared = { 0, };
  guint n_shown;

  if (!fixture_set_up (&fx, "oslo-1993.bridgemap"))
    {
      g_test_skip ("no OpenGL renderer here");
      fixture_tear_down (&fx);
      return;
    }
  g_assert_cmpuint (bm_analysis_get_n_gaps (fx.analysis), >, 0);
  bm_canvas_set_always_threaded (fx.canvas, TRUE);
  bm_canvas_set_document (fx.canvas, fx.map, fx.history);
  bm_canvas_set_analysis (fx.canvas, fx.analysis);
  wait_for_scene (&fx);

  take_frame (&fx, &shown);
  n_shown = count_gap_pixels (&shown);
  g_test_message ("gap-coloured pixels: %u", n_shown);
  g_assert_cmpuint (n_shown, >, 60);

  bm_canvas_set_show_gaps (fx.canvas, FALSE);
  wait_for_scene (&fx);
  take_frame (&fx, &hidden);
  g_test_message ("hidden: %u", count_gap_pixels (&hidden));
  g_assert_cmpuint (count_gap_pixels (&hidden), <, n_shown / 20);

  bm_canvas_set_show_gaps (fx.canvas, TRUE);
  wait_for_scene (&fx);
  take_frame (&fx, &again);
  g_assert_cmpuint (count_gap_pixels (&again), ==, n_shown);

  /* An analysis that finds nothing (as after the gap was bridged) */
  bm_canvas_set_analysis (fx.canvas, NULL);
  wait_for_scene (&fx);
  take_frame (&fx, &cleared);
  g_assert_cmpuint (count_gap_pixels (&cleared), <, n_shown / 20);

  frame_clear (&shown);
  frame_clear (&hidden);
  frame_clear (&again);
  frame_clear (&cleared);
  fixture_tear_down (&fx);
}

int
main (int argc, char *argv[])
{
  /* --gl: with a GPU renderer (Mesa's software one here), which the canvas
   * feeds a texture instead of a cairo node.  GTK 4.14 replaced the "gl"
   * renderer with "ngl". */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--gl"))
      {
        want_gpu = TRUE;
        g_setenv ("GSK_RENDERER", gtk_get_minor_version () >= 14 ? "ngl" : "gl", TRUE);
        memmove (&argv[i], &argv[i + 1], (argc - i) * sizeof (char *));
        argc--;
        break;
      }
  g_test_init (&argc, &argv, NULL);
  /* Where OpenGL cannot be had, GTK warns and falls back to cairo: the
   * check below skips then */
  if (want_gpu)
    g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  gtk_init ();
  if (gdk_display_get_default () == NULL)
    {
      g_test_skip ("no display");
      return 77;
    }
  g_test_add_func ("/canvas/pan-shifts-scene", test_pan_shifts_scene);
  g_test_add_func ("/canvas/threaded-scene-gaps", test_threaded_scene_gaps);
  return g_test_run ();
}
