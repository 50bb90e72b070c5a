/* bench-export.c: how long each export takes, and PNG against Graphviz
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For generated maps of 300, 3,000 and 10,000 actors (three ties each)
 * this times every export format in the process (bm_export_file, the map
 * already in memory), then the whole command `bridgemap --export=OUT.png
 * --scale=1 FILE` (start, load, export, durable write) against Graphviz
 * drawing the same positioned graph at the same pixel size:
 * `neato -n2 -Gdpi=72 -Tpng` on a .dot with pos="x,y!" (nodes sized like
 * our actors, labelled with their names, one line per tie, arrows on the
 * directed ones), plus two invisible corner points so that its image is
 * exactly as large as ours.  The two commands run alternately, so they see
 * the same machine load.
 *
 * Goal (issue "Diagram renderer and export"): our PNG export takes at most
 * half of Graphviz's time.
 *
 * Usage: bench-export [BRIDGEMAP-EXECUTABLE [N-ACTORS…]]  (the
 * command-line figures are skipped without the executable, the Graphviz
 * ones without neato in PATH)
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench-util.h"
#include "bm-export.h"
#include "bm-generate.h"
#include "bm-map-io.h"
#include "bm-render.h"

/* Width and height of a PNG file, from its IHDR */
static gboolean
png_size (const char *path, guint *width, guint *height)
{
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_get_contents (path, &data, &length, NULL) || length < 24 ||
      memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  *width = GUINT32_FROM_BE (*(guint32 *) (data + 16));
  *height = GUINT32_FROM_BE (*(guint32 *) (data + 20));
  return TRUE;
}

static double
children_cpu (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
         ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Wall-clock seconds of one run of @argv, or -1 when it failed; @cpu
 * receives the CPU seconds it used (all its threads, user and system) */
static double
time_command (char **argv, double *cpu)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  double cpu0 = children_cpu ();
  gint64 start = g_get_monotonic_time ();
  int status;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    {
      fprintf (stderr, "%s: %s\n", argv[0], error->message);
      return -1;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      fprintf (stderr, "%s failed: %s\n", argv[0], err);
      return -1;
    }
  if (cpu != NULL)
    *cpu = children_cpu () - cpu0;
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
append_dot_string (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      if (*s == '\n' || *s == '\r')
        g_string_append_c (out, ' ');
      else
        g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

/* The same positioned graph for Graphviz, @width × @height points: map
 * units scaled by @scale from the content's corner, y pointing up */
static char *
write_dot (BmMap *map, const char *dir, guint n, const BmRect *extents, double scale,
           guint width, guint height)
{
  g_autofree BmPoint *pos = bm_layout_positions_array (map);
  g_autoptr(GString) out = g_string_new (NULL);
  char *path = g_strdup_printf ("%s/map-%u.dot", dir, n);
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out,
                          "graph G {\n"
                          "  graph [pad=0, splines=false, outputorder=edgesfirst];\n"
                          "  node [shape=circle, fixedsize=true, style=filled, fillcolor=\"#c4c4c4\","
                          " fontname=\"Sans\", fontsize=%s];\n"
                          "  edge [color=\"#4d4d4d\"];\n"
                          "  corner0 [shape=point, width=0, height=0, style=invis, label=\"\", pos=\"0,0!\"];\n"
                          "  corner1 [shape=point, width=0, height=0, style=invis, label=\"\", pos=\"%u,%u!\"];\n",
                          g_ascii_formatd (a, sizeof a, "%.2f", 11 * scale), width, height);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      double x = (pos[i].x - extents->x) * scale;
      double y = height - (pos[i].y - extents->y) * scale;

      g_string_append_printf (out, "  n%u [pos=\"%s,%s!\", width=%.3f, label=", i,
                              g_ascii_formatd (a, sizeof a, "%.2f", x),
                              g_ascii_formatd (b, sizeof b, "%.2f", y),
                              2 * bm_render_actor_radius (actor) * scale / 72);
      append_dot_string (out, actor->name);
      g_string_append (out, "];\n");
    }
  for (guint i = 0; i < bm_map_get_n_ties (map); i++)
    {
      const BmTie *tie = bm_map_get_tie (map, i);

      g_string_append_printf (out, "  n%d -- n%d [penwidth=%d%s];\n",
                              bm_map_actor_index (map, tie->from),
                              bm_map_actor_index (map, tie->to), tie->strength,
                              bm_tie_kind_is_directed (tie->kind) ? ", dir=forward" : "");
    }
  g_string_append (out, "}\n");
  g_assert (g_file_set_contents (path, out->str, out->len, NULL));
  return path;
}

