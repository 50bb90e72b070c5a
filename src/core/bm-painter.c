/* bm-painter.c: the renderer's drawing primitives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raster path computes, for every pixel near a shape, the distance
 * from the pixel's centre to the shape's outline, and covers it by
 * clamp (0.5 - distance): a one-pixel ramp, which is what a good
 * antialiasing rasteriser produces for straight edges.  Convex polygons
 * use the largest distance to their edges' lines (which strokes them with
 * mitred corners, as cairo does).  Pixels are blended with OVER into the
 * premultiplied ARGB32 (or RGB24) data of the image surface.
 */
#include "config.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <string.h>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "bm-painter.h"
#include "bm-render.h"

typedef enum
{
  MODE_NONE,
  MODE_FILL,
  MODE_STROKE,
} Mode;

/* A stretch of glyphs that shares one direction, with the text behind it:
 * the glyphs are in visual order, the clusters and the text in logical
 * order, so right-to-left pieces map their clusters from the last glyph
 * back (CAIRO_TEXT_CLUSTER_FLAG_BACKWARD) */
typedef struct
{
  guint    n_glyphs;
  guint    n_bytes;
  guint    n_clusters;
  gboolean backward;
} TextPiece;

typedef struct
{
  cairo_scaled_font_t *font;
  guint32              rgb;
  double               alpha;
  GArray              *glyphs;  /* cairo_glyph_t */
  /* Only when the painter keeps the text (see keep_text) */
  GString             *utf8;
  GArray              *clusters; /* cairo_text_cluster_t */
  GArray              *pieces;   /* TextPiece, in the order of the glyphs */
} TextBucket;

/* The source colour, copied out of the painter so that the compiler need
 * not reload it after every pixel store */
typedef struct
{
  guint32  rb, ag;      /* 0x00rr00bb, 0x00ff00gg */
  double   alpha;       /* 0..255 */
  guint32  opaque;      /* the pixel at full coverage when alpha is 255 */
} Src;

typedef enum
{
  REC_SEGMENT,
  REC_POLYGON,
  REC_POLYLINE,   /* square caps, the pieces overlapping at the joins */
  REC_DOTS,       /* dots of radius hw every @ring pixels from (x1, y1) */
} RecType;

typedef struct
{
  RecType  type;
  gboolean round;
  int      n;          /* polygon, polyline: points, from rec_points[first] */
  guint    first;
  double   x1, y1, x2, y2, hw, ring;
  double   ymin, ymax;
  Src      src;
} Rec;

struct _BmPainter
{
  cairo_t         *cr;
  gboolean         raster;

  /* Raster target */
  cairo_surface_t *target;
  guint8          *data;
  int              stride;
  gboolean         has_alpha;
  double           scale, ox, oy;       /* pixel = scale × map + offset */
  int              cx0, cy0, cx1, cy1;  /* pixel clip, end exclusive */
  gboolean         pixels_written;      /* since cairo last drew */

  /* Current style */
  Mode             mode;
  guint32          rgb;
  double           alpha;
  double           width;
  BmDash           dash;
  double           dash_on, dash_period;
  int              cairo_pending;
  guint            src[3];              /* 0..255 */
  guint            src_alpha;           /* 0..255 */

  GPtrArray       *text;                /* TextBucket */
  gboolean         keep_text;           /* the target stores text (PDF) */
  GPtrArray       *svg_lines;           /* SvgLine, owned by the SVG target */

  /* Raster shapes waiting to be drawn (see "display list") */
  GArray          *recs;                /* Rec */
  GArray          *rec_points;          /* double, polygon corners */
  gsize            peak_bytes;          /* the most they held */
};

/* ---- set-up --------------------------------------------------------------- */

static void
text_bucket_free (gpointer data)
{
  TextBucket *b = data;
  cairo_scaled_font_destroy (b->font);
  g_array_unref (b->glyphs);
  if (b->utf8 != NULL)
    g_string_free (b->utf8, TRUE);
  g_clear_pointer (&b->clusters, g_array_unref);
  g_clear_pointer (&b->pieces, g_array_unref);
  g_free (b);
}

static gboolean
setup_raster (BmPainter *p)
{
  cairo_t *cr = p->cr;
  cairo_surface_t *target = cairo_get_group_target (cr);
  cairo_format_t format;
  cairo_matrix_t m;
  double dsx, dsy, dox, doy;
  cairo_rectangle_list_t *clips;
  double x0, y0, x1, y1;
  int w, h;

  if (target == NULL || cairo_surface_get_type (target) != CAIRO_SURFACE_TYPE_IMAGE)
    return FALSE;
  format = cairo_image_surface_get_format (target);
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24)
    return FALSE;
  if (cairo_get_operator (cr) != CAIRO_OPERATOR_OVER)
    return FALSE;
  cairo_get_matrix (cr, &m);
  if (m.xy != 0 || m.yx != 0 || m.xx <= 0 || fabs (m.xx - m.yy) > 1e-9 * m.xx)
    return FALSE;
  cairo_surface_get_device_scale (target, &dsx, &dsy);
  if (dsx != dsy || dsx <= 0)
    return FALSE;
  cairo_surface_get_device_offset (target, &dox, &doy);

  clips = cairo_copy_clip_rectangle_list (cr);
  if (clips->status != CAIRO_STATUS_SUCCESS || clips->num_rectangles > 1)
    {
      cairo_rectangle_list_destroy (clips);
      return FALSE;
    }

  cairo_surface_flush (target);
  p->target = target;
  p->data = cairo_image_surface_get_data (target);
  p->stride = cairo_image_surface_get_stride (target);
  p->has_alpha = format == CAIRO_FORMAT_ARGB32;
  w = cairo_image_surface_get_width (target);
  h = cairo_image_surface_get_height (target);
  p->scale = m.xx * dsx;
  p->ox = m.x0 * dsx + dox;
  p->oy = m.y0 * dsy + doy;

  p->cx0 = 0;
  p->cy0 = 0;
  p->cx1 = w;
  p->cy1 = h;
  if (clips->num_rectangles == 0)
    p->cx1 = p->cy1 = 0;
  else
    {
      /* The clip is in user space */
      const cairo_rectangle_t *r = &clips->rectangles[0];
      x0 = p->scale * r->x + p->ox;
      y0 = p->scale * r->y + p->oy;
      x1 = p->scale * (r->x + r->width) + p->ox;
      y1 = p->scale * (r->y + r->height) + p->oy;
      p->cx0 = MAX (p->cx0, (int) floor (x0 + 1e-6));
      p->cy0 = MAX (p->cy0, (int) floor (y0 + 1e-6));
      p->cx1 = MIN (p->cx1, (int) ceil (x1 - 1e-6));
      p->cy1 = MIN (p->cy1, (int) ceil (y1 - 1e-6));
    }
  cairo_rectangle_list_destroy (clips);
  return p->data != NULL;
}

/* The record arrays of the last painter on this thread, kept with their
 * memory: a draw then reuses it instead of growing fresh arrays (and
 * faulting fresh pages in) every time */
typedef struct
{
  GArray *recs;
  GArray *points;
} Spare;

static void
spare_free (gpointer data)
{
  Spare *spare = data;
  g_clear_pointer (&spare->recs, g_array_unref);
  g_clear_pointer (&spare->points, g_array_unref);
  g_free (spare);
}

static GPrivate spare_key = G_PRIVATE_INIT (spare_free);

/* cairo's SVG surface writes glyphs as outlines, so the lines of text drawn
 * on one are kept on it (in its units) for bm_painter_write_svg_text() */
typedef struct
{
  char    *text;           /* logical order */
  double   x, baseline;    /* the line's start: left edge, or right edge if rtl */
  double   width, size;
  gboolean rtl;
} SvgLine;

static const cairo_user_data_key_t svg_lines_key;

static void
svg_line_free (gpointer data)
{
  SvgLine *line = data;
  g_free (line->text);
  g_free (line);
}

static GPtrArray *
svg_lines_of (cairo_surface_t *surface)
{
  GPtrArray *lines = cairo_surface_get_user_data (surface, &svg_lines_key);

  if (lines == NULL)
    {
      lines = g_ptr_array_new_with_free_func (svg_line_free);
      if (cairo_surface_set_user_data (surface, &svg_lines_key, lines,
                                       (cairo_destroy_func_t) g_ptr_array_unref)
          != CAIRO_STATUS_SUCCESS)
        {
          g_ptr_array_unref (lines);
          return NULL;
        }
    }
  return lines;
}

/* Kept arrays larger than this are let go after use */
#define SPARE_MAX_BYTES (64 * 1024 * 1024)

BmPainter *
bm_painter_new (cairo_t *cr, gboolean allow_raster)
{
  BmPainter *p = g_new0 (BmPainter, 1);
  Spare *spare = g_private_get (&spare_key);

  p->cr = cairo_reference (cr);
  p->raster = allow_raster && setup_raster (p);
  p->text = g_ptr_array_new_with_free_func (text_bucket_free);
  /* Vector surfaces that can say which characters a glyph shows (PDF) get
   * the text too, so that it can be copied and searched */
  p->keep_text = !p->raster && cairo_surface_has_show_text_glyphs (cairo_get_target (cr));
  if (!p->raster && cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_SVG)
    p->svg_lines = svg_lines_of (cairo_get_target (cr));
  if (spare != NULL && spare->recs != NULL)
    {
      p->recs = g_steal_pointer (&spare->recs);
      p->rec_points = g_steal_pointer (&spare->points);
    }
  else
    {
      p->recs = g_array_new (FALSE, FALSE, sizeof (Rec));
      p->rec_points = g_array_new (FALSE, FALSE, sizeof (double));
    }
  return p;
}

gboolean
bm_painter_is_raster (BmPainter *p)
{
  return p->raster;
}

static void replay (BmPainter *p);

void
bm_painter_sync (BmPainter *p)
{
  if (p->raster)
    replay (p);
  if (p->raster && p->pixels_written)
    {
      cairo_surface_mark_dirty (p->target);
      p->pixels_written = FALSE;
    }
}

/* Before recording raster shapes */
static void
raster_prepare (BmPainter *p)
{
}

