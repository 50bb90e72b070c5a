/* bm-export.c: diagrams (PNG, SVG, PDF) and data (GraphML, CSV)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every export is built in memory and then written with
 * bm_write_file_safely(), so an existing file is replaced only once the
 * new one is complete on disk, and a failed export leaves it untouched.
 *
 * Actors without a stored position are drawn, and their coordinates
 * exported, where bm_layout_positions() places them; the map itself is
 * never changed.
 *
 * CSV and formula injection: a spreadsheet may treat a cell starting with
 * "=", "+", "-" or "@" as a formula.  The CSV files are a faithful copy of
 * the map's data for other tools (R, pandas, databases) and RFC 4180 has
 * no such notion, so values are written exactly as they are, never
 * prefixed or altered; whoever opens a CSV from an untrusted map in a
 * spreadsheet should import it as text.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef G_OS_UNIX
#include <sys/mman.h>
#endif

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <zlib.h>

#include "bm-analysis.h"
#include "bm-deflate.h"
#include "bm-export.h"
#include "bm-map-io.h"
#include "bm-painter.h"
#include "bm-render.h"
#include "bm-report.h"

/* cairo image surfaces hold at most this many pixels on a side */
#define MAX_IMAGE_SIDE 32767

/* Acrobat and most PDF readers refuse pages larger than 200 inches
 * (14,400 points) on a side: a larger diagram is shrunk onto such a page
 * (it is vector art, so nothing is lost). */
#define MAX_PDF_SIDE 14400.0

#define GRAPHML_NS "http://graphml.graphdrawing.org/xmlns"

/* ---- names ------------------------------------------------------------- */

static const struct
{
  const char     *extension;
  BmExportFormat  format;
} extensions[] = {
  { "bridgemap", BM_EXPORT_BRIDGEMAP },
  { "png", BM_EXPORT_PNG },
  { "svg", BM_EXPORT_SVG },
  { "pdf", BM_EXPORT_PDF },
  { "graphml", BM_EXPORT_GRAPHML },
  { "csv", BM_EXPORT_CSV },
};

/* The offset of the extension's dot in @path's last component, or -1 */
static gssize
extension_offset (const char *path)
{
  const char *base = strrchr (path, '/');
  const char *dot;

#ifdef G_OS_WIN32
  {
    const char *bs = strrchr (path, '\\');
    if (bs != NULL && (base == NULL || bs > base))
      base = bs;
  }
#endif
  base = base != NULL ? base + 1 : path;
  dot = strrchr (base, '.');
  return dot != NULL ? dot - path : -1;
}

gboolean
bm_export_format_from_path (const char     *path,
                            BmExportFormat *format)
{
  gssize dot;

  g_return_val_if_fail (path != NULL, FALSE);

  dot = extension_offset (path);
  if (dot < 0)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_ascii_strcasecmp (path + dot + 1, extensions[i].extension) == 0)
      {
        if (format != NULL)
          *format = extensions[i].format;
        return TRUE;
      }
  return FALSE;
}

char *
bm_export_ties_name (const char *name)
{
  gssize dot;

  g_return_val_if_fail (name != NULL, NULL);

  dot = extension_offset (name);
  if (dot < 0)
    return g_strconcat (name, "-ties", NULL);
  return g_strdup_printf ("%.*s-ties%s", (int) dot, name, name + dot);
}

void
bm_export_options_init (BmExportOptions *options)
{
  g_return_if_fail (options != NULL);

  options->scale = 2;
  options->show_gaps = TRUE;
  options->used_scale = options->scale;
}

static void
set_export_error (GError     **error,
                  const char  *display_name,
                  const char  *reason)
{
  g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE,
               /* Translators: "FILE: cannot export: REASON" */
               _("%s: cannot export: %s"), display_name, reason);
}

/* ---- values -------------------------------------------------------------- */

/* A coordinate as the file format writes it: rounded to 0.01, "%.2f" in
 * the C locale, trailing zeros and point removed, -0 written 0 */