static void
bench_map (guint n_actors, guint runs, const char *bridgemap, gboolean have_neato)
{
  static const char *extensions[] = { "png", "svg", "pdf", "graphml", "csv", "bridgemap" };
  g_autoptr(BmMap) map = bm_generate_map (n_actors, 3 * n_actors, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-bench-export-XXXXXX", NULL);
  g_autofree char *source = g_strdup_printf ("%s/map-%u.bridgemap", dir, n_actors);
  g_autoptr(GFile) source_file = g_file_new_for_path (source);
  g_autofree double *ours = g_new (double, runs);
  g_autofree double *theirs = g_new (double, runs);
  g_autofree double *ours_cpu = g_new (double, runs);
  g_autofree double *theirs_cpu = g_new (double, runs);
  g_autofree char *load = NULL;
  g_autofree char *dot = NULL;
  g_autofree char *our_png = g_strdup_printf ("%s/ours-%u.png", dir, n_actors);
  g_autofree char *gv_png = g_strdup_printf ("%s/graphviz-%u.png", dir, n_actors);
  BmExportOptions options;
  BmRenderOptions render;
  BmRect extents;
  guint width = 0, height = 0, gv_width = 0, gv_height = 0;
  double used_scale = 1;

  printf ("\nGenerated map: %u actors, %u ties, seed 1\n",
          bm_map_get_n_actors (map), bm_map_get_n_ties (map));

  /* In the process, the map in memory */
  for (guint f = 0; f < G_N_ELEMENTS (extensions); f++)
    {
      g_autofree char *out = g_strdup_printf ("%s/in-process-%u.%s", dir, n_actors, extensions[f]);
      g_autoptr(GFile) file = g_file_new_for_path (out);
      g_autofree double *wall = g_new (double, runs);
      BmExportFormat format;
      GStatBuf st;

      g_assert (bm_export_format_from_path (out, &format));
      for (guint r = 0; r < runs; r++)
        {
          gint64 start = g_get_monotonic_time ();

          bm_export_options_init (&options);
          options.scale = 1;
          if (!bm_export_file (map, file, out, format, &options, &error))
            g_error ("%s", error->message);
          wall[r] = (g_get_monotonic_time () - start) / 1e6;
        }
      if (format == BM_EXPORT_PNG)
        used_scale = options.used_scale;
      g_stat (out, &st);
      load = (g_free (load), bench_load_average ());
      printf ("  %-10s %8.3f s  (%10.1f KiB, median of %u, load %s)%s\n", extensions[f],
              bench_median (wall, runs), st.st_size / 1024.0, runs, load,
              format == BM_EXPORT_PNG ? "  scale 1" : "");
    }

  if (bridgemap == NULL)
    return;

  /* The commands, alternately */
  if (!bm_map_save_file (map, source_file, source, &error))
    g_error ("%s", error->message);
  {
    g_autofree char *export_arg = g_strdup_printf ("--export=%s", our_png);
    char *ours_argv[] = { (char *) bridgemap, export_arg, (char *) "--scale=1", source, NULL };

    if (time_command (ours_argv, NULL) < 0 || !png_size (our_png, &width, &height))
      return;

    if (have_neato)
      {
        g_autofree char *gv_out = g_strdup_printf ("-o%s", gv_png);
        char *gv_argv[] = { (char *) "neato", (char *) "-n2", (char *) "-Gdpi=72",
                            (char *) "-Tpng", gv_out, NULL, NULL };

        bm_render_options_init (&render);
        render.positions = bm_layout_positions (map);
        render.analysis = bm_analysis_new (map);
        bm_render_get_extents (map, &render, &extents);
        g_hash_table_unref (render.positions);
        bm_analysis_free (render.analysis);
        dot = write_dot (map, dir, n_actors, &extents, used_scale, width, height);
        gv_argv[5] = dot;

        for (guint r = 0; r < runs; r++)
          {
            ours[r] = time_command (ours_argv, &ours_cpu[r]);
            theirs[r] = time_command (gv_argv, &theirs_cpu[r]);
          }
        png_size (gv_png, &gv_width, &gv_height);
      }
    else
      for (guint r = 0; r < runs; r++)
        ours[r] = time_command (ours_argv, &ours_cpu[r]);
  }

  load = (g_free (load), bench_load_average ());
  printf ("  PNG, whole command, %u x %u px (scale %.3g):\n", width, height, used_scale);
  printf ("                         wall        cpu (all threads)\n");
  printf ("    bridgemap --export   %8.3f s  %8.3f s\n", bench_median (ours, runs), bench_median (ours_cpu, runs));
  if (have_neato)
    {
      double o = bench_median (ours, runs), t = bench_median (theirs, runs);

      printf ("    neato -n2 -Tpng      %8.3f s  %8.3f s  (%u x %u px)\n", t,
              bench_median (theirs_cpu, runs), gv_width, gv_height);
      printf ("    ours / Graphviz      %8.2f    goal <= 0.50: %s  (wall, median of %u, load %s)\n",
              o / t, o / t <= 0.5 ? "met" : "MISSED", runs, load);
    }

  /* Leave nothing behind */
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        g_unlink (path);
      }
    g_rmdir (dir);
  }
}

int
main (int argc, char **argv)
{
  const char *bridgemap = argc > 1 ? argv[1] : NULL;
  g_autofree char *neato = g_find_program_in_path ("neato");

  /* Show each figure as soon as it is measured, also into a pipe */
  setvbuf (stdout, NULL, _IOLBF, 0);
  printf ("Exports, %u processors%s%s\n", g_get_num_processors (),
          bridgemap ? "" : "; no executable given: command figures skipped",
          neato ? "" : "; neato not found: Graphviz figures skipped");
  if (argc > 2)
    for (int i = 2; i < argc; i++)
      bench_map (atoi (argv[i]), 3, bridgemap, neato != NULL);
  else
    {
      bench_map (300, 5, bridgemap, neato != NULL);
      bench_map (3000, 3, bridgemap, neato != NULL);
      bench_map (10000, 3, bridgemap, neato != NULL);
    }
  return 0;
}
