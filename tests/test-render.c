/* test-render.c: the diagram renderer and the automatic placement
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * These tests render maps into image surfaces and check what a broken
 * render would lose (bands, actors in their bands and colours, the gap
 * overlay, text in several scripts, extents), not pixel-exact images.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bm-analysis.h"
#include "bm-generate.h"
#include "bm-map-io.h"
#include "bm-render.h"

/* ---- fixtures ---------------------------------------------------------------- */

static BmActor *
actor (const char *id, const char *name, const char *party, BmLevel level, BmTrack track,
       int influence, double x, double y)
{
  BmActor *a = bm_actor_new (id, name, level, track);
  a->party = g_strdup (party);
  a->influence = influence;
  if (!isnan (x))
    bm_actor_set_position (a, x, y);
  return a;
}

static void
tie (BmMap *map, const char *id, const char *from, const char *to, BmTieKind kind, int strength)
{
  BmTie *t = bm_tie_new (id, from, to, kind);
  t->strength = strength;
  bm_map_insert_tie (map, -1, t);
}

static void
party (BmMap *map, const char *id, const char *name, gboolean has_color, guint32 color)
{
  BmParty *p = bm_party_new (id, name);
  p->has_color = has_color;
  p->color = color;
  bm_map_insert_party (map, -1, p);
}

/* Two opposed leaderships and, with @bridge, a Track 1.5 bridge between
 * them: a map shaped like the Mozambique talks */
static BmMap *
talks_map (gboolean bridge)
{
  BmMap *map = bm_map_new ();

  bm_map_set_title (map, "Peace talks");
  party (map, "gov", "Government", TRUE, 0xb03a2e);
  party (map, "reb", "Movement", TRUE, 0x1f618d);
  bm_map_insert_actor (map, -1, actor ("president", "The President", "gov", BM_LEVEL_TOP, BM_TRACK_1, 5, 200, 120));
  bm_map_insert_actor (map, -1, actor ("leader", "The Leader", "reb", BM_LEVEL_TOP, BM_TRACK_1, 5, 700, 120));
  bm_map_insert_actor (map, -1, actor ("church", "Church network", NULL, BM_LEVEL_MIDDLE, BM_TRACK_1_5, 3, 450, 420));
  bm_map_insert_actor (map, -1, actor ("ngo", "Local NGO", "gov", BM_LEVEL_GRASSROOTS, BM_TRACK_3, 2, 250, 760));
  bm_map_insert_actor (map, -1, actor ("elders", "Elders", "reb", BM_LEVEL_GRASSROOTS, BM_TRACK_2, 2, 650, 760));
  tie (map, "t1", "president", "leader", BM_TIE_CONFLICT, 3);
  tie (map, "t2", "ngo", "elders", BM_TIE_CHANNEL, 1);
  if (bridge)
    {
      tie (map, "t3", "church", "president", BM_TIE_MEDIATION, 3);
      tie (map, "t4", "church", "leader", BM_TIE_MEDIATION, 3);
      tie (map, "t5", "church", "ngo", BM_TIE_CHANNEL, 2);
      tie (map, "t6", "church", "elders", BM_TIE_CHANNEL, 2);
    }
  return map;
}

/* ---- images -------------------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  BmRect           extents;
  double           scale;
} Image;

static void
image_clear (Image *img)
{
  g_clear_pointer (&img->surface, cairo_surface_destroy);
}

/* Render @map at @scale over its extents (grown by @margin map units), on
 * a transparent background */
static void
render (Image *img, BmMap *map, BmRenderOptions *opt, double scale, double margin)
{
  cairo_t *cr;
  int w, h;

  bm_render_get_extents (map, opt, &img->extents);
  img->extents.x -= margin;
  img->extents.y -= margin;
  img->extents.width += 2 * margin;
  img->extents.height += 2 * margin;
  img->scale = scale;
  w = (int) ceil (img->extents.width * scale);
  h = (int) ceil (img->extents.height * scale);
  img->surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (img->surface);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -img->extents.x, -img->extents.y);
  bm_render_draw (cr, map, opt);
  cairo_destroy (cr);
  cairo_surface_flush (img->surface);
}

/* The pixel at map point (x, y), un-premultiplied; alpha in *alpha */
static guint32
pixel_at (Image *img, double x, double y, guint *alpha)
{
  int px = (int) floor ((x - img->extents.x) * img->scale);
  int py = (int) floor ((y - img->extents.y) * img->scale);
  int w = cairo_image_surface_get_width (img->surface);
  int h = cairo_image_surface_get_height (img->surface);
  guint32 v;
  guint a, r, g, b;

  g_assert_cmpint (px, >=, 0);
  g_assert_cmpint (py, >=, 0);
  g_assert_cmpint (px, <, w);
  g_assert_cmpint (py, <, h);
  v = *(guint32 *) (cairo_image_surface_get_data (img->surface)
                    + py * cairo_image_surface_get_stride (img->surface) + 4 * px);
  a = v >> 24;
  if (alpha)
    *alpha = a;
  if (a == 0)
    return 0;
  r = ((v >> 16) & 0xff) * 255 / a;
  g = ((v >> 8) & 0xff) * 255 / a;
  b = (v & 0xff) * 255 / a;
  return (MIN (r, 255) << 16) | (MIN (g, 255) << 8) | MIN (b, 255);
}