static void
format_coordinate (char   *buf,
                   gsize   size,
                   double  v)
{
  gsize len;

  if (!isfinite (v))
    v = 0;
  g_ascii_formatd (buf, size, "%.2f", bm_round_position (v));
  len = strlen (buf);
  if (strchr (buf, '.') != NULL)
    {
      while (len > 0 && buf[len - 1] == '0')
        buf[--len] = '\0';
      if (len > 0 && buf[len - 1] == '.')
        buf[--len] = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
}

static const char *
party_name (BmMap         *map,
            const BmActor *actor)
{
  const BmParty *party;

  if (actor->party == NULL)
    return NULL;
  party = bm_map_lookup_party (map, actor->party);
  return party != NULL ? party->name : NULL;
}

/* ---- CSV (RFC 4180) ------------------------------------------------------ */

static void
csv_field (GString    *out,
           gboolean    first,
           const char *value)
{
  if (!first)
    g_string_append_c (out, ',');
  if (value == NULL)
    return;
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
csv_end_row (GString *out)
{
  g_string_append (out, "\r\n");
}

#define UTF8_BOM "\xEF\xBB\xBF"

static GString *
csv_actors (BmMap         *map,
            const BmPoint *positions)
{
  guint n = bm_map_get_n_actors (map);
  GString *out = g_string_sized_new (128 + n * 96);

  g_string_append (out, UTF8_BOM "id,name,kind,party,party_name,level,track,sector,influence,x,y,note\r\n");
  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      char influence[16], x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      g_snprintf (influence, sizeof influence, "%d", a->influence);
      format_coordinate (x, sizeof x, positions[i].x);
      format_coordinate (y, sizeof y, positions[i].y);

      csv_field (out, TRUE, a->id);
      csv_field (out, FALSE, a->name);
      csv_field (out, FALSE, bm_actor_kind_to_string (a->kind));
      csv_field (out, FALSE, a->party);
      csv_field (out, FALSE, party_name (map, a));
      csv_field (out, FALSE, bm_level_to_string (a->level));
      csv_field (out, FALSE, bm_track_to_string (a->track));
      csv_field (out, FALSE, bm_sector_to_string (a->sector));
      csv_field (out, FALSE, influence);
      csv_field (out, FALSE, x);
      csv_field (out, FALSE, y);
      csv_field (out, FALSE, a->note);
      csv_end_row (out);
    }
  return out;
}

static GString *
csv_ties (BmMap *map)
{
  guint n = bm_map_get_n_ties (map);
  GString *out = g_string_sized_new (128 + n * 48);

  g_string_append (out, UTF8_BOM "id,from,to,kind,strength,directed,note\r\n");
  for (guint i = 0; i < n; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      char strength[16];

      g_snprintf (strength, sizeof strength, "%d", t->strength);
      csv_field (out, TRUE, t->id);
      csv_field (out, FALSE, t->from);
      csv_field (out, FALSE, t->to);
      csv_field (out, FALSE, bm_tie_kind_to_string (t->kind));
      csv_field (out, FALSE, strength);
      csv_field (out, FALSE, bm_tie_kind_is_directed (t->kind) ? "true" : "false");
      csv_field (out, FALSE, t->note);
      csv_end_row (out);
    }
  return out;
}

/* Before writing the first of two files, check that the second can be
 * written too, so that the usual mistakes (a folder of that name, a
 * read-only file) leave both files as they were */
static gboolean
check_target (GFile       *file,
              const char  *display_name,
              GError     **error)
{
  g_autofree char *path = g_file_get_path (file);
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0)
    return TRUE;   /* a new file: the write itself reports what goes wrong */
  if (S_ISDIR (st.st_mode))
    {
      set_export_error (error, display_name, _("it is a folder"));
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_export_error (error, display_name, _("it is not a regular file"));
      return FALSE;
    }
  if (g_access (path, W_OK) != 0)
    {
      set_export_error (error, display_name, _("permission denied"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
export_csv (BmMap       *map,
            GFile       *file,
            const char  *display_name,
            GError     **error)
{
  g_autofree BmPoint *positions = bm_layout_positions_array (map);
  g_autoptr(GString) actors = csv_actors (map, positions);
  g_autoptr(GString) ties = csv_ties (map);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *ties_basename = bm_export_ties_name (basename);
  g_autofree char *ties_display_name = bm_export_ties_name (display_name);
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) ties_file = NULL;

  if (parent == NULL)
    {
      set_export_error (error, display_name, _("it is not a file name"));
      return FALSE;
    }
  ties_file = g_file_get_child (parent, ties_basename);

  /* Both are complete in memory before either is written */
  return check_target (file, display_name, error) &&
         check_target (ties_file, ties_display_name, error) &&
         bm_write_file_safely (file, display_name, actors->str, actors->len, error) &&
         bm_write_file_safely (ties_file, ties_display_name, ties->str, ties->len, error);
}

/* ---- GraphML ------------------------------------------------------------- */

/* Characters XML 1.0 cannot hold at all; the model should never contain
 * them, but an export must stay well-formed whatever it is given */
static gboolean
is_xml_char (gunichar c)
{
  return c == 0x9 || c == 0xA || c == 0xD ||
         (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

static void
xml_escape (GString    *out,
            const char *str,
            gboolean    in_attribute)
{
  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '\r': g_string_append (out, "&#13;"); break;
        case '"':
          g_string_append (out, in_attribute ? "&quot;" : "\"");
          break;
        case '\t':
          g_string_append (out, in_attribute ? "&#9;" : "\t");
          break;
        case '\n':
          g_string_append (out, in_attribute ? "&#10;" : "\n");
          break;
        default:
          if (is_xml_char (c))
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
          break;
        }
    }
}

static void
graphml_data (GString    *out,
              const char *key,
              const char *value)
{
  if (value == NULL)
    return;
  g_string_append (out, "      <data key=\"");
  g_string_append (out, key);
  g_string_append (out, "\">");
  xml_escape (out, value, FALSE);
  g_string_append (out, "</data>\n");
}

/* The data keys.  Ids equal the attribute names, except that GraphML key
 * ids must be unique in the document: the ties' "kind" and "note" get the
 * ids "edge_kind" and "edge_note" (their attr.name is still "kind" and
 * "note", which is what tools show and networkx uses). */
static const struct
{
  const char *id;
  const char *domain;
  const char *name;
  const char *type;
} graphml_keys[] = {
  { "name", "node", "name", "string" },
  { "kind", "node", "kind", "string" },
  { "party", "node", "party", "string" },
  { "party_name", "node", "party_name", "string" },
  { "level", "node", "level", "string" },
  { "track", "node", "track", "string" },
  { "sector", "node", "sector", "string" },
  { "influence", "node", "influence", "int" },
  { "x", "node", "x", "double" },
  { "y", "node", "y", "double" },
  { "note", "node", "note", "string" },
  { "edge_kind", "edge", "kind", "string" },
  { "strength", "edge", "strength", "int" },
  { "directed", "edge", "directed", "boolean" },
  { "edge_note", "edge", "note", "string" },
};

static GString *
graphml_document (BmMap         *map,
                  const BmPoint *positions)
{
  guint n_actors = bm_map_get_n_actors (map);
  guint n_ties = bm_map_get_n_ties (map);
  GString *out = g_string_sized_new (2048 + n_actors * 400 + n_ties * 200);

  g_string_append (out,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<graphml xmlns=\"" GRAPHML_NS "\""
                   " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                   " xsi:schemaLocation=\"" GRAPHML_NS " " GRAPHML_NS "/1.0/graphml.xsd\">\n");
  for (guint i = 0; i < G_N_ELEMENTS (graphml_keys); i++)
    g_string_append_printf (out,
                            "  <key id=\"%s\" for=\"%s\" attr.name=\"%s\" attr.type=\"%s\"/>\n",
                            graphml_keys[i].id, graphml_keys[i].domain,
                            graphml_keys[i].name, graphml_keys[i].type);
  g_string_append (out, "  <graph id=\"G\" edgedefault=\"undirected\">\n");

  for (guint i = 0; i < n_actors; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      g_string_append (out, "    <node id=\"");
      xml_escape (out, a->id, TRUE);
      g_string_append (out, "\">\n");
      graphml_data (out, "name", a->name);
      graphml_data (out, "kind", bm_actor_kind_to_string (a->kind));
      graphml_data (out, "party", a->party);
      graphml_data (out, "party_name", party_name (map, a));
      graphml_data (out, "level", bm_level_to_string (a->level));
      graphml_data (out, "track", bm_track_to_string (a->track));
      graphml_data (out, "sector", bm_sector_to_string (a->sector));
      g_snprintf (number, sizeof number, "%d", a->influence);
      graphml_data (out, "influence", number);
      format_coordinate (number, sizeof number, positions[i].x);
      graphml_data (out, "x", number);
      format_coordinate (number, sizeof number, positions[i].y);
      graphml_data (out, "y", number);
      graphml_data (out, "note", a->note);
      g_string_append (out, "    </node>\n");
    }

  for (guint i = 0; i < n_ties; i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      char number[16];

      /* Directed kinds keep source = from, target = to; the edge carries
       * no "directed" attribute (it would make the graph mixed, which
       * several readers refuse): the "directed" data says it instead. */
      g_string_append (out, "    <edge id=\"");
      xml_escape (out, t->id, TRUE);
      g_string_append (out, "\" source=\"");
      xml_escape (out, t->from, TRUE);
      g_string_append (out, "\" target=\"");
      xml_escape (out, t->to, TRUE);
      g_string_append (out, "\">\n");
      graphml_data (out, "edge_kind", bm_tie_kind_to_string (t->kind));
      g_snprintf (number, sizeof number, "%d", t->strength);
      graphml_data (out, "strength", number);
      graphml_data (out, "directed", bm_tie_kind_is_directed (t->kind) ? "true" : "false");
      graphml_data (out, "edge_note", t->note);
      g_string_append (out, "    </edge>\n");
    }

  g_string_append (out, "  </graph>\n</graphml>\n");
  return out;
}

static gboolean
export_graphml (BmMap       *map,
                GFile       *file,
                const char  *display_name,
                GError     **error)
{
  g_autofree BmPoint *positions = bm_layout_positions_array (map);
  g_autoptr(GString) doc = graphml_document (map, positions);

  return bm_write_file_safely (file, display_name, doc->str, doc->len, error);
}

/* ---- diagrams ------------------------------------------------------------ */

static cairo_status_t
append_to_byte_array (void                *closure,
                      const unsigned char *data,
                      unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

typedef struct
{
  BmRenderOptions render;
  BmRect          extents;
  GHashTable     *positions;
  BmAnalysis     *analysis;
} Diagram;

static void
diagram_init (Diagram         *d,
              BmMap           *map,
              BmExportOptions *options)
{
  bm_render_options_init (&d->render);
  d->positions = bm_layout_positions (map);
  d->render.positions = d->positions;
  d->analysis = NULL;
  if (options->show_gaps)
    {
      d->analysis = bm_analysis_new (map);
      d->render.analysis = d->analysis;
    }
  else
    d->render.flags &= ~BM_RENDER_GAPS;
  bm_render_get_extents (map, &d->render, &d->extents);
  if (!(d->extents.width > 0) || !(d->extents.height > 0))
    {
      d->extents.width = MAX (d->extents.width, 1);
      d->extents.height = MAX (d->extents.height, 1);
    }
}

static void
diagram_clear (Diagram *d)
{
  g_clear_pointer (&d->positions, g_hash_table_unref);
  g_clear_pointer (&d->analysis, bm_analysis_free);
}

/* Paint white under the drawing, then draw @map with map units scaled
 * by @scale and the content's corner at the origin */
static void
diagram_draw (Diagram               *d,
              BmMap                 *map,
              const BmRenderOptions *render,
              cairo_t               *cr,
              double                 scale)
{
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_restore (cr);

  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -d->extents.x, -d->extents.y);
  bm_render_draw (cr, map, render);
  cairo_restore (cr);
}

static int
pixels_for (double units,
            double scale)
{
  return (int) MAX (1, ceil (units * scale - 1e-6));
}

/* The largest scale ≤ @scale at which both sides fit in a cairo image */
static double
fitting_scale (double width,
               double height,
               double scale)
{
  double s = scale;

  if (pixels_for (width, s) <= MAX_IMAGE_SIDE && pixels_for (height, s) <= MAX_IMAGE_SIDE)
    return s;
  s = MIN (MAX_IMAGE_SIDE / width, MAX_IMAGE_SIDE / height);
  /* Guard against rounding up past the limit */
  while (pixels_for (width, s) > MAX_IMAGE_SIDE || pixels_for (height, s) > MAX_IMAGE_SIDE)
    s = nextafter (s, 0);
  return s;
}

static gboolean
check_surface (cairo_surface_t  *surface,
               const char       *display_name,
               GError          **error)
{
  cairo_status_t status = cairo_surface_status (surface);

  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;
  if (status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_INVALID_SIZE)
    set_export_error (error, display_name,
                      _("there is not enough memory to draw the diagram"));
  else
    set_export_error (error, display_name, cairo_status_to_string (status));
  return FALSE;
}

/* ---- PNG ------------------------------------------------------------------
 *
 * cairo's own PNG writer lets libpng try every row filter at zlib's default
 * level, which costs more than drawing the map.  This writer instead draws
 * the image in bands of rows, as few as memory allows (usually one: each
 * band costs a whole pass over the map, laying out its labels and notes
 * again), each into the same surface (no clip, so the renderer makes
 * exactly the same choices as for one big surface and the bands join
 * without a seam).  The renderer spreads its drawing over the cores by
 * itself; a drawn band is then cut into strips of rows that are deflated
 * on every core at once by the diagram encoder of bm-deflate.c (zlib's
 * fastest level takes twice as long for files of about the same size).
 * The strips' deflate data end on a byte boundary and simply follow one
 * another, as one zlib stream whose checksum is combined from the strips'
 * checksums.  The result is an ordinary 8-bit RGB PNG.
 *
 * Rows are not filtered (filter type "None"): on a diagram, flat areas
 * crossed by antialiased lines and text, deflate finds the repeats of the
 * raw pixels better than those of any filter's differences, so the file is
 * both smaller and quicker to make.
 */

/* A band surface holds at most this many bytes (tests may set fewer in
 * the environment, to see bands join without a seam) */
#define BAND_BYTES      (160 * 1024 * 1024)
#define STRIP_ROWS      64
#define MIN_STRIP_ROWS  8
#define MAX_WORKERS     8

typedef struct
{
  GByteArray     *data;     /* raw deflate, ends with a sync flush (or finished) */
  guint32         adler;    /* of the scanlines */
  gsize           length;   /* bytes of scanlines */
  gboolean        deflate_failed;
} PngStrip;

typedef struct
{
  int              width;
  int              height;
  int              strip_rows;
  int              n_strips;
  PngStrip        *strips;
  /* The band being encoded */
  const guint8    *band_data;
  int              band_stride;
  int              band_y0;
  int              band_first;  /* its first strip */
  int              band_end;    /* one past its last strip */
  gint             next_strip;  /* atomic */
} PngJob;

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* Writes a PNG chunk whose data is the concatenation of @parts at @out;
 * returns the end of what it wrote */
static guint8 *
write_chunk (guint8       *out,
             const char   *type,
             const guint8 *parts[],
             const gsize   lengths[],
             guint         n_parts)
{
  guint8 *crc_start;
  gsize total = 0;
  uLong crc;

  for (guint i = 0; i < n_parts; i++)
    total += lengths[i];
  g_assert (total <= G_MAXINT32);
  put_be32 (out, total);
  crc_start = out + 4;
  memcpy (out + 4, type, 4);
  out += 8;
  for (guint i = 0; i < n_parts; i++)
    {
      memcpy (out, parts[i], lengths[i]);
      out += lengths[i];
    }
  crc = crc32 (0, NULL, 0);
  /* crc32 takes a uInt length: feed large chunks piecewise */
  for (guint8 *p = crc_start; p < out; )
    {
      uInt n = (uInt) MIN ((gsize) (out - p), (gsize) G_MAXUINT32 / 2);
      crc = crc32 (crc, p, n);
      p += n;
    }
  put_be32 (out, (guint32) crc);
  return out + 4;
}

/* Turns @rows rows of the xRGB surface @data into PNG scanlines and
 * deflates them into @strip; with @have_above, the row before @data is
 * the previous strip's last */
static void
encode_strip (PngStrip     *strip,
              const guint8 *data,
              int           stride,
              int           width,
              int           rows,
              gboolean      have_above,
              gboolean      last)
{
  gsize line = bm_deflate_scanline_length (width);

  strip->data = g_byte_array_sized_new (line * rows / 5 + 1024);
  if (!bm_deflate_rgb_rows (strip->data, data, stride, width, rows, have_above, last,
                            &strip->adler))
    strip->deflate_failed = TRUE;
  strip->length = line * rows;
}

/* Encodes strips of the current band until none is left */
static gpointer
png_encode_worker (gpointer user_data)
{
  PngJob *job = user_data;

  for (;;)
    {
      int k = g_atomic_int_add (&job->next_strip, 1);
      int y0, rows;

      if (k >= job->band_end)
        break;
      y0 = k * job->strip_rows;
      rows = MIN (job->strip_rows, job->height - y0);
      encode_strip (&job->strips[k],
                    job->band_data + (gsize) (y0 - job->band_y0) * job->band_stride,
                    job->band_stride, job->width, rows, y0 > job->band_y0,
                    k == job->n_strips - 1);
    }
  return NULL;
}

/* The size of the PNG file png_assemble() writes */
static gsize
png_file_size (PngJob *job)
{
  /* signature, IHDR, zlib header and checksum, IEND */
  gsize total = 8 + 25 + 2 + 4 + 12;

  for (int k = 0; k < job->n_strips; k++)
    total += 12 + job->strips[k].data->len;
  return total;
}

/* Writes the PNG file at @out, png_file_size() bytes */
static void
png_assemble (PngJob *job,
              guint8 *out)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  /* zlib header: deflate, 32 KiB window, "fastest" level; (0x78 << 8 | 0x01) % 31 == 0 */
  static const guint8 zlib_header[2] = { 0x78, 0x01 };
  guint8 ihdr[13];
  guint8 trailer[4];
  uLong adler = adler32 (0, NULL, 0);

  memcpy (out, signature, sizeof signature);
  out += sizeof signature;
  put_be32 (ihdr, job->width);
  put_be32 (ihdr + 4, job->height);
  ihdr[8] = 8;    /* bits per sample */
  ihdr[9] = 2;    /* RGB */
  ihdr[10] = 0;   /* deflate */
  ihdr[11] = 0;   /* adaptive filtering */
  ihdr[12] = 0;   /* not interlaced */
  out = write_chunk (out, "IHDR", (const guint8 *[]) { ihdr }, (const gsize[]) { sizeof ihdr }, 1);

  for (int k = 0; k < job->n_strips; k++)
    adler = adler32_combine (adler, job->strips[k].adler, (z_off_t) job->strips[k].length);
  put_be32 (trailer, (guint32) adler);

  for (int k = 0; k < job->n_strips; k++)
    {
      const guint8 *parts[3];
      gsize lengths[3];
      guint n = 0;

      if (k == 0)
        {
          parts[n] = zlib_header;
          lengths[n++] = sizeof zlib_header;
        }
      parts[n] = job->strips[k].data->data;
      lengths[n++] = job->strips[k].data->len;
      if (k == job->n_strips - 1)
        {
          parts[n] = trailer;
          lengths[n++] = sizeof trailer;
        }
      out = write_chunk (out, "IDAT", parts, lengths, n);
    }
  write_chunk (out, "IEND", NULL, NULL, 0);
}

/* Memory for a large image, in huge pages where the system has them: a
 * fresh page costs a fault when first touched, and tens of megabytes in
 * 4 KiB pages cost thousands of faults (on a virtual machine a good part
 * of an export's time); 2 MiB pages cost a few dozen */
typedef struct
{
  guint8   *data;
  gpointer  base;
  gsize     mapped;
} BigBuffer;

#define HUGE_PAGE (2 * 1024 * 1024)

static gboolean
big_buffer_alloc (BigBuffer *b,
                  gsize      size)
{
#ifdef G_OS_UNIX
  /* Whole huge pages from an aligned start: a partial one at the end
   * would be made of small ones */
  size = (size + HUGE_PAGE - 1) & ~(gsize) (HUGE_PAGE - 1);
  b->mapped = size + HUGE_PAGE;
  b->base = mmap (NULL, b->mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (b->base == MAP_FAILED)
    {
      b->base = NULL;
      return FALSE;
    }
  b->data = (guint8 *) (((guintptr) b->base + HUGE_PAGE - 1) & ~(guintptr) (HUGE_PAGE - 1));
#ifdef MADV_HUGEPAGE
  madvise (b->data, size, MADV_HUGEPAGE);
#endif
#else
  b->base = g_try_malloc (size);
  b->data = b->base;
#endif
  return b->base != NULL;
}

static void
big_buffer_free (BigBuffer *b)
{
  if (b->base == NULL)
    return;
#ifdef G_OS_UNIX
  munmap (b->base, b->mapped);
#else
  g_free (b->base);
#endif
  b->base = NULL;
  b->data = NULL;
}

static gsize
band_bytes (void)
{
  const char *value = g_getenv ("BRIDGEMAP_PNG_BAND_BYTES");
  guint64 bytes;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 1, BAND_BYTES, &bytes, NULL))
    return bytes;
  return BAND_BYTES;
}

static gboolean
render_png (BmMap            *map,
            BmExportOptions  *options,
            GFile            *file,
            const char       *display_name,
            GError          **error)
{
  Diagram d;
  PngJob job = { 0, };
  BmRenderOptions render;
  BigBuffer pixels = { 0, };
  cairo_surface_t *surface;
  cairo_status_t status = CAIRO_STATUS_SUCCESS;
  double scale;
  int band_rows, stride;
  guint n_workers;
  gboolean ok = TRUE;

  diagram_init (&d, map, options);
  scale = fitting_scale (d.extents.width, d.extents.height, options->scale);
  options->used_scale = scale;
  job.width = pixels_for (d.extents.width, scale);
  job.height = pixels_for (d.extents.height, scale);
  render = d.render;
  render.pixels_per_unit = scale;
  render.clip = NULL;

  /* Bands: as tall as memory allows, in whole strips.  Strips: enough of
   * them in a band to keep every core busy until the end. */
  n_workers = CLAMP (g_get_num_processors (), 1, MAX_WORKERS);
  band_rows = (int) CLAMP (band_bytes () / (4 * (gsize) job.width), 1, (gsize) job.height);
  job.strip_rows = MIN (STRIP_ROWS, (band_rows + 4 * (int) n_workers - 1) / (4 * (int) n_workers));
  job.strip_rows = CLAMP (job.strip_rows, MIN (MIN_STRIP_ROWS, band_rows), band_rows);
  if (band_rows < job.height)
    band_rows -= band_rows % job.strip_rows;
  job.n_strips = (job.height + job.strip_rows - 1) / job.strip_rows;
  job.strips = g_new0 (PngStrip, job.n_strips);

  stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, job.width);
  if (big_buffer_alloc (&pixels, (gsize) stride * band_rows))
    {
      surface = cairo_image_surface_create_for_data (pixels.data, CAIRO_FORMAT_RGB24,
                                                     job.width, band_rows, stride);
      status = cairo_surface_status (surface);
    }
  else
    {
      surface = NULL;
      status = CAIRO_STATUS_NO_MEMORY;
    }

  for (int y0 = 0; y0 < job.height && status == CAIRO_STATUS_SUCCESS; y0 += band_rows)
    {
      g_autoptr(GPtrArray) threads = g_ptr_array_new ();
      cairo_t *cr = cairo_create (surface);

      cairo_translate (cr, 0, -y0);
      diagram_draw (&d, map, &render, cr, scale);
      status = cairo_status (cr);
      cairo_destroy (cr);
      if (status != CAIRO_STATUS_SUCCESS)
        break;
      cairo_surface_flush (surface);

      job.band_data = cairo_image_surface_get_data (surface);
      job.band_stride = cairo_image_surface_get_stride (surface);
      job.band_y0 = y0;
      job.band_first = y0 / job.strip_rows;
      job.band_end = (MIN (y0 + band_rows, job.height) + job.strip_rows - 1) / job.strip_rows;
      job.next_strip = job.band_first;
      for (guint i = 1; i < MIN (n_workers, (guint) (job.band_end - job.band_first)); i++)
        {
          GThread *thread = g_thread_try_new ("bm-export-png", png_encode_worker, &job, NULL);
          if (thread != NULL)
            g_ptr_array_add (threads, thread);
        }
      png_encode_worker (&job);
      for (guint i = 0; i < threads->len; i++)
        g_thread_join (g_ptr_array_index (threads, i));
    }
  g_clear_pointer (&surface, cairo_surface_destroy);

  if (status == CAIRO_STATUS_NO_MEMORY || status == CAIRO_STATUS_INVALID_SIZE)
    {
      set_export_error (error, display_name,
                        _("there is not enough memory to draw the image; "
                          "choose a smaller scale"));
      ok = FALSE;
    }
  else if (status != CAIRO_STATUS_SUCCESS)
    {
      set_export_error (error, display_name, cairo_status_to_string (status));
      ok = FALSE;
    }
  for (int k = 0; k < job.n_strips && ok; k++)
    if (job.strips[k].deflate_failed)
      {
        set_export_error (error, display_name, _("the image could not be compressed"));
        ok = FALSE;
      }
  if (ok)
    {
      /* Into the pixels' memory when it is large enough (it usually is
       * several times over): no fresh pages */
      gsize size = png_file_size (&job);
      g_autofree guint8 *own = NULL;
      guint8 *file_data = pixels.data;

      if (file_data == NULL || size > (gsize) stride * band_rows)
        file_data = own = g_try_malloc (size);
      if (file_data == NULL)
        {
          set_export_error (error, display_name,
                            _("there is not enough memory to draw the image; "
                              "choose a smaller scale"));
          ok = FALSE;
        }
      else
        {
          png_assemble (&job, file_data);
          ok = bm_write_file_safely (file, display_name, file_data, size, error);
        }
    }
  big_buffer_free (&pixels);

  for (int k = 0; k < job.n_strips; k++)
    g_clear_pointer (&job.strips[k].data, g_byte_array_unref);
  g_free (job.strips);
  diagram_clear (&d);
  return ok;
}

