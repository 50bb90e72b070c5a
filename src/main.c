/* main.c: the bridgemap executable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With --validate, --analyze or --export the program works without a
 * display and never initialises GTK; otherwise it opens the window.
 *
 * This file is built twice.  `bridgemap` (BM_GUI_PROGRAM defined) links
 * only the core, so the command line does not pay for loading GTK; to
 * open the window it replaces itself with BM_GUI_PROGRAM, same process
 * and same arguments.  That program (BM_HAVE_GUI defined) parses the same
 * options again and runs the application.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bm-cli.h"

#ifdef BM_HAVE_GUI
#include "bm-application.h"
#endif

static gboolean opt_validate;
static gboolean opt_analyze;
static gboolean opt_json;
static gboolean opt_version;
static char *opt_export;
static char *opt_report;
static char *opt_scale;
static char **opt_files;

static const GOptionEntry entries[] = {
  { "validate", 0, 0, G_OPTION_ARG_NONE, &opt_validate,
    N_("Check each FILE and report every problem; exit status 1 if any is invalid"), NULL },
  { "analyze", 0, 0, G_OPTION_ARG_NONE, &opt_analyze,
    N_("Print where a Track 1.5 bridge is missing in FILE, in plain words"), NULL },
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json,
    N_("With --analyze: print the report as JSON"), NULL },
  { "export", 0, 0, G_OPTION_ARG_FILENAME, &opt_export,
    N_("Write FILE to OUT; the format follows OUT's extension: .png .svg .pdf .graphml .csv .bridgemap"),
    N_("OUT") },
  { "report", 0, 0, G_OPTION_ARG_FILENAME, &opt_report,
    N_("Write a briefing of FILE to OUT as PDF: the diagram, the gaps in plain words, the actors by level and track"),
    N_("OUT") },
  { "scale", 0, 0, G_OPTION_ARG_STRING, &opt_scale,
    N_("With --export to PNG: pixels per map unit, a decimal greater than 0 (default 2)"), N_("N") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version,
    N_("Show the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt_files, NULL, N_("[FILE…]") },
  { NULL }
};

static gboolean
parse_scale (const char *text, double *scale)
{
  char *end = NULL;
  double v;

  if (text == NULL || !g_ascii_isdigit (text[0]))
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  v = g_ascii_strtod (text, &end);
  if (end == NULL || *end != '\0' || !(v > 0) || v > 1e6)
    return FALSE;
  *scale = v;
  return TRUE;
}

#ifdef BM_GUI_PROGRAM
/* Replaces this process with the window's program, given @argv as this
 * one was: next to this executable when run from the build folder, else
 * where it is installed.  Returns only on failure. */
static int
exec_gui (char **argv)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *path = NULL;

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);

      path = g_build_filename (dir, BM_GUI_PROGRAM, NULL);
      if (!g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        g_clear_pointer (&path, g_free);
    }
  if (path == NULL)
    path = g_build_filename (BM_LIBEXECDIR, BM_GUI_PROGRAM, NULL);

  execv (path, argv);
  fprintf (stderr, _("bridgemap: cannot open the window: %s: %s\n"),
           path, g_strerror (errno));
  return 1;
}
#endif

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files;
  double scale = 0;
#ifdef BM_GUI_PROGRAM
  /* Parsing rearranges argv; the window's program gets it as it came */
  g_auto(GStrv) original_argv = g_strdupv (argv);
#endif

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
    _("Map the actors of a conflict on Lederach's pyramid and find where a Track 1.5 bridge is missing.\n"
      "\n"
      "Without options, opens each FILE in a window. These need no display:\n"
      "  bridgemap --validate FILE…\n"
      "  bridgemap --analyze [--json] FILE\n"
      "  bridgemap --export=OUT [--scale=N] FILE\n"
      "  bridgemap --report=OUT.pdf FILE"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "bridgemap: %s\n", error->message);
      return 1;
    }

  if (opt_version)
    {
      printf ("bridgemap %s\n", PACKAGE_VERSION);
      return 0;
    }

  n_files = opt_files ? g_strv_length (opt_files) : 0;

  if ((opt_validate ? 1 : 0) + (opt_analyze ? 1 : 0) + (opt_export ? 1 : 0) +
      (opt_report ? 1 : 0) > 1)
    {
      fprintf (stderr, _("bridgemap: use only one of --validate, --analyze, --export and --report\n"));
      return 1;
    }
  if (opt_json && !opt_analyze)
    {
      fprintf (stderr, _("bridgemap: --json goes with --analyze\n"));
      return 1;
    }
  if (opt_scale != NULL && (opt_export == NULL || !parse_scale (opt_scale, &scale)))
    {
      if (opt_export == NULL)
        fprintf (stderr, _("bridgemap: --scale goes with --export\n"));
      else
        fprintf (stderr, _("bridgemap: --scale needs a decimal number greater than 0, such as 2 or 0.5\n"));
      return 1;
    }

  if (opt_validate)
    {
      if (n_files == 0)
        {
          fprintf (stderr, _("bridgemap: --validate needs at least one FILE\n"));
          return 1;
        }
      return bm_cli_validate (opt_files);
    }
  if (opt_analyze)
    {
      if (n_files != 1)
        {
          fprintf (stderr, _("bridgemap: --analyze needs exactly one FILE\n"));
          return 1;
        }
      return bm_cli_analyze (opt_files[0], opt_json);
    }
  if (opt_export)
    {
      if (n_files != 1)
        {
          fprintf (stderr, _("bridgemap: --export needs exactly one FILE\n"));
          return 1;
        }
      return bm_cli_export (opt_export, opt_files[0], scale);
    }
  if (opt_report)
    {
      if (n_files != 1)
        {
          fprintf (stderr, _("bridgemap: --report needs exactly one FILE\n"));
          return 1;
        }
      return bm_cli_report (opt_report, opt_files[0]);
    }

#if defined (BM_HAVE_GUI)
  return bm_application_run (opt_files);
#elif defined (BM_GUI_PROGRAM)
  return exec_gui (original_argv);
#else
  fprintf (stderr, _("bridgemap: this build has no window; use --validate, --analyze or --export\n"));
  return 1;
#endif
}
