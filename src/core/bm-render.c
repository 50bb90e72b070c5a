/* bm-render.c: draw a map into any cairo context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything is drawn in map units.  Text is laid out once per thread in a
 * private Pango context with hinting off, so a label has the same size and
 * line breaks on the screen and in an exported file, at any zoom.
 *
 * To stay fast, a draw works in layers, and each layer collects the
 * geometry of every item of the same style into one path: one stroke for
 * all ties of a kind and strength, one fill for all actors of a colour.
 * Items outside options->clip are skipped, and detail too small to read at
 * options->pixels_per_unit (labels, badges, letters) is left out.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "bm-painter.h"
#include "bm-render.h"

/* ---- look ----------------------------------------------------------------- */

#define FONT_FAMILY        "Sans"

#define BAND_GUTTER        44.0   /* left strip holding the band names */
#define BAND_PAD           70.0   /* free space beside the outermost actors */
#define MIN_BANDS_WIDTH    1000.0
#define CONTENT_MARGIN     24.0
#define LEGEND_GAP         40.0
#define TITLE_GAP          18.0
#define TEXT_MARGIN        36.0   /* names and notes beyond the pyramid */

#define LABEL_SIZE         11.0
#define LABEL_WIDTH        130.0
#define BADGE_SIZE         7.5
#define MIN_LABEL_PIXELS   6.0    /* a name smaller than this is left out */
/* Zoomed out on a screen, names grow in map units to keep this size, up
 * to MAX_LABEL_SCALE times theirs; where they then collide, the less
 * important ones are left out, as when zoomed in */
#define READABLE_LABEL_PIXELS 9.0
#define MAX_LABEL_SCALE    2.0
#define MIN_DETAIL_PIXELS  4.5    /* badge and sector letter text */

#define SHADOW_DX          3.0
#define SHADOW_DY          3.5

#define COLOR_TIE          0x4d4d4d
#define COLOR_HOSTILE      0xa8321e
#define COLOR_OUTLINE      0x2b2b2b
#define COLOR_THIRD        0xcccccc
#define COLOR_TEXT         0x1e1e1e
#define COLOR_SELECTED     0x1c71d8
#define COLOR_HIGHLIGHT    0xf5c211
#define COLOR_BAND_TEXT    0x7d7567
#define COLOR_PAPER        0xffffff

/* Bands outside and inside the triangle, per level */
static const guint32 band_outside[BM_N_LEVELS] = { 0xf7f5f0, 0xf9f7f3, 0xfbfaf7 };
static const guint32 band_inside[BM_N_LEVELS]  = { 0xe9e2d4, 0xeee8dd, 0xf3efe7 };
#define COLOR_BAND_LINE    0xd5cdbd
#define COLOR_TRIANGLE     0xc9bea8

/* Default party colours: Okabe & Ito (2008), without the reddish purple
 * (too close to the gap colour) and black, then Paul Tol's muted scheme */
static const guint32 palette[] = {
  0x0072b2, 0xe69f00, 0x009e73, 0xd55e00, 0x56b4e9, 0xf0e442,
  0x332288, 0x44aa99, 0x999933, 0xddcc77, 0x88ccee, 0x117733,
};

/* ---- small helpers --------------------------------------------------------- */

static void
set_color (cairo_t *cr, guint32 c)
{
  cairo_set_source_rgb (cr, ((c >> 16) & 0xff) / 255.0, ((c >> 8) & 0xff) / 255.0,
                        (c & 0xff) / 255.0);
}

static guint32
mix (guint32 a, guint32 b, double t)
{
  guint32 out = 0;
  for (int shift = 0; shift <= 16; shift += 8)
    {
      double va = (a >> shift) & 0xff, vb = (b >> shift) & 0xff;
      out |= ((guint32) lround (va + (vb - va) * t)) << shift;
    }
  return out;
}

#define FADE(c) mix ((c), COLOR_PAPER, 0.72)

static double
luminance (guint32 c)
{
  return (0.2126 * ((c >> 16) & 0xff) + 0.7152 * ((c >> 8) & 0xff) + 0.0722 * (c & 0xff)) / 255.0;
}

static gboolean
rect_intersects (const BmRect *a, double x0, double y0, double x1, double y1)
{
  return a == NULL
         || (x1 >= a->x && x0 <= a->x + a->width && y1 >= a->y && y0 <= a->y + a->height);
}

static void
rect_union (BmRect *r, double x0, double y0, double x1, double y1)
{
  double rx1 = MAX (r->x + r->width, x1), ry1 = MAX (r->y + r->height, y1);
  r->x = MIN (r->x, x0);
  r->y = MIN (r->y, y0);
  r->width = rx1 - r->x;
  r->height = ry1 - r->y;
}

/* ---- colour science -------------------------------------------------------- */

static double
srgb_to_linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
linear_to_srgb (double c)
{
  return c <= 0.0031308 ? 12.92 * c : 1.055 * pow (c, 1 / 2.4) - 0.055;
}

static double
lab_f (double t)
{
  const double d = 6.0 / 29.0;
  return t > d * d * d ? cbrt (t) : t / (3 * d * d) + 4.0 / 29.0;
}

static double
lab_finv (double t)
{
  const double d = 6.0 / 29.0;
  return t > d ? t * t * t : 3 * d * d * (t - 4.0 / 29.0);
}

/* CIE L*a*b*, D65 */
static void
rgb_to_lab (guint32 c, double lab[3])
{
  double r = srgb_to_linear (((c >> 16) & 0xff) / 255.0);
  double g = srgb_to_linear (((c >> 8) & 0xff) / 255.0);
  double b = srgb_to_linear ((c & 0xff) / 255.0);
  double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
  double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;

  lab[0] = 116 * lab_f (y) - 16;
  lab[1] = 500 * (lab_f (x) - lab_f (y));
  lab[2] = 200 * (lab_f (y) - lab_f (z));
}

static guint32
lab_to_rgb (const double lab[3])
{
  double fy = (lab[0] + 16) / 116;
  double x = 0.95047 * lab_finv (fy + lab[1] / 500);
  double y = lab_finv (fy);
  double z = 1.08883 * lab_finv (fy - lab[2] / 200);
  double rgb[3] = {
    3.2404542 * x - 1.5371385 * y - 0.4985314 * z,
    -0.9692660 * x + 1.8760108 * y + 0.0415560 * z,
    0.0556434 * x - 0.2040259 * y + 1.0572252 * z,
  };
  guint32 out = 0;

  for (int i = 0; i < 3; i++)
    {
      double v = CLAMP (linear_to_srgb (CLAMP (rgb[i], 0, 1)), 0, 1);
      out = (out << 8) | (guint32) lround (v * 255);
    }
  return out;
}

static double
lab_distance (const double a[3], const double b[3])
{
  return sqrt ((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])
               + (a[2] - b[2]) * (a[2] - b[2]));
}

/* How far a party colour must stay from the gap colour: in colour (CIE76
 * ΔE) and in lightness, which is all that is left in greyscale print */
#define MIN_GAP_DELTA_E 42.0
#define MIN_GAP_DELTA_L 8.0

static guint32
away_from_gap_color (guint32 color)
{
  double gap[3], lab[3];
  double hue, chroma, gap_hue;

  rgb_to_lab (BM_RENDER_GAP_COLOR, gap);
  rgb_to_lab (color, lab);

  /* In colour: turn the hue away from the gap colour's until far enough */
  if (lab_distance (lab, gap) < MIN_GAP_DELTA_E)
    {
      double dir, d;
      gboolean found = FALSE;

      chroma = hypot (lab[1], lab[2]);
      hue = atan2 (lab[2], lab[1]);
      gap_hue = atan2 (gap[2], gap[1]);
      d = remainder (hue - gap_hue, 2 * G_PI);
      dir = d >= 0 ? 1 : -1;
      for (int step = 1; step <= 36 && !found; step++)
        {
          double h = hue + dir * step * G_PI / 36;
          double cand[3] = { lab[0], chroma * cos (h), chroma * sin (h) };
          guint32 rgb = lab_to_rgb (cand);
          double back[3];

          rgb_to_lab (rgb, back);
          if (lab_distance (back, gap) >= MIN_GAP_DELTA_E)
            {
              color = rgb;
              memcpy (lab, back, sizeof lab);
              found = TRUE;
            }
        }
      if (!found)
        {
          double cand[3] = { gap[0] > 50 ? 25 : 80, 0, 0 };
          color = lab_to_rgb (cand);
          rgb_to_lab (color, lab);
        }
    }

  /* In greyscale: keep the lightness apart */
  if (fabs (lab[0] - gap[0]) < MIN_GAP_DELTA_L)
    {
      double cand[3] = { lab[0] >= gap[0] ? gap[0] + MIN_GAP_DELTA_L + 0.5
                                          : gap[0] - MIN_GAP_DELTA_L - 0.5,
                         lab[1], lab[2] };
      /* Out of gamut at this lightness: give up chroma until it fits */
      for (int i = 0; i < 10; i++)
        {
          guint32 rgb = lab_to_rgb (cand);
          double back[3];

          rgb_to_lab (rgb, back);
          if (fabs (back[0] - gap[0]) >= MIN_GAP_DELTA_L
              && lab_distance (back, gap) >= MIN_GAP_DELTA_E)
            {
              color = rgb;
              break;
            }
          cand[1] *= 0.85;
          cand[2] *= 0.85;
        }
    }
  return color;
}

/* ---- text -------------------------------------------------------------------- */

typedef enum
{
  TEXT_LABEL,
  TEXT_BADGE,
  TEXT_SECTOR,
  TEXT_BAND,
  TEXT_TITLE,
  TEXT_SUBTITLE,
  TEXT_LEGEND,
  TEXT_LEGEND_HEADING,
  TEXT_GAP,
  TEXT_GAP_BOLD,
  N_TEXT_STYLES
} TextStyle;

static const struct
{
  double      size;
  PangoWeight weight;
  double      width;      /* wrap width, 0: none */
  int         max_lines;
  gboolean    centred;
} text_styles[N_TEXT_STYLES] = {
  [TEXT_LABEL]          = { LABEL_SIZE, PANGO_WEIGHT_NORMAL, LABEL_WIDTH, 2, TRUE },
  [TEXT_BADGE]          = { BADGE_SIZE, PANGO_WEIGHT_BOLD, 0, 1, FALSE },
  [TEXT_SECTOR]         = { 10, PANGO_WEIGHT_BOLD, 0, 1, FALSE },
  [TEXT_BAND]           = { 14, PANGO_WEIGHT_SEMIBOLD, 0, 1, FALSE },
  [TEXT_TITLE]          = { 28, PANGO_WEIGHT_BOLD, 0, 3, FALSE },
  [TEXT_SUBTITLE]       = { 14, PANGO_WEIGHT_NORMAL, 0, 4, FALSE },
  [TEXT_LEGEND]         = { 11, PANGO_WEIGHT_NORMAL, 200, 3, FALSE },
  [TEXT_LEGEND_HEADING] = { 12.5, PANGO_WEIGHT_BOLD, 240, 2, FALSE },
  [TEXT_GAP]            = { 11, PANGO_WEIGHT_SEMIBOLD, 300, 3, TRUE },
  [TEXT_GAP_BOLD]       = { 11, PANGO_WEIGHT_BOLD, 300, 3, TRUE },
};

typedef struct
{
  PangoLayout *layout;
  double       ox, oy;    /* where the logical box starts inside the layout */
  double       width, height;
} Text;

typedef struct
{
  PangoContext *context;
  GHashTable   *layouts;   /* "style|width|text" → Text (owning its layout) */
} TextCache;

static void
cached_text_free (gpointer data)
{
  Text *t = data;
  g_object_unref (t->layout);
  g_free (t);
}

#define TEXT_CACHE_MAX 8192

static void
text_cache_free (gpointer data)
{
  TextCache *tc = data;
  g_hash_table_unref (tc->layouts);
  g_object_unref (tc->context);
  g_free (tc);
}

static GPrivate text_cache_key = G_PRIVATE_INIT (text_cache_free);

static TextCache *
text_cache_get (void)
{
  TextCache *tc = g_private_get (&text_cache_key);

  if (tc == NULL)
    {
      cairo_font_options_t *fo = cairo_font_options_create ();

      tc = g_new0 (TextCache, 1);
      /* Pango's default cairo font map is per thread */
      tc->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      cairo_font_options_set_hint_metrics (fo, CAIRO_HINT_METRICS_OFF);
      cairo_font_options_set_hint_style (fo, CAIRO_HINT_STYLE_NONE);
      pango_cairo_context_set_font_options (tc->context, fo);
      cairo_font_options_destroy (fo);
      pango_context_set_round_glyph_positions (tc->context, FALSE);
      tc->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_text_free);
      g_private_set (&text_cache_key, tc);
    }
  return tc;
}

/* @text laid out in @style, with its size; the layout is owned by the
 * cache (valid until the next call on this thread that adds to a full
 * cache: use it at once) */
static Text
text_get_scaled (TextStyle style, const char *text, double width, double scale)
{
  TextCache *tc = text_cache_get ();
  char key_buf[256];
  g_autofree char *key_heap = NULL;
  const char *key;
  PangoLayout *layout;
  PangoFontDescription *desc;
  PangoRectangle logical;
  Text *t;
  int max_lines;

  if (width <= 0)
    width = text_styles[style].width * scale;
  if (strlen (text) < sizeof key_buf - 32)
    {
      g_snprintf (key_buf, sizeof key_buf, "%d|%.2f|%.1f|%s", style, scale, width, text);
      key = key_buf;
    }
  else
    key = key_heap = g_strdup_printf ("%d|%.2f|%.1f|%s", style, scale, width, text);

  t = g_hash_table_lookup (tc->layouts, key);
  if (t != NULL)
    return *t;

  if (g_hash_table_size (tc->layouts) >= TEXT_CACHE_MAX)
    g_hash_table_remove_all (tc->layouts);

  layout = pango_layout_new (tc->context);
  desc = pango_font_description_from_string (FONT_FAMILY);
  pango_font_description_set_absolute_size (desc, text_styles[style].size * scale * PANGO_SCALE);
  pango_font_description_set_weight (desc, text_styles[style].weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  max_lines = text_styles[style].max_lines;
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
      pango_layout_set_height (layout, -max_lines);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  else if (max_lines == 1)
    pango_layout_set_single_paragraph_mode (layout, TRUE);
  if (text_styles[style].centred)
    pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, text, -1);

  t = g_new (Text, 1);
  t->layout = layout;
  pango_layout_get_extents (layout, NULL, &logical);
  t->ox = (double) logical.x / PANGO_SCALE;
  t->oy = (double) logical.y / PANGO_SCALE;
  t->width = (double) logical.width / PANGO_SCALE;
  t->height = (double) logical.height / PANGO_SCALE;
  g_hash_table_insert (tc->layouts, g_strdup (key), t);
  return *t;
}

static Text
text_get (TextStyle style, const char *text, double width)
{
  return text_get_scaled (style, text, width, 1);
}

/* Draw @t with its logical box's top left corner at (x, y): directly
 * (for rotated text), or batched through the painter */
static void
text_show_cairo (cairo_t *cr, const Text *t, double x, double y)
{
  cairo_move_to (cr, x - t->ox, y - t->oy);
  pango_cairo_show_layout (cr, t->layout);
}

static void
text_show (BmPainter *p, const Text *t, double x, double y, guint32 rgb)
{
  bm_painter_text (p, t->layout, x - t->ox, y - t->oy, rgb, 1.0);
}

/* ---- shapes ------------------------------------------------------------------ */

/* Outlines of the track shapes for radius 1, centred on the origin; equal
 * visual weight, all within ±1.2 vertically so they stay in their row */
static const double square_pts[] = { -0.886, -0.886, 0.886, -0.886, 0.886, 0.886, -0.886, 0.886 };
static const double diamond_pts[] = { 0, -1.2, 1.2, 0, 0, 1.2, -1.2, 0 };
static const double triangle_pts[] = { 0, -1.125, 1.299, 1.125, -1.299, 1.125 };

static const double *
shape_points (BmTrack track, int *n)
{
  switch (track)
    {
    case BM_TRACK_1: *n = 4; return square_pts;
    case BM_TRACK_1_5: *n = 4; return diamond_pts;
    case BM_TRACK_3: *n = 3; return triangle_pts;
    case BM_TRACK_2:
    case BM_N_TRACKS:
    default: *n = 0; return NULL;
    }
}