/* Ends the drawing on @cr and finishes its @surface; on failure, says so
 * in @error with @what_failed */
static gboolean
finish_vector (cairo_t          *cr,
               cairo_surface_t  *surface,
               const char       *display_name,
               const char       *what_failed,
               GError          **error)
{
  gboolean ok = cairo_status (cr) == CAIRO_STATUS_SUCCESS;

  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (ok)
    return check_surface (surface, display_name, error);
  set_export_error (error, display_name, what_failed);
  return FALSE;
}

/* A PDF written into @out, titled after @map (@untitled when it has no
 * title) */
static cairo_surface_t *
pdf_surface_new (GByteArray *out,
                 double      width,
                 double      height,
                 BmMap      *map,
                 const char *untitled)
{
  cairo_surface_t *surface;
  const char *title = bm_map_get_title (map);

  surface = cairo_pdf_surface_create_for_stream (append_to_byte_array, out, width, height);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  title != NULL ? title : untitled);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Bridgemap");
  return surface;
}

static gboolean
render_vector (BmMap            *map,
               BmExportFormat    format,
               BmExportOptions  *options,
               const char       *display_name,
               GByteArray       *out,
               GError          **error)
{
  Diagram d;
  cairo_surface_t *surface;
  cairo_t *cr;
  double scale = 1;
  gboolean ok;

  diagram_init (&d, map, options);
  d.render.pixels_per_unit = 0;   /* print: keep every detail */

  if (format == BM_EXPORT_PDF)
    {
      scale = MIN (1.0, MAX_PDF_SIDE / MAX (d.extents.width, d.extents.height));
      surface = pdf_surface_new (out, d.extents.width * scale, d.extents.height * scale,
                                 map, _("Bridgemap diagram"));
    }
  else
    {
      /* One map unit is one SVG pixel */
      surface = cairo_svg_surface_create_for_stream (append_to_byte_array, out,
                                                     d.extents.width,
                                                     d.extents.height);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
    }

  cr = cairo_create (surface);
  diagram_draw (&d, map, &d.render, cr, scale);
  ok = finish_vector (cr, surface, display_name, _("the drawing could not be completed"), error);
  if (ok && format == BM_EXPORT_SVG)
    bm_painter_write_svg_text (surface, out);
  cairo_surface_destroy (surface);
  diagram_clear (&d);
  return ok;
}