void
bm_painter_free (BmPainter *p)
{
  if (p == NULL)
    return;
  bm_painter_flush_text (p);
  bm_painter_sync (p);
  g_ptr_array_unref (p->text);
  {
    Spare *spare = g_private_get (&spare_key);

    if (spare == NULL)
      {
        spare = g_new0 (Spare, 1);
        g_private_set (&spare_key, spare);
      }
    g_array_set_size (p->recs, 0);
    g_array_set_size (p->rec_points, 0);
    if (spare->recs == NULL && p->peak_bytes <= SPARE_MAX_BYTES)
      {
        spare->recs = g_steal_pointer (&p->recs);
        spare->points = g_steal_pointer (&p->rec_points);
      }
    g_clear_pointer (&p->recs, g_array_unref);
    g_clear_pointer (&p->rec_points, g_array_unref);
  }
  cairo_destroy (p->cr);
  g_free (p);
}

/* ---- style ------------------------------------------------------------------ */

static void
set_style (BmPainter *p, Mode mode, guint32 rgb, double alpha)
{
  p->mode = mode;
  p->rgb = rgb;
  p->alpha = CLAMP (alpha, 0, 1);
  p->src[0] = (rgb >> 16) & 0xff;
  p->src[1] = (rgb >> 8) & 0xff;
  p->src[2] = rgb & 0xff;
  p->src_alpha = (guint) lround (p->alpha * 255);
  p->cairo_pending = 0;
  if (!p->raster)
    cairo_set_source_rgba (p->cr, p->src[0] / 255.0, p->src[1] / 255.0, p->src[2] / 255.0,
                           p->alpha);
}

void
bm_painter_fill_begin (BmPainter *p, guint32 rgb, double alpha)
{
  set_style (p, MODE_FILL, rgb, alpha);
  if (!p->raster)
    cairo_new_path (p->cr);
}

void
bm_painter_stroke_begin (BmPainter *p, guint32 rgb, double alpha, double width,
                         BmDash dash, double on, double period)
{
  set_style (p, MODE_STROKE, rgb, alpha);
  p->width = width;
  p->dash = dash;
  p->dash_on = on;
  p->dash_period = period;
  if (!p->raster)
    {
      cairo_t *cr = p->cr;
      cairo_new_path (cr);
      cairo_set_line_width (cr, width);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_MITER);
      cairo_set_miter_limit (cr, 10);
      if (dash == BM_DASH_DOTS)
        {
          double d[2] = { 0, period };
          cairo_set_dash (cr, d, 2, 0);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
        }
      else if (dash == BM_DASH_DASHES)
        {
          double d[2] = { on, period - on };
          cairo_set_dash (cr, d, 2, 0);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
        }
      else
        {
          cairo_set_dash (cr, NULL, 0, 0);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
        }
    }
}

void
bm_painter_end (BmPainter *p)
{
  if (!p->raster && p->cairo_pending > 0)
    {
      if (p->mode == MODE_FILL)
        cairo_fill (p->cr);
      else
        cairo_stroke (p->cr);
    }
  if (!p->raster)
    {
      cairo_new_path (p->cr);
      cairo_set_dash (p->cr, NULL, 0, 0);
    }
  p->cairo_pending = 0;
  p->mode = MODE_NONE;
}

/* cairo: strokes go one shape at a time (a path of many crossing lines
 * is far slower to stroke than the lines one by one), fills are batched */
static void
cairo_shape_done (BmPainter *p)
{
  if (p->mode == MODE_STROKE)
    cairo_stroke (p->cr);
  else
    p->cairo_pending++;
}

/* ---- pixels ------------------------------------------------------------------- */

static inline Src
src_of (BmPainter *p)
{
  Src s;
  guint r = p->src[0], g = p->src[1], b = p->src[2];

  s.rb = (r << 16) | b;
  s.ag = (0xffu << 16) | g;
  s.alpha = p->src_alpha;
  s.opaque = p->src_alpha == 255 ? (0xff000000u | (r << 16) | (g << 8) | b) : 0;
  return s;
}

/* OVER with coverage in (0, 1]: two channels per multiplication (the
 * products fit in 16 bits since a + inv = 255), then the usual rounded
 * division by 255 */