static void
paint_shape (BmPainter *p, BmTrack track, double x, double y, double r)
{
  int n;
  const double *pts = shape_points (track, &n);
  double xy[8];

  if (pts == NULL)
    {
      bm_painter_circle (p, x, y, r);
      return;
    }
  for (int i = 0; i < n; i++)
    {
      xy[2 * i] = x + pts[2 * i] * r;
      xy[2 * i + 1] = y + pts[2 * i + 1] * r;
    }
  bm_painter_polygon (p, xy, n);
}

/* Distance from the centre to the shape's edge along the unit vector
 * (ux, uy) */
static double
shape_edge (BmTrack track, double r, double ux, double uy)
{
  int n;
  const double *pts = shape_points (track, &n);
  double best = G_MAXDOUBLE;

  if (pts == NULL)
    return r;
  for (int i = 0; i < n; i++)
    {
      double px = pts[2 * i] * r, py = pts[2 * i + 1] * r;
      int j = (i + 1) % n;
      double ex = pts[2 * j] * r - px, ey = pts[2 * j + 1] * r - py;
      double denom = ux * ey - uy * ex;
      double t, s;

      if (fabs (denom) < 1e-12)
        continue;
      t = (px * ey - py * ex) / denom;
      s = (px * uy - py * ux) / denom;
      if (t > 0 && s >= -1e-9 && s <= 1 + 1e-9)
        best = MIN (best, t);
    }
  return best == G_MAXDOUBLE ? r : best;
}

/* Half extents of the drawn shape */
static void
shape_half_extents (BmTrack track, double r, double *hx, double *hy)
{
  switch (track)
    {
    case BM_TRACK_1: *hx = *hy = 0.886 * r; break;
    case BM_TRACK_1_5: *hx = *hy = 1.2 * r; break;
    case BM_TRACK_3: *hx = 1.299 * r; *hy = 1.125 * r; break;
    case BM_TRACK_2:
    case BM_N_TRACKS:
    default: *hx = *hy = r; break;
    }
}

double
bm_render_actor_radius (const BmActor *actor)
{
  int influence;

  g_return_val_if_fail (actor != NULL, 20);
  influence = CLAMP (actor->influence, 1, 5);
  return 8.0 + 4.0 * influence;
}

void
bm_render_actor_bounds (const BmActor *actor, double x, double y, BmRect *bounds)
{
  double r, hx, hy, miter;

  g_return_if_fail (actor != NULL && bounds != NULL);

  /* The highlight halo reaches furthest: the shape 6 further out, stroked
   * 6 wide with mitred corners (which reach half the width divided by
   * the sine of half the corner's angle); the shadow, the badge, the
   * selection and the gap rings stay within it */
  r = bm_render_actor_radius (actor);
  shape_half_extents (actor->track, r + 6, &hx, &hy);
  miter = actor->track == BM_TRACK_3 ? 3 / sin (G_PI / 6)
          : actor->track == BM_TRACK_2 ? 3 : 3 / sin (G_PI / 4);
  bounds->x = x - hx - miter - 1;
  bounds->y = y - hy - miter - 1;
  bounds->width = 2 * (hx + miter + 1);
  bounds->height = 2 * (hy + miter + 1);
}

static const char *
track_badge (BmTrack track)
{
  switch (track)
    {
    case BM_TRACK_1: return "1";
    case BM_TRACK_1_5: return "1.5";
    case BM_TRACK_2: return "2";
    case BM_TRACK_3: return "3";
    case BM_N_TRACKS:
    default: return "?";
    }
}

static const char *
sector_letter (BmSector sector)
{
  switch (sector)
    {
    /* Translators: one-letter abbreviations of the multi-track sectors,
     * drawn inside the actors and explained in the legend; keep them
     * distinct from each other */
    case BM_SECTOR_GOVERNMENT: return C_("sector letter", "G");
    case BM_SECTOR_CONFLICT_RESOLUTION: return C_("sector letter", "C");
    case BM_SECTOR_BUSINESS: return C_("sector letter", "B");
    case BM_SECTOR_CITIZEN: return C_("sector letter", "P");
    case BM_SECTOR_RESEARCH: return C_("sector letter", "E");
    case BM_SECTOR_ACTIVISM: return C_("sector letter", "A");
    case BM_SECTOR_RELIGION: return C_("sector letter", "R");
    case BM_SECTOR_FUNDING: return C_("sector letter", "F");
    case BM_SECTOR_MEDIA: return C_("sector letter", "M");
    case BM_SECTOR_NONE:
    case BM_N_SECTORS:
    default: return NULL;
    }
}

/* ---- party colours ------------------------------------------------------------- */

static guint32
palette_color_for (BmMap *map, guint party_index)
{
  guint n = bm_map_get_n_parties (map);
  guint rank = 0;
  double used[64][3];
  guint n_used = 0;

  /* Colours the user chose, to avoid repeating them */
  for (guint i = 0; i < n && n_used < G_N_ELEMENTS (used); i++)
    {
      const BmParty *p = bm_map_get_party (map, i);
      if (p->has_color)
        rgb_to_lab (away_from_gap_color (p->color), used[n_used++]);
    }
  for (guint i = 0; i < party_index; i++)
    if (!bm_map_get_party (map, i)->has_color)
      rank++;

  /* The rank-th palette entry not too close to a chosen colour */
  for (guint k = 0, free_seen = 0; k < 4 * G_N_ELEMENTS (palette); k++)
    {
      guint32 c = palette[k % G_N_ELEMENTS (palette)];
      double lab[3];
      gboolean taken = FALSE;

      /* Second and later rounds: darker, then lighter variants */
      if (k >= G_N_ELEMENTS (palette))
        c = mix (c, (k / G_N_ELEMENTS (palette)) % 2 ? 0x000000 : 0xffffff, 0.35);
      c = away_from_gap_color (c);
      rgb_to_lab (c, lab);
      for (guint u = 0; u < n_used && !taken; u++)
        taken = lab_distance (lab, used[u]) < 20;
      if (taken && k < G_N_ELEMENTS (palette))
        continue;
      if (free_seen++ == rank % (4 * G_N_ELEMENTS (palette)))
        return c;
    }
  return away_from_gap_color (palette[rank % G_N_ELEMENTS (palette)]);
}

static guint32
party_color_at (BmMap *map, guint index)
{
  const BmParty *p = bm_map_get_party (map, index);

  if (p->has_color)
    return away_from_gap_color (p->color);
  return palette_color_for (map, index);
}

guint32
bm_render_party_color (BmMap *map, const char *party_id)
{
  g_return_val_if_fail (BM_IS_MAP (map), COLOR_THIRD);

  if (party_id == NULL)
    return COLOR_THIRD;
  for (guint i = 0; i < bm_map_get_n_parties (map); i++)
    if (strcmp (bm_map_get_party (map, i)->id, party_id) == 0)
      return party_color_at (map, i);
  /* A party that is not declared: a palette colour from its name */
  return away_from_gap_color (palette[g_str_hash (party_id) % G_N_ELEMENTS (palette)]);
}

/* ---- the scene: everything a draw needs, computed once ---------------------------- */

enum
{
  ACTOR_SKIP        = 1 << 0,
  ACTOR_FADED       = 1 << 1,
  ACTOR_SELECTED    = 1 << 2,
  ACTOR_HIGHLIGHTED = 1 << 3,
  ACTOR_VISIBLE     = 1 << 4,
};

typedef enum
{
  ROW_HEADING,
  ROW_TRACK,
  ROW_KIND,
  ROW_SIZE,
  ROW_PARTY,
  ROW_THIRD,
  ROW_SECTOR,
  ROW_TIE,
  ROW_GAP_CRITICAL,
  ROW_GAP_WARNING,
  ROW_GAP_TRANSFER,
  ROW_GAP_ONE_SIDED,
  ROW_GAP_MIDDLE,
} RowKind;

typedef struct
{
  RowKind  kind;
  int      value;
  guint32  color;
  char    *text;
  double   x, y, height;
} LegendRow;

typedef struct
{
  BmMap            *map;
  BmRenderOptions   opt;
  guint             n;
  BmPoint          *pos;
  double           *radius;
  guint32          *fill;
  guint8           *state;
  guint32          *party_colors;
  GHashTable       *party_index;  /* party id → index + 1 */
  GHashTable       *index_of;     /* actor id → index + 1 */
  gboolean          fading;
  double            ppu;          /* pixels per unit, G_MAXDOUBLE for print */
  /* Bands' horizontal extent, gutter included */
  double            x0, x1;
  /* How far above and below names and notes may go */
  double            text_top, text_bottom;
  BmRect            actors_box;
  gboolean          has_title;
  BmRect            title_rect;
  char             *title;
  char             *subtitle;
  gboolean          has_legend;
  BmRect            legend_rect;
  GArray           *legend_rows;  /* LegendRow */
  double            legend_symbol; /* width of the symbols' column */
  gboolean          show_gaps;
  /* Room taken by shapes, names and gap notes (see scene_obstacles) */
  struct _RectIndex *taken;
  BmRect            near;
  GArray           *pills;        /* PlannedPill: the gap notes' places */
} Scene;

static void
legend_row_clear (gpointer data)
{
  LegendRow *row = data;
  g_free (row->text);
}

static void rect_index_free (struct _RectIndex *ri);

static void
scene_free (Scene *s)
{
  g_free (s->pos);
  g_free (s->radius);
  g_free (s->fill);
  g_free (s->state);
  g_free (s->party_colors);
  g_clear_pointer (&s->party_index, g_hash_table_unref);
  g_clear_pointer (&s->index_of, g_hash_table_unref);
  g_clear_pointer (&s->legend_rows, g_array_unref);
  g_clear_pointer (&s->pills, g_array_unref);
  if (s->taken != NULL)
    rect_index_free (s->taken);
  g_free (s->title);
  g_free (s->subtitle);
  g_free (s);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Scene, scene_free)

static gboolean
readable (const Scene *s, double size, double min_pixels)
{
  return size * s->ppu >= min_pixels;
}

/* How much larger than LABEL_SIZE names are drawn at this zoom: in steps
 * of a quarter, since each size is a font of its own to find */
static double
label_scale (const Scene *s)
{
  double k;

  if (s->ppu == G_MAXDOUBLE || LABEL_SIZE * s->ppu >= READABLE_LABEL_PIXELS)
    return 1;
  k = ceil (4 * READABLE_LABEL_PIXELS / (LABEL_SIZE * s->ppu)) / 4;
  return MIN (k, MAX_LABEL_SCALE);
}

static gboolean
labels_readable (const Scene *s)
{
  return readable (s, LABEL_SIZE * label_scale (s), MIN_LABEL_PIXELS);
}

static Text
label_text (const Scene *s, const char *name)
{
  return text_get_scaled (TEXT_LABEL, name, 0, label_scale (s));
}

static int
actor_index (const Scene *s, const char *id)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (s->index_of, id)) - 1;
}

static gboolean
gaps_shown (const Scene *s)
{
  return (s->opt.flags & BM_RENDER_GAPS) && s->opt.analysis != NULL
         && bm_analysis_get_n_gaps (s->opt.analysis) > 0;
}

static void legend_build (Scene *s);
static BmRect pill_box (const Text *t, double cx, double cy);

static Scene *
scene_new (BmMap *map, const BmRenderOptions *options, gboolean layout_legend)
{
  Scene *s = g_new0 (Scene, 1);
  guint n_parties = bm_map_get_n_parties (map);
  double max_hx = 0;

  s->map = map;
  if (options != NULL)
    s->opt = *options;
  else
    bm_render_options_init (&s->opt);
  s->ppu = s->opt.pixels_per_unit > 0 ? s->opt.pixels_per_unit : G_MAXDOUBLE;
  s->n = bm_map_get_n_actors (map);

  s->party_colors = g_new (guint32, MAX (n_parties, 1));
  s->party_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n_parties; i++)
    {
      s->party_colors[i] = party_color_at (map, i);
      g_hash_table_insert (s->party_index, bm_map_get_party (map, i)->id, GUINT_TO_POINTER (i + 1));
    }

  if (s->opt.positions != NULL)
    {
      s->pos = g_new0 (BmPoint, MAX (s->n, 1));
      for (guint i = 0; i < s->n; i++)
        {
          const BmActor *a = bm_map_get_actor (map, i);
          const BmPoint *p = g_hash_table_lookup (s->opt.positions, a->id);
          if (p != NULL)
            s->pos[i] = *p;
          else if (a->has_position)
            s->pos[i] = (BmPoint) { a->x, a->y };
          else
            s->pos[i] = (BmPoint) { 0, bm_level_band_centre (a->level) };
        }
    }
  else
    s->pos = bm_layout_positions_array (map);

  s->radius = g_new (double, MAX (s->n, 1));
  s->fill = g_new (guint32, MAX (s->n, 1));
  s->state = g_new0 (guint8, MAX (s->n, 1));
  s->index_of = g_hash_table_new (g_str_hash, g_str_equal);
  s->fading = s->opt.highlighted != NULL && g_hash_table_size (s->opt.highlighted) > 0;

  s->actors_box.x = s->actors_box.y = 0;
  s->actors_box.width = s->actors_box.height = -1;
  for (guint i = 0; i < s->n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      double hx, hy;
      guint8 st = 0;

      g_hash_table_insert (s->index_of, a->id, GUINT_TO_POINTER (i + 1));
      s->radius[i] = bm_render_actor_radius (a);
      shape_half_extents (a->track, s->radius[i], &hx, &hy);
      max_hx = MAX (max_hx, hx);
      if (a->party == NULL)
        s->fill[i] = COLOR_THIRD;
      else
        {
          guint pi = GPOINTER_TO_UINT (g_hash_table_lookup (s->party_index, a->party));
          s->fill[i] = pi > 0 ? s->party_colors[pi - 1] : bm_render_party_color (map, a->party);
        }

      if (s->opt.skip_actors && g_hash_table_contains (s->opt.skip_actors, a->id))
        st |= ACTOR_SKIP;
      if (s->opt.selected && g_hash_table_contains (s->opt.selected, a->id))
        st |= ACTOR_SELECTED;
      if (s->fading)
        st |= g_hash_table_contains (s->opt.highlighted, a->id) ? ACTOR_HIGHLIGHTED : ACTOR_FADED;
      if (rect_intersects (s->opt.clip, s->pos[i].x - hx - 12, s->pos[i].y - hy - 12,
                           s->pos[i].x + hx + 12, s->pos[i].y + hy + 12))
        st |= ACTOR_VISIBLE;
      s->state[i] = st;

      if (s->actors_box.width < 0)
        {
          s->actors_box.x = s->pos[i].x - hx;
          s->actors_box.y = s->pos[i].y - hy;
          s->actors_box.width = 2 * hx;
          s->actors_box.height = 2 * hy;
        }
      else
        rect_union (&s->actors_box, s->pos[i].x - hx, s->pos[i].y - hy,
                    s->pos[i].x + hx, s->pos[i].y + hy);
    }

  /* The bands span the actors with some room, never narrower than a
   * pleasant pyramid */
  if (s->actors_box.width >= 0)
    {
      s->x0 = s->actors_box.x - BAND_PAD - BAND_GUTTER;
      s->x1 = s->actors_box.x + s->actors_box.width + BAND_PAD;
    }
  else
    {
      s->x0 = -BAND_GUTTER;
      s->x1 = MIN_BANDS_WIDTH - BAND_GUTTER;
    }
  if (s->x1 - s->x0 < MIN_BANDS_WIDTH)
    {
      double grow = (MIN_BANDS_WIDTH - (s->x1 - s->x0)) / 2;
      s->x0 -= grow;
      s->x1 += grow;
    }

  s->show_gaps = gaps_shown (s);
  /* Little room above (the title is there), more below */
  s->text_top = 0;
  s->text_bottom = BM_BAND_HEIGHT * BM_N_LEVELS + TEXT_MARGIN;
  if (s->actors_box.width >= 0)
    {
      s->text_top = MIN (s->text_top, s->actors_box.y - 20);
      s->text_bottom = MAX (s->text_bottom, s->actors_box.y + s->actors_box.height + TEXT_MARGIN);
    }

  if (s->opt.flags & BM_RENDER_TITLE)
    {
      const char *title = bm_map_get_title (map);
      const char *desc = bm_map_get_description (map);
      double width = s->x1 - s->x0;

      if (title != NULL || desc != NULL)
        {
          double h = 0;
          s->has_title = TRUE;
          s->title = g_strdup (title);
          s->subtitle = g_strdup (desc);
          if (title != NULL)
            h += text_get (TEXT_TITLE, title, width).height;
          if (desc != NULL)
            h += (title ? 6 : 0) + text_get (TEXT_SUBTITLE, desc, width).height;
          s->title_rect.x = s->x0;
          s->title_rect.width = width;
          s->title_rect.height = h;
          s->title_rect.y = MIN (0, s->text_top) - TITLE_GAP - h;
        }
    }

  if ((s->opt.flags & BM_RENDER_LEGEND) && layout_legend)
    legend_build (s);

  return s;
}