static int
channel_distance (guint32 a, guint32 b)
{
  int d = 0;
  for (int shift = 0; shift <= 16; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/* Opaque pixels within @tolerance (per channel) of @color */
static guint
count_color (Image *img, guint32 color, int tolerance)
{
  int w = cairo_image_surface_get_width (img->surface);
  int h = cairo_image_surface_get_height (img->surface);
  int stride = cairo_image_surface_get_stride (img->surface);
  guint8 *data = cairo_image_surface_get_data (img->surface);
  guint n = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 v = *(guint32 *) (data + y * stride + 4 * x);
        if ((v >> 24) == 0xff && channel_distance (v & 0xffffff, color) <= tolerance)
          n++;
      }
  return n;
}

/* The box (map units) of the pixels with any ink; FALSE when none */
static gboolean
ink_box (Image *img, BmRect *box)
{
  int w = cairo_image_surface_get_width (img->surface);
  int h = cairo_image_surface_get_height (img->surface);
  int stride = cairo_image_surface_get_stride (img->surface);
  guint8 *data = cairo_image_surface_get_data (img->surface);
  int x0 = w, y0 = h, x1 = -1, y1 = -1;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if ((*(guint32 *) (data + y * stride + 4 * x)) >> 24 != 0)
        {
          x0 = MIN (x0, x);
          y0 = MIN (y0, y);
          x1 = MAX (x1, x);
          y1 = MAX (y1, y);
        }
  if (x1 < 0)
    return FALSE;
  box->x = img->extents.x + x0 / img->scale;
  box->y = img->extents.y + y0 / img->scale;
  box->width = (x1 + 1 - x0) / img->scale;
  box->height = (y1 + 1 - y0) / img->scale;
  return TRUE;
}

static void
write_debug_png (Image *img, const char *name)
{
  /* BRIDGEMAP_TEST_PNG=DIR keeps the images to look at */
  const char *dir = g_getenv ("BRIDGEMAP_TEST_PNG");
  if (dir != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      cairo_surface_write_to_png (img->surface, path);
    }
}

/* ---- the pyramid ------------------------------------------------------------------ */

static void
test_pyramid_bands (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  BmRenderOptions opt;
  Image img = { 0, };
  guint32 outside[BM_N_LEVELS], inside[BM_N_LEVELS];
  double right;

  bm_render_options_init (&opt);
  opt.flags = BM_RENDER_PYRAMID;
  render (&img, map, &opt, 1, 0);
  write_debug_png (&img, "pyramid.png");

  /* The bands fill the extents' width from the left edge; sample each one
   * near the right edge (outside the triangle) and on the centre line
   * (inside it) */
  right = img.extents.x + img.extents.width - 40;
  for (int l = 0; l < BM_N_LEVELS; l++)
    {
      double y = bm_level_band_top (l) + 200;
      guint a_out, a_in;
      double apex = 0;

      outside[l] = pixel_at (&img, right, y, &a_out);
      g_assert_cmpuint (a_out, ==, 255);
      g_assert_cmpuint (outside[l], !=, 0xffffff);
      /* The triangle's apex is at the middle of the bands' extent (the
       * gutter aside); its centre line is inside in every band */
      apex = (img.extents.x + 24 + 44 + img.extents.x + img.extents.width - 24) / 2;
      inside[l] = pixel_at (&img, apex, y, &a_in);
      g_assert_cmpuint (a_in, ==, 255);
      g_assert_cmpuint (inside[l], !=, outside[l]);
    }
  /* Three distinguishable bands */
  g_assert_cmpuint (outside[0], !=, outside[1]);
  g_assert_cmpuint (outside[1], !=, outside[2]);
  g_assert_cmpuint (inside[0], !=, inside[1]);
  g_assert_cmpuint (inside[1], !=, inside[2]);
  /* Nothing drawn above the pyramid or below it when only it is asked for */
  {
    guint a;
    pixel_at (&img, right, -5, &a);
    g_assert_cmpuint (a, ==, 0);
    pixel_at (&img, right, 905, &a);
    g_assert_cmpuint (a, ==, 0);
  }
  image_clear (&img);
}

static void
test_pyramid_band_names (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  BmRenderOptions opt;
  Image img = { 0, };

  bm_render_options_init (&opt);
  opt.flags = BM_RENDER_PYRAMID;
  render (&img, map, &opt, 1, 0);

  /* The gutter at the left holds each band's name: dark ink in it */
  for (int l = 0; l < BM_N_LEVELS; l++)
    {
      guint dark = 0;
      for (double y = bm_level_band_top (l) + 20; y < bm_level_band_top (l) + 280; y += 1)
        for (double x = img.extents.x + 24 + 8; x < img.extents.x + 24 + 36; x += 1)
          {
            guint32 c = pixel_at (&img, x, y, NULL);
            if (((c >> 16) & 0xff) < 170 && ((c >> 8) & 0xff) < 170)
              dark++;
          }
      g_assert_cmpuint (dark, >, 200);
    }
  image_clear (&img);
}

/* ---- actors ------------------------------------------------------------------------ */

/* Every actor's ink lies in its band, and its centre shows its party's
 * colour (grey for a third party) */
static void
check_actors_in_bands (BmMap *map)
{
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  guint n = bm_map_get_n_actors (map);

  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      const BmPoint *p = g_hash_table_lookup (positions, a->id);
      g_autoptr(GHashTable) skip = g_hash_table_new (g_str_hash, g_str_equal);
      BmRenderOptions opt;
      Image img = { 0, };
      BmRect box;
      guint32 c, expected;
      guint alpha;

      for (guint j = 0; j < n; j++)
        if (j != i)
          g_hash_table_add (skip, bm_map_get_actor (map, j)->id);
      bm_render_options_init (&opt);
      opt.flags = BM_RENDER_ACTORS;
      opt.skip_actors = skip;
      opt.positions = positions;
      /* No letters or badges at this density, so the centre is the fill */
      opt.pixels_per_unit = 0.4;
      render (&img, map, &opt, 1, 0);

      g_assert_true (ink_box (&img, &box));
      g_assert_cmpfloat (box.y, >=, bm_level_band_top (a->level));
      g_assert_cmpfloat (box.y + box.height, <=, bm_level_band_top (a->level) + BM_BAND_HEIGHT);
      /* Only this actor was drawn, around its place */
      g_assert_cmpfloat (fabs (box.x + box.width / 2 - p->x), <, 10);

      c = pixel_at (&img, p->x, p->y, &alpha);
      expected = bm_render_party_color (map, a->party);
      g_assert_cmpuint (alpha, ==, 255);
      g_assert_cmpint (channel_distance (c, expected), <=, 2);
      image_clear (&img);
    }
}

static void
test_actors_in_bands (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  check_actors_in_bands (map);
}

static void
test_actors_placed_in_bands (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);

  /* Without positions, every shape of every track and influence */
  for (int i = 0; i < 12; i++)
    {
      g_autofree char *id = g_strdup_printf ("x%d", i);
      bm_map_insert_actor (map, -1, actor (id, id, i % 3 == 0 ? NULL : (i % 3 == 1 ? "gov" : "reb"),
                                           i % BM_N_LEVELS, i % BM_N_TRACKS, 1 + i % 5, NAN, NAN));
    }
  check_actors_in_bands (map);
}

static void
test_actor_kinds_and_tracks_differ (void)
{
  BmRenderOptions opt;
  cairo_surface_t *images[BM_N_TRACKS * BM_N_ACTOR_KINDS];

  /* Every track and kind draws a different shape or outline */
  for (int t = 0; t < BM_N_TRACKS; t++)
    for (int k = 0; k < BM_N_ACTOR_KINDS; k++)
      {
        g_autoptr(BmMap) map = bm_map_new ();
        g_autoptr(BmActor) a = actor ("a", "A", NULL, BM_LEVEL_MIDDLE, t, 5, 50, 50);
        cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 100, 100);
        cairo_t *cr = cairo_create (s);

        a->kind = k;
        bm_render_options_init (&opt);
        opt.pixels_per_unit = 1;
        bm_render_draw_actor (cr, map, a, 50, 50, &opt);
        cairo_destroy (cr);
        cairo_surface_flush (s);
        images[t * BM_N_ACTOR_KINDS + k] = s;
      }
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    for (guint j = i + 1; j < G_N_ELEMENTS (images); j++)
      {
        guint8 *a = cairo_image_surface_get_data (images[i]);
        guint8 *b = cairo_image_surface_get_data (images[j]);
        int stride = cairo_image_surface_get_stride (images[i]);
        guint differ = 0;
        for (int k = 0; k < 100 * stride; k += 4)
          if (ABS ((int) a[k + 3] - (int) b[k + 3]) > 128
              || channel_distance (*(guint32 *) (a + k) & 0xffffff,
                                   *(guint32 *) (b + k) & 0xffffff) > 96)
            differ++;
        g_assert_cmpuint (differ, >, 20);
      }
  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    cairo_surface_destroy (images[i]);
}

