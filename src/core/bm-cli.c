/* bm-cli.c: --validate, --analyze, --export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "bm-analysis.h"
#include "bm-cli.h"
#include "bm-export.h"
#include "bm-map-io.h"

static BmMap *
load_or_report (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  BmMap *map;

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

int
bm_cli_export (const char *out, const char *path, double scale)
{
  g_autoptr(BmMap) map = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  BmExportFormat format;
  BmExportOptions options;

  if (!bm_export_format_from_path (out, &format))
    {
      fprintf (stderr, _("%s: cannot tell the format from the name; use .bridgemap, .png, .svg, .pdf, .graphml or .csv\n"),
               out);
      return 1;
    }

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