/* ---- legend ------------------------------------------------------------------ */

#define LEGEND_PAD      14.0
#define LEGEND_SYMBOL   44.0
#define LEGEND_ROW_MIN  22.0
#define LEGEND_COL_GAP  24.0

static void
legend_add (GArray *rows, RowKind kind, int value, guint32 color, const char *text)
{
  LegendRow row = { kind, value, color, g_strdup (text), 0, 0, 0 };
  g_array_append_val (rows, row);
}

static void
legend_build (Scene *s)
{
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (LegendRow));
  BmMap *map = s->map;
  gboolean tie_used[BM_N_TIE_KINDS] = { FALSE, };
  gboolean sector_used[BM_N_SECTORS] = { FALSE, };
  gboolean dotted_used = FALSE, any_third = FALSE, any_tie = FALSE, any_sector = FALSE;
  gboolean gap_used[5] = { FALSE, };
  static const char *track_notes[BM_N_TRACKS] = {
    N_("Track 1: official"), N_("Track 1.5: bridge"),
    N_("Track 2: unofficial"), N_("Track 3: grassroots"),
  };
  double col_x, y, col_w = 0, max_h = 0, max_y, width = 0;

  g_array_set_clear_func (rows, legend_row_clear);

  for (guint i = 0; i < s->n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      if (a->party == NULL)
        any_third = TRUE;
      if (a->sector != BM_SECTOR_NONE && a->sector < BM_N_SECTORS)
        sector_used[a->sector] = any_sector = TRUE;
    }
  for (guint i = 0; i < bm_map_get_n_ties (map); i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      if (t->kind < BM_N_TIE_KINDS)
        tie_used[t->kind] = any_tie = TRUE;
      if (t->kind == BM_TIE_CHANNEL && t->strength == 1)
        dotted_used = TRUE;
    }

  legend_add (rows, ROW_HEADING, 0, 0, _("Tracks (shape)"));
  for (int t = 0; t < BM_N_TRACKS; t++)
    legend_add (rows, ROW_TRACK, t, 0, _(track_notes[t]));

  legend_add (rows, ROW_HEADING, 0, 0, _("Actors (outline, size)"));
  for (int k = 0; k < BM_N_ACTOR_KINDS; k++)
    legend_add (rows, ROW_KIND, k, 0, bm_actor_kind_display_name (k));
  legend_add (rows, ROW_SIZE, 0, 0, _("Size: influence"));

  legend_add (rows, ROW_HEADING, 0, 0, _("Parties (colour)"));
  for (guint i = 0; i < bm_map_get_n_parties (map); i++)
    legend_add (rows, ROW_PARTY, i, s->party_colors[i], bm_map_get_party (map, i)->name);
  if (any_third || bm_map_get_n_parties (map) == 0)
    legend_add (rows, ROW_THIRD, 0, COLOR_THIRD, _("Third party (no party)"));

  if (any_sector)
    {
      legend_add (rows, ROW_HEADING, 0, 0, _("Sectors (letter)"));
      for (int k = 1; k < BM_N_SECTORS; k++)
        if (sector_used[k])
          legend_add (rows, ROW_SECTOR, k, 0, bm_sector_display_name (k));
    }

  if (any_tie)
    {
      legend_add (rows, ROW_HEADING, 0, 0, _("Ties (width: strength)"));
      for (int k = 0; k < BM_N_TIE_KINDS; k++)
        if (tie_used[k])
          {
            if (k == BM_TIE_CHANNEL)
              legend_add (rows, ROW_TIE, k, 0, bm_tie_kind_display_name (k));
            else if (k == BM_TIE_INFLUENCE)
              legend_add (rows, ROW_TIE, k, 0, _("Influence (from → to)"));
            else if (k == BM_TIE_MEDIATION)
              legend_add (rows, ROW_TIE, k, 0, _("Mediation (from → to)"));
            else if (k == BM_TIE_FUNDING)
              legend_add (rows, ROW_TIE, k, 0, _("Funding (from → to)"));
            else
              legend_add (rows, ROW_TIE, k, 0, bm_tie_kind_display_name (k));
          }
      if (dotted_used)
        legend_add (rows, ROW_TIE, -1, 0, _("Informal channel (strength 1)"));
    }

  if (s->show_gaps)
    {
      for (guint g = 0; g < bm_analysis_get_n_gaps (s->opt.analysis); g++)
        {
          const BmGap *gap = bm_analysis_get_gap (s->opt.analysis, g);
          switch (gap->kind)
            {
            case BM_GAP_BACKCHANNEL:
              gap_used[gap->severity == BM_SEVERITY_CRITICAL ? 0 : 1] = TRUE;
              break;
            case BM_GAP_TRANSFER: gap_used[2] = TRUE; break;
            case BM_GAP_ONE_SIDED_BRIDGE: gap_used[3] = TRUE; break;
            case BM_GAP_MIDDLE_RANGE: gap_used[4] = TRUE; break;
            default: break;
            }
        }
      legend_add (rows, ROW_HEADING, 0, 0, _("Missing Track 1.5 bridges"));
      if (gap_used[0])
        legend_add (rows, ROW_GAP_CRITICAL, 0, 0,
                    _("No bridge and no official channel between two leaderships (critical)"));
      if (gap_used[1])
        legend_add (rows, ROW_GAP_WARNING, 0, 0,
                    _("No bridge between two leaderships; only the official channel"));
      if (gap_used[2])
        legend_add (rows, ROW_GAP_TRANSFER, 0, 0,
                    _("Unofficial actor with no bridge to its party's officials"));
      if (gap_used[3])
        legend_add (rows, ROW_GAP_ONE_SIDED, 0, 0, _("Bridge that reaches one side only"));
      if (gap_used[4])
        legend_add (rows, ROW_GAP_MIDDLE, 0, 0,
                    _("No middle-range link between a party's top and grassroots"));
    }

  /* The symbols' column fits the widest symbol (the "one side" badge) */
  s->legend_symbol = LEGEND_SYMBOL;
  if (gap_used[3])
    {
      Text gt = text_get (TEXT_GAP_BOLD, C_("gap badge", "one side"), 0);
      s->legend_symbol = MAX (LEGEND_SYMBOL, pill_box (&gt, 0, 0).width + 14);
    }

  /* Flow the rows into columns of the pyramid's height, a heading always
   * with its first item */
  col_x = s->x1 + LEGEND_GAP + LEGEND_PAD;
  y = LEGEND_PAD;
  max_y = MAX (BM_BAND_HEIGHT * BM_N_LEVELS - LEGEND_PAD, 300);
  for (guint i = 0; i < rows->len; i++)
    {
      LegendRow *row = &g_array_index (rows, LegendRow, i);
      TextStyle style = row->kind == ROW_HEADING ? TEXT_LEGEND_HEADING : TEXT_LEGEND;
      Text t = text_get (style, row->text, 0);
      double sym = row->kind == ROW_HEADING ? 0 : s->legend_symbol;
      double h = MAX (LEGEND_ROW_MIN, t.height + 6);
      double need = h;

      if (row->kind == ROW_HEADING)
        {
          h += i > 0 ? 8 : 0;
          /* Never a heading alone at the foot of a column */
          if (i + 1 < rows->len)
            {
              const LegendRow *next = &g_array_index (rows, LegendRow, i + 1);
              need = h + MAX (LEGEND_ROW_MIN, text_get (TEXT_LEGEND, next->text, 0).height + 6);
            }
        }
      if (y + need > max_y && y > LEGEND_PAD + 1)
        {
          col_x += col_w + LEGEND_COL_GAP;
          width += col_w + LEGEND_COL_GAP;
          col_w = 0;
          y = LEGEND_PAD;
          if (row->kind == ROW_HEADING)
            h -= 8;
        }
      row->x = col_x;
      row->y = y;
      row->height = h;
      col_w = MAX (col_w, sym + t.width);
      y += h;
      max_h = MAX (max_h, y);
    }
  width += col_w;

  s->has_legend = TRUE;
  s->legend_rows = rows;
  s->legend_rect.x = s->x1 + LEGEND_GAP;
  s->legend_rect.y = 0;
  s->legend_rect.width = width + 2 * LEGEND_PAD;
  s->legend_rect.height = max_h + LEGEND_PAD;
}

/* ---- ties --------------------------------------------------------------------- */

typedef struct
{
  double x1, y1, x2, y2;   /* ends on the shapes' edges */
  double ux, uy;           /* unit direction from → to */
  double len;
} TieGeom;

static double
tie_width (const BmTie *tie)
{
  static const double widths[] = { 1.2, 2.2, 3.6 };
  int s = CLAMP (tie->strength, 1, 3);

  if (tie->kind == BM_TIE_CHANNEL && s == 1)
    return 1.9;
  if (tie->kind == BM_TIE_ALLIANCE)
    return 0.8 + 0.5 * s;
  return widths[s - 1];
}

/* The geometry of a tie drawn from (x1, y1) to (x2, y2) with the shapes of
 * @a and @b (may be NULL: no shape), shifted sideways by @offset.  FALSE
 * when the shapes overlap and nothing is left to draw. */
static gboolean
tie_geometry (const BmActor *a, double ra, double x1, double y1,
              const BmActor *b, double rb, double x2, double y2,
              double offset, gboolean arrow, TieGeom *g)
{
  double dx = x2 - x1, dy = y2 - y1;
  double d = hypot (dx, dy);
  double ux, uy, t1, t2, nx, ny;

  if (d < 1e-6)
    return FALSE;
  ux = dx / d;
  uy = dy / d;
  nx = -uy;
  ny = ux;
  t1 = a ? shape_edge (a->track, ra, ux, uy) + 2.5 : 0;
  t2 = b ? shape_edge (b->track, rb, -ux, -uy) + (arrow ? 2.0 : 2.5) : 0;
  if (t1 + t2 + 4 >= d)
    return FALSE;
  g->x1 = x1 + ux * t1 + nx * offset;
  g->y1 = y1 + uy * t1 + ny * offset;
  g->x2 = x2 - ux * t2 + nx * offset;
  g->y2 = y2 - uy * t2 + ny * offset;
  g->ux = ux;
  g->uy = uy;
  g->len = d - t1 - t2;
  return TRUE;
}

static double
arrow_length (double w)
{
  return 7.0 + 2.0 * w;
}

/* Patterns too small to see at the view's scale (@ppu pixels per unit,
 * G_MAXDOUBLE for print) give way to plain lines in the same colour: a
 * zig-zag with teeth of a few pixels or dots closer than that read as
 * nothing, and cost as much as thousands of shapes.  Zoomed in, they come
 * back. */
#define ZIGZAG_WAVE(w)     (10.0 + 2.0 * (w))
#define MIN_ZIGZAG_PIXELS  5.0
#define DOT_PERIOD(w)      ((w) * 2.2)
#define MIN_DOT_PIXELS     2.5
#define MAX_TEETH          4000

static gboolean
zigzag_visible (double w, double ppu)
{
  return ZIGZAG_WAVE (w) * ppu >= MIN_ZIGZAG_PIXELS;
}

static void
tie_stroke_begin (BmPainter *p, const BmTie *tie, guint32 color, double w, double ppu)
{
  if (tie->kind == BM_TIE_CHANNEL && tie->strength <= 1)
    {
      if (DOT_PERIOD (w) * ppu >= MIN_DOT_PIXELS)
        bm_painter_stroke_begin (p, color, 1, w, BM_DASH_DOTS, 0, DOT_PERIOD (w));
      else
        bm_painter_stroke_begin (p, color, 0.45, w * 0.6, BM_DASH_NONE, 0, 0);
    }
  else
    bm_painter_stroke_begin (p, color, 1, w, BM_DASH_NONE, 0, 0);
}

/* The lines of a tie */
/* The part of the tie's line (distances along it from its start) within
 * @clip grown by @margin; FALSE when none.  Patterns are only generated
 * there, so a long tie across a zoomed-in view costs what is seen. */
static gboolean
tie_visible_range (const TieGeom *g, const BmRect *clip, double margin, double *ta, double *tb)
{
  double lo[2], hi[2], o[2] = { g->x1, g->y1 }, d[2] = { g->ux, g->uy };

  *ta = 0;
  *tb = g->len;
  if (clip == NULL)
    return TRUE;
  lo[0] = clip->x - margin;
  lo[1] = clip->y - margin;
  hi[0] = clip->x + clip->width + margin;
  hi[1] = clip->y + clip->height + margin;
  for (int k = 0; k < 2; k++)
    {
      if (fabs (d[k]) < 1e-12)
        {
          if (o[k] < lo[k] || o[k] > hi[k])
            return FALSE;
          continue;
        }
      {
        double a = (lo[k] - o[k]) / d[k], b = (hi[k] - o[k]) / d[k];
        if (a > b)
          {
            double t = a;
            a = b;
            b = t;
          }
        *ta = MAX (*ta, a);
        *tb = MIN (*tb, b);
      }
    }
  return *ta <= *tb;
}

static void
tie_lines (BmPainter *p, const BmTie *tie, const TieGeom *g, double w, double ppu,
           const BmRect *clip)
{
  double nx = -g->uy, ny = g->ux;
  double ex = g->x2, ey = g->y2;
  double ta, tb;

  if (!tie_visible_range (g, clip, 40, &ta, &tb))
    return;

  if (bm_tie_kind_is_directed (tie->kind))
    {
      double back = arrow_length (w) * 0.8;
      ex -= g->ux * back;
      ey -= g->uy * back;
    }

  switch (tie->kind)
    {
    case BM_TIE_ALLIANCE:
      {
        double sep = (w + 1.6) / 2;
        bm_painter_segment (p, g->x1 + nx * sep, g->y1 + ny * sep, g->x2 + nx * sep, g->y2 + ny * sep);
        bm_painter_segment (p, g->x1 - nx * sep, g->y1 - ny * sep, g->x2 - nx * sep, g->y2 - ny * sep);
      }
      break;

    case BM_TIE_CONFLICT:
      {
        double lead = 3.0;
        double lambda = ZIGZAG_WAVE (w), amp = 3.5 + w;
        int teeth = 0;

        /* A few thousand teeth at most, however long the tie */
        if (zigzag_visible (w, ppu))
          teeth = (int) MIN (floor ((g->len - 2 * lead) / lambda), MAX_TEETH);
        double step = teeth > 0 ? (g->len - 2 * lead) / (2 * teeth) : 1;
        /* The corners in view (and one more each side) */
        int k0 = teeth > 0 ? MAX (0, (int) floor ((ta - lead) / step) - 1) : 0;
        int k1 = teeth > 0 ? MIN (2 * teeth - 1, (int) ceil ((tb - lead) / step) + 1) : -1;
        double stack_xy[2 * 66];
        g_autofree double *heap_xy = NULL;
        double *xy = stack_xy;
        int n = 0;

        if (MAX (k1 - k0 + 1, 0) + 2 > 66)
          xy = heap_xy = g_new (double, 2 * (k1 - k0 + 3));
        if (k0 == 0)
          {
            xy[n++] = g->x1;
            xy[n++] = g->y1;
          }
        for (int k = k0; k <= k1; k++)
          {
            double along = lead + (k + 0.5) * step;
            double side = (k % 2 == 0) ? amp : -amp;
            xy[n++] = g->x1 + g->ux * along + nx * side;
            xy[n++] = g->y1 + g->uy * along + ny * side;
          }
        if (k1 == 2 * teeth - 1)
          {
            xy[n++] = g->x2;
            xy[n++] = g->y2;
          }
        bm_painter_polyline (p, xy, n / 2);
      }
      break;

    case BM_TIE_BROKEN:
      {
        double gap = 5.0 + w, half_bar = 6.0 + 1.5 * w;
        double mx = (g->x1 + g->x2) / 2, my = (g->y1 + g->y2) / 2;
        /* The bars lean 60° from the line */
        double bx = 0.5 * g->ux + 0.866 * nx, by = 0.5 * g->uy + 0.866 * ny;

        if (g->len < 2 * gap + 6)
          {
            bm_painter_segment (p, g->x1, g->y1, g->x2, g->y2);
            break;
          }
        bm_painter_segment (p, g->x1, g->y1, mx - g->ux * gap / 2, my - g->uy * gap / 2);
        bm_painter_segment (p, mx + g->ux * gap / 2, my + g->uy * gap / 2, g->x2, g->y2);
        for (int side = -1; side <= 1; side += 2)
          {
            double cx = mx + side * g->ux * gap / 2, cy = my + side * g->uy * gap / 2;
            bm_painter_segment (p, cx - bx * half_bar, cy - by * half_bar,
                                cx + bx * half_bar, cy + by * half_bar);
          }
      }
      break;

    case BM_TIE_CHANNEL:
      if (tie->strength <= 1 && clip != NULL)
        {
          /* Dots: start on a dot of the whole line's pattern */
          double period = DOT_PERIOD (w);
          double a = floor (ta / period) * period, b = MIN (tb, g->len);
          bm_painter_segment (p, g->x1 + g->ux * a, g->y1 + g->uy * a,
                              g->x1 + g->ux * b, g->y1 + g->uy * b);
          break;
        }
      G_GNUC_FALLTHROUGH;
    case BM_TIE_INFLUENCE:
    case BM_TIE_MEDIATION:
    case BM_TIE_FUNDING:
    case BM_N_TIE_KINDS:
    default:
      bm_painter_segment (p, g->x1, g->y1, ex, ey);
      break;
    }
}