static void
test_actor_bounds (void)
{
  g_autoptr(GHashTable) selected = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) highlighted = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_add (selected, (gpointer) "a");
  g_hash_table_add (highlighted, (gpointer) "a");
  /* Everything an actor draws, name aside, is inside its bounds */
  for (int t = 0; t < BM_N_TRACKS; t++)
    for (int influence = 1; influence <= 5; influence += 4)
      {
        g_autoptr(BmMap) map = bm_map_new ();
        g_autoptr(BmActor) a = actor ("a", "A", NULL, BM_LEVEL_TOP, t, influence, 0, 0);
        BmRenderOptions opt;
        Image img = { 0, };
        BmRect bounds, box;
        cairo_t *cr;

        a->sector = BM_SECTOR_RELIGION;
        bm_render_actor_bounds (a, 100, 100, &bounds);
        bm_render_options_init (&opt);
        opt.flags &= ~BM_RENDER_LABELS;
        opt.selected = selected;
        opt.highlighted = highlighted;
        img.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 400);
        img.extents = (BmRect) { -100, -100, 400, 400 };
        img.scale = 1;
        cr = cairo_create (img.surface);
        cairo_translate (cr, 100, 100);
        bm_render_draw_actor (cr, map, a, 100, 100, &opt);
        cairo_destroy (cr);
        cairo_surface_flush (img.surface);
        g_assert_true (ink_box (&img, &box));
        g_assert_cmpfloat (box.x, >=, bounds.x);
        g_assert_cmpfloat (box.y, >=, bounds.y);
        g_assert_cmpfloat (box.x + box.width, <=, bounds.x + bounds.width);
        g_assert_cmpfloat (box.y + box.height, <=, bounds.y + bounds.height);
        /* And not much larger */
        g_assert_cmpfloat (bounds.width, <, box.width + 12);
        image_clear (&img);
      }
}

/* The width (map units) of what an actor with a long name draws, its name
 * included, at @ppu pixels per map unit */
static double
drawn_width_at (double ppu)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(BmActor) a = actor ("a", "Council of Elders of the North", NULL, BM_LEVEL_TOP,
                                BM_TRACK_2, 3, 0, 0);
  BmRenderOptions opt;
  Image img = { 0, };
  BmRect box;
  cairo_t *cr;
  double width;

  bm_render_options_init (&opt);
  opt.pixels_per_unit = ppu;
  img.extents = (BmRect) { -200, -100, 400, 300 };
  img.scale = ppu;
  img.surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (400 * ppu),
                                            (int) ceil (300 * ppu));
  cr = cairo_create (img.surface);
  cairo_scale (cr, ppu, ppu);
  cairo_translate (cr, 200, 100);
  bm_render_draw_actor (cr, map, a, 0, 0, &opt);
  cairo_destroy (cr);
  cairo_surface_flush (img.surface);
  g_assert_true (ink_box (&img, &box));
  width = box.width;
  image_clear (&img);
  return width;
}

/* Zoomed out on a screen, names grow in map units to stay readable, up to
 * a point past which they are left out */
static void
test_labels_readable_zoomed_out (void)
{
  double natural = drawn_width_at (2);      /* 22-pixel names */
  double zoomed_out = drawn_width_at (0.5); /* would be 5.5 pixels, too small */
  double far_out = drawn_width_at (0.2);
  double shape_only = 2 * (8.0 + 4.0 * 3) + 2;   /* influence 3, a little outline */

  g_test_message ("name and shape: %.1f, %.1f, %.1f units", natural, zoomed_out, far_out);
  /* The name is wider than the shape */
  g_assert_cmpfloat (natural, >, 2 * shape_only);
  /* At half a pixel per unit the name is shown, at about 9 pixels */
  g_assert_cmpfloat (zoomed_out, >, 1.4 * natural);
  g_assert_cmpfloat (zoomed_out, <, 2.1 * natural);
  /* Further out it would have to be huge: only the shape is drawn */
  g_assert_cmpfloat (far_out, <, natural / 2);
}

/* ---- colours -------------------------------------------------------------------------- */

static void
rgb_to_lab (guint32 c, double lab[3])
{
  double v[3];
  double x, y, z;

  for (int i = 0; i < 3; i++)
    {
      double s = ((c >> (16 - 8 * i)) & 0xff) / 255.0;
      v[i] = s <= 0.04045 ? s / 12.92 : pow ((s + 0.055) / 1.055, 2.4);
    }
  x = (0.4124564 * v[0] + 0.3575761 * v[1] + 0.1804375 * v[2]) / 0.95047;
  y = 0.2126729 * v[0] + 0.7151522 * v[1] + 0.0721750 * v[2];
  z = (0.0193339 * v[0] + 0.1191920 * v[1] + 0.9503041 * v[2]) / 1.08883;
#define F(t) ((t) > 0.008856 ? cbrt (t) : (t) / 0.128418 + 4.0 / 29.0)
  lab[0] = 116 * F (y) - 16;
  lab[1] = 500 * (F (x) - F (y));
  lab[2] = 200 * (F (y) - F (z));
#undef F
}

