/* bench-history.c: what editing costs on a large map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: bench-history [--actors N] [--ties M] [--runs R] [--seed S]
 *
 * Generates a map (5,000 actors and 15,000 ties by default, the size of the
 * researcher's map in journeys.md) and times, as the median of R runs, the
 * edits of the editor with their undo and redo: one motion step of a drag
 * (one actor, and 500 actors), a keystroke in a name field, adding an
 * actor, deleting an actor with its ties, arrange by party and by track.
 *
 * Goals: an edit of a few items, and its undo, well inside a frame (16 ms)
 * so drags and typing never stutter; a whole-map arrange and its undo under
 * 200 ms.  Exits 0 whatever the figures: the benchmark reports, it does not
 * judge a busy machine.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bm-edit.h"
#include "bm-generate.h"

#define GOAL_FRAME_MS   16.0
#define GOAL_ARRANGE_MS 200.0

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (GArray *samples)
{
  g_array_sort (samples, compare_doubles);
  if (samples->len == 0)
    return 0;
  return g_array_index (samples, double, samples->len / 2);
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static void
report (const char *what, GArray *samples, double goal)
{
  double m = median (samples);

  printf ("%-44s %9.3f ms   (goal < %.0f ms: %s)\n", what, m, goal, m < goal ? "met" : "MISSED");
}

/* Ids owned by us: the map frees an item's strings when it is replaced */
static char **
pick_actors (BmMap *map, guint n)
{
  guint total = bm_map_get_n_actors (map);
  char **ids = g_new0 (char *, n + 1);

  for (guint i = 0; i < n && i < total; i++)
    ids[i] = g_strdup (bm_map_get_actor (map, (i * 7919u) % total)->id);
  return ids;
}

int
main (int argc, char **argv)
{
  int n_actors = 5000, n_ties = 15000, runs = 15, seed = 1;
  GOptionEntry entries[] = {
    { "actors", 0, 0, G_OPTION_ARG_INT, &n_actors, "Actors in the map", "N" },
    { "ties", 0, 0, G_OPTION_ARG_INT, &n_ties, "Ties in the map", "M" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs per figure (median)", "R" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "Seed of the generated map", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) map = NULL;
  g_autoptr(BmHistory) history = NULL;
  g_auto(GStrv) one = NULL;
  g_auto(GStrv) many = NULL;
  g_autoptr(GArray) drag_one = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) drag_many = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) drag_undo = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) keystroke = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) add = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) delete = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) delete_undo = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) arrange_party = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) arrange_track = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) arrange_undo = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) arrange_redo = g_array_new (FALSE, FALSE, sizeof (double));
  double t;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  runs = MAX (runs, 1);

  map = bm_generate_map (n_actors, n_ties, seed);
  history = bm_history_new (map);
  bm_history_set_coalesce_window (history, 0);
  one = pick_actors (map, 1);
  many = pick_actors (map, 500);

  printf ("map: %u actors, %u ties; median of %d runs\n",
          bm_map_get_n_actors (map), bm_map_get_n_ties (map), runs);

  for (int r = 0; r < runs; r++)
    {
      char name[64];
      g_autofree char *id = NULL;
      g_autoptr(BmMap) before = NULL;

      /* a drag: 30 motion steps merged into one undo step */
      bm_history_break_coalescing (history);
      for (int i = 0; i < 30; i++)
        {
          t = now_ms ();
          bm_edit_move_actors (history, (const char * const *) one, 1.5, 0.5);
          g_array_append_val (drag_one, (double) { now_ms () - t });
        }
      bm_history_break_coalescing (history);
      for (int i = 0; i < 30; i++)
        {
          t = now_ms ();
          bm_edit_move_actors (history, (const char * const *) many, 1.5, 0.5);
          g_array_append_val (drag_many, (double) { now_ms () - t });
        }
      t = now_ms ();
      bm_history_undo (history);
      g_array_append_val (drag_undo, (double) { now_ms () - t });

      /* typing a name */
      bm_history_break_coalescing (history);
      for (int i = 0; i < 20; i++)
        {
          g_snprintf (name, sizeof name, "Typed name %d", i);
          t = now_ms ();
          bm_edit_set_actor_name (history, one[0], name);
          g_array_append_val (keystroke, (double) { now_ms () - t });
        }

      t = now_ms ();
      id = bm_edit_add_actor (history, 100.0 * r, 450);
      g_array_append_val (add, (double) { now_ms () - t });

      /* delete an actor with its ties, then undo */
      {
        const char *victim[] = { many[r % 500], NULL };
        t = now_ms ();
        bm_edit_delete (history, victim, NULL);
        g_array_append_val (delete, (double) { now_ms () - t });
        t = now_ms ();
        bm_history_undo (history);
        g_array_append_val (delete_undo, (double) { now_ms () - t });
      }

      /* arrange the whole map, undo, redo, undo */
      before = bm_map_copy (map);
      t = now_ms ();
      bm_edit_arrange_by_party (history);
      g_array_append_val (arrange_party, (double) { now_ms () - t });
      t = now_ms ();
      bm_history_undo (history);
      g_array_append_val (arrange_undo, (double) { now_ms () - t });
      t = now_ms ();
      bm_history_redo (history);
      g_array_append_val (arrange_redo, (double) { now_ms () - t });
      bm_history_undo (history);
      t = now_ms ();
      bm_edit_arrange_by_track (history);
      g_array_append_val (arrange_track, (double) { now_ms () - t });
      bm_history_undo (history);
      if (!bm_map_equal (map, before))
        {
          fprintf (stderr, "undo did not give back the map\n");
          return 1;
        }
    }

  report ("drag motion step, 1 actor", drag_one, GOAL_FRAME_MS);
  report ("drag motion step, 500 actors", drag_many, GOAL_FRAME_MS);
  report ("undo of a 500-actor drag", drag_undo, GOAL_FRAME_MS);
  report ("keystroke in a name field", keystroke, GOAL_FRAME_MS);
  report ("add an actor", add, GOAL_FRAME_MS);
  report ("delete an actor with its ties", delete, GOAL_FRAME_MS);
  report ("undo that delete", delete_undo, GOAL_FRAME_MS);
  report ("arrange by party", arrange_party, GOAL_ARRANGE_MS);
  report ("arrange by track", arrange_track, GOAL_ARRANGE_MS);
  report ("undo an arrange", arrange_undo, GOAL_ARRANGE_MS);
  report ("redo an arrange", arrange_redo, GOAL_ARRANGE_MS);
  printf ("undo steps kept: %u\n", bm_history_get_n_undo (history));
  return 0;
}