static void
tie_arrow (BmPainter *p, const TieGeom *g, double w)
{
  double len = arrow_length (w), half = 3.5 + 1.2 * w;
  double nx = -g->uy, ny = g->ux;
  double bx = g->x2 - g->ux * len, by = g->y2 - g->uy * len;
  double xy[6] = { g->x2, g->y2, bx + nx * half, by + ny * half, bx - nx * half, by - ny * half };

  bm_painter_polygon (p, xy, 3);
}

/* The mark in the middle of a mediation (hollow diamond) or funding
 * (hollow circle) tie; FALSE for other kinds */
static gboolean
tie_mark (BmPainter *p, const BmTie *tie, const TieGeom *g, double w)
{
  double mx = (g->x1 + g->x2) / 2 - g->ux * arrow_length (w) * 0.4;
  double my = (g->y1 + g->y2) / 2 - g->uy * arrow_length (w) * 0.4;

  if (tie->kind == BM_TIE_MEDIATION)
    {
      double h = 4.5 + w;
      double nx = -g->uy, ny = g->ux;
      double xy[8] = {
        mx + g->ux * h * 1.3, my + g->uy * h * 1.3,
        mx + nx * h, my + ny * h,
        mx - g->ux * h * 1.3, my - g->uy * h * 1.3,
        mx - nx * h, my - ny * h,
      };
      bm_painter_polygon (p, xy, 4);
      return TRUE;
    }
  if (tie->kind == BM_TIE_FUNDING)
    {
      bm_painter_circle (p, mx, my, 3.8 + w);
      return TRUE;
    }
  return FALSE;
}

static guint32
tie_color (const BmTie *tie, gboolean faded)
{
  guint32 c = bm_tie_kind_is_hostile (tie->kind) ? COLOR_HOSTILE : COLOR_TIE;
  return faded ? FADE (c) : c;
}

/* A whole tie (one call per tie: for the editor and the legend) */
static void
tie_draw_one (BmPainter *p, const BmTie *tie, const TieGeom *g, gboolean faded,
              gboolean selected, gboolean details, double ppu)
{
  double w = tie_width (tie);
  guint32 c = tie_color (tie, faded);

  if (selected)
    {
      bm_painter_stroke_begin (p, COLOR_SELECTED, 0.45, w + 8, BM_DASH_NONE, 0, 0);
      bm_painter_segment (p, g->x1, g->y1, g->x2, g->y2);
      bm_painter_end (p);
    }
  tie_stroke_begin (p, tie, c, w, ppu);
  tie_lines (p, tie, g, w, ppu, NULL);
  bm_painter_end (p);
  if (bm_tie_kind_is_directed (tie->kind))
    {
      bm_painter_fill_begin (p, c, 1);
      tie_arrow (p, g, w);
      bm_painter_end (p);
    }
  if (details && (tie->kind == BM_TIE_MEDIATION || tie->kind == BM_TIE_FUNDING))
    {
      bm_painter_fill_begin (p, COLOR_PAPER, 1);
      tie_mark (p, tie, g, w);
      bm_painter_end (p);
      bm_painter_stroke_begin (p, c, 1, 1.5, BM_DASH_NONE, 0, 0);
      tie_mark (p, tie, g, w);
      bm_painter_end (p);
    }
}

/* Sideways offsets of ties that join the same two actors, so parallel ties
 * stay apart */
#define PARALLEL_SPACING 7.0

static guint64
pair_key (guint a, guint b)
{
  guint lo = MIN (a, b), hi = MAX (a, b);
  return ((guint64) lo << 32) | hi;
}

/* The offsets of all ties, by tie index; ties of distinct pairs get 0.
 * The sign is taken along the direction from the lower to the higher
 * actor index, so parallel ties never cross whatever their direction. */
static double *
tie_offsets (const Scene *s, const int *from_idx, const int *to_idx)
{
  guint n_ties = bm_map_get_n_ties (s->map);
  double *offsets = g_new0 (double, MAX (n_ties, 1));
  g_autoptr(GHashTable) counts = g_hash_table_new_full (bm_cell_hash, g_int64_equal, g_free, NULL);
  g_autofree guint *ordinal = g_new0 (guint, MAX (n_ties, 1));
  gboolean any = FALSE;

  for (guint i = 0; i < n_ties; i++)
    {
      guint64 key;
      gpointer value;

      if (from_idx[i] < 0 || to_idx[i] < 0)
        continue;
      key = pair_key (from_idx[i], to_idx[i]);
      if (g_hash_table_lookup_extended (counts, &key, NULL, &value))
        {
          ordinal[i] = GPOINTER_TO_UINT (value);
          g_hash_table_insert (counts, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (ordinal[i] + 1));
          any = TRUE;
        }
      else
        g_hash_table_insert (counts, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (1));
    }
  if (!any)
    return offsets;
  for (guint i = 0; i < n_ties; i++)
    {
      guint64 key;
      guint total;

      if (from_idx[i] < 0 || to_idx[i] < 0)
        continue;
      key = pair_key (from_idx[i], to_idx[i]);
      total = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &key));
      if (total > 1)
        {
          double off = (ordinal[i] - (total - 1) / 2.0) * PARALLEL_SPACING;
          /* tie_geometry offsets along the normal of from → to */
          offsets[i] = from_idx[i] < to_idx[i] ? off : -off;
        }
    }
  return offsets;
}

typedef struct
{
  guint  tie;
  guint8 bucket;
} DrawnTie;

static int
compare_drawn_tie (gconstpointer a, gconstpointer b)
{
  const DrawnTie *p = a, *q = b;
  if (p->bucket != q->bucket)
    return p->bucket < q->bucket ? -1 : 1;
  return p->tie < q->tie ? -1 : (p->tie > q->tie);
}

/* Where the ties are drawn, for drawing and hit testing */
typedef struct
{
  guint    n;
  int     *from;     /* actor index, -1 when dangling */
  int     *to;
  TieGeom *geom;
  gboolean *ok;      /* geometry valid */
} TieLayout;

static void
tie_layout_free (TieLayout *tl)
{
  g_free (tl->from);
  g_free (tl->to);
  g_free (tl->geom);
  g_free (tl->ok);
  g_free (tl);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TieLayout, tie_layout_free)

/* @cull: skip ties outside the clip, or touching skipped actors */
static TieLayout *
tie_layout_new (Scene *s, gboolean cull)
{
  BmMap *map = s->map;
  TieLayout *tl = g_new0 (TieLayout, 1);
  g_autofree double *offsets = NULL;
  const BmRect *clip = s->opt.clip;

  tl->n = bm_map_get_n_ties (map);
  tl->from = g_new (int, MAX (tl->n, 1));
  tl->to = g_new (int, MAX (tl->n, 1));
  tl->geom = g_new (TieGeom, MAX (tl->n, 1));
  tl->ok = g_new0 (gboolean, MAX (tl->n, 1));
  for (guint i = 0; i < tl->n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      tl->from[i] = actor_index (s, t->from);
      tl->to[i] = actor_index (s, t->to);
    }
  offsets = tie_offsets (s, tl->from, tl->to);

  for (guint i = 0; i < tl->n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      int a = tl->from[i], b = tl->to[i];
      double pad = 12;

      if (a < 0 || b < 0 || a == b)
        continue;
      if (cull)
        {
          if ((s->state[a] | s->state[b]) & ACTOR_SKIP)
            continue;
          if (clip != NULL
              && !rect_intersects (clip, MIN (s->pos[a].x, s->pos[b].x) - pad,
                                   MIN (s->pos[a].y, s->pos[b].y) - pad,
                                   MAX (s->pos[a].x, s->pos[b].x) + pad,
                                   MAX (s->pos[a].y, s->pos[b].y) + pad))
            continue;
        }
      tl->ok[i] = tie_geometry (bm_map_get_actor (map, a), s->radius[a], s->pos[a].x, s->pos[a].y,
                                bm_map_get_actor (map, b), s->radius[b], s->pos[b].x, s->pos[b].y,
                                offsets[i], bm_tie_kind_is_directed (t->kind), &tl->geom[i]);
    }
  return tl;
}

static void
draw_ties (BmPainter *p, Scene *s, TieLayout *tl)
{
  BmMap *map = s->map;
  g_autoptr(GArray) drawn = g_array_sized_new (FALSE, FALSE, sizeof (DrawnTie), tl->n);
  gboolean details = readable (s, 6, 2.5);
  gboolean any;

  for (guint i = 0; i < tl->n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      int a = tl->from[i], b = tl->to[i];
      gboolean faded;
      DrawnTie d;

      if (!tl->ok[i])
        continue;
      faded = s->fading && !((s->state[a] & s->state[b]) & ACTOR_HIGHLIGHTED);
      /* bucket: kind, strength, fading */
      d.tie = i;
      d.bucket = (guint8) (((t->kind * 3) + (CLAMP (t->strength, 1, 3) - 1)) * 2 + (faded ? 1 : 0));
      g_array_append_val (drawn, d);
    }
  if (drawn->len == 0)
    return;
  g_array_sort (drawn, compare_drawn_tie);

  /* Selected ties: a halo beneath */
  if (s->opt.selected != NULL && g_hash_table_size (s->opt.selected) > 0)
    {
      bm_painter_stroke_begin (p, COLOR_SELECTED, 0.45, 10, BM_DASH_NONE, 0, 0);
      for (guint k = 0; k < drawn->len; k++)
        {
          guint i = g_array_index (drawn, DrawnTie, k).tie;
          if (g_hash_table_contains (s->opt.selected, bm_map_get_tie (map, i)->id))
            bm_painter_segment (p, tl->geom[i].x1, tl->geom[i].y1, tl->geom[i].x2, tl->geom[i].y2);
        }
      bm_painter_end (p);
    }

  /* Lines, one style per bucket */
  for (guint k = 0; k < drawn->len;)
    {
      guint8 bucket = g_array_index (drawn, DrawnTie, k).bucket;
      const BmTie *first = bm_map_get_tie (map, g_array_index (drawn, DrawnTie, k).tie);
      double w = tie_width (first);

      tie_stroke_begin (p, first, tie_color (first, bucket & 1), w, s->ppu);
      for (; k < drawn->len && g_array_index (drawn, DrawnTie, k).bucket == bucket; k++)
        {
          guint i = g_array_index (drawn, DrawnTie, k).tie;
          tie_lines (p, bm_map_get_tie (map, i), &tl->geom[i], w, s->ppu, s->opt.clip);
        }
      bm_painter_end (p);
    }

  /* Arrowheads, then the mediation and funding marks: one fill per colour */
  for (int faded = 0; faded <= 1; faded++)
    {
      guint32 c = faded ? FADE (COLOR_TIE) : COLOR_TIE;

      bm_painter_fill_begin (p, c, 1);
      for (guint k = 0; k < drawn->len; k++)
        {
          const DrawnTie *d = &g_array_index (drawn, DrawnTie, k);
          const BmTie *t = bm_map_get_tie (map, d->tie);
          if ((d->bucket & 1) == faded && bm_tie_kind_is_directed (t->kind))
            tie_arrow (p, &tl->geom[d->tie], tie_width (t));
        }
      bm_painter_end (p);
      if (!details)
        continue;
      any = FALSE;
      bm_painter_fill_begin (p, COLOR_PAPER, 1);
      for (guint k = 0; k < drawn->len; k++)
        {
          const DrawnTie *d = &g_array_index (drawn, DrawnTie, k);
          const BmTie *t = bm_map_get_tie (map, d->tie);
          if ((d->bucket & 1) == faded)
            any |= tie_mark (p, t, &tl->geom[d->tie], tie_width (t));
        }
      bm_painter_end (p);
      if (!any)
        continue;
      bm_painter_stroke_begin (p, c, 1, 1.5, BM_DASH_NONE, 0, 0);
      for (guint k = 0; k < drawn->len; k++)
        {
          const DrawnTie *d = &g_array_index (drawn, DrawnTie, k);
          const BmTie *t = bm_map_get_tie (map, d->tie);
          if ((d->bucket & 1) == faded)
            tie_mark (p, t, &tl->geom[d->tie], tie_width (t));
        }
      bm_painter_end (p);
    }
}

/* ---- actors ------------------------------------------------------------------- */

#define INNER_LINE_GAP 3.5

static void
kind_stroke_begin (BmPainter *p, BmActorKind kind, guint32 color, gboolean detailed)
{
  if (kind == BM_ACTOR_GROUP && detailed)
    bm_painter_stroke_begin (p, color, 1, 2.0, BM_DASH_DASHES, 4.5, 7.5);
  else
    bm_painter_stroke_begin (p, color, 1, 1.6, BM_DASH_NONE, 0, 0);
}

/* The inner line of an organisation's double outline */
static gboolean
kind_inner_line (BmActorKind kind, double r, gboolean detailed)
{
  return kind == BM_ACTOR_ORGANIZATION && detailed && r > 2 * INNER_LINE_GAP;
}

static void
badge_geometry (BmTrack track, double x, double y, double r, const Text *t,
                double *bx, double *by, double *bw, double *bh)
{
  double hx, hy;

  shape_half_extents (track, r, &hx, &hy);
  *bh = BADGE_SIZE + 3;
  *bw = MAX (*bh, t->width + 5);
  /* Upper right, over the shape's corner */
  *bx = x + hx * (track == BM_TRACK_1_5 ? 0.45 : 0.7) - *bw / 2 + 2;
  *by = y - hy * (track == BM_TRACK_1_5 ? 0.55 : 0.75) - *bh / 2 - 1;
}

static guint32
letter_color (guint32 fill, gboolean faded)
{
  if (luminance (fill) < 0.45)
    return faded ? 0xf0f0f0 : 0xffffff;
  return faded ? FADE (COLOR_OUTLINE) : COLOR_OUTLINE;
}

static void
paint_letter (BmPainter *p, const BmActor *a, double x, double y, double r, guint32 fill,
              gboolean faded)
{
  const char *letter = sector_letter (a->sector);
  Text lt;
  double cy;

  if (letter == NULL)
    return;
  lt = text_get (TEXT_SECTOR, letter, 0);
  cy = a->track == BM_TRACK_3 ? y + r * 0.3 : y;
  text_show (p, &lt, x - lt.width / 2, cy - lt.height / 2, letter_color (fill, faded));
}