static void
test_party_colors_avoid_gap_color (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  const guint32 risky[] = { BM_RENDER_GAP_COLOR, 0xe91e63, 0xc2185b, 0xd0107a, 0xaa4499 };
  double gap[3];

  rgb_to_lab (BM_RENDER_GAP_COLOR, gap);
  for (guint i = 0; i < G_N_ELEMENTS (risky); i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      party (map, id, id, TRUE, risky[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (risky); i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      guint32 c = bm_render_party_color (map, id);
      double lab[3];

      rgb_to_lab (c, lab);
      /* Far in colour, and apart in greyscale */
      g_assert_cmpfloat (sqrt (pow (lab[0] - gap[0], 2) + pow (lab[1] - gap[1], 2)
                               + pow (lab[2] - gap[2], 2)), >=, 40);
      g_assert_cmpfloat (fabs (lab[0] - gap[0]), >=, 7.5);
    }

  /* Colours far from it are kept as the user chose them (a lightness
   * close to the gap colour's is moved a little, for greyscale print) */
  party (map, "blue", "Blue", TRUE, 0x0b3d91);
  party (map, "green", "Green", TRUE, 0x009e73);
  g_assert_cmphex (bm_render_party_color (map, "blue"), ==, 0x0b3d91);
  g_assert_cmphex (bm_render_party_color (map, "green"), ==, 0x009e73);
}

static void
test_party_colors_default_palette (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(BmMap) copy = NULL;
  guint32 colors[8];

  for (int i = 0; i < 8; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%d", i);
      party (map, id, id, FALSE, 0);
    }
  copy = bm_map_copy (map);
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%d", i);
      colors[i] = bm_render_party_color (map, id);
      /* Deterministic */
      g_assert_cmphex (colors[i], ==, bm_render_party_color (copy, id));
      /* Never the third parties' grey */
      g_assert_cmphex (colors[i], !=, bm_render_party_color (map, NULL));
      for (int j = 0; j < i; j++)
        g_assert_cmphex (colors[i], !=, colors[j]);
    }
}

/* ---- the gap overlay ---------------------------------------------------------------- */

static guint
gap_pixels (BmMap *map, gboolean with_analysis, BmRenderFlags flags)
{
  g_autoptr(BmAnalysis) an = with_analysis ? bm_analysis_new (map) : NULL;
  BmRenderOptions opt;
  Image img = { 0, };
  guint n;

  bm_render_options_init (&opt);
  opt.flags = flags;
  opt.analysis = an;
  render (&img, map, &opt, 1, 0);
  n = count_color (&img, BM_RENDER_GAP_COLOR, 30);
  if (with_analysis && (flags & BM_RENDER_GAPS))
    write_debug_png (&img, "gaps.png");
  image_clear (&img);
  return n;
}

static void
test_gaps_overlay (void)
{
  g_autoptr(BmMap) gappy = talks_map (FALSE);
  g_autoptr(BmMap) bridged = talks_map (TRUE);
  g_autoptr(BmAnalysis) an = bm_analysis_new (gappy);
  g_autoptr(BmAnalysis) an2 = bm_analysis_new (bridged);

  /* The fixtures are what they claim */
  g_assert_cmpuint (bm_analysis_count_severity (an, BM_SEVERITY_CRITICAL), ==, 1);
  g_assert_cmpuint (bm_analysis_get_n_gaps (an2), ==, 0);

  /* Shown when there are gaps and the flag is on; absent otherwise */
  g_assert_cmpuint (gap_pixels (gappy, TRUE, BM_RENDER_ALL), >, 300);
  g_assert_cmpuint (gap_pixels (gappy, TRUE, BM_RENDER_ALL & ~BM_RENDER_GAPS), ==, 0);
  g_assert_cmpuint (gap_pixels (gappy, FALSE, BM_RENDER_ALL), ==, 0);
  g_assert_cmpuint (gap_pixels (bridged, TRUE, BM_RENDER_ALL), ==, 0);
}

/* A highlighted actor's gaps stay in full colour; the others fade */
static void
test_gaps_fade_with_highlight (void)
{
  g_autoptr(BmMap) map = talks_map (FALSE);
  g_autoptr(BmAnalysis) an = bm_analysis_new (map);
  g_autoptr(GHashTable) highlighted = g_hash_table_new (g_str_hash, g_str_equal);
  BmRenderOptions opt;
  Image img = { 0, };
  guint all, focused;

  bm_render_options_init (&opt);
  opt.analysis = an;
  render (&img, map, &opt, 1, 0);
  all = count_color (&img, BM_RENDER_GAP_COLOR, 30);
  image_clear (&img);

  /* The elders: only the movement's transfer gap concerns them */
  g_hash_table_add (highlighted, (gpointer) "elders");
  opt.highlighted = highlighted;
  render (&img, map, &opt, 1, 0);
  focused = count_color (&img, BM_RENDER_GAP_COLOR, 30);
  image_clear (&img);
  g_assert_cmpuint (focused, >, 50);
  g_assert_cmpuint (focused * 2, <, all);
}

static void
test_gaps_color_reserved (void)
{
  g_autoptr(BmMap) map = talks_map (FALSE);
  BmParty *p = bm_party_copy (bm_map_lookup_party (map, "gov"));

  /* A party painted in the gap colour itself does not bring it back */
  p->color = BM_RENDER_GAP_COLOR;
  bm_map_replace_party (map, p);
  g_assert_cmpuint (gap_pixels (map, TRUE, BM_RENDER_ALL & ~BM_RENDER_GAPS), ==, 0);
  g_assert_cmpuint (gap_pixels (map, TRUE, BM_RENDER_ALL), >, 300);
}

static void
test_gaps_critical_and_warning_differ (void)
{
  g_autoptr(BmMap) critical = talks_map (FALSE);
  g_autoptr(BmMap) warning = talks_map (FALSE);
  g_autoptr(BmAnalysis) an = NULL;

  /* An official channel besides the conflict turns it into a warning */
  tie (warning, "t9", "president", "leader", BM_TIE_CHANNEL, 2);
  an = bm_analysis_new (warning);
  g_assert_cmpuint (bm_analysis_count_severity (an, BM_SEVERITY_WARNING), >=, 1);
  g_assert_cmpuint (bm_analysis_count_severity (an, BM_SEVERITY_CRITICAL), ==, 0);
  /* The critical label is a filled pill, the warning one an outline */
  g_assert_cmpuint (gap_pixels (critical, TRUE, BM_RENDER_GAPS | BM_RENDER_ACTORS), >,
                    gap_pixels (warning, TRUE, BM_RENDER_GAPS | BM_RENDER_ACTORS) + 500);
}

/* ---- text ------------------------------------------------------------------------------ */

static void
test_names_in_scripts (void)
{
  const char *names[] = { "مجلس السلام", "和平委员会", "Совет старейшин", "Ἀθῆναι",
                          "Jaime Gonçalves" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(BmMap) map = bm_map_new ();
      g_autoptr(BmActor) a = actor ("a", names[i], NULL, BM_LEVEL_MIDDLE, BM_TRACK_2, 1, 0, 0);
      cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 300, 120);
      cairo_t *cr = cairo_create (s);
      BmRenderOptions opt;
      guint8 *data;
      int stride, x0 = 300, x1 = -1;
      guint ink = 0;

      bm_render_options_init (&opt);
      cairo_scale (cr, 2, 2);
      bm_render_draw_actor (cr, map, a, 75, 20, &opt);
      cairo_destroy (cr);
      cairo_surface_flush (s);
      data = cairo_image_surface_get_data (s);
      stride = cairo_image_surface_get_stride (s);

      /* The name is below the shape (radius 12 map units, scale 2):
       * count dark, opaque pixels there */
      for (int y = 2 * (20 + 14); y < 120; y++)
        for (int x = 0; x < 300; x++)
          {
            guint32 v = *(guint32 *) (data + y * stride + 4 * x);
            if ((v >> 24) > 200 && ((v >> 8) & 0xff) < 100)
              {
                ink++;
                x0 = MIN (x0, x);
                x1 = MAX (x1, x);
              }
          }
      if (g_test_verbose ())
        g_test_message ("%s: %u dark pixels, %d wide", names[i], ink, x1 - x0);
      g_assert_cmpuint (ink, >, 25);
      /* Several glyphs, not one box */
      g_assert_cmpint (x1 - x0, >, 25);
      cairo_surface_destroy (s);
    }
}

