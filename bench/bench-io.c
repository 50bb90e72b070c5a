/* bench-io.c: how fast a big map loads and saves, and how much memory it takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-io [--actors N] [--ties M] [--runs R] [--seed S]
 *
 * Generates a map (10,000 actors and 30,000 ties by default), then times,
 * as the median of R runs: loading from memory, loading from a file,
 * serialising, and saving to a file (atomic and durable, fsync included).
 * Peak memory is measured in a fresh child process that loads the file and
 * saves it again, as a user opening and saving the map would (VmHWM, the
 * peak resident set size).
 *
 * Goals (performance.md / the "Foundation" issue): load + save under
 * 300 ms, peak memory under 150 MB.  Exits 0 whatever the figures: the
 * benchmark reports, it does not judge a busy machine.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "bench-util.h"
#include "bm-generate.h"
#include "bm-map-io.h"

#define GOAL_LOAD_SAVE_MS 300.0
#define GOAL_PEAK_MB 150.0

static double
median (GArray *samples)
{
  return bench_median ((double *) (void *) samples->data, samples->len);
}

/* CPU time of this process (user + system): steadier than the wall clock
 * when other programs share the machine */
typedef struct
{
  GArray *wall;
  GArray *cpu;
  double  wall0, cpu0;
} Timer;