/* One actor, complete (the editor's drag, the legend) */
static void
actor_draw_one (BmPainter *p, Scene *s, const BmActor *a, double x, double y,
                double r, guint32 fill, guint8 state, gboolean outline_detail, gboolean badges)
{
  gboolean faded = state & ACTOR_FADED;
  guint32 outline = faded ? FADE (COLOR_OUTLINE) : COLOR_OUTLINE;

  if (state & ACTOR_HIGHLIGHTED)
    {
      bm_painter_stroke_begin (p, COLOR_HIGHLIGHT, 0.9, 6, BM_DASH_NONE, 0, 0);
      paint_shape (p, a->track, x, y, r + 6);
      bm_painter_end (p);
    }
  if (a->party == NULL)
    {
      bm_painter_fill_begin (p, 0x000000, faded ? 0.08 : 0.3);
      paint_shape (p, a->track, x + SHADOW_DX, y + SHADOW_DY, r);
      bm_painter_end (p);
    }
  bm_painter_fill_begin (p, faded ? FADE (fill) : fill, 1);
  paint_shape (p, a->track, x, y, r);
  bm_painter_end (p);
  kind_stroke_begin (p, a->kind, outline, outline_detail);
  paint_shape (p, a->track, x, y, r);
  bm_painter_end (p);
  if (kind_inner_line (a->kind, r, outline_detail))
    {
      bm_painter_stroke_begin (p, outline, 1, 1.0, BM_DASH_NONE, 0, 0);
      paint_shape (p, a->track, x, y, r - INNER_LINE_GAP);
      bm_painter_end (p);
    }

  if (badges && readable (s, BADGE_SIZE, MIN_DETAIL_PIXELS))
    {
      Text t = text_get (TEXT_BADGE, track_badge (a->track), 0);
      double bx, by, bw, bh;

      paint_letter (p, a, x, y, r, fill, faded);
      badge_geometry (a->track, x, y, r, &t, &bx, &by, &bw, &bh);
      bm_painter_fill_begin (p, COLOR_PAPER, 1);
      bm_painter_pill (p, bx, by, bw, bh);
      bm_painter_end (p);
      bm_painter_stroke_begin (p, outline, 1, 1.0, BM_DASH_NONE, 0, 0);
      bm_painter_pill (p, bx, by, bw, bh);
      bm_painter_end (p);
      text_show (p, &t, bx + (bw - t.width) / 2, by + (bh - t.height) / 2, outline);
      bm_painter_flush_text (p);
    }

  if (state & ACTOR_SELECTED)
    {
      bm_painter_stroke_begin (p, COLOR_PAPER, 1, 5, BM_DASH_NONE, 0, 0);
      paint_shape (p, a->track, x, y, r + 5);
      bm_painter_end (p);
      bm_painter_stroke_begin (p, COLOR_SELECTED, 1, 3, BM_DASH_NONE, 0, 0);
      paint_shape (p, a->track, x, y, r + 5);
      bm_painter_end (p);
    }
}

static int
compare_guint32_pair (gconstpointer a, gconstpointer b)
{
  const guint32 *p = a, *q = b;
  if (p[0] != q[0])
    return p[0] < q[0] ? -1 : 1;
  return p[1] < q[1] ? -1 : (p[1] > q[1]);
}

#define ORDER_INDEX(k) (((guint32 *) order->data)[2 * (k) + 1])
#define ORDER_KEY(k)   (((guint32 *) order->data)[2 * (k)])

static void
draw_actors (BmPainter *p, Scene *s)
{
  BmMap *map = s->map;
  gboolean details = readable (s, 10, 4);
  gboolean text = readable (s, BADGE_SIZE, MIN_DETAIL_PIXELS);
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, 2 * sizeof (guint32), s->n);

  /* Visible actors sorted by fill colour (faded ones apart), then index */
  for (guint i = 0; i < s->n; i++)
    {
      guint32 pair[2];
      if ((s->state[i] & (ACTOR_SKIP | ACTOR_VISIBLE)) != ACTOR_VISIBLE)
        continue;
      pair[0] = (s->state[i] & ACTOR_FADED) ? FADE (s->fill[i]) | 0x1000000 : s->fill[i];
      pair[1] = i;
      g_array_append_val (order, pair);
    }
  if (order->len == 0)
    return;
  g_array_sort (order, compare_guint32_pair);

  /* Highlight halos */
  bm_painter_stroke_begin (p, COLOR_HIGHLIGHT, 0.9, 6, BM_DASH_NONE, 0, 0);
  for (guint k = 0; k < order->len; k++)
    {
      guint i = ORDER_INDEX (k);
      if (s->state[i] & ACTOR_HIGHLIGHTED)
        paint_shape (p, bm_map_get_actor (map, i)->track, s->pos[i].x, s->pos[i].y,
                     s->radius[i] + 6);
    }
  bm_painter_end (p);

  /* Third parties' shadows */
  for (int faded = 0; faded <= 1; faded++)
    {
      bm_painter_fill_begin (p, 0x000000, faded ? 0.08 : 0.3);
      for (guint k = 0; k < order->len; k++)
        {
          guint i = ORDER_INDEX (k);
          const BmActor *a = bm_map_get_actor (map, i);
          if (a->party == NULL && !!(s->state[i] & ACTOR_FADED) == faded)
            paint_shape (p, a->track, s->pos[i].x + SHADOW_DX, s->pos[i].y + SHADOW_DY,
                         s->radius[i]);
        }
      bm_painter_end (p);
    }

  /* Fills, one per colour */
  for (guint k = 0; k < order->len;)
    {
      guint32 key = ORDER_KEY (k);
      bm_painter_fill_begin (p, key & 0xffffff, 1);
      for (; k < order->len && ORDER_KEY (k) == key; k++)
        {
          guint i = ORDER_INDEX (k);
          paint_shape (p, bm_map_get_actor (map, i)->track, s->pos[i].x, s->pos[i].y,
                       s->radius[i]);
        }
      bm_painter_end (p);
    }

  /* Outlines, one style per kind (and fading) */
  for (int faded = 0; faded <= 1; faded++)
    for (int kind = 0; kind < BM_N_ACTOR_KINDS; kind++)
      {
        guint32 c = faded ? FADE (COLOR_OUTLINE) : COLOR_OUTLINE;

        kind_stroke_begin (p, kind, c, details);
        for (guint k = 0; k < order->len; k++)
          {
            guint i = ORDER_INDEX (k);
            const BmActor *a = bm_map_get_actor (map, i);
            if ((int) a->kind == kind && !!(s->state[i] & ACTOR_FADED) == faded)
              paint_shape (p, a->track, s->pos[i].x, s->pos[i].y, s->radius[i]);
          }
        bm_painter_end (p);
        if (!kind_inner_line (kind, 100, details))
          continue;
        bm_painter_stroke_begin (p, c, 1, 1.0, BM_DASH_NONE, 0, 0);
        for (guint k = 0; k < order->len; k++)
          {
            guint i = ORDER_INDEX (k);
            const BmActor *a = bm_map_get_actor (map, i);
            if ((int) a->kind == kind && !!(s->state[i] & ACTOR_FADED) == faded
                && kind_inner_line (kind, s->radius[i], details))
              paint_shape (p, a->track, s->pos[i].x, s->pos[i].y, s->radius[i] - INNER_LINE_GAP);
          }
        bm_painter_end (p);
      }

  /* Sector letters and track badges */
  if (text)
    {
      for (guint k = 0; k < order->len; k++)
        {
          guint i = ORDER_INDEX (k);
          paint_letter (p, bm_map_get_actor (map, i), s->pos[i].x, s->pos[i].y, s->radius[i],
                        s->fill[i], s->state[i] & ACTOR_FADED);
        }
      bm_painter_flush_text (p);

      for (int faded = 0; faded <= 1; faded++)
        {
          guint32 c = faded ? FADE (COLOR_OUTLINE) : COLOR_OUTLINE;
          for (int pass = 0; pass < 3; pass++)
            {
              if (pass == 0)
                bm_painter_fill_begin (p, COLOR_PAPER, 1);
              else if (pass == 1)
                bm_painter_stroke_begin (p, c, 1, 1.0, BM_DASH_NONE, 0, 0);
              for (guint k = 0; k < order->len; k++)
                {
                  guint i = ORDER_INDEX (k);
                  const BmActor *a = bm_map_get_actor (map, i);
                  Text t;
                  double bx, by, bw, bh;

                  if (!!(s->state[i] & ACTOR_FADED) != faded)
                    continue;
                  t = text_get (TEXT_BADGE, track_badge (a->track), 0);
                  badge_geometry (a->track, s->pos[i].x, s->pos[i].y, s->radius[i], &t,
                                  &bx, &by, &bw, &bh);
                  if (pass < 2)
                    bm_painter_pill (p, bx, by, bw, bh);
                  else
                    text_show (p, &t, bx + (bw - t.width) / 2, by + (bh - t.height) / 2, c);
                }
              if (pass < 2)
                bm_painter_end (p);
            }
        }
      bm_painter_flush_text (p);
    }

  /* Selection rings */
  for (int pass = 0; pass < 2; pass++)
    {
      if (pass == 0)
        bm_painter_stroke_begin (p, COLOR_PAPER, 1, 5, BM_DASH_NONE, 0, 0);
      else
        bm_painter_stroke_begin (p, COLOR_SELECTED, 1, 3, BM_DASH_NONE, 0, 0);
      for (guint k = 0; k < order->len; k++)
        {
          guint i = ORDER_INDEX (k);
          if (s->state[i] & ACTOR_SELECTED)
            paint_shape (p, bm_map_get_actor (map, i)->track, s->pos[i].x, s->pos[i].y,
                         s->radius[i] + 5);
        }
      bm_painter_end (p);
    }
}

/* ---- labels -------------------------------------------------------------------- */

/* Rectangles already taken, in a coarse grid */
#define RECT_GRID 64.0

typedef struct _RectIndex
{
  GArray     *rects;   /* BmRect */
  GHashTable *cells;   /* packed cell → GArray of guint */
} RectIndex;

static void rect_index_free (RectIndex *ri);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RectIndex, rect_index_free)

static RectIndex *
rect_index_new (void)
{
  RectIndex *ri = g_new0 (RectIndex, 1);
  ri->rects = g_array_new (FALSE, FALSE, sizeof (BmRect));
  ri->cells = g_hash_table_new_full (bm_cell_hash, g_int64_equal, g_free,
                                     (GDestroyNotify) g_array_unref);
  return ri;
}

static void
rect_index_free (RectIndex *ri)
{
  g_array_unref (ri->rects);
  g_hash_table_unref (ri->cells);
  g_free (ri);
}

static gint64
grid_key (gint64 cx, gint64 cy)
{
  return (cx << 32) ^ (cy & 0xffffffff);
}

static void
rect_index_add (RectIndex *ri, const BmRect *r)
{
  guint idx = ri->rects->len;
  gint64 cx0 = (gint64) floor (r->x / RECT_GRID), cx1 = (gint64) floor ((r->x + r->width) / RECT_GRID);
  gint64 cy0 = (gint64) floor (r->y / RECT_GRID), cy1 = (gint64) floor ((r->y + r->height) / RECT_GRID);

  g_array_append_val (ri->rects, *r);
  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = grid_key (cx, cy);
        GArray *list = g_hash_table_lookup (ri->cells, &key);
        if (list == NULL)
          {
            list = g_array_new (FALSE, FALSE, sizeof (guint));
            g_hash_table_insert (ri->cells, g_memdup2 (&key, sizeof key), list);
          }
        g_array_append_val (list, idx);
      }
}

static gboolean
rect_index_overlaps (RectIndex *ri, const BmRect *r)
{
  gint64 cx0 = (gint64) floor (r->x / RECT_GRID), cx1 = (gint64) floor ((r->x + r->width) / RECT_GRID);
  gint64 cy0 = (gint64) floor (r->y / RECT_GRID), cy1 = (gint64) floor ((r->y + r->height) / RECT_GRID);

  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = grid_key (cx, cy);
        GArray *list = g_hash_table_lookup (ri->cells, &key);
        if (list == NULL)
          continue;
        for (guint i = 0; i < list->len; i++)
          {
            const BmRect *o = &g_array_index (ri->rects, BmRect, g_array_index (list, guint, i));
            if (r->x < o->x + o->width && o->x < r->x + r->width
                && r->y < o->y + o->height && o->y < r->y + r->height)
              return TRUE;
          }
      }
  return FALSE;
}

typedef struct
{
  guint index;
  int   priority;
} LabelOrder;

static int
compare_label_order (gconstpointer a, gconstpointer b)
{
  const LabelOrder *p = a, *q = b;
  if (p->priority != q->priority)
    return p->priority > q->priority ? -1 : 1;
  return p->index < q->index ? -1 : (p->index > q->index);
}

#define LABEL_PAD_X 3.0
#define LABEL_PAD_Y 1.0
#define N_LABEL_PLACES 12

/* Candidate boxes for a label of size w × h (padding included) beside a
 * shape of half extents hx, hy at (x, y), best first: below, above,
 * right, left, the four corners, then a step further out */
static void
label_candidate (int which, double x, double y, double hx, double hy, double w, double h,
                 BmRect *r)
{
  r->width = w;
  r->height = h;
  switch (which)
    {
    case 0: r->x = x - w / 2; r->y = y + hy + 3; break;
    case 1: r->x = x - w / 2; r->y = y - hy - 3 - h; break;
    case 2: r->x = x + hx + 5; r->y = y - h / 2; break;
    case 3: r->x = x - hx - 5 - w; r->y = y - h / 2; break;
    case 4: r->x = x + hx * 0.6; r->y = y + hy + 2; break;
    case 5: r->x = x + hx * 0.6; r->y = y - hy - 2 - h; break;
    case 6: r->x = x - hx * 0.6 - w; r->y = y + hy + 2; break;
    case 7: r->x = x - hx * 0.6 - w; r->y = y - hy - 2 - h; break;
    /* A step further out, below and above, then beside */
    case 8: r->x = x - w / 2; r->y = y + hy + 3 + h; break;
    case 9: r->x = x - w / 2; r->y = y - hy - 3 - 2 * h; break;
    case 10: r->x = x + hx + 5; r->y = y + h / 2; break;
    default: r->x = x - hx - 5 - w; r->y = y + h / 2; break;
    }
}

/* Does the segment from (x, y) along (ux, uy) for len cross @r? */
static gboolean
ray_crosses_rect (double x, double y, double ux, double uy, double len, const BmRect *r)
{
  double t0 = 0, t1 = len;
  double lo[2] = { r->x, r->y }, hi[2] = { r->x + r->width, r->y + r->height };
  double o[2] = { x, y }, d[2] = { ux, uy };

  for (int k = 0; k < 2; k++)
    {
      if (fabs (d[k]) < 1e-12)
        {
          if (o[k] < lo[k] || o[k] > hi[k])
            return FALSE;
        }
      else
        {
          double a = (lo[k] - o[k]) / d[k], b = (hi[k] - o[k]) / d[k];
          if (a > b)
            {
              double t = a;
              a = b;
              b = t;
            }
          t0 = MAX (t0, a);
          t1 = MIN (t1, b);
          if (t0 > t1)
            return FALSE;
        }
    }
  return TRUE;
}

/* The room already taken around the view: every shape, the gutters with
 * the band names, then (as they are placed) the gap notes and the names.
 * Items near the clip compete for room, so that the same places are
 * chosen whatever the clip (tiles agree away from their borders).  *near
 * is that neighbourhood, NULL for everything. */
static RectIndex *
scene_obstacles (Scene *s, const BmRect **near)
{
  static const BmRect *none = NULL;

  if (s->opt.clip != NULL)
    {
      s->near = *s->opt.clip;
      double reach = 2 * LABEL_WIDTH * label_scale (s);

      s->near.x -= reach;
      s->near.y -= reach;
      s->near.width += 2 * reach;
      s->near.height += 2 * reach;
      *near = &s->near;
    }
  else
    *near = none;

  if (s->taken != NULL)
    return s->taken;
  s->taken = rect_index_new ();
  for (guint i = 0; i < s->n; i++)
    {
      const BmActor *a = bm_map_get_actor (s->map, i);
      double hx, hy;
      BmRect box;

      if (s->state[i] & ACTOR_SKIP)
        continue;
      shape_half_extents (a->track, s->radius[i], &hx, &hy);
      if (*near != NULL && !rect_intersects (*near, s->pos[i].x - hx, s->pos[i].y - hy,
                                             s->pos[i].x + hx, s->pos[i].y + hy))
        continue;
      box.x = s->pos[i].x - hx;
      box.y = s->pos[i].y - hy - 4;
      box.width = 2 * hx + 4;
      box.height = 2 * hy + 4;
      rect_index_add (s->taken, &box);
    }
  if (s->opt.flags & BM_RENDER_PYRAMID)
    {
      BmRect gutter = { s->x0, 0, BAND_GUTTER, BM_BAND_HEIGHT * BM_N_LEVELS };
      rect_index_add (s->taken, &gutter);
    }
  return s->taken;
}

/* Names and notes stay within the bands' width (right of the gutter) and
 * a little above and below the pyramid and the actors, so that they never
 * run into the legend or out of the extents */
static gboolean
within_bands (const Scene *s, const BmRect *r)
{
  double left = s->x0 + ((s->opt.flags & BM_RENDER_PYRAMID) ? BAND_GUTTER : 0);
  return r->x >= left && r->x + r->width <= s->x1
         && r->y >= s->text_top && r->y + r->height <= s->text_bottom;
}

/* The ties' lines in a coarse grid, to count how many a label box would
 * cover */