/* ---- placement -------------------------------------------------------------------------- */

static BmMap *
unplaced_map (guint n, guint n_parties)
{
  BmMap *map = bm_map_new ();

  for (guint p = 0; p < n_parties; p++)
    {
      g_autofree char *id = g_strdup_printf ("party%u", p);
      party (map, id, id, FALSE, 0);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autofree char *pid = g_strdup_printf ("party%u", i % (n_parties + 1));
      bm_map_insert_actor (map, -1, actor (id, id, i % (n_parties + 1) == n_parties ? NULL : pid,
                                           (i / 3) % BM_N_LEVELS, (i * 7) % BM_N_TRACKS,
                                           1 + (i * 5) % 5, NAN, NAN));
    }
  return map;
}

static double
half_height (const BmActor *a)
{
  /* The tallest track shape reaches 1.2 radii from its centre */
  return 1.2 * bm_render_actor_radius (a);
}

static void
check_placement (BmMap *map, GHashTable *positions)
{
  guint n = bm_map_get_n_actors (map);

  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      const BmPoint *p = g_hash_table_lookup (positions, a->id);
      double top = bm_level_band_top (a->level);

      g_assert_nonnull (p);
      if (a->has_position)
        {
          /* Stored positions are kept exactly */
          g_assert_cmpfloat (p->x, ==, a->x);
          g_assert_cmpfloat (p->y, ==, a->y);
          continue;
        }
      /* Inside its band, shape included; rounded like a stored position */
      g_assert_cmpfloat (p->y - half_height (a), >=, top);
      g_assert_cmpfloat (p->y + half_height (a), <=, top + BM_BAND_HEIGHT);
      g_assert_cmpfloat (p->x, ==, bm_round_position (p->x));
      g_assert_cmpfloat (p->y, ==, bm_round_position (p->y));
      /* Overlapping nothing */
      for (guint j = 0; j < n; j++)
        {
          const BmActor *b = bm_map_get_actor (map, j);
          const BmPoint *q = g_hash_table_lookup (positions, b->id);
          if (j == i)
            continue;
          g_assert_cmpfloat (hypot (p->x - q->x, p->y - q->y), >=,
                             bm_render_actor_radius (a) + bm_render_actor_radius (b));
        }
    }
}

static void
test_layout_bands_and_overlaps (void)
{
  g_autoptr(BmMap) map = unplaced_map (60, 3);
  g_autoptr(GHashTable) positions = bm_layout_positions (map);

  check_placement (map, positions);
}

static void
test_layout_deterministic (void)
{
  g_autoptr(BmMap) a = unplaced_map (40, 2);
  g_autoptr(BmMap) b = unplaced_map (40, 2);
  g_autoptr(BmMap) c = NULL;
  g_autoptr(GHashTable) pa = bm_layout_positions (a);
  g_autoptr(GHashTable) pb = bm_layout_positions (b);
  g_autoptr(GHashTable) pc = NULL;
  g_autoptr(GHashTable) pa2 = bm_layout_positions (a);

  c = bm_map_copy (a);
  pc = bm_layout_positions (c);
  for (guint i = 0; i < bm_map_get_n_actors (a); i++)
    {
      const char *id = bm_map_get_actor (a, i)->id;
      const BmPoint *p = g_hash_table_lookup (pa, id);
      const BmPoint *q = g_hash_table_lookup (pb, id);
      const BmPoint *r = g_hash_table_lookup (pc, id);
      const BmPoint *s = g_hash_table_lookup (pa2, id);
      g_assert_cmpfloat (p->x, ==, q->x);
      g_assert_cmpfloat (p->y, ==, q->y);
      g_assert_cmpfloat (p->x, ==, r->x);
      g_assert_cmpfloat (p->y, ==, r->y);
      g_assert_cmpfloat (p->x, ==, s->x);
      g_assert_cmpfloat (p->y, ==, s->y);
    }
}

static void
test_layout_parties_left_to_right (void)
{
  g_autoptr(BmMap) map = unplaced_map (45, 2);
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  double sum[3] = { 0, }, min[3], max[3];
  guint count[3] = { 0, };

  for (int g = 0; g < 3; g++)
    {
      min[g] = G_MAXDOUBLE;
      max[g] = -G_MAXDOUBLE;
    }
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      const BmPoint *p = g_hash_table_lookup (positions, a->id);
      /* group: first party, third parties, second party */
      int g = a->party == NULL ? 1 : (strcmp (a->party, "party0") == 0 ? 0 : 2);
      sum[g] += p->x;
      count[g]++;
      min[g] = MIN (min[g], p->x);
      max[g] = MAX (max[g], p->x);
    }
  g_assert_cmpfloat (max[0], <, min[1]);
  g_assert_cmpfloat (max[1], <, min[2]);
}

static void
test_layout_keeps_positions_and_avoids_them (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  g_autoptr(GHashTable) positions = NULL;

  /* New actors of a party already on the map land near it and clear of
   * every positioned actor */
  for (int i = 0; i < 15; i++)
    {
      g_autofree char *id = g_strdup_printf ("new%d", i);
      bm_map_insert_actor (map, -1, actor (id, id, i % 2 ? "gov" : "reb", i % BM_N_LEVELS,
                                           BM_TRACK_2, 3, NAN, NAN));
    }
  positions = bm_layout_positions (map);
  check_placement (map, positions);
  {
    const BmPoint *gov = g_hash_table_lookup (positions, "new1");
    const BmPoint *reb = g_hash_table_lookup (positions, "new0");
    /* The government's actors stand at x ≈ 200, the movement's at 700 */
    g_assert_cmpfloat (gov->x, <, reb->x);
  }
}

static void
count_changed (BmMap *map, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_layout_place_unpositioned (void)
{
  g_autoptr(BmMap) map = unplaced_map (20, 2);
  g_autoptr(GHashTable) before = bm_layout_positions (map);
  guint changed = 0;

  bm_map_move_actor (map, "a3", 1234.5, 456);
  g_hash_table_unref (before);
  before = bm_layout_positions (map);

  g_signal_connect (map, "changed", G_CALLBACK (count_changed), &changed);
  g_assert_cmpuint (bm_layout_place_unpositioned (map), ==, 19);
  /* One edit */
  g_assert_cmpuint (changed, ==, 1);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      const BmPoint *p = g_hash_table_lookup (before, a->id);
      g_assert_true (a->has_position);
      /* Placing changes nothing on the drawing */
      g_assert_cmpfloat (a->x, ==, p->x);
      g_assert_cmpfloat (a->y, ==, p->y);
    }
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a3")->x, ==, 1234.5);
  g_assert_cmpuint (bm_layout_place_unpositioned (map), ==, 0);
  g_assert_cmpuint (changed, ==, 1);
}

