/* bm-report.c: the briefing pages of a report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Text flows down pages of the user's paper: headings are kept with what
 * follows them, paragraphs break between lines, and a table that goes on
 * over a page repeats its heading and column names.  Everything is Pango
 * text, so names in any script are shaped and stay selectable.
 *
 * The pages run in the direction of the language the report is written
 * in (right to left in Arabic), whatever the names in it: a sentence in
 * English that begins with an Arabic name is still an English sentence.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#ifdef __GLIBC__
#include <langinfo.h>
#endif

#include "bm-report.h"

#define FONT_FAMILY   "Sans"
#define MM            (72.0 / 25.4)
#define MARGIN        (20 * MM)
#define FOOTER_SIZE   8.0
#define BODY_SIZE     10.0
#define TABLE_SIZE    9.0
/* A heading needs this much room below it, or it goes to the next page */
#define KEEP_WITH     (3 * BODY_SIZE * 1.4)
#define CELL_PAD_X    4.0
#define CELL_PAD_Y    2.5

void
bm_report_paper_size (double *width,
                      double *height)
{
  double w = 210, h = 297;   /* A4, in millimetres */

#if defined(__GLIBC__) && defined(_NL_PAPER_WIDTH) && defined(_NL_PAPER_HEIGHT)
  {
    /* glibc answers these with a number in place of the pointer */
    int pw = (int) (gintptr) nl_langinfo (_NL_PAPER_WIDTH);
    int ph = (int) (gintptr) nl_langinfo (_NL_PAPER_HEIGHT);

    if (pw >= 50 && pw <= 2000 && ph >= 50 && ph <= 2000)
      {
        w = MIN (pw, ph);
        h = MAX (pw, ph);
      }
  }
#endif
  *width = w * MM;
  *height = h * MM;
}

typedef struct
{
  cairo_t         *cr;
  PangoContext    *context;
  double           width;
  double           height;
  double           y;          /* where the next thing goes */
  gboolean         open;       /* a briefing page has begun */
  guint            number;     /* of the page being drawn */
  const char      *title;
  PangoDirection   direction;  /* LTR or RTL */
} Pages;

static double
content_width (Pages *p)
{
  return p->width - 2 * MARGIN;
}

static double
bottom (Pages *p)
{
  /* Above the footer */
  return p->height - MARGIN - 2 * FOOTER_SIZE;
}

static PangoLayout *
text_layout (Pages       *p,
             const char  *text,
             double       size,
             PangoWeight  weight,
             double       width)
{
  PangoLayout *layout = pango_layout_new (p->context);
  PangoFontDescription *desc = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_absolute_size (desc, size * PANGO_SCALE);
  pango_font_description_set_weight (desc, weight);
  pango_layout_set_font_description (layout, desc);
  pango_font_description_free (desc);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_auto_dir (layout, FALSE);
  if (p->direction == PANGO_DIRECTION_RTL)
    pango_layout_set_alignment (layout, PANGO_ALIGN_RIGHT);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  return (double) h / PANGO_SCALE;
}

static void
set_grey (cairo_t *cr,
          double   level)
{
  cairo_set_source_rgb (cr, level, level, level);
}

static void
end_page (Pages *p)
{
  g_autoptr(PangoLayout) left = NULL;
  g_autoptr(PangoLayout) right = NULL;
  g_autofree char *number = NULL;
  double y = p->height - MARGIN - FOOTER_SIZE;

  if (!p->open)
    return;
  /* TRANSLATORS: in the footer of a report's pages */
  number = g_strdup_printf (_("Page %u"), p->number);
  /* The title where lines start, the number where they end */
  left = text_layout (p, p->title, FOOTER_SIZE, PANGO_WEIGHT_NORMAL, content_width (p) * 0.75);
  pango_layout_set_ellipsize (left, PANGO_ELLIPSIZE_END);
  right = text_layout (p, number, FOOTER_SIZE, PANGO_WEIGHT_NORMAL, content_width (p));
  pango_layout_set_alignment (right, p->direction == PANGO_DIRECTION_RTL ? PANGO_ALIGN_LEFT
                                                                        : PANGO_ALIGN_RIGHT);
  /* (The text going on over the page keeps its colour) */
  cairo_save (p->cr);
  set_grey (p->cr, 0.4);
  cairo_move_to (p->cr, MARGIN + (p->direction == PANGO_DIRECTION_RTL ? content_width (p) * 0.25 : 0), y);
  pango_cairo_show_layout (p->cr, left);
  cairo_move_to (p->cr, MARGIN, y);
  pango_cairo_show_layout (p->cr, right);
  cairo_restore (p->cr);
  cairo_show_page (p->cr);
  p->open = FALSE;
}