typedef struct
{
  GHashTable *cells;     /* packed cell → GArray of guint tie indices */
  guint      *stamp;     /* per tie: the last query that saw it */
  guint       query;
} TieIndex;

#define TIE_INDEX_MAX_ENTRIES 400000

static void
tie_index_build (TieIndex *ti, Scene *s, TieLayout *tl, const BmRect *area)
{
  guint entries = 0;

  ti->cells = g_hash_table_new_full (bm_cell_hash, g_int64_equal, g_free,
                                     (GDestroyNotify) g_array_unref);
  ti->stamp = g_new0 (guint, MAX (tl->n, 1));
  ti->query = 0;
  for (guint i = 0; i < tl->n && entries < TIE_INDEX_MAX_ENTRIES; i++)
    {
      const TieGeom *g = &tl->geom[i];
      double ta, tb;
      gint64 last = G_MININT64;

      if (!tl->ok[i] || !tie_visible_range (g, area, 0, &ta, &tb))
        continue;
      /* Every cell the line passes through: steps of under half a cell */
      for (double t = ta;; t += RECT_GRID / 3)
        {
          double u = MIN (t, tb);
          gint64 cx = (gint64) floor ((g->x1 + g->ux * u) / RECT_GRID);
          gint64 cy = (gint64) floor ((g->y1 + g->uy * u) / RECT_GRID);
          gint64 key = grid_key (cx, cy);

          if (key != last)
            {
              GArray *list = g_hash_table_lookup (ti->cells, &key);
              if (list == NULL)
                {
                  list = g_array_new (FALSE, FALSE, sizeof (guint));
                  g_hash_table_insert (ti->cells, g_memdup2 (&key, sizeof key), list);
                }
              if (list->len == 0 || g_array_index (list, guint, list->len - 1) != i)
                {
                  g_array_append_val (list, i);
                  entries++;
                }
              last = key;
            }
          if (u >= tb || entries >= TIE_INDEX_MAX_ENTRIES)
            break;
        }
    }
}

static void
tie_index_clear (TieIndex *ti)
{
  g_hash_table_unref (ti->cells);
  g_free (ti->stamp);
}

/* How many ties cross @r (counting stops at @enough) */
static guint
tie_index_crossings (TieIndex *ti, TieLayout *tl, const BmRect *r, guint enough)
{
  gint64 cx0 = (gint64) floor (r->x / RECT_GRID), cx1 = (gint64) floor ((r->x + r->width) / RECT_GRID);
  gint64 cy0 = (gint64) floor (r->y / RECT_GRID), cy1 = (gint64) floor ((r->y + r->height) / RECT_GRID);
  guint n = 0;

  ti->query++;
  for (gint64 cx = cx0; cx <= cx1; cx++)
    for (gint64 cy = cy0; cy <= cy1; cy++)
      {
        gint64 key = grid_key (cx, cy);
        GArray *list = g_hash_table_lookup (ti->cells, &key);

        if (list == NULL)
          continue;
        for (guint k = 0; k < list->len; k++)
          {
            guint i = g_array_index (list, guint, k);
            const TieGeom *g = &tl->geom[i];

            if (ti->stamp[i] == ti->query)
              continue;
            ti->stamp[i] = ti->query;
            if (ray_crosses_rect (g->x1, g->y1, g->ux, g->uy, g->len, r) && ++n >= enough)
              return n;
          }
      }
  return n;
}

static void
draw_labels (BmPainter *p, Scene *s, TieLayout *tl)
{
  BmMap *map = s->map;
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (LabelOrder));
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (BmRect));
  g_autoptr(GArray) placed_who = g_array_new (FALSE, FALSE, sizeof (guint));
  TieIndex ti;
  RectIndex *ri;
  const BmRect *clip = s->opt.clip;
  const BmRect *near;

  if (!labels_readable (s))
    return;

  ri = scene_obstacles (s, &near);
  /* The ties in reach, to keep names off them */
  tie_index_build (&ti, s, tl, near);

  for (guint i = 0; i < s->n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      double hx, hy;
      LabelOrder o;

      if (s->state[i] & ACTOR_SKIP)
        continue;
      shape_half_extents (a->track, s->radius[i], &hx, &hy);
      if (near != NULL && !rect_intersects (near, s->pos[i].x - hx, s->pos[i].y - hy,
                                            s->pos[i].x + hx, s->pos[i].y + hy))
        continue;
      o.index = i;
      o.priority = ((s->state[i] & (ACTOR_SELECTED | ACTOR_HIGHLIGHTED)) ? 1000 : 0)
                   + 10 * CLAMP (a->influence, 1, 5) + (BM_N_LEVELS - (int) a->level);
      g_array_append_val (order, o);
    }
  g_array_sort (order, compare_label_order);

  for (guint k = 0; k < order->len; k++)
    {
      guint i = g_array_index (order, LabelOrder, k).index;
      const BmActor *a = bm_map_get_actor (map, i);
      Text t = label_text (s, a->name);
      double hx, hy, w = t.width + 2 * LABEL_PAD_X, h = t.height + 2 * LABEL_PAD_Y;
      gboolean forced = s->state[i] & (ACTOR_SELECTED | ACTOR_HIGHLIGHTED);
      int chosen = -1;
      guint best = G_MAXUINT;
      BmRect r;

      shape_half_extents (a->track, s->radius[i], &hx, &hy);
      /* The free place with the fewest ties across it, the nearer places
       * first: a tie crossed costs about as much as a step further out */
      for (int which = 0; which < N_LABEL_PLACES && best > 0; which++)
        {
          guint cost = which < 4 ? 0 : which < 8 ? 1 : 3;

          if (cost >= best)
            continue;
          label_candidate (which, s->pos[i].x, s->pos[i].y, hx, hy, w, h, &r);
          if (!within_bands (s, &r) || rect_index_overlaps (ri, &r))
            continue;
          cost += 2 * tie_index_crossings (&ti, tl, &r,
                                           best == G_MAXUINT ? G_MAXUINT / 4 : (best - cost + 1) / 2);
          if (cost < best)
            {
              best = cost;
              chosen = which;
            }
        }
      /* A selected name, and every name in print, is never left out */
      if (chosen < 0 && (forced || s->ppu == G_MAXDOUBLE))
        chosen = 0;
      if (chosen < 0)
        continue;
      label_candidate (chosen, s->pos[i].x, s->pos[i].y, hx, hy, w, h, &r);
      rect_index_add (ri, &r);
      g_array_append_val (placed, r);
      g_array_append_val (placed_who, i);
    }
  tie_index_clear (&ti);

  /* Backgrounds, then the names */
  bm_painter_fill_begin (p, COLOR_PAPER, 0.78);
  for (guint k = 0; k < placed->len; k++)
    {
      const BmRect *r = &g_array_index (placed, BmRect, k);
      if (rect_intersects (clip, r->x, r->y, r->x + r->width, r->y + r->height))
        bm_painter_rect (p, r->x, r->y, r->width, r->height);
    }
  bm_painter_end (p);
  for (guint k = 0; k < placed->len; k++)
    {
      const BmRect *r = &g_array_index (placed, BmRect, k);
      guint i = g_array_index (placed_who, guint, k);
      Text t;

      if (!rect_intersects (clip, r->x, r->y, r->x + r->width, r->y + r->height))
        continue;
      t = label_text (s, bm_map_get_actor (map, i)->name);
      text_show (p, &t, r->x + LABEL_PAD_X, r->y + LABEL_PAD_Y,
                 (s->state[i] & ACTOR_FADED) ? FADE (COLOR_TEXT) : COLOR_TEXT);
    }
  bm_painter_flush_text (p);
}

/* ---- the pyramid ----------------------------------------------------------------- */

static void
draw_pyramid (BmPainter *p, cairo_t *cr, Scene *s)
{
  double x0 = s->x0, x1 = s->x1;
  double tx0 = x0 + BAND_GUTTER, tx1 = x1;
  double apex = (tx0 + tx1) / 2;
  double total = BM_BAND_HEIGHT * BM_N_LEVELS;

  for (int l = 0; l < BM_N_LEVELS; l++)
    {
      double yt = bm_level_band_top (l), yb = yt + BM_BAND_HEIGHT;
      /* The triangle's half width at a height */
      double wt = (tx1 - tx0) / 2 * (yt / total), wb = (tx1 - tx0) / 2 * (yb / total);
      double trapezoid[8] = { apex - wt, yt, apex + wt, yt, apex + wb, yb, apex - wb, yb };

      if (!rect_intersects (s->opt.clip, x0, yt, x1, yb))
        continue;
      bm_painter_fill_begin (p, band_outside[l], 1);
      bm_painter_rect (p, x0, yt, x1 - x0, BM_BAND_HEIGHT);
      bm_painter_end (p);
      bm_painter_fill_begin (p, band_inside[l], 1);
      if (wt > 0)
        bm_painter_polygon (p, trapezoid, 4);
      else
        bm_painter_polygon (p, trapezoid + 2, 3);
      /* The gutter for the band's name */
      bm_painter_rect (p, x0, yt, BAND_GUTTER, BM_BAND_HEIGHT);
      bm_painter_end (p);
    }

  /* Band borders and the triangle's outline */
  bm_painter_stroke_begin (p, COLOR_BAND_LINE, 1, 1.5, BM_DASH_NONE, 0, 0);
  for (int l = 0; l <= BM_N_LEVELS; l++)
    bm_painter_segment (p, x0, l * BM_BAND_HEIGHT, x1, l * BM_BAND_HEIGHT);
  bm_painter_segment (p, x0 + BAND_GUTTER, 0, x0 + BAND_GUTTER, total);
  bm_painter_end (p);
  {
    double outline[6] = { tx0, total, apex, 0, tx1, total };
    bm_painter_stroke_begin (p, COLOR_TRIANGLE, 1, 2.5, BM_DASH_NONE, 0, 0);
    bm_painter_polyline (p, outline, 3);
    bm_painter_end (p);
  }

  if (readable (s, 14, MIN_LABEL_PIXELS))
    {
      bm_painter_sync (p);
      cairo_save (cr);
      set_color (cr, COLOR_BAND_TEXT);
      for (int l = 0; l < BM_N_LEVELS; l++)
        {
          Text t = text_get (TEXT_BAND, bm_level_display_name (l), 0);
          double cy = bm_level_band_centre (l);

          if (!rect_intersects (s->opt.clip, x0, l * BM_BAND_HEIGHT, x0 + BAND_GUTTER,
                                (l + 1) * BM_BAND_HEIGHT))
            continue;
          cairo_save (cr);
          cairo_translate (cr, x0 + BAND_GUTTER / 2, cy);
          cairo_rotate (cr, -G_PI / 2);
          text_show_cairo (cr, &t, -t.width / 2, -t.height / 2);
          cairo_restore (cr);
        }
      cairo_restore (cr);
    }
}

/* ---- the gap overlay -------------------------------------------------------------- */

static void
draw_gap_connector (BmPainter *p, double x1, double y1, double x2, double y2, gboolean critical,
                    const BmRect *clip, double alpha)
{
  double w = critical ? 5.0 : 3.2;
  double period = critical ? 14 : 21;
  double len = hypot (x2 - x1, y2 - y1);
  TieGeom g = { x1, y1, x2, y2, 0, 0, len };
  double ta, tb, a;

  if (len < 1e-6)
    return;
  g.ux = (x2 - x1) / len;
  g.uy = (y2 - y1) / len;
  /* Only the part in view, its dashes where the whole line has them */
  if (!tie_visible_range (&g, clip, 20, &ta, &tb))
    return;
  a = floor (ta / period) * period;
  x1 = g.x1 + g.ux * a;
  y1 = g.y1 + g.uy * a;
  x2 = g.x1 + g.ux * tb;
  y2 = g.y1 + g.uy * tb;

  /* A paper casing keeps it clear of the ties beneath */
  bm_painter_stroke_begin (p, COLOR_PAPER, 0.85 * alpha, w + 4, BM_DASH_NONE, 0, 0);
  bm_painter_segment (p, x1, y1, x2, y2);
  bm_painter_end (p);
  bm_painter_stroke_begin (p, BM_RENDER_GAP_COLOR, alpha, w, BM_DASH_DASHES, critical ? 9 : 14, period);
  bm_painter_segment (p, x1, y1, x2, y2);
  bm_painter_end (p);
}

static void
draw_gap_ring (BmPainter *p, BmTrack track, double x, double y, double r, gboolean dotted,
               double alpha)
{
  if (dotted)
    bm_painter_stroke_begin (p, BM_RENDER_GAP_COLOR, alpha, 3, BM_DASH_DOTS, 0, 5);
  else
    bm_painter_stroke_begin (p, BM_RENDER_GAP_COLOR, alpha, 2.5, BM_DASH_DASHES, 6, 10);
  paint_shape (p, track, x, y, r + 7);
  bm_painter_end (p);
}

/* A warning triangle with "!", in the gap colour, centred at (x, y) */
static void
draw_warning_sign (BmPainter *p, double x, double y, double size, double alpha)
{
  double h = size * 0.866;
  double tri[6] = { x, y - h / 2, x + size / 2, y + h / 2, x - size / 2, y + h / 2 };

  bm_painter_stroke_begin (p, COLOR_PAPER, alpha, 1.5, BM_DASH_NONE, 0, 0);
  bm_painter_polygon (p, tri, 3);
  bm_painter_end (p);
  bm_painter_fill_begin (p, BM_RENDER_GAP_COLOR, alpha);
  bm_painter_polygon (p, tri, 3);
  bm_painter_end (p);
  bm_painter_stroke_begin (p, COLOR_PAPER, alpha, size * 0.13, BM_DASH_NONE, 0, 0);
  bm_painter_segment (p, x, y - h * 0.18, x, y + h * 0.15);
  bm_painter_end (p);
  bm_painter_fill_begin (p, COLOR_PAPER, alpha);
  bm_painter_circle (p, x, y + h * 0.31, size * 0.07);
  bm_painter_end (p);
}

typedef enum
{
  PILL_CRITICAL,  /* filled */
  PILL_WARNING,   /* outlined */
  PILL_INFO,      /* dashed outline */
} PillStyle;

static BmRect
pill_box (const Text *t, double cx, double cy)
{
  double h = t->height + 6;
  double w = t->width + 12 + (h > 24 ? 0 : h * 0.3);
  BmRect box = { cx - w / 2, cy - h / 2, w, h };
  return box;
}

/* A text pill centred at (cx, cy), unless outside @clip; returns its box */
static BmRect
draw_gap_pill (BmPainter *p, const Text *t, double cx, double cy, PillStyle style,
               const BmRect *clip)
{
  BmRect box = pill_box (t, cx, cy);
  double x = box.x, y = box.y, w = box.width, h = box.height;

  if (!rect_intersects (clip, x - 2, y - 2, x + w + 2, y + h + 2))
    return box;

  if (style == PILL_CRITICAL)
    {
      bm_painter_fill_begin (p, BM_RENDER_GAP_COLOR, 1);
      if (h > 24)
        bm_painter_rect (p, x, y, w, h);
      else
        bm_painter_pill (p, x, y, w, h);
      bm_painter_end (p);
      text_show (p, t, cx - t->width / 2, y + 3, COLOR_PAPER);
    }
  else
    {
      bm_painter_fill_begin (p, COLOR_PAPER, 1);
      if (h > 24)
        bm_painter_rect (p, x, y, w, h);
      else
        bm_painter_pill (p, x, y, w, h);
      bm_painter_end (p);
      if (style == PILL_INFO)
        bm_painter_stroke_begin (p, BM_RENDER_GAP_COLOR, 1, 2, BM_DASH_DASHES, 4, 6.5);
      else
        bm_painter_stroke_begin (p, BM_RENDER_GAP_COLOR, 1, 2, BM_DASH_NONE, 0, 0);
      if (h > 24)
        bm_painter_rect (p, x, y, w, h);
      else
        bm_painter_pill (p, x, y, w, h);
      bm_painter_end (p);
      text_show (p, t, cx - t->width / 2, y + 3, BM_RENDER_GAP_COLOR);
    }
  /* Each pill's text above its own pill, below the next one */
  bm_painter_flush_text (p);
  return box;
}

static const char *
party_name (BmMap *map, const char *id)
{
  const BmParty *p = id ? bm_map_lookup_party (map, id) : NULL;
  return p ? p->name : id ? id : "";
}

static gboolean
actor_in_view (const Scene *s, int index)
{
  return index >= 0 && (s->state[index] & (ACTOR_SKIP | ACTOR_VISIBLE)) == ACTOR_VISIBLE;
}