/* A band crammed with positioned actors over a long stretch: new actors
 * still get a place in their band near their party, quickly */
static void
test_layout_crammed_band (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(GHashTable) positions = NULL;
  g_autoptr(GHashTable) again = NULL;

  party (map, "p", "P", FALSE, 0);
  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *id = g_strdup_printf ("old%d", i);
      bm_map_insert_actor (map, -1, actor (id, id, "p", BM_LEVEL_MIDDLE, BM_TRACK_2, 5,
                                           (i / 3) * 20.0, 330 + (i % 3) * 120));
    }
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("new%d", i);
      bm_map_insert_actor (map, -1, actor (id, id, "p", BM_LEVEL_MIDDLE, BM_TRACK_2, 1,
                                           NAN, NAN));
    }
  positions = bm_layout_positions (map);
  again = bm_layout_positions (map);
  for (int i = 0; i < 200; i++)
    {
      g_autofree char *id = g_strdup_printf ("new%d", i);
      const BmPoint *p = g_hash_table_lookup (positions, id);
      const BmPoint *q = g_hash_table_lookup (again, id);
      g_assert_cmpfloat (p->y - 14.4, >=, 300);
      g_assert_cmpfloat (p->y + 14.4, <=, 600);
      /* Among the party's other actors (0 … 19,980), not thrown far out */
      g_assert_cmpfloat (p->x, >, -500);
      g_assert_cmpfloat (p->x, <, 20500);
      g_assert_cmpfloat (p->x, ==, q->x);
      g_assert_cmpfloat (p->y, ==, q->y);
    }
}

static void
test_layout_generated_map (void)
{
  g_autoptr(BmMap) map = bm_generate_map (300, 900, 7);
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  guint unplaced = 0;

  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    unplaced += !bm_map_get_actor (map, i)->has_position;
  g_assert_cmpuint (unplaced, >, 0);
  check_placement (map, positions);
}

/* ---- extents ---------------------------------------------------------------------------- */

static void
test_extents_contain_everything (void)
{
  g_autoptr(BmMap) map = talks_map (FALSE);
  g_autoptr(BmAnalysis) an = NULL;
  BmRenderOptions opt;
  BmRect ext, box;
  Image img = { 0, };

  /* Actors far out on both sides, a long title, a description */
  bm_map_insert_actor (map, -1, actor ("far-left", "Far to the left", "gov", BM_LEVEL_TOP,
                                       BM_TRACK_1, 5, -1500, 30));
  bm_map_insert_actor (map, -1, actor ("far-right", "Far to the right", NULL, BM_LEVEL_GRASSROOTS,
                                       BM_TRACK_3, 5, 3000, 880));
  bm_map_set_title (map, "A title long enough to need more than the width of a few actors "
                    "when it is set in large type above the pyramid");
  bm_map_set_description (map, "And a description under it.");
  an = bm_analysis_new (map);

  bm_render_options_init (&opt);
  opt.analysis = an;
  bm_render_get_extents (map, &opt, &ext);
  /* Render with a wide margin: nothing may fall outside the extents */
  render (&img, map, &opt, 0.5, 300);
  write_debug_png (&img, "extents.png");
  g_assert_true (ink_box (&img, &box));
  g_assert_cmpfloat (box.x, >=, ext.x - 1);
  g_assert_cmpfloat (box.y, >=, ext.y - 1);
  g_assert_cmpfloat (box.x + box.width, <=, ext.x + ext.width + 1);
  g_assert_cmpfloat (box.y + box.height, <=, ext.y + ext.height + 1);
  /* The pyramid and the actors are inside, with the title above them
   * and the legend to the right of the far-right actor */
  g_assert_cmpfloat (ext.x, <, -1500 - 30);
  g_assert_cmpfloat (ext.x + ext.width, >, 3000 + 40 + 200);
  g_assert_cmpfloat (ext.y, <, -30);
  g_assert_cmpfloat (ext.y + ext.height, >=, 900);
  image_clear (&img);

  /* Without legend and title, the extents shrink */
  {
    BmRect small;
    opt.flags &= ~(BM_RENDER_LEGEND | BM_RENDER_TITLE);
    bm_render_get_extents (map, &opt, &small);
    g_assert_cmpfloat (small.width, <, ext.width);
    g_assert_cmpfloat (small.y, >, ext.y);
  }
}

/* ---- selection, skipping, hit testing ----------------------------------------------------- */

static void
test_skip_and_select (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  g_autoptr(GHashTable) skip = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) selected = g_hash_table_new (g_str_hash, g_str_equal);
  BmRenderOptions opt;
  Image img = { 0, };
  const BmActor *church = bm_map_lookup_actor (map, "church");
  guint alpha;

  bm_render_options_init (&opt);
  opt.flags = BM_RENDER_TIES | BM_RENDER_ACTORS;
  g_hash_table_add (skip, (gpointer) "church");
  opt.skip_actors = skip;
  render (&img, map, &opt, 1, 0);
  /* Neither the actor nor its ties (the mediation to the president runs
   * from (450, 420) to (200, 120)) */
  pixel_at (&img, church->x, church->y, &alpha);
  g_assert_cmpuint (alpha, ==, 0);
  pixel_at (&img, 325, 270, &alpha);
  g_assert_cmpuint (alpha, ==, 0);
  image_clear (&img);

  opt.skip_actors = NULL;
  render (&img, map, &opt, 1, 0);
  g_assert_cmpuint (count_color (&img, 0x1c71d8, 40), ==, 0);
  pixel_at (&img, 325, 270, &alpha);
  g_assert_cmpuint (alpha, >, 0);
  image_clear (&img);

  g_hash_table_add (selected, (gpointer) "church");
  opt.selected = selected;
  render (&img, map, &opt, 1, 0);
  /* A ring around it in the selection colour */
  g_assert_cmpuint (count_color (&img, 0x1c71d8, 40), >, 100);
  image_clear (&img);
}

static void
test_highlight_fades_the_rest (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  g_autoptr(GHashTable) highlighted = g_hash_table_new (g_str_hash, g_str_equal);
  BmRenderOptions opt;
  Image img = { 0, };
  guint32 president, leader;

  g_hash_table_add (highlighted, (gpointer) "president");
  bm_render_options_init (&opt);
  opt.flags = BM_RENDER_ACTORS;
  opt.highlighted = highlighted;
  opt.pixels_per_unit = 0.4;
  render (&img, map, &opt, 1, 0);
  president = pixel_at (&img, 200, 120, NULL);
  leader = pixel_at (&img, 700, 120, NULL);
  g_assert_cmpint (channel_distance (president, bm_render_party_color (map, "gov")), <=, 2);
  /* The other one much lighter than its party colour */
  g_assert_cmpint ((leader & 0xff) + ((leader >> 8) & 0xff) + ((leader >> 16) & 0xff), >,
                   0x1f + 0x61 + 0x8d + 200);
  image_clear (&img);
}