static void
begin_page (Pages *p)
{
  end_page (p);
  cairo_pdf_surface_set_size (cairo_get_target (p->cr), p->width, p->height);
  p->number++;
  p->open = TRUE;
  p->y = MARGIN;
}

/* Starts a new page unless @needed points fit below; TRUE when it did */
static gboolean
make_room (Pages  *p,
           double  needed)
{
  if (p->open && p->y + needed <= bottom (p))
    return FALSE;
  begin_page (p);
  return TRUE;
}

/* Shows @layout, @indent in from where lines start, line by line, going
 * on over as many pages as it takes */
static void
flow_layout (Pages       *p,
             PangoLayout *layout,
             double       indent)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);
  /* Where the layout's top is on the current page */
  double origin;

  if (p->direction == PANGO_DIRECTION_RTL)
    indent = 0;   /* the layout is narrower by it and ends at the right margin */
  make_room (p, 0);
  origin = p->y;
  do
    {
      PangoRectangle line;
      double top, line_bottom;

      pango_layout_iter_get_line_extents (iter, NULL, &line);
      top = (double) line.y / PANGO_SCALE;
      line_bottom = (double) (line.y + line.height) / PANGO_SCALE;
      /* (A line taller than a page is drawn where it starts) */
      if (origin + line_bottom > bottom (p) && p->y > MARGIN + 0.5)
        {
          begin_page (p);
          origin = p->y - top;
        }
      cairo_move_to (p->cr, MARGIN + indent + (double) line.x / PANGO_SCALE,
                     origin + (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE);
      pango_cairo_show_layout_line (p->cr, pango_layout_iter_get_line_readonly (iter));
      p->y = origin + line_bottom;
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

static void
paragraph (Pages       *p,
           const char  *text,
           double       size,
           PangoWeight  weight,
           double       grey,
           double       indent,
           double       space_after)
{
  g_autoptr(PangoLayout) layout = text_layout (p, text, size, weight,
                                               content_width (p) - indent);

  set_grey (p->cr, grey);
  flow_layout (p, layout, indent);
  p->y += space_after;
}

/* Bold @text, on the page of what follows it */
static void
heading_spaced (Pages      *p,
                const char *text,
                double      size,
                double      space_before,
                double      space_after)
{
  g_autoptr(PangoLayout) layout = text_layout (p, text, size, PANGO_WEIGHT_BOLD,
                                               content_width (p));
  double h = layout_height (layout);

  if (!make_room (p, space_before + h + KEEP_WITH))
    p->y += space_before;
  set_grey (p->cr, 0.1);
  cairo_move_to (p->cr, MARGIN, p->y);
  pango_cairo_show_layout (p->cr, layout);
  p->y += h + space_after;
}

static void
heading (Pages      *p,
         const char *text,
         double      size,
         double      space_before)
{
  heading_spaced (p, text, size, space_before, size * 0.45);
}

/* ---- the actors' table --------------------------------------------------- */

enum { COL_NAME, COL_PARTY, COL_TRACK, COL_SECTOR, COL_KIND, N_COLUMNS };

/* Shares of the text width */
static const double column_share[N_COLUMNS] = { 0.28, 0.22, 0.11, 0.23, 0.16 };

static double
row_height (Pages        *p,
            PangoLayout **cells)
{
  double h = 0;

  for (int c = 0; c < N_COLUMNS; c++)
    h = MAX (h, layout_height (cells[c]));
  return h + 2 * CELL_PAD_Y;
}

static void
draw_row (Pages        *p,
          PangoLayout **cells,
          double        h,
          gboolean      shaded,
          gboolean      header)
{
  gboolean rtl = p->direction == PANGO_DIRECTION_RTL;
  double x = MARGIN;

  if (shaded)
    {
      cairo_set_source_rgb (p->cr, 0.95, 0.94, 0.91);
      cairo_rectangle (p->cr, MARGIN, p->y, content_width (p), h);
      cairo_fill (p->cr);
    }
  set_grey (p->cr, header ? 0.3 : 0.1);
  /* The columns in reading order */
  for (int k = 0; k < N_COLUMNS; k++)
    {
      int c = rtl ? N_COLUMNS - 1 - k : k;

      cairo_move_to (p->cr, x + CELL_PAD_X, p->y + CELL_PAD_Y);
      pango_cairo_show_layout (p->cr, cells[c]);
      x += content_width (p) * column_share[c];
    }
  p->y += h;
  if (header)
    {
      set_grey (p->cr, 0.55);
      cairo_set_line_width (p->cr, 0.75);
      cairo_move_to (p->cr, MARGIN, p->y);
      cairo_line_to (p->cr, MARGIN + content_width (p), p->y);
      cairo_stroke (p->cr);
    }
}

static void
make_cells (Pages        *p,
            const char  **texts,
            PangoWeight   weight,
            PangoLayout **cells)
{
  for (int c = 0; c < N_COLUMNS; c++)
    cells[c] = text_layout (p, texts[c], TABLE_SIZE, weight,
                            content_width (p) * column_share[c] - 2 * CELL_PAD_X);
}

static void
free_cells (PangoLayout **cells)
{
  for (int c = 0; c < N_COLUMNS; c++)
    g_clear_object (&cells[c]);
}

static void
table_header (Pages *p)
{
  const char *names[N_COLUMNS] = {
    C_("report column", "Name"), C_("report column", "Party"), C_("report column", "Track"),
    C_("report column", "Sector"), C_("report column", "Kind"),
  };
  PangoLayout *cells[N_COLUMNS];

  make_cells (p, names, PANGO_WEIGHT_BOLD, cells);
  draw_row (p, cells, row_height (p, cells), FALSE, TRUE);
  free_cells (cells);
}

typedef struct
{
  const BmActor *actor;
  char          *key;     /* collation key of the name */
} Row;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *x = a, *y = b;

  if (x->actor->track != y->actor->track)
    return x->actor->track < y->actor->track ? -1 : 1;
  return strcmp (x->key, y->key);
}

static void
clear_row (gpointer data)
{
  g_free (((Row *) data)->key);
}

static void
level_table (Pages   *p,
             BmMap   *map,
             BmLevel  level)
{
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (Row));
  const char *level_name = bm_level_display_name (level);

  g_array_set_clear_func (rows, clear_row);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      Row row = { a, NULL };

      if (a->level != level)
        continue;
      row.key = g_utf8_collate_key (a->name, -1);
      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_rows);

  heading (p, level_name, 11.5, 10);
  if (rows->len == 0)
    {
      paragraph (p, _("No actors on this level."), BODY_SIZE, PANGO_WEIGHT_NORMAL, 0.35, 0, 4);
      return;
    }
  table_header (p);
  for (guint k = 0; k < rows->len; k++)
    {
      const BmActor *a = g_array_index (rows, Row, k).actor;
      const BmParty *party = a->party != NULL ? bm_map_lookup_party (map, a->party) : NULL;
      const char *texts[N_COLUMNS] = {
        a->name,
        party != NULL ? party->name : C_("report: actor's party", "Third party"),
        bm_track_display_name (a->track),
        a->sector != BM_SECTOR_NONE ? bm_sector_display_name (a->sector) : "",
        bm_actor_kind_display_name (a->kind),
      };
      PangoLayout *cells[N_COLUMNS];
      double h;

      make_cells (p, texts, PANGO_WEIGHT_NORMAL, cells);
      h = row_height (p, cells);
      if (make_room (p, h))
        {
          g_autofree char *continued = NULL;

          /* TRANSLATORS: a table's heading again on a new page */
          continued = g_strdup_printf (_("%s (continued)"), level_name);
          heading (p, continued, 11.5, 0);
          table_header (p);
        }
      draw_row (p, cells, h, k % 2 == 1, FALSE);
      free_cells (cells);
    }
}