/* The diagram fills the first page, which lies the way the diagram does;
 * the briefing pages follow */
static gboolean
render_report (BmMap            *map,
               BmExportOptions  *options,
               const char       *display_name,
               GByteArray       *out,
               GError          **error)
{
  const double margin = 36;
  g_autoptr(BmAnalysis) analysis = NULL;
  Diagram d;
  cairo_surface_t *surface;
  cairo_t *cr;
  double paper_width, paper_height, width, height, scale;
  gboolean ok;

  diagram_init (&d, map, options);
  d.render.pixels_per_unit = 0;   /* print: keep every detail */
  bm_report_paper_size (&paper_width, &paper_height);
  width = d.extents.width > d.extents.height ? paper_height : paper_width;
  height = d.extents.width > d.extents.height ? paper_width : paper_height;
  scale = MIN ((width - 2 * margin) / d.extents.width, (height - 2 * margin) / d.extents.height);

  surface = pdf_surface_new (out, width, height, map, _("Bridgemap briefing"));
  cr = cairo_create (surface);
  cairo_translate (cr, (width - d.extents.width * scale) / 2,
                   (height - d.extents.height * scale) / 2);
  diagram_draw (&d, map, &d.render, cr, scale);

  /* The briefing tells every gap, whether the diagram shows them or not */
  if (d.analysis == NULL)
    analysis = bm_analysis_new (map);
  bm_report_draw_pages (cr, map, d.analysis != NULL ? d.analysis : analysis, 2);

  ok = finish_vector (cr, surface, display_name, _("the report could not be completed"), error);
  cairo_surface_destroy (surface);
  diagram_clear (&d);
  return ok;
}