static void
test_hit_testing (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  const BmTie *t;

  g_assert_cmpstr (bm_render_actor_at (map, positions, 450, 420, 0)->id, ==, "church");
  /* The diamond's corner, but not beyond it */
  g_assert_cmpstr (bm_render_actor_at (map, NULL, 450 + 1.15 * 20, 420, 0)->id, ==, "church");
  g_assert_null (bm_render_actor_at (map, positions, 450 + 20, 420 + 20, 0));
  g_assert_null (bm_render_actor_at (map, positions, 1000, 1000, 5));

  /* The middle of the mediation from the church to the leader */
  t = bm_render_tie_at (map, positions, (450 + 700) / 2.0, (420 + 120) / 2.0, 3);
  g_assert_nonnull (t);
  g_assert_cmpstr (t->id, ==, "t4");
  g_assert_null (bm_render_tie_at (map, positions, 450, 200, 3));
}

static void
test_draw_tie_on_top (void)
{
  g_autoptr(BmMap) map = talks_map (TRUE);
  const BmTie *t = bm_map_lookup_tie (map, "t4");   /* church → leader, mediation */
  BmPoint from = { 60, 100 }, to = { 360, 100 };
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 420, 200);
  cairo_t *cr = cairo_create (s);
  guint8 *data;
  int stride;

  /* Where the editor drags the church to: the tie follows, ending at the
   * shapes' edges (a diamond of radius 20 at 60, a square of radius 28
   * at 360) with the arrow at the leader */
  bm_render_draw_tie (cr, map, t, &from, &to, NULL);
  cairo_destroy (cr);
  cairo_surface_flush (s);
  data = cairo_image_surface_get_data (s);
  stride = cairo_image_surface_get_stride (s);
#define ALPHA(x, y) (data[(y) * stride + 4 * (x) + 3])
  g_assert_cmpuint (ALPHA (60, 100), ==, 0);
  g_assert_cmpuint (ALPHA (360, 100), ==, 0);
  g_assert_cmpuint (ALPHA (150, 100), >, 200);
  g_assert_cmpuint (ALPHA (300, 100), >, 200);
  /* The arrowhead is wider than the line */
  g_assert_cmpuint (ALPHA (322, 104), >, 200);
  g_assert_cmpuint (ALPHA (150, 104), ==, 0);
#undef ALPHA
  cairo_surface_destroy (s);
}

/* Drawing only a part (the editor's tiles) gives the same pixels there */
static void
test_clip_draws_the_same (void)
{
  g_autoptr(BmMap) map = bm_generate_map (80, 200, 11);
  g_autoptr(BmAnalysis) an = bm_analysis_new (map);
  BmRenderOptions opt;
  BmRect ext, clip;
  cairo_surface_t *full, *part;
  cairo_t *cr;
  int w, h, stride, half;
  double scale = 0.8, sum = 0;
  guint n = 0;

  bm_render_options_init (&opt);
  opt.analysis = an;
  opt.pixels_per_unit = scale;
  bm_render_get_extents (map, &opt, &ext);
  w = (int) ceil (ext.width * scale);
  h = (int) ceil (ext.height * scale);
  half = w / 2;
  full = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  part = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  for (int k = 0; k < 2; k++)
    {
      cr = cairo_create (k == 0 ? full : part);
      if (k == 1)
        {
          cairo_rectangle (cr, 0, 0, half, h);
          cairo_clip (cr);
          clip.x = ext.x;
          clip.y = ext.y;
          clip.width = half / scale;
          clip.height = ext.height;
          opt.clip = &clip;
        }
      cairo_scale (cr, scale, scale);
      cairo_translate (cr, -ext.x, -ext.y);
      bm_render_draw (cr, map, &opt);
      cairo_destroy (cr);
    }
  cairo_surface_flush (full);
  cairo_surface_flush (part);
  stride = cairo_image_surface_get_stride (full);
  /* Away from the tile's edge, where a name just outside may be placed
   * differently */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < half - 200 * scale; x++)
      for (int c = 0; c < 4; c++)
        {
          double d = (double) cairo_image_surface_get_data (full)[y * stride + 4 * x + c]
                     - cairo_image_surface_get_data (part)[y * stride + 4 * x + c];
          sum += d * d;
          n++;
        }
  /* Nothing at all on the other side */
  for (int y = 0; y < h; y += 7)
    for (int x = half; x < w; x += 7)
      g_assert_cmpuint (cairo_image_surface_get_data (part)[y * stride + 4 * x + 3], ==, 0);
  if (g_test_verbose ())
    g_test_message ("RMS difference %.3f", sqrt (sum / n));
  g_assert_cmpfloat (sqrt (sum / n), <, 1.0);
  cairo_surface_destroy (full);
  cairo_surface_destroy (part);
}

/* A hostile file may put actors ±10⁹ map units apart: drawing must still
 * be quick and bounded, whatever the zoom and on any surface */
static void
test_extreme_positions (void)
{
  g_autoptr(BmMap) map = talks_map (FALSE);
  g_autoptr(BmAnalysis) an = NULL;
  BmRenderOptions opt;
  BmRect ext, clip;
  cairo_surface_t *s;
  cairo_t *cr;
  Image img = { 0, };
  double scale;

  bm_map_move_actor (map, "president", -1e9, 120);
  bm_map_move_actor (map, "leader", 1e9, 120);
  bm_map_move_actor (map, "elders", 999999999.5, 760);
  tie (map, "t9", "ngo", "leader", BM_TIE_CHANNEL, 1);
  tie (map, "t10", "elders", "president", BM_TIE_BROKEN, 2);
  bm_map_insert_actor (map, -1, actor ("new", "Unplaced", "gov", BM_LEVEL_MIDDLE, BM_TRACK_2, 3,
                                       NAN, NAN));
  an = bm_analysis_new (map);
  bm_render_options_init (&opt);
  opt.analysis = an;

  /* The whole map, tiny */
  bm_render_get_extents (map, &opt, &ext);
  g_assert_cmpfloat (ext.width, >, 2e9);
  scale = 800 / ext.width;
  opt.pixels_per_unit = scale;
  s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 100);
  cr = cairo_create (s);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -ext.x, -ext.y);
  bm_render_draw (cr, map, &opt);
  cairo_destroy (cr);
  cairo_surface_destroy (s);

  /* As vector paths (PDF, SVG), in print */
  opt.pixels_per_unit = 0;
  s = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (s);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -ext.x, -ext.y);
  bm_render_draw (cr, map, &opt);
  cairo_destroy (cr);
  cairo_surface_destroy (s);

  /* The editor at 100 %, looking at the leader, with the conflict and the
   * dotted channel running off to the far side */
  clip.x = 1e9 - 400;
  clip.y = 0;
  clip.width = 800;
  clip.height = 600;
  opt.clip = &clip;
  opt.pixels_per_unit = 1;
  s = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 600);
  cr = cairo_create (s);
  cairo_translate (cr, -clip.x, -clip.y);
  bm_render_draw (cr, map, &opt);
  cairo_destroy (cr);
  img.surface = s;
  img.extents = clip;
  img.scale = 1;
  /* The leader is there, in its party's colour */
  g_assert_cmpint (channel_distance (pixel_at (&img, 1e9 - 12, 120 + 12, NULL),
                                     bm_render_party_color (map, "reb")), <=, 2);
  image_clear (&img);
}