/* The closest pair of officials of the gap's two parties */
static gboolean
backchannel_pair (Scene *s, const BmGap *gap, int *best_a, int *best_b)
{
  BmMap *map = s->map;
  const char *p = gap->parties ? gap->parties[0] : NULL;
  const char *q = p ? gap->parties[1] : NULL;
  double best = G_MAXDOUBLE;

  *best_a = *best_b = -1;
  if (p == NULL || q == NULL || gap->actors == NULL)
    return FALSE;
  for (guint i = 0; gap->actors[i]; i++)
    {
      int ai = actor_index (s, gap->actors[i]);
      const BmActor *a = ai >= 0 ? bm_map_get_actor (map, ai) : NULL;
      if (a == NULL || a->party == NULL || strcmp (a->party, p) != 0)
        continue;
      for (guint j = 0; gap->actors[j]; j++)
        {
          int bi = actor_index (s, gap->actors[j]);
          const BmActor *b = bi >= 0 ? bm_map_get_actor (map, bi) : NULL;
          double d;
          if (b == NULL || b->party == NULL || strcmp (b->party, q) != 0)
            continue;
          d = hypot (s->pos[ai].x - s->pos[bi].x, s->pos[ai].y - s->pos[bi].y);
          if (d < best)
            {
              best = d;
              *best_a = ai;
              *best_b = bi;
            }
        }
    }
  return *best_a >= 0;
}

/* When actors are highlighted (a gap clicked in the panel), the gaps that
 * concern none of them fade like the rest of the map */
static gboolean
gap_in_focus (Scene *s, const BmGap *gap)
{
  BmMap *map = s->map;

  if (!s->fading)
    return TRUE;
  if (gap->actor != NULL && g_hash_table_contains (s->opt.highlighted, gap->actor))
    return TRUE;
  if (gap->actors != NULL)
    for (guint i = 0; gap->actors[i]; i++)
      if (g_hash_table_contains (s->opt.highlighted, gap->actors[i]))
        return TRUE;
  if (gap->kind == BM_GAP_MIDDLE_RANGE && gap->parties != NULL && gap->parties[0] != NULL)
    for (guint i = 0; i < s->n; i++)
      {
        const BmActor *a = bm_map_get_actor (map, i);
        if ((s->state[i] & ACTOR_HIGHLIGHTED) && a->party != NULL
            && strcmp (a->party, gap->parties[0]) == 0)
          return TRUE;
      }
  return FALSE;
}

/* The gap notes' texts and places, chosen before the names so that
 * both stay readable */
typedef struct
{
  TextStyle  text_style;
  char      *text;
  double     cx, cy;
  PillStyle  style;
} PlannedPill;

static void
planned_pill_clear (gpointer data)
{
  PlannedPill *pp = data;
  g_free (pp->text);
}

/* Take the first candidate centre (cx[k], cy[k]) whose pill is free, or
 * the first one when none is */
static void
plan_pill (Scene *s, RectIndex *taken, RectIndex *soft, TextStyle ts, const char *text,
           PillStyle style, const double *cx, const double *cy, int n)
{
  Text t = text_get (ts, text, 0);
  PlannedPill pp = { ts, g_strdup (text), cx[0], cy[0], style };
  BmRect box;
  gboolean found = FALSE;

  /* Clear of everything, else at least clear of what is already drawn */
  for (int pass = 0; pass < 2 && !found; pass++)
    for (int k = 0; k < n && !found; k++)
      {
        BmRect grown;
        box = pill_box (&t, cx[k], cy[k]);
        grown = box;
        grown.x -= 2;
        grown.y -= 2;
        grown.width += 4;
        grown.height += 4;
        if (within_bands (s, &box) && !rect_index_overlaps (taken, &grown)
            && (pass == 1 || !rect_index_overlaps (soft, &grown)))
          {
            pp.cx = cx[k];
            pp.cy = cy[k];
            found = TRUE;
          }
      }
  box = pill_box (&t, pp.cx, pp.cy);
  rect_index_add (taken, &box);
  g_array_append_val (s->pills, pp);
}

static void
plan_gap_notes (Scene *s)
{
  BmAnalysis *an = s->opt.analysis;
  BmMap *map = s->map;
  const BmRect *near;
  RectIndex *taken;
  g_autoptr(RectIndex) soft = NULL;

  s->pills = g_array_new (FALSE, TRUE, sizeof (PlannedPill));
  g_array_set_clear_func (s->pills, planned_pill_clear);
  if (!readable (s, 11, MIN_LABEL_PIXELS))
    return;
  taken = scene_obstacles (s, &near);

  /* Where names would go by default (below their shapes): notes keep off
   * them when they can */
  soft = rect_index_new ();
  if (s->opt.flags & BM_RENDER_LABELS)
    for (guint i = 0; i < s->n; i++)
      {
        const BmActor *a = bm_map_get_actor (map, i);
        double hx, hy;
        Text t;
        BmRect r;

        if (s->state[i] & ACTOR_SKIP)
          continue;
        shape_half_extents (a->track, s->radius[i], &hx, &hy);
        if (near != NULL && !rect_intersects (near, s->pos[i].x - hx, s->pos[i].y - hy,
                                              s->pos[i].x + hx, s->pos[i].y + hy))
          continue;
        t = label_text (s, a->name);
        label_candidate (0, s->pos[i].x, s->pos[i].y, hx, hy, t.width + 2 * LABEL_PAD_X,
                         t.height + 2 * LABEL_PAD_Y, &r);
        rect_index_add (soft, &r);
      }

  /* The warning signs first: they sit by their actors */
  for (guint g = 0; g < bm_analysis_get_n_gaps (an); g++)
    {
      const BmGap *gap = bm_analysis_get_gap (an, g);
      if (gap->kind != BM_GAP_TRANSFER || gap->actors == NULL)
        continue;
      for (guint i = 0; gap->actors[i]; i++)
        {
          int ai = actor_index (s, gap->actors[i]);
          double hx, hy;
          BmRect sign;
          if (ai < 0 || (s->state[ai] & ACTOR_SKIP))
            continue;
          shape_half_extents (bm_map_get_actor (map, ai)->track, s->radius[ai], &hx, &hy);
          sign.x = s->pos[ai].x - hx - 10;
          sign.y = s->pos[ai].y - hy * 0.6 - 6;
          sign.width = sign.height = 12;
          rect_index_add (taken, &sign);
        }
    }

  for (guint g = 0; g < bm_analysis_get_n_gaps (an); g++)
    {
      const BmGap *gap = bm_analysis_get_gap (an, g);

      /* With some actors highlighted, only their gaps keep their notes */
      if (!gap_in_focus (s, gap))
        continue;
      switch (gap->kind)
        {
        case BM_GAP_BACKCHANNEL:
          {
            gboolean critical = gap->severity == BM_SEVERITY_CRITICAL;
            static const double along[] = { 0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8 };
            double cx[G_N_ELEMENTS (along)], cy[G_N_ELEMENTS (along)];
            int a, b;

            if (!backchannel_pair (s, gap, &a, &b))
              break;
            /* On the connector, as near its middle as there is room */
            for (guint k = 0; k < G_N_ELEMENTS (along); k++)
              {
                cx[k] = s->pos[a].x + along[k] * (s->pos[b].x - s->pos[a].x);
                cy[k] = s->pos[a].y + along[k] * (s->pos[b].y - s->pos[a].y);
              }
            /* Translators: labels on the dashed line the diagram draws
             * between two leaderships that no Track 1.5 bridge links */
            plan_pill (s, taken, soft, critical ? TEXT_GAP_BOLD : TEXT_GAP,
                       critical ? _("No Track 1.5 bridge, no official channel")
                                : _("No Track 1.5 bridge"),
                       critical ? PILL_CRITICAL : PILL_WARNING, cx, cy, G_N_ELEMENTS (along));
          }
          break;

        case BM_GAP_TRANSFER:
          {
            int first = -1;
            g_autofree char *msg = NULL;
            Text t;
            double hx, hy, cx[4], cy[4];

            if (gap->actors == NULL)
              break;
            for (guint i = 0; gap->actors[i]; i++)
              {
                int ai = actor_index (s, gap->actors[i]);
                if (ai < 0 || (s->state[ai] & ACTOR_SKIP))
                  continue;
                if (first < 0 || s->pos[ai].y < s->pos[first].y
                    || (s->pos[ai].y == s->pos[first].y && s->pos[ai].x < s->pos[first].x))
                  first = ai;
              }
            if (first < 0)
              break;
            /* Translators: a note on the diagram beside a party's
             * unofficial actors; %s is the party's name */
            {
              const char *name = party_name (map, gap->parties ? gap->parties[0] : NULL);
              g_autofree char *isolated = NULL;

              /* A name written the other way would pull the words along */
              if (bm_name_needs_isolating (name))
                name = isolated = g_strconcat (BM_ISOLATE_START, name, BM_ISOLATE_END, NULL);
              msg = g_strdup_printf (_("%s: no Track 1.5 route up to its officials"), name);
            }
            t = text_get (TEXT_GAP, msg, 0);
            shape_half_extents (bm_map_get_actor (map, first)->track, s->radius[first], &hx, &hy);
            /* Above the highest stranded actor, or beside it */
            cx[0] = s->pos[first].x;
            cy[0] = s->pos[first].y - hy - 12 - t.height / 2;
            cx[1] = s->pos[first].x + hx + 16 + t.width / 2;
            cy[1] = s->pos[first].y - hy;
            cx[2] = s->pos[first].x - hx - 16 - t.width / 2;
            cy[2] = s->pos[first].y - hy;
            cx[3] = s->pos[first].x;
            cy[3] = s->pos[first].y - hy - 40 - t.height / 2;
            plan_pill (s, taken, soft, TEXT_GAP, msg, PILL_WARNING, cx, cy, 4);
          }
          break;

        case BM_GAP_ONE_SIDED_BRIDGE:
          {
            int ai = gap->actor ? actor_index (s, gap->actor) : -1;
            double hx, hy, x, y;
            double cx[5], cy[5];

            if (ai < 0 || (s->state[ai] & ACTOR_SKIP))
              break;
            shape_half_extents (bm_map_get_actor (map, ai)->track, s->radius[ai], &hx, &hy);
            x = s->pos[ai].x;
            y = s->pos[ai].y;
            /* By the shape's lower left corner, else around it */
            cx[0] = x - hx * 0.5; cy[0] = y + hy * 0.85;
            cx[1] = x - hx - 26;  cy[1] = y + hy * 0.4;
            cx[2] = x + hx + 26;  cy[2] = y + hy * 0.4;
            cx[3] = x - hx - 26;  cy[3] = y - hy * 0.4;
            cx[4] = x + hx + 26;  cy[4] = y - hy * 0.4;
            /* Translators: a small badge on a Track 1.5 bridge that
             * reaches the officials of one side only; keep it short */
            plan_pill (s, taken, soft, TEXT_GAP_BOLD, C_("gap badge", "one side"), PILL_WARNING,
                       cx, cy, 5);
          }
          break;

        case BM_GAP_MIDDLE_RANGE:
          {
            g_autofree char *msg =
              /* Translators: a note on the diagram's middle band; %s is
               * a party's name */
              g_strdup_printf (_("No middle-range link between the top and the grassroots of %s"),
                               party_name (map, gap->parties ? gap->parties[0] : NULL));
            Text t = text_get (TEXT_GAP, msg, 0);
            double w = t.width + 12, h = t.height + 6;
            double cx[40], cy[40];
            int n = 0;

            /* In the middle band, from its right end inwards */
            for (int col = 0; col < 8 && n < 40; col++)
              for (int row = 0; row < 5 && n < 40; row++)
                {
                  cx[n] = s->x1 - 14 - w / 2 - col * w * 0.5;
                  cy[n] = bm_level_band_top (BM_LEVEL_MIDDLE) + 10 + h / 2 + row * (h + 6);
                  n++;
                }
            plan_pill (s, taken, soft, TEXT_GAP, msg, PILL_INFO, cx, cy, n);
          }
          break;

        default:
          break;
        }
    }
}

/* The overlay, in two passes: @under (rings and connectors, beneath the
 * actors) and over (signs and the planned notes, on top) */
static void
draw_gaps (BmPainter *p, Scene *s, gboolean under)
{
  BmAnalysis *an = s->opt.analysis;
  BmMap *map = s->map;
  gboolean labels = readable (s, 11, MIN_LABEL_PIXELS);

  for (guint g = 0; g < bm_analysis_get_n_gaps (an); g++)
    {
      const BmGap *gap = bm_analysis_get_gap (an, g);
      double alpha = gap_in_focus (s, gap) ? 1.0 : 0.25;

      switch (gap->kind)
        {
        case BM_GAP_BACKCHANNEL:
          {
            gboolean critical = gap->severity == BM_SEVERITY_CRITICAL;
            TieGeom tg;
            int a, b;

            if (!under || !backchannel_pair (s, gap, &a, &b))
              break;
            for (guint i = 0; gap->actors[i]; i++)
              {
                int ai = actor_index (s, gap->actors[i]);
                if (!actor_in_view (s, ai))
                  continue;
                draw_gap_ring (p, bm_map_get_actor (map, ai)->track, s->pos[ai].x,
                               s->pos[ai].y, s->radius[ai], FALSE, alpha);
              }
            if (tie_geometry (bm_map_get_actor (map, a), s->radius[a] + 9, s->pos[a].x, s->pos[a].y,
                              bm_map_get_actor (map, b), s->radius[b] + 9, s->pos[b].x, s->pos[b].y,
                              0, FALSE, &tg))
              draw_gap_connector (p, tg.x1, tg.y1, tg.x2, tg.y2, critical, s->opt.clip, alpha);
          }
          break;

        case BM_GAP_TRANSFER:
          if (gap->actors == NULL)
            break;
          for (guint i = 0; gap->actors[i]; i++)
            {
              int ai = actor_index (s, gap->actors[i]);
              double hx, hy;

              if (!actor_in_view (s, ai))
                continue;
              shape_half_extents (bm_map_get_actor (map, ai)->track, s->radius[ai], &hx, &hy);
              if (under)
                draw_gap_ring (p, bm_map_get_actor (map, ai)->track, s->pos[ai].x,
                               s->pos[ai].y, s->radius[ai], TRUE, alpha);
              else
                draw_warning_sign (p, s->pos[ai].x - hx - 4, s->pos[ai].y - hy * 0.6, 12, alpha);
            }
          break;

        case BM_GAP_ONE_SIDED_BRIDGE:
          {
            int ai = gap->actor ? actor_index (s, gap->actor) : -1;
            double hx, hy;

            /* Too small for its note: a sign on the shape */
            if (under || labels || !actor_in_view (s, ai))
              break;
            shape_half_extents (bm_map_get_actor (map, ai)->track, s->radius[ai], &hx, &hy);
            draw_warning_sign (p, s->pos[ai].x - hx * 0.6, s->pos[ai].y + hy * 0.8, 12, alpha);
          }
          break;

        case BM_GAP_MIDDLE_RANGE:
        default:
          break;
        }
    }

  if (!under && s->pills != NULL)
    for (guint k = 0; k < s->pills->len; k++)
      {
        const PlannedPill *pp = &g_array_index (s->pills, PlannedPill, k);
        Text t = text_get (pp->text_style, pp->text, 0);
        draw_gap_pill (p, &t, pp->cx, pp->cy, pp->style, s->opt.clip);
      }
}

/* ---- title and legend ------------------------------------------------------------ */

static void
draw_title (BmPainter *p, Scene *s)
{
  double y = s->title_rect.y;
  double width = s->title_rect.width;

  if (!s->has_title || !rect_intersects (s->opt.clip, s->title_rect.x, s->title_rect.y,
                                         s->title_rect.x + s->title_rect.width,
                                         s->title_rect.y + s->title_rect.height))
    return;
  if (s->title != NULL)
    {
      Text t = text_get (TEXT_TITLE, s->title, width);
      text_show (p, &t, s->title_rect.x, y, COLOR_TEXT);
      y += t.height + 6;
    }
  if (s->subtitle != NULL)
    {
      Text t = text_get (TEXT_SUBTITLE, s->subtitle, width);
      text_show (p, &t, s->title_rect.x, y, 0x5e5c64);
    }
  bm_painter_flush_text (p);
}