static void
timer_init (Timer *t)
{
  t->wall = g_array_new (FALSE, FALSE, sizeof (double));
  t->cpu = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
timer_clear (Timer *t)
{
  g_array_unref (t->wall);
  g_array_unref (t->cpu);
}

static inline void
timer_start (Timer *t)
{
  t->wall0 = bench_now_ms ();
  t->cpu0 = bench_cpu_ms ();
}

static inline void
timer_stop (Timer *t)
{
  double wall = bench_now_ms () - t->wall0;
  double cpu = bench_cpu_ms () - t->cpu0;

  g_array_append_val (t->wall, wall);
  g_array_append_val (t->cpu, cpu);
}

static void
print_timer (const char *what, Timer *t, const char *comment)
{
  printf ("  %-18s %8.1f ms   (cpu %7.1f ms)%s%s\n", what, median (t->wall), median (t->cpu),
          comment ? "   " : "", comment ? comment : "");
}

/* Peak resident set size of this process in MB, from /proc/self/status */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmHWM:");
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

static BmMap *
load_file_or_die (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BmMap *map = bm_map_load_file (file, path, &error);

  if (map == NULL)
    g_error ("%s", error->message);
  return map;
}

static void
save_file_or_die (BmMap *map, const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  if (!bm_map_save_file (map, file, path, &error))
    g_error ("%s", error->message);
}

/* Child mode: load PATH, save it to PATH, print the peak memory */
static int
run_peak (const char *path)
{
  double t0 = bench_now_ms ();
  g_autoptr(BmMap) map = load_file_or_die (path);
  double t1 = bench_now_ms ();

  save_file_or_die (map, path);
  printf ("%.3f %.3f %.1f\n", t1 - t0, bench_now_ms () - t1, peak_rss_mb ());
  return 0;
}

int
main (int argc, char *argv[])
{
  int n_actors = 10000, n_ties = 30000, runs = 9, seed = 1;
  g_autofree char *peak_file = NULL;
  GOptionEntry entries[] = {
    { "actors", 0, 0, G_OPTION_ARG_INT, &n_actors, "Actors in the map", "N" },
    { "ties", 0, 0, G_OPTION_ARG_INT, &n_ties, "Ties in the map", "M" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each measurement", "R" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Generator seed", "S" },
    { "peak", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, &peak_file, NULL, NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time loading and saving");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) map = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *child_out = NULL;
  Timer t_gen, t_ser, t_load_mem, t_load_file, t_save;
  double child_load = -1, child_save = -1, child_peak = -1;
  double load_save, load_save_cpu;
  const char *data;
  gsize length;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 2;
    }
  if (peak_file != NULL)
    return run_peak (peak_file);
  runs = MAX (runs, 1);
  timer_init (&t_gen);
  timer_init (&t_ser);
  timer_init (&t_load_mem);
  timer_init (&t_load_file);
  timer_init (&t_save);

  for (int r = 0; r < 3; r++)
    {
      g_clear_object (&map);
      timer_start (&t_gen);
      map = bm_generate_map (n_actors, n_ties, seed);
      timer_stop (&t_gen);
    }

  for (int r = 0; r < runs; r++)
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      timer_start (&t_ser);
      bytes = bm_map_serialize (map);
      timer_stop (&t_ser);
    }
  data = g_bytes_get_data (bytes, &length);

  dir = g_dir_make_tmp ("bench-io-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "bench.bridgemap", NULL);

  for (int r = 0; r < runs; r++)
    {
      timer_start (&t_save);
      save_file_or_die (map, path);
      timer_stop (&t_save);
    }

  for (int r = 0; r < runs; r++)
    {
      g_autoptr(BmMap) loaded = NULL;

      timer_start (&t_load_mem);
      loaded = bm_map_load_from_data (data, length, "bench", NULL, &error);

      g_assert_no_error (error);
      timer_stop (&t_load_mem);
      if (r == 0 && !bm_map_equal (loaded, map))
        g_error ("the loaded map differs from the generated one");
    }

  for (int r = 0; r < runs; r++)
    {
      g_autoptr(BmMap) loaded = NULL;

      timer_start (&t_load_file);
      loaded = load_file_or_die (path);
      timer_stop (&t_load_file);
    }

  /* Peak memory of load + save in a fresh process */
  {
    const char *child_argv[] = { argv[0], "--peak", path, NULL };

    if (g_spawn_sync (NULL, (char **) child_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                      &child_out, NULL, &status, &error) &&
        g_spawn_check_wait_status (status, NULL) && child_out != NULL)
      {
        char *end = child_out;
        child_load = g_ascii_strtod (end, &end);
        child_save = g_ascii_strtod (end, &end);
        child_peak = g_ascii_strtod (end, &end);
      }
    else
      fprintf (stderr, "peak-memory child failed: %s\n", error ? error->message : "exit status");
    g_clear_error (&error);
  }

  load_save = median (t_load_file.wall) + median (t_save.wall);
  load_save_cpu = median (t_load_file.cpu) + median (t_save.cpu);

  printf ("Bridgemap I/O benchmark: %d actors, %d ties, seed %d, %.1f MB file, median of %d runs\n",
          n_actors, n_ties, seed, length / 1e6, runs);
  print_timer ("generate", &t_gen, NULL);
  print_timer ("serialise", &t_ser, NULL);
  print_timer ("save to file", &t_save, "serialise + write + fsync + rename");
  print_timer ("load from memory", &t_load_mem, NULL);
  print_timer ("load from file", &t_load_file, NULL);
  printf ("  %-18s %8.1f ms   (cpu %7.1f ms)   goal < %.0f ms: %s\n", "load + save",
          load_save, load_save_cpu, GOAL_LOAD_SAVE_MS,
          load_save < GOAL_LOAD_SAVE_MS ? "met" : "MISSED");
  if (child_peak >= 0)
    printf ("  peak memory         %8.1f MB   (fresh process: load %.1f ms + save %.1f ms) "
            "goal < %.0f MB: %s\n", child_peak, child_load, child_save, GOAL_PEAK_MB,
            child_peak < GOAL_PEAK_MB ? "met" : "MISSED");
  else
    printf ("  peak memory         not measured\n");
  printf ("  (this process, generation included: peak %.1f MB)\n", peak_rss_mb ());

  {
    double load_avg = -1;
    g_autofree char *loadavg = NULL;

    if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
      load_avg = g_ascii_strtod (loadavg, NULL);
    printf ("  (%u processors, load average %.2f: wall-clock times grow when the machine is busy)\n",
            g_get_num_processors (), load_avg);
  }

  timer_clear (&t_gen);
  timer_clear (&t_ser);
  timer_clear (&t_load_mem);
  timer_clear (&t_load_file);
  timer_clear (&t_save);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}