static gboolean
export_diagram (BmMap            *map,
                GFile            *file,
                const char       *display_name,
                BmExportFormat    format,
                BmExportOptions  *options,
                GError          **error)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gboolean ok;

  if (format == BM_EXPORT_PNG)
    return render_png (map, options, file, display_name, error);
  if (format == BM_EXPORT_REPORT)
    ok = render_report (map, options, display_name, out, error);
  else
    ok = render_vector (map, format, options, display_name, out, error);
  if (!ok)
    return FALSE;
  return bm_write_file_safely (file, display_name, out->data, out->len, error);
}

/* ---- entry point --------------------------------------------------------- */

gboolean
bm_export_file (BmMap            *map,
                GFile            *file,
                const char       *display_name,
                BmExportFormat    format,
                BmExportOptions  *options,
                GError          **error)
{
  BmExportOptions defaults;
  g_autofree char *path = NULL;

  g_return_val_if_fail (BM_IS_MAP (map), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (options == NULL)
    {
      bm_export_options_init (&defaults);
      options = &defaults;
    }
  if (!(options->scale > 0) || !isfinite (options->scale))
    options->scale = 2;
  options->used_scale = options->scale;

  if (display_name == NULL)
    {
      path = g_file_get_parse_name (file);
      display_name = path;
    }

  switch (format)
    {
    case BM_EXPORT_BRIDGEMAP:
      return bm_map_save_file (map, file, display_name, error);
    case BM_EXPORT_CSV:
      return export_csv (map, file, display_name, error);
    case BM_EXPORT_GRAPHML:
      return export_graphml (map, file, display_name, error);
    case BM_EXPORT_PNG:
    case BM_EXPORT_SVG:
    case BM_EXPORT_PDF:
    case BM_EXPORT_REPORT:
      return export_diagram (map, file, display_name, format, options, error);
    default:
      g_return_val_if_reached (FALSE);
    }
}