static inline void
blend (const Src *s, guint32 *px, double coverage)
{
  guint a, inv;
  guint32 d, rb, ag;

  if (coverage >= 1.0 && s->opaque)
    {
      *px = s->opaque;
      return;
    }
  a = (guint) (s->alpha * MIN (coverage, 1.0) + 0.5);
  if (a == 0)
    return;
  inv = 255 - a;
  d = *px;
  rb = (d & 0xff00ffu) * inv + s->rb * a;
  ag = ((d >> 8) & 0xff00ffu) * inv + s->ag * a;
  rb = ((rb + 0x800080u + ((rb >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
  ag = ((ag + 0x800080u + ((ag >> 8) & 0xff00ffu)) >> 8) & 0xff00ffu;
  *px = rb | (ag << 8);
}

/* Full coverage from pixel i0 to i1 (exclusive) */
static void
blend_span (const Src *s, guint32 *row, int i0, int i1)
{
  if (s->opaque)
    for (int i = i0; i < i1; i++)
      row[i] = s->opaque;
  else
    for (int i = i0; i < i1; i++)
      blend (s, &row[i], 1.0);
}

/* Where a rasteriser may write: the clip, or one strip of it */
typedef struct
{
  guint8 *data;
  int     stride;
  int     cx0, cy0, cx1, cy1;
} Window;

static inline guint32 *
row_ptr (const Window *p, int y)
{
  return (guint32 *) (p->data + (gsize) y * p->stride);
}

/* x-interval where lo ≤ a·x + b ≤ hi; FALSE when empty */
static gboolean
linear_range (double a, double b, double lo, double hi, double *x0, double *x1)
{
  if (fabs (a) < 1e-12)
    {
      if (b < lo || b > hi)
        return FALSE;
      *x0 = -G_MAXDOUBLE;
      *x1 = G_MAXDOUBLE;
      return TRUE;
    }
  *x0 = (lo - b) / a;
  *x1 = (hi - b) / a;
  if (*x0 > *x1)
    {
      double t = *x0;
      *x0 = *x1;
      *x1 = t;
    }
  return TRUE;
}

/* Doubles are clamped before becoming ints: positions may be anywhere
 * within ±10⁹ map units, far beyond int pixels at any scale */
static void
clip_rows (const Window *p, double ymin, double ymax, int *j0, int *j1)
{
  *j0 = MAX (p->cy0, (int) floor (CLAMP (ymin, p->cy0 - 1.0, p->cy1 + 1.0)));
  *j1 = MIN (p->cy1, (int) ceil (CLAMP (ymax, p->cy0 - 1.0, p->cy1 + 1.0)) + 1);
}

static inline int
ifloor (double v)
{
  int i = (int) v;
  return i - (v < i);
}

static inline int
iceil (double v)
{
  int i = (int) v;
  return i + (v > i);
}

/* The pixels whose centres lie in [xa, xb], within the clip */
static inline void
clip_cols (const Window *p, double xa, double xb, int *i0, int *i1)
{
  double lo = MAX (xa, p->cx0 - 1.0), hi = MIN (xb, p->cx1 + 1.0);
  *i0 = MAX (p->cx0, iceil (lo - 0.5));
  *i1 = MIN (p->cx1, ifloor (hi - 0.5) + 1);
}

/* The pixels of one row of a butt-capped segment, four at a time with
 * SSE2 (every x86-64 processor): coverage = clamp (reach - |perp|) ×
 * clamp (along + ½) × clamp (len - along + ½).  The blend needs no
 * special case: a = 0 leaves the pixel as it was and a = 255 writes the
 * source exactly, so the last vector may run past the span (its extra
 * lanes uncovered) as long as it stays within the clip, @room pixels from
 * @row.  The vector and the scalar code give the same pixels. */
#if defined(__SSE2__)
/* The vector blend of four pixels: OVER with alpha @a (0..255 in each
 * 32-bit lane), the products two channels at a time in 16-bit lanes */
static inline __m128i
blend4_sse2 (__m128i d, __m128i a, __m128i srb, __m128i sag)
{
  const __m128i m = _mm_set1_epi32 (0xff00ff), rnd = _mm_set1_epi32 (0x800080);
  __m128i a2 = _mm_or_si128 (a, _mm_slli_epi32 (a, 16));
  __m128i inv2 = _mm_sub_epi16 (m, a2);
  __m128i rb = _mm_add_epi16 (_mm_mullo_epi16 (_mm_and_si128 (d, m), inv2), _mm_mullo_epi16 (srb, a2));
  __m128i ag = _mm_add_epi16 (_mm_mullo_epi16 (_mm_and_si128 (_mm_srli_epi32 (d, 8), m), inv2),
                              _mm_mullo_epi16 (sag, a2));
  rb = _mm_srli_epi16 (_mm_add_epi16 (_mm_add_epi16 (rb, rnd), _mm_srli_epi16 (rb, 8)), 8);
  ag = _mm_srli_epi16 (_mm_add_epi16 (_mm_add_epi16 (ag, rnd), _mm_srli_epi16 (ag, 8)), 8);
  return _mm_or_si128 (rb, _mm_slli_epi32 (ag, 8));
}

static inline __m128
clamp01_sse2 (__m128 x)
{
  return _mm_min_ps (_mm_max_ps (x, _mm_setzero_ps ()), _mm_set1_ps (1));
}
#endif

/* Eight pixels at a time where the processor has AVX2 (chosen at run
 * time, the build staying generic), computed exactly as the SSE2 loop
 * does lane by lane.  Returns how many pixels it drew. */
#if defined(__GNUC__) && defined(__x86_64__) && defined(__SSE2__)
#define HAVE_AVX2_SPANS 1

static gboolean
have_avx2 (void)
{
  static int avx2 = -1;

  if (avx2 < 0)
    avx2 = __builtin_cpu_supports ("avx2") ? 1 : 0;
  return avx2;
}

__attribute__ ((target ("avx2"))) static int
span_butt_avx2 (guint32 *row, int n, int room, double perp, double along, double nx, double ux,
                double reach, double len, const Src *s)
{
  const __m256 lanes = _mm256_set_ps (7, 6, 5, 4, 3, 2, 1, 0);
  const __m256 half = _mm256_set1_ps (0.5f), zero = _mm256_setzero_ps (), one = _mm256_set1_ps (1);
  const __m256 vreach = _mm256_set1_ps (reach);
  const __m256 vend = _mm256_set1_ps (len + 0.5);
  const __m256 valpha = _mm256_set1_ps (s->alpha);
  const __m256 vnx = _mm256_set1_ps (nx), vux = _mm256_set1_ps (ux);
  const __m256 vp0 = _mm256_set1_ps (perp), va0 = _mm256_set1_ps (along);
  const __m256 vn = _mm256_set1_ps (n);
  const __m256 abs_mask = _mm256_castsi256_ps (_mm256_set1_epi32 (0x7fffffff));
  const __m256i srb = _mm256_set1_epi32 (s->rb), sag = _mm256_set1_epi32 (s->ag);
  const __m256i m = _mm256_set1_epi32 (0xff00ff), rnd = _mm256_set1_epi32 (0x800080);
  int end = n + 7 <= room ? n : n - (n & 7);
  int i = 0;

  for (; i < end; i += 8)
    {
      __m256 vi = _mm256_add_ps (_mm256_set1_ps ((float) i), lanes);
      __m256 vp = _mm256_add_ps (vp0, _mm256_mul_ps (vi, vnx));
      __m256 va = _mm256_add_ps (va0, _mm256_mul_ps (vi, vux));
      __m256 c = _mm256_sub_ps (vreach, _mm256_and_ps (vp, abs_mask));
      __m256i a, a2, inv2, d, rb, ag;

      c = _mm256_min_ps (_mm256_max_ps (c, zero), one);
      c = _mm256_mul_ps (c, _mm256_min_ps (_mm256_max_ps (_mm256_add_ps (va, half), zero), one));
      c = _mm256_mul_ps (c, _mm256_min_ps (_mm256_max_ps (_mm256_sub_ps (vend, va), zero), one));
      c = _mm256_and_ps (c, _mm256_cmp_ps (vi, vn, _CMP_LT_OQ));
      a = _mm256_cvttps_epi32 (_mm256_add_ps (_mm256_mul_ps (valpha, c), half));

      d = _mm256_loadu_si256 ((const __m256i *) (row + i));
      a2 = _mm256_or_si256 (a, _mm256_slli_epi32 (a, 16));
      inv2 = _mm256_sub_epi16 (m, a2);
      rb = _mm256_add_epi16 (_mm256_mullo_epi16 (_mm256_and_si256 (d, m), inv2),
                             _mm256_mullo_epi16 (srb, a2));
      ag = _mm256_add_epi16 (_mm256_mullo_epi16 (_mm256_and_si256 (_mm256_srli_epi32 (d, 8), m), inv2),
                             _mm256_mullo_epi16 (sag, a2));
      rb = _mm256_srli_epi16 (_mm256_add_epi16 (_mm256_add_epi16 (rb, rnd), _mm256_srli_epi16 (rb, 8)), 8);
      ag = _mm256_srli_epi16 (_mm256_add_epi16 (_mm256_add_epi16 (ag, rnd), _mm256_srli_epi16 (ag, 8)), 8);
      _mm256_storeu_si256 ((__m256i *) (row + i), _mm256_or_si256 (rb, _mm256_slli_epi32 (ag, 8)));
    }
  return i;
}
#endif

static void
span_butt (guint32 *row, int n, int room, double perp, double along, double nx, double ux,
           double reach, double len, const Src *s)
{
  int i = 0;

#ifdef HAVE_AVX2_SPANS
  if (have_avx2 ())
    i = span_butt_avx2 (row, n, room, perp, along, nx, ux, reach, len, s);
#endif
#if defined(__SSE2__)
  if (i < n)
    {
      const __m128 lanes = _mm_set_ps (3, 2, 1, 0);
      const __m128 half = _mm_set1_ps (0.5f);
      const __m128 vreach = _mm_set1_ps (reach);
      const __m128 vend = _mm_set1_ps (len + 0.5);
      const __m128 valpha = _mm_set1_ps (s->alpha);
      const __m128 vnx = _mm_set1_ps (nx), vux = _mm_set1_ps (ux);
      const __m128 vp0 = _mm_set1_ps (perp), va0 = _mm_set1_ps (along);
      const __m128 vn = _mm_set1_ps (n);
      const __m128 abs_mask = _mm_castsi128_ps (_mm_set1_epi32 (0x7fffffff));
      const __m128i srb = _mm_set1_epi32 (s->rb), sag = _mm_set1_epi32 (s->ag);
      /* Whole vectors, the last one with its lanes past the span left
       * uncovered, so long as it stays within the clip */
      int end = n + 3 <= room ? n : n - (n & 3);

      for (; i < end; i += 4)
        {
          __m128 vi = _mm_add_ps (_mm_set1_ps ((float) i), lanes);
          __m128 vp = _mm_add_ps (vp0, _mm_mul_ps (vi, vnx));
          __m128 va = _mm_add_ps (va0, _mm_mul_ps (vi, vux));
          __m128 c = clamp01_sse2 (_mm_sub_ps (vreach, _mm_and_ps (vp, abs_mask)));
          __m128i a, d;

          c = _mm_mul_ps (c, clamp01_sse2 (_mm_add_ps (va, half)));
          c = _mm_mul_ps (c, clamp01_sse2 (_mm_sub_ps (vend, va)));
          c = _mm_and_ps (c, _mm_cmplt_ps (vi, vn));
          a = _mm_cvttps_epi32 (_mm_add_ps (_mm_mul_ps (valpha, c), half));
          d = _mm_loadu_si128 ((const __m128i *) (row + i));
          _mm_storeu_si128 ((__m128i *) (row + i), blend4_sse2 (d, a, srb, sag));
        }
    }
#endif

  for (; i < n; i++)
    {
      double p = perp + i * nx, al = along + i * ux;
      double cov = CLAMP (reach - fabs (p), 0, 1) * CLAMP (al + 0.5, 0, 1)
                   * CLAMP (len - al + 0.5, 0, 1);
      if (cov > 0)
        blend (s, &row[i], cov);
    }
}

/* The columns [*xa, *xb] of a row that lie within @reach of the line
 * through (x1, y1) along (ux, uy), normal (nx, ny), and between @amin and
 * @amax along it; @py is the row's centre less y1.  FALSE when none. */
static gboolean
band_row_span (double x1, double py, double ux, double uy, double nx, double ny,
               double reach, double amin, double amax, double *xa, double *xb)
{
  /* |perp| ≤ reach */
  if (fabs (nx) > 1e-12)
    {
      double inv_nx = 1 / nx;
      double c = x1 - py * ny * inv_nx, h = reach * fabs (inv_nx);
      *xa = c - h;
      *xb = c + h;
    }
  else
    {
      if (fabs (py * ny) > reach)
        return FALSE;
      *xa = -G_MAXDOUBLE;
      *xb = G_MAXDOUBLE;
    }
  /* amin ≤ along ≤ amax */
  if (fabs (ux) > 1e-12)
    {
      double inv_ux = 1 / ux;
      double c0 = x1 + (amin - py * uy) * inv_ux, c1 = x1 + (amax - py * uy) * inv_ux;
      *xa = MAX (*xa, MIN (c0, c1));
      *xb = MIN (*xb, MAX (c0, c1));
    }
  else if (py * uy < amin || py * uy > amax)
    return FALSE;
  return *xa <= *xb;
}

/* A segment in pixels with half width hw.  round: round caps, else butt.
 * ring ≥ 0: only a line of half width hw at distance ring from the
 * segment (the outline of a pill or of a circle). */
static void
rasterize_segment (const Window *p, const Src *srcp, double x1, double y1, double x2, double y2,
                   double hw, gboolean round, double ring)
{
  const Src src = *srcp;
  double dx = x2 - x1, dy = y2 - y1;
  double len = sqrt (dx * dx + dy * dy);
  double ux, uy, nx, ny;
  double reach = (ring >= 0 ? ring + hw : hw) + 0.5;
  double amin, amax;
  int j0, j1;

  if (len < 1e-9)
    {
      if (!round)
        return;
      ux = 1;
      uy = 0;
      len = 0;
    }
  else
    {
      ux = dx / len;
      uy = dy / len;
    }
  nx = -uy;
  ny = ux;
  amin = round ? -reach : -0.5;
  amax = round ? len + reach : len + 0.5;

  clip_rows (p, MIN (y1, y2) - reach - 1, MAX (y1, y2) + reach + 1, &j0, &j1);
  for (int j = j0; j < j1; j++)
    {
      double py = j + 0.5 - y1;
      double xa, xb;
      int i0, i1;
      guint32 *row;
      double perp, along;

      if (!band_row_span (x1, py, ux, uy, nx, ny, reach, amin, amax, &xa, &xb))
        continue;
      clip_cols (p, xa, xb, &i0, &i1);
      if (i0 >= i1)
        continue;
      row = row_ptr (p, j);
      perp = (i0 + 0.5 - x1) * nx + py * ny;
      along = (i0 + 0.5 - x1) * ux + py * uy;

      if (!round)
        span_butt (row + i0, i1 - i0, p->cx1 - i0, perp, along, nx, ux, reach, len, &src);
      else
        {
          /* A fill: the span fully inside (of a circle, or of a pill's
           * straight part) needs no distances */
          int f0 = i1, f1 = i1;
          if (ring < 0 && hw > 1)
            {
              double inner = hw - 0.5, fa, fb;
              gboolean ok = TRUE;
              if (len == 0)
                {
                  double h2 = inner * inner - py * py;
                  ok = h2 > 0;
                  fa = x1 - (ok ? sqrt (h2) : 0);
                  fb = x1 + (ok ? sqrt (h2) : 0);
                }
              else
                ok = linear_range (nx, py * ny - x1 * nx, -inner, inner, &fa, &fb)
                     && linear_range (ux, py * uy - x1 * ux, 0, len, &xa, &xb)
                     && (fa = MAX (fa, xa)) <= (fb = MIN (fb, xb));
              if (ok)
                {
                  f0 = MAX (i0, iceil (fa - 0.5));
                  f1 = MIN (i1, ifloor (fb - 0.5) + 1);
                  if (f0 >= f1)
                    f0 = f1 = i1;
                }
            }
          for (int i = i0; i < i1; i++, perp += nx, along += ux)
            {
              double dist, cov;
              if (i == f0)
                {
                  blend_span (&src, row, f0, f1);
                  perp += (f1 - 1 - i) * nx;
                  along += (f1 - 1 - i) * ux;
                  i = f1 - 1;
                  continue;
                }
              if (along < 0)
                dist = sqrt (perp * perp + along * along);
              else if (along > len)
                dist = sqrt (perp * perp + (along - len) * (along - len));
              else
                dist = fabs (perp);
              if (ring >= 0)
                dist = fabs (dist - ring);
              cov = hw + 0.5 - dist;
              if (cov > 0)
                blend (&src, &row[i], cov);
            }
        }
    }
}

/* The pixels of one row of a dotted line: coverage = reach - the distance
 * to the nearest dot (the k-th, k clamped to 0 … kmax, @period apart),
 * four at a time with SSE2 (in single precision: a shade may differ from
 * the scalar code's now and then) */
static void
span_dots (guint32 *row, int n, int room, double perp, double along, double nx, double ux,
           double reach, double period, int kmax, const Src *s)
{
  int i = 0;

#if defined(__SSE2__)
  {
    const __m128 lanes = _mm_set_ps (3, 2, 1, 0);
    const __m128 half = _mm_set1_ps (0.5f);
    const __m128 vreach = _mm_set1_ps (reach);
    const __m128 vperiod = _mm_set1_ps (period), vinv = _mm_set1_ps (1 / period);
    const __m128i vkmax = _mm_set1_epi32 (kmax);
    const __m128 valpha = _mm_set1_ps (s->alpha);
    const __m128 vnx = _mm_set1_ps (nx), vux = _mm_set1_ps (ux);
    const __m128 vp0 = _mm_set1_ps (perp), va0 = _mm_set1_ps (along);
    const __m128 vn = _mm_set1_ps (n);
    const __m128i srb = _mm_set1_epi32 (s->rb), sag = _mm_set1_epi32 (s->ag);
    int end = n + 3 <= room ? n : n - (n & 3);

    for (; i < end; i += 4)
      {
        __m128 vi = _mm_add_ps (_mm_set1_ps ((float) i), lanes);
        __m128 vp = _mm_add_ps (vp0, _mm_mul_ps (vi, vnx));
        __m128 va = _mm_add_ps (va0, _mm_mul_ps (vi, vux));
        /* Truncation is the floor here: what it rounds up is below 0 */
        __m128i k = _mm_cvttps_epi32 (_mm_add_ps (_mm_mul_ps (va, vinv), half));
        __m128 d, c;
        __m128i a;

        k = _mm_and_si128 (k, _mm_cmpgt_epi32 (k, _mm_setzero_si128 ()));
        k = _mm_or_si128 (_mm_and_si128 (_mm_cmpgt_epi32 (k, vkmax), vkmax),
                          _mm_andnot_si128 (_mm_cmpgt_epi32 (k, vkmax), k));
        d = _mm_sub_ps (va, _mm_mul_ps (_mm_cvtepi32_ps (k), vperiod));
        c = _mm_sub_ps (vreach, _mm_sqrt_ps (_mm_add_ps (_mm_mul_ps (vp, vp), _mm_mul_ps (d, d))));
        c = _mm_and_ps (clamp01_sse2 (c), _mm_cmplt_ps (vi, vn));
        a = _mm_cvttps_epi32 (_mm_add_ps (_mm_mul_ps (valpha, c), half));
        _mm_storeu_si128 ((__m128i *) (row + i),
                          blend4_sse2 (_mm_loadu_si128 ((const __m128i *) (row + i)), a, srb, sag));
      }
  }
#endif

  for (perp += i * nx, along += i * ux; i < n; i++, perp += nx, along += ux)
    {
      int k = (int) floor (along / period + 0.5);
      double d, cov;
      k = CLAMP (k, 0, kmax);
      d = along - k * period;
      cov = reach - sqrt (perp * perp + d * d);
      if (cov > 0)
        blend (s, &row[i], cov);
    }
}

/* Round dots of radius hw along the segment, the first at (x1, y1), then
 * every @period pixels up to (x2, y2): one shape for the whole line */
static void
rasterize_dots (const Window *p, const Src *srcp, double x1, double y1, double x2, double y2,
                double hw, double period)
{
  const Src src = *srcp;
  double dx = x2 - x1, dy = y2 - y1;
  double len = sqrt (dx * dx + dy * dy);
  double ux, uy, nx, ny;
  double reach = hw + 0.5;
  int kmax, j0, j1;

  if (len < 1e-9 || period <= 0)
    {
      rasterize_segment (p, srcp, x1, y1, x1, y1, hw, TRUE, -1);
      return;
    }
  kmax = (int) floor (len / period + 1e-9);
  ux = dx / len;
  uy = dy / len;
  nx = -uy;
  ny = ux;

  clip_rows (p, MIN (y1, y2) - reach - 1, MAX (y1, y2) + reach + 1, &j0, &j1);
  for (int j = j0; j < j1; j++)
    {
      double py = j + 0.5 - y1;
      double xa, xb;
      int i0, i1;
      guint32 *row;
      double perp, along;

      if (!band_row_span (x1, py, ux, uy, nx, ny, reach, -reach, kmax * period + reach, &xa, &xb))
        continue;
      clip_cols (p, xa, xb, &i0, &i1);
      if (i0 >= i1)
        continue;
      row = row_ptr (p, j);
      perp = (i0 + 0.5 - x1) * nx + py * ny;
      along = (i0 + 0.5 - x1) * ux + py * uy;
      span_dots (row + i0, i1 - i0, p->cx1 - i0, perp, along, nx, ux, reach, period, kmax, &src);
    }
}

/* A convex polygon in pixels: filled (hw < 0) or stroked with half width
 * hw, mitred */
static void
rasterize_polygon (const Window *p, const Src *srcp, const double *xy, int n, double hw)
{
  const Src src = *srcp;
  double nxs[16], nys[16], offs[16];
  double cx = 0, cy = 0, ymin = G_MAXDOUBLE, ymax = -G_MAXDOUBLE;
  double outer = hw >= 0 ? hw + 0.5 : 0.5;
  double inner = hw >= 0 ? -(hw + 0.5) : -G_MAXDOUBLE;
  int m = 0, j0, j1;

  if (n < 3 || n > 16)
    return;
  for (int i = 0; i < n; i++)
    {
      cx += xy[2 * i] / n;
      cy += xy[2 * i + 1] / n;
      ymin = MIN (ymin, xy[2 * i + 1]);
      ymax = MAX (ymax, xy[2 * i + 1]);
    }
  for (int i = 0; i < n; i++)
    {
      int k = (i + 1) % n;
      double ex = xy[2 * k] - xy[2 * i], ey = xy[2 * k + 1] - xy[2 * i + 1];
      double l = sqrt (ex * ex + ey * ey);
      double nx, ny;

      if (l < 1e-9)
        continue;
      nx = ey / l;
      ny = -ex / l;
      /* Outward: away from the centroid */
      if ((cx - xy[2 * i]) * nx + (cy - xy[2 * i + 1]) * ny > 0)
        {
          nx = -nx;
          ny = -ny;
        }
      nxs[m] = nx;
      nys[m] = ny;
      offs[m] = xy[2 * i] * nx + xy[2 * i + 1] * ny;
      m++;
    }
  if (m < 3)
    return;

  /* Mitred corners reach further than hw: bound by the miter limit */
  clip_rows (p, ymin - 10 * outer - 1, ymax + 10 * outer + 1, &j0, &j1);
  for (int j = j0; j < j1; j++)
    {
      double yc = j + 0.5;
      double xa = -G_MAXDOUBLE, xb = G_MAXDOUBLE;
      double ia = -G_MAXDOUBLE, ib = G_MAXDOUBLE;
      gboolean empty = FALSE, inner_empty = hw < 0;
      int i0, i1;
      guint32 *row;

      for (int e = 0; e < m && !empty; e++)
        {
          double a0, a1;
          /* d_e(x) = nx·x + ny·yc - off ≤ outer */
          if (!linear_range (nxs[e], nys[e] * yc - offs[e], -G_MAXDOUBLE / 4, outer, &a0, &a1))
            empty = TRUE;
          else
            {
              xa = MAX (xa, a0);
              xb = MIN (xb, a1);
            }
          if (!inner_empty)
            {
              if (!linear_range (nxs[e], nys[e] * yc - offs[e], -G_MAXDOUBLE / 4, inner, &a0, &a1))
                inner_empty = TRUE;
              else
                {
                  ia = MAX (ia, a0);
                  ib = MIN (ib, a1);
                }
            }
        }
      if (empty || xa > xb + 1)
        continue;
      clip_cols (p, xa, xb, &i0, &i1);
      row = row_ptr (p, j);
      if (hw < 0)
        {
          /* A fill: the span fully inside needs no distances */
          double fa = -G_MAXDOUBLE, fb = G_MAXDOUBLE;
          for (int e = 0; e < m; e++)
            {
              double a0, a1;
              if (!linear_range (nxs[e], nys[e] * yc - offs[e], -G_MAXDOUBLE / 4, -0.5, &a0, &a1))
                {
                  fa = G_MAXDOUBLE;
                  break;
                }
              fa = MAX (fa, a0);
              fb = MIN (fb, a1);
            }
          ia = fa;
          ib = fb;
        }
      for (int i = i0; i < i1; i++)
        {
          double px = i + 0.5, d = -G_MAXDOUBLE, cov;

          if (hw < 0 && px >= ia && px <= ib)
            {
              int end = MIN (i1, (int) floor (ib - 0.5) + 1);
              blend_span (&src, row, i, end);
              i = end - 1;
              continue;
            }

          if (!inner_empty && px > ia + 1 && px < ib - 1)
            {
              /* Deep inside an outline: jump across */
              i = (int) floor (ib - 1.5);
              continue;
            }
          for (int e = 0; e < m; e++)
            d = MAX (d, nxs[e] * px + nys[e] * yc - offs[e]);
          cov = hw < 0 ? 0.5 - d : hw + 0.5 - fabs (d);
          if (cov > 0)
            blend (&src, &row[i], cov);
        }
    }
}

/* ---- display list ------------------------------------------------------------------ */

/* Raster shapes are recorded, then drawn strip by strip (a strip of the
 * image stays in the processor's cache while every shape crossing it is
 * drawn, instead of long lines walking the whole image for each tie),
 * the strips shared between two threads when there are two processors.
 * Pixels do not depend on the split: each pixel is blended by the same
 * shapes in the same order. */

/* Records a shape drawn along (x1, y1)–(x2, y2) and @reach pixels
 * around it, unless all of it lies outside the rows this painter draws */
static void
record_line (BmPainter *p, RecType type, double x1, double y1, double x2, double y2,
             double hw, double reach, gboolean round, double ring)
{
  Rec r = { 0, };

  r.type = type;
  r.round = round;
  r.x1 = x1;
  r.y1 = y1;
  r.x2 = x2;
  r.y2 = y2;
  r.hw = hw;
  r.ring = ring;
  r.ymin = MIN (y1, y2) - reach;
  r.ymax = MAX (y1, y2) + reach;
  if (r.ymax < p->cy0 || r.ymin > p->cy1)
    return;
  r.src = src_of (p);
  g_array_append_val (p->recs, r);
}

static void
raster_segment (BmPainter *p, double x1, double y1, double x2, double y2,
                double hw, gboolean round, double ring)
{
  record_line (p, REC_SEGMENT, x1, y1, x2, y2, hw, (ring >= 0 ? ring + hw : hw) + 1.5, round, ring);
}

/* Records @n points (in pixels) as one shape, unless all of it lies
 * outside the rows this painter draws */
static void
record_points (BmPainter *p, RecType type, const double *xy, int n, double hw, double reach)
{
  Rec r = { 0, };

  r.type = type;
  r.n = n;
  r.first = p->rec_points->len;
  r.hw = hw;
  r.ymin = G_MAXDOUBLE;
  r.ymax = -G_MAXDOUBLE;
  for (int i = 0; i < n; i++)
    {
      r.ymin = MIN (r.ymin, xy[2 * i + 1] - reach);
      r.ymax = MAX (r.ymax, xy[2 * i + 1] + reach);
    }
  if (r.ymax < p->cy0 || r.ymin > p->cy1)
    return;
  r.src = src_of (p);
  g_array_append_vals (p->rec_points, xy, 2 * n);
  g_array_append_val (p->recs, r);
}

static void
raster_polygon (BmPainter *p, const double *xy, int n, double hw)
{
  if (n < 3 || n > 16)
    return;
  record_points (p, REC_POLYGON, xy, n, hw, 10 * (hw >= 0 ? hw + 0.5 : 0.5) + 1.5);
}

static void
raster_dots (BmPainter *p, double x1, double y1, double x2, double y2, double hw, double period)
{
  record_line (p, REC_DOTS, x1, y1, x2, y2, hw, hw + 1.5, FALSE, period);
}

/* A polyline is recorded in pieces of this many segments, each with its
 * own rows: a strip then walks only the segments of the pieces that cross
 * it, not all the teeth of a long zig-zag.  The segments and their order
 * are the same. */
#define POLYLINE_CHUNK 32

/* @xy in pixels */
static void
raster_polyline (BmPainter *p, const double *xy, int n, double hw)
{
  double reach = hw + 1.5;

  for (int start = 0; start + 1 < n; start += POLYLINE_CHUNK)
    record_points (p, REC_POLYLINE, xy + 2 * start, MIN (POLYLINE_CHUNK + 1, n - start), hw, reach);
}

#define STRIP_BYTES (384 * 1024)

typedef struct
{
  BmPainter   *p;
  int          top;          /* the first strip's first row */
  int          strip_rows;
  int          n_strips;
  const guint *strip_start;  /* n_strips + 1 offsets into strip_recs */
  const guint *strip_recs;   /* record indices, in order, per strip */
  int          first_strip;
  int          step;
  gboolean     done;         /* set by the helper thread, under helper_lock */
} ReplayJob;

static gpointer
replay_strips (gpointer data)
{
  ReplayJob *job = data;
  BmPainter *p = job->p;
  const Rec *recs = (const Rec *) (void *) p->recs->data;
  const double *points = (const double *) (void *) p->rec_points->data;
  Window w;

  w.data = p->data;
  w.stride = p->stride;
  w.cx0 = p->cx0;
  w.cx1 = p->cx1;
  for (int s = job->first_strip; s < job->n_strips; s += job->step)
    {
      w.cy0 = job->top + s * job->strip_rows;
      w.cy1 = MIN (p->cy1, w.cy0 + job->strip_rows);
      for (guint k = job->strip_start[s]; k < job->strip_start[s + 1]; k++)
        {
          const Rec *r = &recs[job->strip_recs[k]];
          const double *xy = points + r->first;

          switch (r->type)
            {
            case REC_SEGMENT:
              rasterize_segment (&w, &r->src, r->x1, r->y1, r->x2, r->y2, r->hw, r->round, r->ring);
              break;
            case REC_POLYGON:
              rasterize_polygon (&w, &r->src, xy, r->n, r->hw);
              break;
            case REC_DOTS:
              rasterize_dots (&w, &r->src, r->x1, r->y1, r->x2, r->y2, r->hw, r->ring);
              break;
            case REC_POLYLINE:
            default:
              for (int i = 0; i + 1 < r->n; i++)
                {
                  /* Only the pieces crossing this strip */
                  double ya = MIN (xy[2 * i + 1], xy[2 * i + 3]) - r->hw - 1;
                  double yb = MAX (xy[2 * i + 1], xy[2 * i + 3]) + r->hw + 1;
                  if (yb < w.cy0 || ya > w.cy1)
                    continue;
                  /* Square caps (butt ones pushed out by the half
                   * width) join the pieces cheaper than round ones */
                  double dx = xy[2 * i + 2] - xy[2 * i], dy = xy[2 * i + 3] - xy[2 * i + 1];
                  double l = sqrt (dx * dx + dy * dy);
                  double ex = l > 1e-9 ? dx / l * r->hw : 0, ey = l > 1e-9 ? dy / l * r->hw : 0;
                  rasterize_segment (&w, &r->src, xy[2 * i] - ex, xy[2 * i + 1] - ey,
                                     xy[2 * i + 2] + ex, xy[2 * i + 3] + ey, r->hw, FALSE, -1);
                }
              break;
            }
        }
    }
  return NULL;
}

/* One helper thread, kept for the life of the process, shared by all
 * painters: drawing on two processors without creating a thread per
 * draw.  Several threads may draw at once: the pool queues their jobs. */
static GMutex helper_lock;
static GCond  helper_cond;

static void
helper_run (gpointer data, gpointer user_data)
{
  ReplayJob *job = data;

  replay_strips (job);
  g_mutex_lock (&helper_lock);
  job->done = TRUE;
  g_cond_broadcast (&helper_cond);
  g_mutex_unlock (&helper_lock);
}

/* Set on threads that must leave the other core alone (see
 * bm_render_set_thread_single_core in bm-render.h) */
static GPrivate single_core_key;

void
bm_render_set_thread_single_core (gboolean single)
{
  g_private_set (&single_core_key, GINT_TO_POINTER (single ? 1 : 0));
}

static GThreadPool *
helper_pool (void)
{
  static gsize once = 0;
  static GThreadPool *pool = NULL;

  if (g_once_init_enter (&once))
    {
      if (g_get_num_processors () > 1)
        pool = g_thread_pool_new (helper_run, NULL, 1, TRUE, NULL);
      g_once_init_leave (&once, 1);
    }
  return pool;
}

/* Draw what was recorded */
static void
replay (BmPainter *p)
{
  int width = p->cx1 - p->cx0;
  int strip_rows, n_strips, top, rows;
  double ymin = G_MAXDOUBLE, ymax = -G_MAXDOUBLE;
  const Rec *recs = (const Rec *) (void *) p->recs->data;
  g_autofree guint *start = NULL;
  g_autofree guint *list = NULL;
  g_autofree guint *fill = NULL;

  if (p->recs->len == 0)
    return;
  p->peak_bytes = MAX (p->peak_bytes, p->recs->len * sizeof (Rec)
                                      + p->rec_points->len * sizeof (double));
  cairo_surface_flush (p->target);
  p->pixels_written = TRUE;

  /* Strips over the rows drawn on: about a cache's worth each, and at
   * least eight, so that the two threads share even a flat drawing */
  for (guint k = 0; k < p->recs->len; k++)
    {
      ymin = MIN (ymin, recs[k].ymin);
      ymax = MAX (ymax, recs[k].ymax);
    }
  top = (int) CLAMP (floor (ymin), p->cy0, p->cy1);
  rows = MAX (1, (int) CLAMP (ceil (ymax) + 1, top, p->cy1) - top);
  strip_rows = CLAMP (STRIP_BYTES / MAX (4 * width, 1), 16, 512);
  strip_rows = MAX (4, MIN (strip_rows, (rows + 7) / 8));
  n_strips = (rows + strip_rows - 1) / strip_rows;

  /* Which records cross each strip (counting sort, record order kept) */
  start = g_new0 (guint, n_strips + 1);
  for (guint k = 0; k < p->recs->len; k++)
    {
      int s0 = (int) CLAMP (floor ((recs[k].ymin - top) / strip_rows), 0, n_strips - 1);
      int s1 = (int) CLAMP (floor ((recs[k].ymax - top) / strip_rows), 0, n_strips - 1);
      for (int s = s0; s <= s1; s++)
        start[s + 1]++;
    }
  for (int s = 0; s < n_strips; s++)
    start[s + 1] += start[s];
  list = g_new (guint, MAX (start[n_strips], 1));
  fill = g_memdup2 (start, sizeof (guint) * (n_strips + 1));
  for (guint k = 0; k < p->recs->len; k++)
    {
      int s0 = (int) CLAMP (floor ((recs[k].ymin - top) / strip_rows), 0, n_strips - 1);
      int s1 = (int) CLAMP (floor ((recs[k].ymax - top) / strip_rows), 0, n_strips - 1);
      for (int s = s0; s <= s1; s++)
        list[fill[s]++] = k;
    }

  if (p->recs->len > 400 && n_strips > 2 && helper_pool () != NULL &&
      g_private_get (&single_core_key) == NULL)
    {
      ReplayJob jobs[2] = { { p, top, strip_rows, n_strips, start, list, 0, 2, FALSE },
                            { p, top, strip_rows, n_strips, start, list, 1, 2, FALSE } };
      GThreadPool *pool = helper_pool ();

      g_mutex_lock (&helper_lock);
      g_thread_pool_push (pool, &jobs[1], NULL);
      g_mutex_unlock (&helper_lock);
      replay_strips (&jobs[0]);
      g_mutex_lock (&helper_lock);
      while (!jobs[1].done)
        g_cond_wait (&helper_cond, &helper_lock);
      g_mutex_unlock (&helper_lock);
    }
  else
    {
      ReplayJob job = { p, top, strip_rows, n_strips, start, list, 0, 1, FALSE };
      replay_strips (&job);
    }
  g_array_set_size (p->recs, 0);
  g_array_set_size (p->rec_points, 0);
}

/* ---- dashes ---------------------------------------------------------------------- */

/* Walk the polyline @xy (pixels) with the current dash pattern, phase
 * continuous across vertices, drawing the "on" pieces */
static void
raster_dashed_polyline (BmPainter *p, const double *xy, int n, gboolean closed)
{
  double period = p->dash_period * p->scale, on = p->dash_on * p->scale;
  double hw = p->width * p->scale / 2;
  double phase = 0;
  int segs = closed ? n : n - 1;

  if (period <= 0.01)
    return;
  for (int s = 0; s < segs; s++)
    {
      double x1 = xy[2 * s], y1 = xy[2 * s + 1];
      double x2 = xy[2 * ((s + 1) % n)], y2 = xy[2 * ((s + 1) % n) + 1];
      double len = sqrt ((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1));
      double ux, uy, t;

      if (len < 1e-9)
        continue;
      ux = (x2 - x1) / len;
      uy = (y2 - y1) / len;
      /* t: where the next period starts, in this segment's terms */
      t = -phase;
      for (; t < len; t += period)
        {
          if (p->dash == BM_DASH_DOTS)
            {
              if (t >= 0)
                raster_segment (p, x1 + ux * t, y1 + uy * t, x1 + ux * t, y1 + uy * t, hw, TRUE, -1);
            }
          else
            {
              double a = MAX (t, 0), b = MIN (t + on, len);
              if (b > a)
                raster_segment (p, x1 + ux * a, y1 + uy * a, x1 + ux * b, y1 + uy * b, hw, FALSE, -1);
            }
        }
      phase = fmod (phase + len, period);
    }
}

/* ---- shapes ----------------------------------------------------------------------- */

#define PX(v) (p->scale * (v) + p->ox)
#define PY(v) (p->scale * (v) + p->oy)

/* A dashed line with more repeats than this is drawn plain: a hostile
 * file may hold a tie across 10⁹ map units */
#define MAX_DASH_REPEATS 20000.0

void
bm_painter_segment (BmPainter *p, double x1, double y1, double x2, double y2)
{
  gboolean too_many;

  g_return_if_fail (p->mode == MODE_STROKE);

  too_many = p->dash != BM_DASH_NONE
             && hypot (x2 - x1, y2 - y1) > MAX_DASH_REPEATS * MAX (p->dash_period, 1e-6);
  if (!p->raster)
    {
      if (too_many)
        cairo_set_dash (p->cr, NULL, 0, 0);
      cairo_move_to (p->cr, x1, y1);
      cairo_line_to (p->cr, x2, y2);
      cairo_shape_done (p);
      if (too_many)
        {
          /* Back to the style's pattern for the next shapes */
          BmDash dash = p->dash;
          double d[2] = { dash == BM_DASH_DOTS ? 0 : p->dash_on,
                          dash == BM_DASH_DOTS ? p->dash_period : p->dash_period - p->dash_on };
          cairo_set_dash (p->cr, d, 2, 0);
        }
      return;
    }
  raster_prepare (p);
  if (too_many)
    raster_segment (p, PX (x1), PY (y1), PX (x2), PY (y2), p->width * p->scale / 2, FALSE, -1);
  else if (p->dash == BM_DASH_DOTS)
    raster_dots (p, PX (x1), PY (y1), PX (x2), PY (y2), p->width * p->scale / 2,
                 p->dash_period * p->scale);
  else if (p->dash != BM_DASH_NONE)
    {
      double xy[4] = { PX (x1), PY (y1), PX (x2), PY (y2) };
      raster_dashed_polyline (p, xy, 2, FALSE);
    }
  else
    raster_segment (p, PX (x1), PY (y1), PX (x2), PY (y2), p->width * p->scale / 2, FALSE, -1);
}

void
bm_painter_polyline (BmPainter *p, const double *xy, int n)
{
  g_return_if_fail (p->mode == MODE_STROKE);

  if (n < 2)
    return;
  if (!p->raster)
    {
      cairo_line_cap_t cap = cairo_get_line_cap (p->cr);
      cairo_line_join_t join = cairo_get_line_join (p->cr);

      cairo_move_to (p->cr, xy[0], xy[1]);
      for (int i = 1; i < n; i++)
        cairo_line_to (p->cr, xy[2 * i], xy[2 * i + 1]);
      cairo_set_line_cap (p->cr, CAIRO_LINE_CAP_SQUARE);
      cairo_set_line_join (p->cr, CAIRO_LINE_JOIN_MITER);
      cairo_shape_done (p);
      cairo_set_line_cap (p->cr, cap);
      cairo_set_line_join (p->cr, join);
      return;
    }
  raster_prepare (p);
  {
    double stack_px[64];
    g_autofree double *heap_px = NULL;
    double *px = stack_px;

    if (2 * n > (int) G_N_ELEMENTS (stack_px))
      px = heap_px = g_new (double, 2 * n);
    for (int i = 0; i < n; i++)
      {
        px[2 * i] = PX (xy[2 * i]);
        px[2 * i + 1] = PY (xy[2 * i + 1]);
      }
    raster_polyline (p, px, n, p->width * p->scale / 2);
  }
}

void
bm_painter_polygon (BmPainter *p, const double *xy, int n)
{
  double px[32];

  g_return_if_fail (p->mode != MODE_NONE);

  if (!p->raster)
    {
      cairo_move_to (p->cr, xy[0], xy[1]);
      for (int i = 1; i < n; i++)
        cairo_line_to (p->cr, xy[2 * i], xy[2 * i + 1]);
      cairo_close_path (p->cr);
      cairo_shape_done (p);
      return;
    }
  if (n > 16)
    return;
  raster_prepare (p);
  for (int i = 0; i < n; i++)
    {
      px[2 * i] = PX (xy[2 * i]);
      px[2 * i + 1] = PY (xy[2 * i + 1]);
    }
  if (p->mode == MODE_FILL)
    raster_polygon (p, px, n, -1);
  else if (p->dash != BM_DASH_NONE)
    raster_dashed_polyline (p, px, n, TRUE);
  else
    raster_polygon (p, px, n, p->width * p->scale / 2);
}

void
bm_painter_circle (BmPainter *p, double cx, double cy, double r)
{
  g_return_if_fail (p->mode != MODE_NONE);

  if (!p->raster)
    {
      cairo_new_sub_path (p->cr);
      cairo_arc (p->cr, cx, cy, r, 0, 2 * G_PI);
      cairo_close_path (p->cr);
      cairo_shape_done (p);
      return;
    }
  raster_prepare (p);
  if (p->mode == MODE_FILL)
    raster_segment (p, PX (cx), PY (cy), PX (cx), PY (cy), r * p->scale, TRUE, -1);
  else if (p->dash != BM_DASH_NONE)
    {
      /* The dashes along a polygon close enough to the circle */
      int n = CLAMP ((int) (r * p->scale), 16, 256);
      g_autofree double *xy = g_new (double, 2 * n);
      for (int i = 0; i < n; i++)
        {
          double a = 2 * G_PI * i / n;
          xy[2 * i] = PX (cx + r * cos (a));
          xy[2 * i + 1] = PY (cy + r * sin (a));
        }
      raster_dashed_polyline (p, xy, n, TRUE);
    }
  else
    raster_segment (p, PX (cx), PY (cy), PX (cx), PY (cy), p->width * p->scale / 2, TRUE,
                    r * p->scale);
}

void
bm_painter_pill (BmPainter *p, double x, double y, double w, double h)
{
  double r = MIN (w, h) / 2;

  g_return_if_fail (p->mode != MODE_NONE);

  if (!p->raster)
    {
      cairo_t *cr = p->cr;
      cairo_new_sub_path (cr);
      cairo_arc (cr, x + w - r, y + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x + w - r, y + h - r, r, 0, G_PI / 2);
      cairo_arc (cr, x + r, y + h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      cairo_shape_done (p);
      return;
    }
  raster_prepare (p);
  {
    double ax, ay, bx, by;
    if (w >= h)
      {
        ax = x + r; bx = x + w - r; ay = by = y + h / 2;
      }
    else
      {
        ay = y + r; by = y + h - r; ax = bx = x + w / 2;
      }
    if (p->mode == MODE_FILL)
      raster_segment (p, PX (ax), PY (ay), PX (bx), PY (by), r * p->scale, TRUE, -1);
    else
      raster_segment (p, PX (ax), PY (ay), PX (bx), PY (by), p->width * p->scale / 2, TRUE,
                      r * p->scale);
  }
}

void
bm_painter_rect (BmPainter *p, double x, double y, double w, double h)
{
  double xy[8] = { x, y, x + w, y, x + w, y + h, x, y + h };
  bm_painter_polygon (p, xy, 4);
}

/* ---- text ---------------------------------------------------------------------------- */

typedef struct
{
  PangoFont *font;
  GArray    *glyphs;   /* cairo_glyph_t, relative to the layout's origin */
  /* The text behind the glyphs, worked out only for painters that keep it
   * (layout_text()) */
  GString   *utf8;
  GArray    *clusters; /* cairo_text_cluster_t */
  GArray    *pieces;   /* TextPiece */
} GlyphRun;

static void
glyph_run_free (gpointer data)
{
  GlyphRun *r = data;
  g_object_unref (r->font);
  g_array_unref (r->glyphs);
  if (r->utf8 != NULL)
    g_string_free (r->utf8, TRUE);
  g_clear_pointer (&r->clusters, g_array_unref);
  g_clear_pointer (&r->pieces, g_array_unref);
  g_free (r);
}

static inline gboolean
glyph_is_drawn (const PangoGlyphInfo *gi)
{
  return gi->glyph != PANGO_GLYPH_EMPTY && !(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG);
}

static GQuark
runs_quark (void)
{
  static GQuark q;
  if (G_UNLIKELY (q == 0))
    q = g_quark_from_static_string ("bm-painter-glyph-runs");
  return q;
}

/* The positioned glyphs of @layout, computed once and kept on it */
static GPtrArray *
layout_runs (PangoLayout *layout)
{
  GPtrArray *runs = g_object_get_qdata (G_OBJECT (layout), runs_quark ());
  PangoLayoutIter *iter;

  if (runs != NULL)
    return runs;

  runs = g_ptr_array_new_with_free_func (glyph_run_free);
  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);
      PangoRectangle logical;
      double x, baseline;
      GlyphRun *gr = NULL;

      if (run == NULL)
        continue;
      pango_layout_iter_get_run_extents (iter, NULL, &logical);
      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      x = (double) logical.x / PANGO_SCALE;

      for (guint r = 0; r < runs->len; r++)
        {
          GlyphRun *cand = g_ptr_array_index (runs, r);
          if (cand->font == run->item->analysis.font)
            gr = cand;
        }
      if (gr == NULL)
        {
          gr = g_new0 (GlyphRun, 1);
          gr->font = g_object_ref (run->item->analysis.font);
          gr->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
          g_ptr_array_add (runs, gr);
        }
      for (int i = 0; i < run->glyphs->num_glyphs; i++)
        {
          const PangoGlyphInfo *gi = &run->glyphs->glyphs[i];

          if (glyph_is_drawn (gi))
            {
              cairo_glyph_t g;
              g.index = gi->glyph;
              g.x = x + (double) gi->geometry.x_offset / PANGO_SCALE;
              g.y = baseline + (double) gi->geometry.y_offset / PANGO_SCALE;
              g_array_append_val (gr->glyphs, g);
            }
          x += (double) gi->geometry.width / PANGO_SCALE;
        }
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);

  g_object_set_qdata_full (G_OBJECT (layout), runs_quark (), runs,
                           (GDestroyNotify) g_ptr_array_unref);
  return runs;
}

/* Append to @gr the text and the clusters of one Pango run, whose drawn
 * glyphs layout_runs() appended to @gr->glyphs */
static void
glyph_run_add_text (GlyphRun *gr, const char *text, const PangoLayoutRun *run)
{
  const PangoItem *item = run->item;
  const PangoGlyphString *gs = run->glyphs;
  int n = gs->num_glyphs;
  gboolean backward = item->analysis.level % 2 == 1;
  TextPiece piece = { 0, 0, 0, backward };
  gboolean monotonic = TRUE;
  int i;

  for (i = 0; i < n; i++)
    if (glyph_is_drawn (&gs->glyphs[i]))
      piece.n_glyphs++;

  /* Pango keeps the glyphs in visual order: right to left runs have their
   * clusters from the end of the glyph string back */
  for (i = 1; i < n && monotonic; i++)
    {
      int prev = gs->log_clusters[i - 1], cur = gs->log_clusters[i];
      monotonic = backward ? cur <= prev : cur >= prev;
    }
  for (i = 0; i < n && monotonic; i++)
    monotonic = gs->log_clusters[i] >= 0 && gs->log_clusters[i] < item->length;

  if ((item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS) || !monotonic || n == 0)
    {
      /* One cluster for the whole run: an ellipsis shows "…" whatever text
       * it stands for */
      const char *chars = text + item->offset;
      int bytes = item->length;
      cairo_text_cluster_t c;

      if (item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS)
        {
          chars = "\u2026";
          bytes = (int) strlen (chars);
        }
      if (bytes == 0 && piece.n_glyphs == 0)
        return;
      c.num_bytes = bytes;
      c.num_glyphs = (int) piece.n_glyphs;
      g_string_append_len (gr->utf8, chars, bytes);
      g_array_append_val (gr->clusters, c);
      piece.n_bytes = (guint) bytes;
      piece.n_clusters = 1;
      g_array_append_val (gr->pieces, piece);
      return;
    }

  /* The clusters in logical order: the glyphs sharing a log_clusters value
   * form one, its text runs up to the next cluster's start */
  i = backward ? n - 1 : 0;
  while (i >= 0 && i < n)
    {
      int start = gs->log_clusters[i], end = item->length;
      cairo_text_cluster_t c = { 0, 0 };

      while (i >= 0 && i < n && gs->log_clusters[i] == start)
        {
          if (glyph_is_drawn (&gs->glyphs[i]))
            c.num_glyphs++;
          i += backward ? -1 : 1;
        }
      if (i >= 0 && i < n)
        end = gs->log_clusters[i];
      c.num_bytes = end - start;
      g_string_append_len (gr->utf8, text + item->offset + start, c.num_bytes);
      g_array_append_val (gr->clusters, c);
      piece.n_bytes += (guint) c.num_bytes;
      piece.n_clusters++;
    }
  /* Text before the first cluster (Pango never leaves any, but the
   * clusters must cover all of it) */
  if (gs->log_clusters[backward ? n - 1 : 0] > 0)
    {
      cairo_text_cluster_t *first = &g_array_index (gr->clusters, cairo_text_cluster_t,
                                                    gr->clusters->len - piece.n_clusters);
      int lead = gs->log_clusters[backward ? n - 1 : 0];

      g_string_insert_len (gr->utf8, (gssize) (gr->utf8->len - piece.n_bytes),
                           text + item->offset, lead);
      first->num_bytes += lead;
      piece.n_bytes += (guint) lead;
    }
  g_array_append_val (gr->pieces, piece);
}

/* The text behind @runs (from layout_runs (@layout)), computed once */
static void
layout_text (PangoLayout *layout, GPtrArray *runs)
{
  const char *text = pango_layout_get_text (layout);
  PangoLayoutIter *iter;

  if (runs->len == 0 || ((GlyphRun *) g_ptr_array_index (runs, 0))->utf8 != NULL)
    return;
  for (guint r = 0; r < runs->len; r++)
    {
      GlyphRun *gr = g_ptr_array_index (runs, r);
      gr->utf8 = g_string_new (NULL);
      gr->clusters = g_array_new (FALSE, FALSE, sizeof (cairo_text_cluster_t));
      gr->pieces = g_array_new (FALSE, FALSE, sizeof (TextPiece));
    }

  iter = pango_layout_get_iter (layout);
  do
    {
      PangoLayoutRun *run = pango_layout_iter_get_run_readonly (iter);

      if (run == NULL)
        continue;
      for (guint r = 0; r < runs->len; r++)
        {
          GlyphRun *gr = g_ptr_array_index (runs, r);
          if (gr->font == run->item->analysis.font)
            {
              glyph_run_add_text (gr, text, run);
              break;
            }
        }
    }
  while (pango_layout_iter_next_run (iter));
  pango_layout_iter_free (iter);
}

static int
compare_items_by_offset (gconstpointer a, gconstpointer b)
{
  const PangoItem *ia = *(PangoItem * const *) a, *ib = *(PangoItem * const *) b;
  return (ia->offset > ib->offset) - (ia->offset < ib->offset);
}

/* Keep each line of @layout, drawn with its origin at (@x, @y), for the
 * SVG target: the text it shows (an ellipsis as "…") in logical order */
static void
svg_keep_lines (BmPainter *p, PangoLayout *layout, double x, double y)
{
  const char *text = pango_layout_get_text (layout);
  const PangoFontDescription *desc = pango_layout_get_font_description (layout);
  double size = desc != NULL ? (double) pango_font_description_get_size (desc) / PANGO_SCALE : 10;
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  do
    {
      PangoLayoutLine *line = pango_layout_iter_get_line_readonly (iter);
      PangoRectangle logical;
      GString *chars;
      SvgLine *out;
      double x0, x1, base, dx, dy;

      g_ptr_array_set_size (items, 0);
      for (GSList *l = line->runs; l != NULL; l = l->next)
        g_ptr_array_add (items, ((PangoLayoutRun *) l->data)->item);
      if (items->len == 0)
        continue;
      g_ptr_array_sort (items, compare_items_by_offset);
      chars = g_string_new (NULL);
      for (guint i = 0; i < items->len; i++)
        {
          const PangoItem *item = g_ptr_array_index (items, i);
          if (item->analysis.flags & PANGO_ANALYSIS_FLAG_IS_ELLIPSIS)
            g_string_append (chars, "\u2026");
          else
            g_string_append_len (chars, text + item->offset, item->length);
        }
      /* XML 1.0 has no place for the other control characters */
      for (gsize i = 0; i < chars->len; i++)
        if ((guchar) chars->str[i] < 0x20)
          chars->str[i] = ' ';

      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      x0 = x + (double) logical.x / PANGO_SCALE;
      x1 = x0 + (double) logical.width / PANGO_SCALE;
      base = y + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      out = g_new0 (SvgLine, 1);
      out->text = g_string_free (chars, FALSE);
      out->rtl = line->resolved_dir == PANGO_DIRECTION_RTL;
      out->x = out->rtl ? x1 : x0;
      out->baseline = base;
      cairo_user_to_device (p->cr, &out->x, &out->baseline);
      dx = x1 - x0, dy = 0;
      cairo_user_to_device_distance (p->cr, &dx, &dy);
      out->width = hypot (dx, dy);
      dx = 0, dy = size;
      cairo_user_to_device_distance (p->cr, &dx, &dy);
      out->size = hypot (dx, dy);
      g_ptr_array_add (p->svg_lines, out);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

void
bm_painter_write_svg_text (cairo_surface_t *surface, GByteArray *svg)
{
  GPtrArray *lines = cairo_surface_get_user_data (surface, &svg_lines_key);
  static const char end_tag[] = "</svg>";
  g_autoptr(GString) group = NULL;
  gsize at;

  if (lines == NULL || lines->len == 0 || svg->len < strlen (end_tag))
    return;
  /* Before the document's end tag */
  at = svg->len - strlen (end_tag);
  while (at > 0 && memcmp (svg->data + at, end_tag, strlen (end_tag)) != 0)
    at--;
  if (memcmp (svg->data + at, end_tag, strlen (end_tag)) != 0)
    return;

  /* Transparent text over the outlines, stretched to their width, for
   * finding, selecting and copying; it changes no pixel */
  group = g_string_new ("<g font-family=\"sans-serif\" fill=\"#000\" fill-opacity=\"0\">\n");
  for (guint i = 0; i < lines->len; i++)
    {
      const SvgLine *line = g_ptr_array_index (lines, i);
      g_autofree char *escaped = g_markup_escape_text (line->text, -1);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];
      char w[G_ASCII_DTOSTR_BUF_SIZE], size[G_ASCII_DTOSTR_BUF_SIZE];

      if (!(line->width > 0) || !(line->size > 0))
        continue;
      g_string_append_printf (group,
                              "<text x=\"%s\" y=\"%s\" font-size=\"%s\" textLength=\"%s\" "
                              "lengthAdjust=\"spacingAndGlyphs\"%s>%s</text>\n",
                              g_ascii_formatd (x, sizeof x, "%.2f", line->x),
                              g_ascii_formatd (y, sizeof y, "%.2f", line->baseline),
                              g_ascii_formatd (size, sizeof size, "%.2f", line->size),
                              g_ascii_formatd (w, sizeof w, "%.2f", line->width),
                              line->rtl ? " direction=\"rtl\" unicode-bidi=\"embed\"" : "",
                              escaped);
    }
  g_string_append (group, "</g>\n");

  g_byte_array_set_size (svg, svg->len + group->len);
  memmove (svg->data + at + group->len, svg->data + at, svg->len - group->len - at);
  memcpy (svg->data + at, group->str, group->len);
}

void
bm_painter_text (BmPainter *p, PangoLayout *layout, double x, double y, guint32 rgb,
                 double alpha)
{
  GPtrArray *runs = layout_runs (layout);

  if (p->keep_text)
    layout_text (layout, runs);
  if (p->svg_lines != NULL)
    svg_keep_lines (p, layout, x, y);

  for (guint r = 0; r < runs->len; r++)
    {
      GlyphRun *gr = g_ptr_array_index (runs, r);
      cairo_scaled_font_t *font = pango_cairo_font_get_scaled_font (PANGO_CAIRO_FONT (gr->font));
      TextBucket *bucket = NULL;
      guint start;

      if (font == NULL || gr->glyphs->len == 0)
        continue;
      for (guint b = 0; b < p->text->len && bucket == NULL; b++)
        {
          TextBucket *cand = g_ptr_array_index (p->text, b);
          if (cand->font == font && cand->rgb == rgb && cand->alpha == alpha)
            bucket = cand;
        }
      if (bucket == NULL)
        {
          bucket = g_new0 (TextBucket, 1);
          bucket->font = cairo_scaled_font_reference (font);
          bucket->rgb = rgb;
          bucket->alpha = alpha;
          bucket->glyphs = g_array_new (FALSE, FALSE, sizeof (cairo_glyph_t));
          if (p->keep_text)
            {
              bucket->utf8 = g_string_new (NULL);
              bucket->clusters = g_array_new (FALSE, FALSE, sizeof (cairo_text_cluster_t));
              bucket->pieces = g_array_new (FALSE, FALSE, sizeof (TextPiece));
            }
          g_ptr_array_add (p->text, bucket);
        }
      if (p->keep_text)
        {
          g_string_append_len (bucket->utf8, gr->utf8->str, (gssize) gr->utf8->len);
          g_array_append_vals (bucket->clusters, gr->clusters->data, gr->clusters->len);
          g_array_append_vals (bucket->pieces, gr->pieces->data, gr->pieces->len);
        }
      start = bucket->glyphs->len;
      g_array_append_vals (bucket->glyphs, gr->glyphs->data, gr->glyphs->len);
      for (guint i = start; i < bucket->glyphs->len; i++)
        {
          cairo_glyph_t *g = &g_array_index (bucket->glyphs, cairo_glyph_t, i);
          g->x += x;
          g->y += y;
        }
    }
}

/* Draw @bucket's glyphs with their text: one call per stretch of pieces of
 * one direction (the cluster flag holds for a whole call) */
static void
show_text_pieces (cairo_t *cr, const TextBucket *bucket)
{
  const cairo_glyph_t *glyphs = (const cairo_glyph_t *) bucket->glyphs->data;
  const cairo_text_cluster_t *clusters = (const cairo_text_cluster_t *) bucket->clusters->data;
  const char *utf8 = bucket->utf8->str;
  guint g = 0, c = 0, t = 0;

  for (guint i = 0; i < bucket->pieces->len;)
    {
      const TextPiece *first = &g_array_index (bucket->pieces, TextPiece, i);
      guint n_glyphs = 0, n_bytes = 0, n_clusters = 0;

      /* Left to right pieces follow each other in all three arrays and
       * can be joined; a backward piece would need its neighbour's text
       * before its own */
      do
        {
          const TextPiece *piece = &g_array_index (bucket->pieces, TextPiece, i);
          n_glyphs += piece->n_glyphs;
          n_bytes += piece->n_bytes;
          n_clusters += piece->n_clusters;
          i++;
        }
      while (!first->backward && i < bucket->pieces->len
             && !g_array_index (bucket->pieces, TextPiece, i).backward);

      if (g + n_glyphs > bucket->glyphs->len)
        break;
      cairo_show_text_glyphs (cr, utf8 + t, (int) n_bytes, glyphs + g, (int) n_glyphs,
                              clusters + c, (int) n_clusters,
                              first->backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
      g += n_glyphs;
      c += n_clusters;
      t += n_bytes;
    }
}

/* On an image, cairo draws a call's glyphs through a mask as large as
 * their extents: the names of a whole map at once need a mask of the whole
 * image, fresh memory every time.  A raster painter therefore cuts each
 * bucket into tiles of the image, in the same order of buckets (glyphs of
 * one font and colour do not overlap, so the pixels stay the same). */
#define TEXT_TILE 512

typedef struct
{
  gint64 tile;
  guint  index;
} GlyphTile;

static int
compare_glyph_tile (gconstpointer a, gconstpointer b)
{
  const GlyphTile *x = a, *y = b;

  if (x->tile != y->tile)
    return x->tile < y->tile ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static void
split_text_by_tile (BmPainter *p)
{
  GPtrArray *split = g_ptr_array_new_with_free_func (text_bucket_free);

  for (guint b = 0; b < p->text->len; b++)
    {
      TextBucket *bucket = g_ptr_array_index (p->text, b);
      const cairo_glyph_t *glyphs = (const cairo_glyph_t *) (void *) bucket->glyphs->data;
      guint n = bucket->glyphs->len;
      g_autofree GlyphTile *order = NULL;

      if (bucket->pieces != NULL || n < 2)
        {
          g_ptr_array_add (split, g_ptr_array_steal_index (p->text, b--));
          continue;
        }
      order = g_new (GlyphTile, n);
      for (guint i = 0; i < n; i++)
        {
          double tx = CLAMP (floor (PX (glyphs[i].x) / TEXT_TILE), -1e6, 1e6);
          double ty = CLAMP (floor (PY (glyphs[i].y) / TEXT_TILE), -1e6, 1e6);

          order[i].tile = (gint64) ty * 4000000 + (gint64) tx;
          order[i].index = i;
        }
      qsort (order, n, sizeof *order, compare_glyph_tile);
      for (guint i = 0; i < n; )
        {
          TextBucket *piece = g_new0 (TextBucket, 1);
          guint end = i;

          while (end < n && order[end].tile == order[i].tile)
            end++;
          piece->font = cairo_scaled_font_reference (bucket->font);
          piece->rgb = bucket->rgb;
          piece->alpha = bucket->alpha;
          piece->glyphs = g_array_sized_new (FALSE, FALSE, sizeof (cairo_glyph_t), end - i);
          for (; i < end; i++)
            g_array_append_val (piece->glyphs, glyphs[order[i].index]);
          g_ptr_array_add (split, piece);
        }
    }
  g_ptr_array_unref (p->text);
  p->text = split;
}

void
bm_painter_flush_text (BmPainter *p)
{
  cairo_t *cr = p->cr;

  if (p->text->len == 0)
    return;
  if (p->raster)
    split_text_by_tile (p);
  bm_painter_sync (p);
  cairo_save (cr);
  for (guint b = 0; b < p->text->len; b++)
    {
      TextBucket *bucket = g_ptr_array_index (p->text, b);
      cairo_set_scaled_font (cr, bucket->font);
      cairo_set_source_rgba (cr, ((bucket->rgb >> 16) & 0xff) / 255.0,
                             ((bucket->rgb >> 8) & 0xff) / 255.0, (bucket->rgb & 0xff) / 255.0,
                             bucket->alpha);
      if (bucket->pieces != NULL && bucket->pieces->len > 0)
        show_text_pieces (cr, bucket);
      else
        cairo_show_glyphs (cr, (cairo_glyph_t *) bucket->glyphs->data, bucket->glyphs->len);
    }
  cairo_restore (cr);
  g_ptr_array_set_size (p->text, 0);
}