/* ---- the two ways of drawing agree ---------------------------------------------------------- */

static void
test_raster_matches_vector (void)
{
  g_autoptr(BmMap) map = bm_generate_map (60, 150, 3);
  g_autoptr(BmAnalysis) an = bm_analysis_new (map);
  BmRenderOptions opt;
  BmRect ext;
  cairo_surface_t *direct, *via, *rec;
  cairo_t *cr;
  int w, h, stride;
  double scale = 0.6, sum = 0;
  guint8 *a, *b;

  bm_render_options_init (&opt);
  opt.analysis = an;
  opt.pixels_per_unit = scale;
  bm_render_get_extents (map, &opt, &ext);
  w = (int) ceil (ext.width * scale);
  h = (int) ceil (ext.height * scale);

  /* Straight into an image surface: the painter writes the pixels */
  direct = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (direct);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -ext.x, -ext.y);
  bm_render_draw (cr, map, &opt);
  cairo_destroy (cr);

  /* Through a recording surface: cairo paths, as in PDF and SVG */
  rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cr = cairo_create (rec);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -ext.x, -ext.y);
  bm_render_draw (cr, map, &opt);
  cairo_destroy (cr);
  via = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cr = cairo_create (via);
  cairo_set_source_surface (cr, rec, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (direct);
  cairo_surface_flush (via);

  a = cairo_image_surface_get_data (direct);
  b = cairo_image_surface_get_data (via);
  stride = cairo_image_surface_get_stride (direct);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < 4 * w; x++)
      {
        double d = (double) a[y * stride + x] - b[y * stride + x];
        sum += d * d;
      }
  if (g_test_verbose ())
    g_test_message ("RMS difference %.2f of 255", sqrt (sum / (4.0 * w * h)));
  /* Antialiasing differs by a level here and there, nothing more */
  g_assert_cmpfloat (sqrt (sum / (4.0 * w * h)), <, 4.0);

  cairo_surface_destroy (direct);
  cairo_surface_destroy (via);
  cairo_surface_destroy (rec);
}

/* ---- the bundled examples ------------------------------------------------------------------ */

static void
test_examples_render (void)
{
  const char *root = g_getenv ("BRIDGEMAP_SOURCE_ROOT");
  g_autofree char *dir = g_build_filename (root ? root : "..", "data", "examples", NULL);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  if (d == NULL)
    {
      g_test_skip ("no examples");
      return;
    }
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autoptr(BmMap) map = NULL;
      g_autoptr(BmAnalysis) an = NULL;
      BmRenderOptions opt;
      Image img = { 0, };
      BmRect box;

      if (!g_str_has_suffix (name, ".bridgemap"))
        continue;
      map = bm_map_load_file (file, name, &error);
      g_assert_no_error (error);
      an = bm_analysis_new (map);
      bm_render_options_init (&opt);
      opt.analysis = an;
      render (&img, map, &opt, 0.5, 40);
      write_debug_png (&img, name);
      g_assert_true (ink_box (&img, &box));
      g_assert_cmpfloat (box.x, >=, img.extents.x + 40 - 1);
      g_assert_cmpfloat (box.y, >=, img.extents.y + 40 - 1);
      g_assert_cmpfloat (box.x + box.width, <=, img.extents.x + img.extents.width - 40 + 1);
      g_assert_cmpfloat (box.y + box.height, <=, img.extents.y + img.extents.height - 40 + 1);
      check_actors_in_bands (map);
      image_clear (&img);
      n++;
    }
  g_assert_cmpuint (n, >, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/pyramid/bands", test_pyramid_bands);
  g_test_add_func ("/render/pyramid/band-names", test_pyramid_band_names);
  g_test_add_func ("/render/actors/in-bands", test_actors_in_bands);
  g_test_add_func ("/render/actors/placed-in-bands", test_actors_placed_in_bands);
  g_test_add_func ("/render/actors/tracks-and-kinds-differ", test_actor_kinds_and_tracks_differ);
  g_test_add_func ("/render/actors/bounds", test_actor_bounds);
  g_test_add_func ("/render/actors/names-readable-zoomed-out", test_labels_readable_zoomed_out);
  g_test_add_func ("/render/colors/avoid-gap-color", test_party_colors_avoid_gap_color);
  g_test_add_func ("/render/colors/default-palette", test_party_colors_default_palette);
  g_test_add_func ("/render/gaps/overlay", test_gaps_overlay);
  g_test_add_func ("/render/gaps/color-reserved", test_gaps_color_reserved);
  g_test_add_func ("/render/gaps/fade-with-highlight", test_gaps_fade_with_highlight);
  g_test_add_func ("/render/gaps/critical-and-warning-differ", test_gaps_critical_and_warning_differ);
  g_test_add_func ("/render/text/scripts", test_names_in_scripts);
  g_test_add_func ("/render/extents/contain-everything", test_extents_contain_everything);
  g_test_add_func ("/render/skip-and-select", test_skip_and_select);
  g_test_add_func ("/render/highlight-fades-the-rest", test_highlight_fades_the_rest);
  g_test_add_func ("/render/hit-testing", test_hit_testing);
  g_test_add_func ("/render/draw-tie-on-top", test_draw_tie_on_top);
  g_test_add_func ("/render/clip-draws-the-same", test_clip_draws_the_same);
  g_test_add_func ("/render/extreme-positions", test_extreme_positions);
  g_test_add_func ("/render/raster-matches-vector", test_raster_matches_vector);
  g_test_add_func ("/render/examples", test_examples_render);
  g_test_add_func ("/layout/bands-and-overlaps", test_layout_bands_and_overlaps);
  g_test_add_func ("/layout/deterministic", test_layout_deterministic);
  g_test_add_func ("/layout/parties-left-to-right", test_layout_parties_left_to_right);
  g_test_add_func ("/layout/keeps-positions-and-avoids-them", test_layout_keeps_positions_and_avoids_them);
  g_test_add_func ("/layout/place-unpositioned", test_layout_place_unpositioned);
  g_test_add_func ("/layout/generated-map", test_layout_generated_map);
  g_test_add_func ("/layout/crammed-band", test_layout_crammed_band);

  return g_test_run ();
}