static void
draw_legend (BmPainter *p, Scene *s)
{
  const BmRect *lr = &s->legend_rect;

  if (!s->has_legend || !rect_intersects (s->opt.clip, lr->x, lr->y, lr->x + lr->width,
                                          lr->y + lr->height))
    return;

  bm_painter_fill_begin (p, COLOR_PAPER, 1);
  bm_painter_rect (p, lr->x, lr->y, lr->width, lr->height);
  bm_painter_end (p);
  bm_painter_stroke_begin (p, 0xc0bfbc, 1, 1.2, BM_DASH_NONE, 0, 0);
  bm_painter_rect (p, lr->x, lr->y, lr->width, lr->height);
  bm_painter_end (p);

  for (guint i = 0; i < s->legend_rows->len; i++)
    {
      const LegendRow *row = &g_array_index (s->legend_rows, LegendRow, i);
      TextStyle style = row->kind == ROW_HEADING ? TEXT_LEGEND_HEADING : TEXT_LEGEND;
      Text t = text_get (style, row->text, 0);
      double sx = row->x + s->legend_symbol / 2 - 4;
      double cy = row->y + row->height / 2;
      double tx = row->x + (row->kind == ROW_HEADING ? 0 : s->legend_symbol);
      double ty = row->kind == ROW_HEADING ? row->y + row->height - t.height - 3
                                            : cy - t.height / 2;
      BmActor sample = { 0, };

      sample.kind = BM_ACTOR_PERSON;
      sample.track = BM_TRACK_2;
      sample.influence = 1;
      sample.party = (char *) "";

      switch (row->kind)
        {
        case ROW_HEADING:
          break;
        case ROW_TRACK:
          {
            /* The shape with its badge, always readable in the legend */
            Text b = text_get (TEXT_BADGE, track_badge (row->value), 0);
            double bx, by, bw, bh;

            sample.track = row->value;
            actor_draw_one (p, s, &sample, sx - 3, cy + 1.5, 8, 0xdeddda, 0, FALSE, FALSE);
            badge_geometry (row->value, sx - 3, cy + 1.5, 8, &b, &bx, &by, &bw, &bh);
            bx += 5;
            bm_painter_fill_begin (p, COLOR_PAPER, 1);
            bm_painter_pill (p, bx, by, bw, bh);
            bm_painter_end (p);
            bm_painter_stroke_begin (p, COLOR_OUTLINE, 1, 1.0, BM_DASH_NONE, 0, 0);
            bm_painter_pill (p, bx, by, bw, bh);
            bm_painter_end (p);
            text_show (p, &b, bx + (bw - b.width) / 2, by + (bh - b.height) / 2, COLOR_OUTLINE);
          }
          break;
        case ROW_KIND:
          sample.kind = row->value;
          actor_draw_one (p, s, &sample, sx, cy, 9.5, 0xdeddda, 0, TRUE, FALSE);
          break;
        case ROW_SIZE:
          actor_draw_one (p, s, &sample, sx - 8, cy + 3, 4.5, 0xdeddda, 0, FALSE, FALSE);
          actor_draw_one (p, s, &sample, sx + 6, cy, 9, 0xdeddda, 0, FALSE, FALSE);
          break;
        case ROW_PARTY:
          actor_draw_one (p, s, &sample, sx, cy, 8, row->color, 0, FALSE, FALSE);
          break;
        case ROW_THIRD:
          sample.party = NULL;
          actor_draw_one (p, s, &sample, sx - 1.5, cy - 1.5, 8, COLOR_THIRD, 0, FALSE, FALSE);
          break;
        case ROW_SECTOR:
          {
            Text lt = text_get (TEXT_SECTOR, sector_letter (row->value), 0);
            text_show (p, &lt, sx - lt.width / 2, cy - lt.height / 2, COLOR_OUTLINE);
          }
          break;
        case ROW_TIE:
          {
            BmTie tie = { 0, };
            TieGeom g = { sx - 17, cy, sx + 17, cy, 1, 0, 34 };
            tie.kind = row->value < 0 ? BM_TIE_CHANNEL : row->value;
            tie.strength = row->value < 0 ? 1 : 2;
            tie_draw_one (p, &tie, &g, FALSE, FALSE, TRUE, G_MAXDOUBLE);
          }
          break;
        case ROW_GAP_CRITICAL:
        case ROW_GAP_WARNING:
          draw_gap_connector (p, sx - 18, cy, sx + 18, cy, row->kind == ROW_GAP_CRITICAL, NULL, 1);
          break;
        case ROW_GAP_TRANSFER:
          sample.kind = BM_ACTOR_ORGANIZATION;
          actor_draw_one (p, s, &sample, sx + 5, cy, 6, 0xdeddda, 0, FALSE, FALSE);
          draw_gap_ring (p, BM_TRACK_2, sx + 5, cy, 6, TRUE, 1);
          draw_warning_sign (p, sx - 13, cy + 1, 11, 1);
          break;
        case ROW_GAP_ONE_SIDED:
          {
            Text gt = text_get (TEXT_GAP_BOLD, C_("gap badge", "one side"), 0);
            bm_painter_flush_text (p);
            draw_gap_pill (p, &gt, sx, cy, PILL_WARNING, NULL);
          }
          break;
        case ROW_GAP_MIDDLE:
          {
            Text gt = text_get (TEXT_GAP, "    ", 0);
            bm_painter_flush_text (p);
            draw_gap_pill (p, &gt, sx, cy, PILL_INFO, NULL);
          }
          break;
        default:
          break;
        }
      text_show (p, &t, tx, ty, COLOR_TEXT);
    }
  bm_painter_flush_text (p);
}

/* ---- public entry points ----------------------------------------------------------- */

/* Set BRIDGEMAP_RENDER_CAIRO=1 to draw everything with cairo paths (to
 * compare the two ways) */
static gboolean
raster_allowed (void)
{
  static int allowed = -1;
  if (allowed < 0)
    allowed = g_getenv ("BRIDGEMAP_RENDER_CAIRO") == NULL;
  return allowed;
}

void
bm_render_options_init (BmRenderOptions *options)
{
  g_return_if_fail (options != NULL);
  memset (options, 0, sizeof *options);
  options->flags = BM_RENDER_ALL;
}

static void
scene_extents (Scene *s, BmRect *ext)
{
  gboolean labels = (s->opt.flags & BM_RENDER_LABELS) != 0;

  ext->x = s->x0;
  ext->y = 0;
  ext->width = s->x1 - s->x0;
  ext->height = BM_BAND_HEIGHT * BM_N_LEVELS;
  if (s->actors_box.width >= 0)
    rect_union (ext, s->actors_box.x - 8, s->actors_box.y - 8,
                s->actors_box.x + s->actors_box.width + 8,
                s->actors_box.y + s->actors_box.height + 8);
  if (labels)
    rect_union (ext, ext->x, s->text_top, ext->x + ext->width, s->text_bottom);
  if (s->has_title)
    rect_union (ext, s->title_rect.x, s->title_rect.y, s->title_rect.x + s->title_rect.width,
                s->title_rect.y + s->title_rect.height);
  if (s->has_legend)
    rect_union (ext, s->legend_rect.x, s->legend_rect.y,
                s->legend_rect.x + s->legend_rect.width,
                s->legend_rect.y + s->legend_rect.height);
  ext->x -= CONTENT_MARGIN;
  ext->y -= CONTENT_MARGIN;
  ext->width += 2 * CONTENT_MARGIN;
  ext->height += 2 * CONTENT_MARGIN;
}

void
bm_render_get_extents (BmMap *map, const BmRenderOptions *options, BmRect *extents)
{
  g_autoptr(Scene) s = NULL;

  g_return_if_fail (BM_IS_MAP (map));
  g_return_if_fail (extents != NULL);

  s = scene_new (map, options, TRUE);
  scene_extents (s, extents);
}

void
bm_render_draw (cairo_t *cr, BmMap *map, const BmRenderOptions *options)
{
  g_autoptr(Scene) s = NULL;
  g_autoptr(TieLayout) tl = NULL;
  BmPainter *p;
  BmRenderFlags flags;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (BM_IS_MAP (map));

  s = scene_new (map, options, TRUE);
  flags = s->opt.flags;
  if (flags & (BM_RENDER_TIES | BM_RENDER_LABELS))
    tl = tie_layout_new (s, TRUE);
  if (s->show_gaps)
    plan_gap_notes (s);

  cairo_save (cr);
  p = bm_painter_new (cr, raster_allowed ());
  if (flags & BM_RENDER_PYRAMID)
    draw_pyramid (p, cr, s);
  if (flags & BM_RENDER_TIES)
    draw_ties (p, s, tl);
  if (s->show_gaps)
    draw_gaps (p, s, TRUE);
  if (flags & BM_RENDER_ACTORS)
    draw_actors (p, s);
  if ((flags & BM_RENDER_LABELS) && (flags & BM_RENDER_ACTORS))
    draw_labels (p, s, tl);
  if (s->show_gaps)
    draw_gaps (p, s, FALSE);
  if (flags & BM_RENDER_TITLE)
    draw_title (p, s);
  if (flags & BM_RENDER_LEGEND)
    draw_legend (p, s);
  bm_painter_free (p);
  cairo_restore (cr);
}

void
bm_render_draw_actor (cairo_t               *cr,
                      BmMap                 *map,
                      const BmActor         *actor,
                      double                 x,
                      double                 y,
                      const BmRenderOptions *options)
{
  BmRenderOptions opt;
  Scene s = { 0, };
  BmPainter *p;
  guint8 state = 0;
  guint32 fill;
  double r;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (BM_IS_MAP (map));
  g_return_if_fail (actor != NULL);

  if (options != NULL)
    opt = *options;
  else
    bm_render_options_init (&opt);
  s.map = map;
  s.opt = opt;
  s.ppu = opt.pixels_per_unit > 0 ? opt.pixels_per_unit : G_MAXDOUBLE;

  if (opt.selected && g_hash_table_contains (opt.selected, actor->id))
    state |= ACTOR_SELECTED;
  if (opt.highlighted && g_hash_table_size (opt.highlighted) > 0)
    state |= g_hash_table_contains (opt.highlighted, actor->id) ? ACTOR_HIGHLIGHTED : ACTOR_FADED;
  fill = bm_render_party_color (map, actor->party);
  r = bm_render_actor_radius (actor);

  cairo_save (cr);
  p = bm_painter_new (cr, raster_allowed ());
  actor_draw_one (p, &s, actor, x, y, r, fill, state, readable (&s, 10, 4), TRUE);
  if ((opt.flags & BM_RENDER_LABELS) && labels_readable (&s))
    {
      Text t = label_text (&s, actor->name);
      double hx, hy;
      BmRect box;

      shape_half_extents (actor->track, r, &hx, &hy);
      label_candidate (0, x, y, hx, hy, t.width + 2 * LABEL_PAD_X,
                       t.height + 2 * LABEL_PAD_Y, &box);
      bm_painter_fill_begin (p, COLOR_PAPER, 0.78);
      bm_painter_rect (p, box.x, box.y, box.width, box.height);
      bm_painter_end (p);
      text_show (p, &t, box.x + LABEL_PAD_X, box.y + LABEL_PAD_Y,
                 (state & ACTOR_FADED) ? FADE (COLOR_TEXT) : COLOR_TEXT);
    }
  bm_painter_free (p);
  cairo_restore (cr);
}

/* The sideways offset of @tie among the ties joining the same actors */
static double
single_tie_offset (BmMap *map, const BmTie *tie)
{
  guint n = bm_map_get_n_ties (map);
  guint total = 0, ordinal = 0;
  gboolean seen = FALSE;
  int fi, ti;
  double off;

  for (guint i = 0; i < n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      if ((strcmp (t->from, tie->from) == 0 && strcmp (t->to, tie->to) == 0)
          || (strcmp (t->from, tie->to) == 0 && strcmp (t->to, tie->from) == 0))
        {
          if (t == tie || strcmp (t->id, tie->id) == 0)
            seen = TRUE;
          else if (!seen)
            ordinal++;
          total++;
        }
    }
  if (total <= 1 || !seen)
    return 0;
  off = (ordinal - (total - 1) / 2.0) * PARALLEL_SPACING;
  fi = bm_map_actor_index (map, tie->from);
  ti = bm_map_actor_index (map, tie->to);
  return fi < ti ? off : -off;
}

void
bm_render_draw_tie (cairo_t               *cr,
                    BmMap                 *map,
                    const BmTie           *tie,
                    const BmPoint         *from,
                    const BmPoint         *to,
                    const BmRenderOptions *options)
{
  const BmActor *a, *b;
  TieGeom g;
  gboolean faded = FALSE, selected = FALSE;
  double ppu;
  BmPainter *p;

  g_return_if_fail (cr != NULL);
  g_return_if_fail (BM_IS_MAP (map));
  g_return_if_fail (tie != NULL && from != NULL && to != NULL);

  a = bm_map_lookup_actor (map, tie->from);
  b = bm_map_lookup_actor (map, tie->to);
  if (!tie_geometry (a, a ? bm_render_actor_radius (a) : 0, from->x, from->y,
                     b, b ? bm_render_actor_radius (b) : 0, to->x, to->y,
                     single_tie_offset (map, tie), bm_tie_kind_is_directed (tie->kind), &g))
    return;
  if (options != NULL)
    {
      if (options->highlighted && g_hash_table_size (options->highlighted) > 0)
        faded = !(g_hash_table_contains (options->highlighted, tie->from)
                  && g_hash_table_contains (options->highlighted, tie->to));
      selected = options->selected && g_hash_table_contains (options->selected, tie->id);
    }
  ppu = options && options->pixels_per_unit > 0 ? options->pixels_per_unit : G_MAXDOUBLE;
  cairo_save (cr);
  p = bm_painter_new (cr, raster_allowed ());
  tie_draw_one (p, tie, &g, faded, selected, 6 * ppu >= 2.5, ppu);
  bm_painter_free (p);
  cairo_restore (cr);
}

/* ---- hit testing ------------------------------------------------------------------- */

const BmActor *
bm_render_actor_at (BmMap *map, GHashTable *positions, double x, double y, double tolerance)
{
  g_autofree BmPoint *computed = NULL;
  guint n;

  g_return_val_if_fail (BM_IS_MAP (map), NULL);

  n = bm_map_get_n_actors (map);
  if (positions == NULL)
    computed = bm_layout_positions_array (map);
  /* The last drawn is on top */
  for (guint i = n; i > 0; i--)
    {
      const BmActor *a = bm_map_get_actor (map, i - 1);
      BmPoint p;
      double dx, dy, d, r, edge;

      if (computed != NULL)
        p = computed[i - 1];
      else
        {
          const BmPoint *q = g_hash_table_lookup (positions, a->id);
          if (q != NULL)
            p = *q;
          else if (a->has_position)
            p = (BmPoint) { a->x, a->y };
          else
            continue;
        }
      r = bm_render_actor_radius (a);
      dx = x - p.x;
      dy = y - p.y;
      /* Far away: no need for the exact shape */
      if (fabs (dx) > 1.3 * r + tolerance || fabs (dy) > 1.3 * r + tolerance)
        continue;
      d = hypot (dx, dy);
      edge = d < 1e-9 ? 0 : shape_edge (a->track, r, dx / d, dy / d);
      if (d <= edge + tolerance)
        return a;
    }
  return NULL;
}

static double
segment_distance (double px, double py, double x1, double y1, double x2, double y2)
{
  double dx = x2 - x1, dy = y2 - y1;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((px - x1) * dx + (py - y1) * dy) / len2 : 0;

  t = CLAMP (t, 0, 1);
  return hypot (px - (x1 + t * dx), py - (y1 + t * dy));
}

const BmTie *
bm_render_tie_at (BmMap *map, GHashTable *positions, double x, double y, double tolerance)
{
  BmRenderOptions opt;
  g_autoptr(Scene) s = NULL;
  g_autoptr(TieLayout) tl = NULL;
  const BmTie *best = NULL;
  double best_d = G_MAXDOUBLE;

  g_return_val_if_fail (BM_IS_MAP (map), NULL);

  bm_render_options_init (&opt);
  opt.positions = positions;
  s = scene_new (map, &opt, FALSE);
  tl = tie_layout_new (s, FALSE);

  for (guint i = 0; i < tl->n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      const TieGeom *g = &tl->geom[i];
      double d, reach;

      if (!tl->ok[i])
        continue;
      d = segment_distance (x, y, g->x1, g->y1, g->x2, g->y2);
      reach = tolerance + tie_width (t) / 2;
      if (t->kind == BM_TIE_CONFLICT)
        reach += 3.5 + tie_width (t);
      else if (t->kind == BM_TIE_ALLIANCE)
        reach += (tie_width (t) + 1.6) / 2;
      if (d <= reach && d < best_d)
        {
          best_d = d;
          best = t;
        }
    }
  return best;
}
