/* bm-cli.c: --validate, --analyze, --export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#if __GLIBC_PREREQ (2, 33) && defined(MADV_HUGEPAGE)
#define HAVE_HEAP_TUNING 1
#endif
#endif

#include "bm-analysis.h"
#include "bm-cli.h"
#include "bm-export.h"
#include "bm-map-io.h"

/* A command runs once, allocates some tens of megabytes and exits.  Each
 * fresh 4 KiB page it touches costs a page fault, and on a virtual
 * machine a fault can cost 15 µs: thousands of them were a third of a
 * PNG export.  So the heap grows in one step, in huge pages where the
 * system allows them, and every thread allocates from it. */
static void
prepare_memory (void)
{
#ifdef HAVE_HEAP_TUNING
  const gsize huge_page = 2 * 1024 * 1024;
  const gsize pad = 64 * 1024 * 1024;
  static gpointer below;   /* never freed: its pages are never touched */
  guintptr top, aligned, end;

  mallopt (M_ARENA_MAX, 1);
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 2 * pad);
  mallopt (M_TOP_PAD, pad);

  /* Allocate the heap's free top and more, up to just below a huge page
   * boundary past the current end: the heap grows by the pad, and
   * nothing has touched the memory after the boundary when it is marked.
   * (A page touched before would keep its huge page region in small
   * pages.) */
  top = (guintptr) sbrk (0);
  if (top == (guintptr) -1 || below != NULL)
    return;
  aligned = (top + 64 * 1024 + huge_page - 1) & ~(guintptr) (huge_page - 1);
  top -= mallinfo2 ().keepcost;
  below = malloc (aligned - top - 64);
  end = (guintptr) sbrk (0) & ~(guintptr) (huge_page - 1);
  if (below != NULL && end > aligned)
    madvise ((gpointer) aligned, end - aligned, MADV_HUGEPAGE);
#endif
}

static BmMap *
load_or_report (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  BmMap *map;

  prepare_memory ();
  map = bm_map_load_file (file, path, &error);
  if (map == NULL)
    {
      /* The message already holds one "FILE:LINE: …" line per problem */
      fprintf (stderr, "%s\n", error->message);
      return NULL;
    }
  return map;
}

int
bm_cli_validate (char **files)
{
  int status = 0;

  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autoptr(BmMap) map = load_or_report (files[i]);
      if (map == NULL)
        status = 1;
    }
  return status;
}

int
bm_cli_analyze (const char *path, gboolean json)
{
  g_autoptr(BmMap) map = load_or_report (path);
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *report = NULL;

  if (map == NULL)
    return 1;

  analysis = bm_analysis_new (map);
  report = json ? bm_analysis_to_json (analysis) : bm_analysis_to_text (analysis);
  fputs (report, stdout);
  fflush (stdout);
  return ferror (stdout) ? 1 : 0;
}

static int
export_as (const char     *out,
           const char     *path,
           BmExportFormat  format,
           double          scale)
{
  g_autoptr(BmMap) map = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  BmExportOptions options;

  map = load_or_report (path);
  if (map == NULL)
    return 1;

  bm_export_options_init (&options);
  if (scale > 0)
    options.scale = scale;

  file = g_file_new_for_commandline_arg (out);
  if (!bm_export_file (map, file, out, format, &options, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  if (format == BM_EXPORT_PNG && options.used_scale < options.scale)
    fprintf (stderr, _("%s: the image would be larger than 32767 pixels; written at %.3g pixels per map unit instead of %.3g\n"),
             out, options.used_scale, options.scale);
  return 0;
}

int
bm_cli_export (const char *out, const char *path, double scale)
{
  BmExportFormat format;

  if (!bm_export_format_from_path (out, &format))
    {
      fprintf (stderr, _("%s: cannot tell the format from the name; use .bridgemap, .png, .svg, .pdf, .graphml or .csv\n"),
               out);
      return 1;
    }
  return export_as (out, path, format, scale);
}

int
bm_cli_report (const char *out, const char *path)
{
  return export_as (out, path, BM_EXPORT_REPORT, 0);
}
