/* bm-analysis-dump.c: a generated map and its analysis, for
 * check-analysis.py to recompute independently (with networkx)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bm-analysis-dump N_ACTORS N_TIES SEED
 *
 * Prints, one item a line, fields separated by tabs:
 *   P  id                          a party
 *   A  id  party|-  level  track   an actor
 *   T  from  to  kind              a tie
 *   B  id  betweenness (%.17g)     centrality of every actor
 * then a line "REPORT" and the JSON report.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bm-analysis.h"
#include "bm-generate.h"

int
main (int argc, char **argv)
{
  g_autoptr(BmMap) map = NULL;
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *json = NULL;

  if (argc != 4)
    {
      fprintf (stderr, "usage: %s N_ACTORS N_TIES SEED\n", argv[0]);
      return 2;
    }

  map = bm_generate_map (atoi (argv[1]), atoi (argv[2]), (guint32) strtoul (argv[3], NULL, 10));
  analysis = bm_analysis_new (map);
  /* The report first: the centrality must not depend on being asked for */
  json = bm_analysis_to_json (analysis);

  for (guint i = 0; i < bm_map_get_n_parties (map); i++)
    printf ("P\t%s\n", bm_map_get_party (map, i)->id);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      printf ("A\t%s\t%s\t%s\t%s\n", a->id, a->party ? a->party : "-",
              bm_level_to_string (a->level), bm_track_to_string (a->track));
    }
  for (guint i = 0; i < bm_map_get_n_ties (map); i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      printf ("T\t%s\t%s\t%s\n", t->from, t->to, bm_tie_kind_to_string (t->kind));
    }
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    printf ("B\t%s\t%.17g\n", bm_map_get_actor (map, i)->id,
            bm_analysis_get_betweenness (analysis, i));
  printf ("REPORT\n%s", json);
  return 0;
}
