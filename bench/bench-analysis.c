/* bench-analysis.c: how long the gap analysis takes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Goals (issue "Gap analysis"): a 300-actor map within 5 ms, so the editor
 * can rerun it after every edit; a 10,000-actor, 30,000-tie map within 1 s.
 *
 * Two figures per map, each the median of repeated runs:
 *   - "analysis": bm_analysis_new () and the JSON report, as the editor and
 *     `bridgemap --analyze --json` run it.  Betweenness is computed only
 *     when a backchannel gap has candidates to rank.
 *   - "with betweenness": the same, then the betweenness of every actor:
 *     the cost when centrality is needed (Brandes' algorithm on both
 *     cores).  The kept betweenness of the last graph is forgotten before
 *     each of these runs.
 *   - "again, same graph": with betweenness, when the previous analysis
 *     had the same usable-tie graph (the editor after a move or a rename),
 *     which reuses the kept betweenness.
 * Wall-clock time is the figure compared with the goal; CPU time (both
 * threads) and the load average are printed beside it, since other
 * programs may share the machine.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench-util.h"
#include "bm-analysis.h"
#include "bm-generate.h"

static void
run (const char *label, BmMap *map, guint runs, gboolean all_betweenness, gboolean cold,
     double goal_ms)
{
  g_autofree double *wall = g_new (double, runs);
  g_autofree double *cpu = g_new (double, runs);
  g_autofree char *load = NULL;
  guint n_actors = bm_map_get_n_actors (map);
  guint n_gaps = 0;
  double m;

  for (guint r = 0; r < runs; r++)
    {
      gint64 start;
      double cpu0;
      g_autoptr(BmAnalysis) analysis = NULL;

      if (cold)
        bm_analysis_clear_cache ();
      start = g_get_monotonic_time ();
      cpu0 = bench_cpu_ms ();
      analysis = bm_analysis_new (map);
      g_autofree char *json = NULL;
      volatile double sum = 0;

      if (all_betweenness)
        for (guint i = 0; i < n_actors; i++)
          sum += bm_analysis_get_betweenness (analysis, i);
      json = bm_analysis_to_json (analysis);
      wall[r] = (g_get_monotonic_time () - start) / 1000.0;
      cpu[r] = bench_cpu_ms () - cpu0;
      n_gaps = bm_analysis_get_n_gaps (analysis);
    }

  load = bench_load_average ();
  m = bench_median (wall, runs);
  printf ("  %-18s %10.3f ms  (cpu %10.3f ms, %u runs, load %s)  goal <= %g ms: %s\n",
          label, m, bench_median (cpu, runs), runs, load, goal_ms, m <= goal_ms ? "met" : "MISSED");
  (void) n_gaps;
}

static void
bench_map (guint n_actors, guint n_ties, guint runs, guint runs_bc, double goal_ms)
{
  g_autoptr(BmMap) map = bm_generate_map (n_actors, n_ties, 1);
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);

  printf ("Generated map: %u actors, %u ties, %u parties, seed 1 (%u gaps)\n",
          bm_map_get_n_actors (map), bm_map_get_n_ties (map), bm_map_get_n_parties (map),
          bm_analysis_get_n_gaps (analysis));
  run ("analysis", map, runs, FALSE, TRUE, goal_ms);
  run ("with betweenness", map, runs_bc, TRUE, TRUE, goal_ms);
  run ("again, same graph", map, runs, TRUE, FALSE, goal_ms);
}

int
main (int argc, char **argv)
{
  printf ("Gap analysis, %u processors\n", g_get_num_processors ());
  bench_map (300, 600, 201, 101, 5);
  bench_map (10000, 30000, 11, 5, 1000);
  return 0;
}