/* ---- the pages ----------------------------------------------------------- */

void
bm_report_draw_pages (cairo_t    *cr,
                      BmMap      *map,
                      BmAnalysis *analysis,
                      guint       first_page)
{
  Pages p = { 0, };
  const char *title = bm_map_get_title (map);
  const char *description = bm_map_get_description (map);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = NULL;
  g_autofree char *prepared = NULL;
  g_autofree char *summary = NULL;

  g_return_if_fail (cairo_surface_get_type (cairo_get_target (cr)) == CAIRO_SURFACE_TYPE_PDF);

  cairo_show_page (cr);
  cairo_save (cr);
  cairo_identity_matrix (cr);
  cairo_reset_clip (cr);
  p.cr = cr;
  bm_report_paper_size (&p.width, &p.height);
  p.number = first_page - 1;
  p.title = title != NULL && *title != '\0' ? title : _("Untitled map");
  p.direction = bm_language_is_rtl () ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR;
  /* Glyphs where the font puts them, as in the diagram: rounded positions
   * open gaps inside joined scripts, which PDF readers take for spaces */
  p.context = pango_cairo_create_context (cr);
  {
    cairo_font_options_t *options = cairo_font_options_create ();

    cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options (p.context, options);
    cairo_font_options_destroy (options);
  }
  pango_context_set_round_glyph_positions (p.context, FALSE);
  pango_context_set_base_dir (p.context, p.direction);

  begin_page (&p);
  paragraph (&p, p.title, 20, PANGO_WEIGHT_BOLD, 0.1, 0, 4);
  /* TRANSLATORS: the date a report was made, as in "24 November 2026"; see
   * the GLib documentation of g_date_time_format() for the codes */
  date = g_date_time_format (now, C_("report date", "%e %B %Y"));
  /* TRANSLATORS: under a report's title; %s is the date */
  prepared = g_strdup_printf (_("Briefing prepared with Bridgemap on %s"), g_strstrip (date));
  paragraph (&p, prepared, 9.5, PANGO_WEIGHT_NORMAL, 0.4, 0, 10);
  if (description != NULL && *description != '\0')
    paragraph (&p, description, BODY_SIZE, PANGO_WEIGHT_NORMAL, 0.15, 0, 6);

  heading (&p, _("Where a Track 1.5 bridge is missing"), 14, 10);
  summary = bm_analysis_get_summary (analysis);
  paragraph (&p, summary, BODY_SIZE, PANGO_WEIGHT_NORMAL, 0.1, 0, 6);
  for (guint i = 0; i < bm_analysis_get_n_gaps (analysis); i++)
    {
      const BmGap *gap = bm_analysis_get_gap (analysis, i);
      g_autofree char *headline = NULL;

      /* TRANSLATORS: severity and title of a gap: "Critical: No channel at all between …" */
      headline = g_strdup_printf (_("%s: %s"), bm_severity_display_name (gap->severity),
                                  gap->title);
      /* The headline stays with the start of its explanation */
      heading_spaced (&p, headline, BODY_SIZE + 0.5, 4, 2);
      paragraph (&p, gap->explanation, BODY_SIZE, PANGO_WEIGHT_NORMAL, 0.15, 10, 4);
    }

  heading (&p, _("Actors by level and track"), 14, 14);
  for (int level = 0; level < BM_N_LEVELS; level++)
    level_table (&p, map, level);

  end_page (&p);
  g_object_unref (p.context);
  cairo_restore (cr);
}
