/* test-edit.c: the editor's operations, each undoable to an identical map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bm-edit.h"
#include "bm-generate.h"
#include "bm-map-io.h"

static BmMap *
sample_map (void)
{
  BmMap *map = bm_map_new ();
  BmActor *a;

  bm_map_insert_party (map, -1, bm_party_new ("gov", "Government"));
  bm_map_insert_party (map, -1, bm_party_new ("reb", "Movement"));
  bm_map_insert_party (map, -1, bm_party_new ("nbr", "Neighbour"));

  a = bm_actor_new ("a", "Alpha", BM_LEVEL_TOP, BM_TRACK_1);
  a->party = g_strdup ("gov");
  bm_actor_set_position (a, 100, 100);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("b", "Beta", BM_LEVEL_MIDDLE, BM_TRACK_2);
  bm_actor_set_position (a, 200, 400);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("c", "Gamma", BM_LEVEL_GRASSROOTS, BM_TRACK_3);
  a->party = g_strdup ("reb");
  bm_actor_set_position (a, 300, 700);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("d", "Delta", BM_LEVEL_TOP, BM_TRACK_1);
  a->party = g_strdup ("reb");
  bm_map_insert_actor (map, -1, a);   /* no position */
  a = bm_actor_new ("e", "Epsilon", BM_LEVEL_MIDDLE, BM_TRACK_2);
  a->party = g_strdup ("gov");
  bm_actor_set_position (a, 50, 350);
  bm_map_insert_actor (map, -1, a);

  bm_map_insert_tie (map, -1, bm_tie_new ("t1", "a", "b", BM_TIE_CHANNEL));
  bm_map_insert_tie (map, -1, bm_tie_new ("t2", "b", "c", BM_TIE_MEDIATION));
  bm_map_insert_tie (map, -1, bm_tie_new ("t3", "c", "d", BM_TIE_CONFLICT));
  bm_map_insert_tie (map, -1, bm_tie_new ("t4", "d", "b", BM_TIE_ALLIANCE));
  bm_map_insert_tie (map, -1, bm_tie_new ("t5", "e", "a", BM_TIE_INFLUENCE));
  return map;
}

/* What bm-edit.h promises about every map it leaves */
static void
assert_map_consistent (BmMap *map)
{
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);

      g_assert_nonnull (a->name);
      g_assert_cmpuint (strlen (a->name), >, 0);
      g_assert_false (g_ascii_isspace (a->name[0]));
      g_assert_true (a->party == NULL || bm_map_lookup_party (map, a->party) != NULL);
      g_assert_cmpint (a->influence, >=, 1);
      g_assert_cmpint (a->influence, <=, 5);
      if (a->has_position)
        {
          g_assert_cmpfloat (a->y, >=, 0);
          g_assert_cmpfloat (a->y, <, 900);
          g_assert_cmpint (bm_level_for_y (a->y), ==, a->level);
          g_assert_cmpfloat (a->x, ==, bm_round_position (a->x));
          g_assert_cmpfloat (a->y, ==, bm_round_position (a->y));
        }
    }
  for (guint i = 0; i < bm_map_get_n_ties (map); i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);

      g_assert_nonnull (bm_map_lookup_actor (map, t->from));
      g_assert_nonnull (bm_map_lookup_actor (map, t->to));
      g_assert_cmpstr (t->from, !=, t->to);
      g_assert_cmpint (t->strength, >=, 1);
      g_assert_cmpint (t->strength, <=, 3);
    }
}

/* The last step undoes to @before and redoes to the current map */
static void
assert_undoable (BmHistory *history, BmMap *before)
{
  BmMap *map = bm_history_get_map (history);
  g_autoptr(BmMap) after = bm_map_copy (map);

  assert_map_consistent (map);
  g_assert_false (bm_map_equal (map, before));
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, before));
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_map_equal (map, after));
}

#define EDIT_FIXTURE \
  g_autoptr(BmMap) map = sample_map (); \
  g_autoptr(BmHistory) history = bm_history_new (map); \
  g_autoptr(BmMap) before = bm_map_copy (map)

static void
test_add_actor (void)
{
  EDIT_FIXTURE;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;
  const BmActor *actor;

  id = bm_edit_add_actor (history, 500.123, 451.456);
  g_assert_nonnull (id);
  g_assert_true (bm_id_is_valid (id));
  actor = bm_map_lookup_actor (map, id);
  g_assert_nonnull (actor);
  g_assert_cmpint (bm_map_actor_index (map, id), ==, 5);    /* appended */
  g_assert_cmpstr (actor->name, ==, "New actor");
  g_assert_cmpint (actor->level, ==, BM_LEVEL_MIDDLE);
  g_assert_cmpint (actor->track, ==, BM_TRACK_2);
  g_assert_null (actor->party);
  g_assert_true (actor->has_position);
  g_assert_cmpfloat (actor->x, ==, 500.12);
  g_assert_cmpfloat (actor->y, ==, 451.46);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Add Actor");
  assert_undoable (history, before);

  /* a double-click above or below the pyramid lands in the nearest band */
  id2 = bm_edit_add_actor (history, 0, -40);
  g_assert_cmpstr (id2, !=, id);
  g_assert_cmpint (bm_map_lookup_actor (map, id2)->level, ==, BM_LEVEL_TOP);
  g_assert_cmpfloat (bm_map_lookup_actor (map, id2)->y, ==, 0);
  g_clear_pointer (&id2, g_free);
  id2 = bm_edit_add_actor (history, 0, 5000);
  g_assert_cmpint (bm_map_lookup_actor (map, id2)->level, ==, BM_LEVEL_GRASSROOTS);
  g_assert_cmpfloat (bm_map_lookup_actor (map, id2)->y, <, 900);
  assert_map_consistent (map);
}

static void
test_add_tie (void)
{
  EDIT_FIXTURE;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;
  const BmTie *tie;

  g_assert_null (bm_edit_add_tie (history, "a", "a"));
  g_assert_null (bm_edit_add_tie (history, "a", "ghost"));
  g_assert_null (bm_edit_add_tie (history, NULL, "a"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);

  id = bm_edit_add_tie (history, "c", "e");
  tie = bm_map_lookup_tie (map, id);
  g_assert_cmpint (tie->kind, ==, BM_TIE_CHANNEL);
  g_assert_cmpint (tie->strength, ==, 2);
  g_assert_cmpstr (tie->from, ==, "c");
  g_assert_cmpstr (tie->to, ==, "e");
  g_assert_false (bm_map_has_id (before, id));
  assert_undoable (history, before);

  id2 = bm_edit_add_tie_with_kind (history, "e", "c", BM_TIE_FUNDING);
  g_assert_cmpint (bm_map_lookup_tie (map, id2)->kind, ==, BM_TIE_FUNDING);
}

static void
test_delete_selection (void)
{
  EDIT_FIXTURE;
  const char *actors[] = { "b", "ghost", NULL };
  const char *ties[] = { "t5", NULL };

  g_assert_true (bm_edit_delete (history, actors, ties));
  g_assert_null (bm_map_lookup_actor (map, "b"));
  /* b's ties went with it */
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 1);
  g_assert_nonnull (bm_map_lookup_tie (map, "t3"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Delete");
  assert_undoable (history, before);

  g_assert_false (bm_edit_delete (history, NULL, NULL));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
}

static void
test_move (void)
{
  EDIT_FIXTURE;
  const char *ids[] = { "a", "b", "d", NULL };
  const BmActor *a, *b;

  g_assert_true (bm_edit_move_actors (history, ids, 10.004, 20.006));
  a = bm_map_lookup_actor (map, "a");
  b = bm_map_lookup_actor (map, "b");
  g_assert_cmpfloat (a->x, ==, 110);
  g_assert_cmpfloat (a->y, ==, 120.01);
  g_assert_cmpfloat (b->x, ==, 210);
  g_assert_false (bm_map_lookup_actor (map, "d")->has_position);   /* unplaced: untouched */
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Move Actors");
  assert_undoable (history, before);
}

static void
test_move_changes_band (void)
{
  EDIT_FIXTURE;
  const char *ids[] = { "a", NULL };
  const char *unplaced[] = { "d", NULL };
  double xy[] = { 120, 640 };
  double far[] = { 0, 1e6 };

  /* dragged from the top band into the grassroots band */
  bm_history_break_coalescing (history);
  g_assert_true (bm_edit_move_actors (history, ids, 0, 500));
  g_assert_cmpint (bm_map_lookup_actor (map, "a")->level, ==, BM_LEVEL_GRASSROOTS);
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->y, ==, 600);
  assert_undoable (history, before);
  g_assert_true (bm_history_undo (history));

  /* an unplaced actor placed where the canvas draws it */
  g_assert_true (bm_edit_move_actors_to (history, unplaced, xy));
  g_assert_true (bm_map_lookup_actor (map, "d")->has_position);
  g_assert_cmpint (bm_map_lookup_actor (map, "d")->level, ==, BM_LEVEL_GRASSROOTS);
  assert_undoable (history, before);

  /* below the pyramid: kept in the bottom band */
  bm_history_break_coalescing (history);
  g_assert_true (bm_edit_move_actors_to (history, ids, far));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->y, <, 900);
  assert_map_consistent (map);
}

static void
test_drag_is_one_step (void)
{
  EDIT_FIXTURE;
  const char *ids[] = { "b", "a", NULL };
  const char *same_ids_reordered[] = { "a", "b", NULL };
  g_autoptr(BmMap) dragged = NULL;

  bm_history_set_coalesce_window (history, 0);
  bm_history_break_coalescing (history);
  for (int i = 0; i < 50; i++)
    bm_edit_move_actors (history, i % 2 ? ids : same_ids_reordered, 3.3, -1.1);
  bm_history_break_coalescing (history);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 265);
  assert_undoable (history, before);

  /* the next drag is a step of its own */
  dragged = bm_map_copy (map);
  for (int i = 0; i < 10; i++)
    bm_edit_move_actors (history, ids, 1, 0);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, dragged));
}

static void
test_typing_is_one_step (void)
{
  EDIT_FIXTURE;
  const char *typed = "Sant'Egidio";

  bm_history_set_coalesce_window (history, 0);
  for (gsize n = 1; n <= strlen (typed); n++)
    {
      g_autofree char *prefix = g_strndup (typed, n);
      g_assert_true (bm_edit_set_actor_name (history, "b", prefix));
    }
  g_assert_cmpstr (bm_map_lookup_actor (map, "b")->name, ==, typed);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Rename Actor");
  assert_undoable (history, before);

  /* a field losing focus breaks the step */
  bm_history_break_coalescing (history);
  g_assert_true (bm_edit_set_actor_name (history, "b", "Sant'Egidio community"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);

  /* typing in another actor's name is another step */
  g_assert_true (bm_edit_set_actor_name (history, "c", "G"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 3);
}

static void
test_names (void)
{
  EDIT_FIXTURE;

  g_assert_true (bm_edit_set_actor_name (history, "a", "  \tJaime Gonçalves \n"));
  g_assert_cmpstr (bm_map_lookup_actor (map, "a")->name, ==, "Jaime Gonçalves");
  g_assert_false (bm_edit_set_actor_name (history, "a", " \t "));
  g_assert_false (bm_edit_set_actor_name (history, "a", ""));
  g_assert_false (bm_edit_set_actor_name (history, "a", NULL));
  g_assert_false (bm_edit_set_actor_name (history, "ghost", "x"));
  g_assert_cmpstr (bm_map_lookup_actor (map, "a")->name, ==, "Jaime Gonçalves");
  g_assert_true (bm_edit_set_actor_name (history, "a", "أحمد قريع"));
  assert_map_consistent (map);
  (void) before;
}

static void
test_actor_fields (void)
{
  EDIT_FIXTURE;
  const BmActor *a;

  g_assert_true (bm_edit_set_actor_kind (history, "a", BM_ACTOR_PERSON));
  assert_undoable (history, before);
  g_assert_true (bm_edit_set_actor_party (history, "b", "reb"));
  g_assert_false (bm_edit_set_actor_party (history, "b", "ghost"));
  g_assert_true (bm_edit_set_actor_party (history, "a", NULL));
  g_assert_true (bm_edit_set_actor_track (history, "a", BM_TRACK_2));
  g_assert_true (bm_edit_set_actor_sector (history, "a", BM_SECTOR_RELIGION));
  g_assert_true (bm_edit_set_actor_influence (history, "a", 5));
  g_assert_false (bm_edit_set_actor_influence (history, "a", 6));
  g_assert_false (bm_edit_set_actor_influence (history, "a", 0));
  g_assert_true (bm_edit_set_actor_note (history, "a", "Archbishop of Beira"));
  g_assert_false (bm_edit_set_actor_note (history, "a", "Archbishop of Beira"));
  g_assert_true (bm_edit_set_actor_note (history, "a", ""));
  g_assert_null (bm_map_lookup_actor (map, "a")->note);

  /* a new level moves the actor into that band, same place within it */
  g_assert_true (bm_edit_set_actor_level (history, "a", BM_LEVEL_GRASSROOTS));
  a = bm_map_lookup_actor (map, "a");
  g_assert_cmpint (a->level, ==, BM_LEVEL_GRASSROOTS);
  g_assert_cmpfloat (a->y, ==, 700);
  g_assert_cmpfloat (a->x, ==, 100);
  /* an unplaced actor just changes level */
  g_assert_true (bm_edit_set_actor_level (history, "d", BM_LEVEL_MIDDLE));
  g_assert_false (bm_map_lookup_actor (map, "d")->has_position);
  assert_map_consistent (map);

  /* every step undoes back to the start */
  while (bm_history_undo (history))
    ;
  g_assert_true (bm_map_equal (map, before));
}

static void
test_make_bridge (void)
{
  EDIT_FIXTURE;
  const char *ids[] = { "b", "c", NULL };

  g_assert_true (bm_edit_make_bridge (history, ids));
  g_assert_cmpint (bm_map_lookup_actor (map, "b")->track, ==, BM_TRACK_1_5);
  g_assert_cmpint (bm_map_lookup_actor (map, "c")->track, ==, BM_TRACK_1_5);
  g_assert_cmpstr (bm_map_lookup_actor (map, "c")->party, ==, "reb");
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Make Track 1.5 Bridge");
  assert_undoable (history, before);
  g_assert_false (bm_edit_make_bridge (history, ids));   /* already bridges */
}

static void
test_tie_fields (void)
{
  EDIT_FIXTURE;
  const BmTie *t;

  g_assert_true (bm_edit_reverse_tie (history, "t2"));
  t = bm_map_lookup_tie (map, "t2");
  g_assert_cmpstr (t->from, ==, "c");
  g_assert_cmpstr (t->to, ==, "b");
  g_assert_cmpint (bm_map_tie_index (map, "t2"), ==, 1);
  assert_undoable (history, before);

  g_assert_true (bm_edit_set_tie_kind (history, "t1", BM_TIE_BROKEN));
  g_assert_true (bm_edit_set_tie_strength (history, "t1", 3));
  g_assert_false (bm_edit_set_tie_strength (history, "t1", 4));
  g_assert_true (bm_edit_set_tie_note (history, "t1", "since 1990"));
  g_assert_false (bm_edit_reverse_tie (history, "ghost"));
  t = bm_map_lookup_tie (map, "t1");
  g_assert_cmpint (t->kind, ==, BM_TIE_BROKEN);
  g_assert_cmpint (t->strength, ==, 3);
  g_assert_cmpstr (t->note, ==, "since 1990");
  while (bm_history_undo (history))
    ;
  g_assert_true (bm_map_equal (map, before));
}

static void
test_parties (void)
{
  EDIT_FIXTURE;
  g_autofree char *id = NULL;
  const BmParty *p;

  g_assert_null (bm_edit_add_party (history, "  ", FALSE, 0));
  id = bm_edit_add_party (history, " UN ", TRUE, 0x1f618d);
  p = bm_map_lookup_party (map, id);
  g_assert_cmpstr (p->name, ==, "UN");
  g_assert_true (p->has_color);
  g_assert_cmpuint (p->color, ==, 0x1f618d);
  g_assert_cmpint (bm_map_party_index (map, id), ==, 3);
  assert_undoable (history, before);

  bm_history_set_coalesce_window (history, 0);
  g_assert_true (bm_edit_rename_party (history, id, "United"));
  g_assert_true (bm_edit_rename_party (history, id, "United Nations"));
  g_assert_false (bm_edit_rename_party (history, id, ""));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  /* dragging through a colour chooser is one step too */
  g_assert_true (bm_edit_set_party_color (history, id, TRUE, 0x123456));
  g_assert_true (bm_edit_set_party_color (history, id, TRUE, 0x654321));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 3);
  g_assert_false (bm_edit_set_party_color (history, "gov", FALSE, 0));   /* has none */
  g_assert_true (bm_edit_set_party_color (history, "gov", TRUE, 0xb03a2e));
  bm_history_break_coalescing (history);
  g_assert_true (bm_edit_set_party_color (history, "gov", FALSE, 0));
  g_assert_false (bm_map_lookup_party (map, "gov")->has_color);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 5);

  while (bm_history_undo (history))
    ;
  g_assert_true (bm_map_equal (map, before));
}

static void
test_remove_party_to_third_parties (void)
{
  EDIT_FIXTURE;

  g_assert_cmpuint (bm_edit_count_party_actors (map, "gov"), ==, 2);
  g_assert_true (bm_edit_remove_party (history, "gov", NULL));
  g_assert_null (bm_map_lookup_party (map, "gov"));
  g_assert_null (bm_map_lookup_actor (map, "a")->party);
  g_assert_null (bm_map_lookup_actor (map, "e")->party);
  g_assert_cmpstr (bm_map_lookup_actor (map, "c")->party, ==, "reb");
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Remove Party");
  assert_undoable (history, before);
}

static void
test_remove_party_reassign (void)
{
  EDIT_FIXTURE;

  g_assert_false (bm_edit_remove_party (history, "gov", "gov"));
  g_assert_false (bm_edit_remove_party (history, "gov", "ghost"));
  g_assert_false (bm_edit_remove_party (history, "ghost", NULL));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);

  g_assert_true (bm_edit_remove_party (history, "gov", "nbr"));
  g_assert_cmpstr (bm_map_lookup_actor (map, "a")->party, ==, "nbr");
  g_assert_cmpstr (bm_map_lookup_actor (map, "e")->party, ==, "nbr");
  g_assert_cmpint (bm_map_party_index (map, "nbr"), ==, 1);
  assert_undoable (history, before);
  g_assert_true (bm_history_undo (history));
  g_assert_cmpint (bm_map_party_index (map, "gov"), ==, 0);   /* back in its place */
}

static void
test_meta (void)
{
  EDIT_FIXTURE;

  bm_history_set_coalesce_window (history, 0);
  g_assert_true (bm_edit_set_title (history, "M"));
  g_assert_true (bm_edit_set_title (history, "Mo"));
  g_assert_true (bm_edit_set_title (history, "Moz"));
  g_assert_false (bm_edit_set_title (history, "Moz"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_true (bm_edit_set_description (history, "Who talked to whom."));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, before));
}

/* ---- arrange ---- */

static void
assert_no_overlaps (BmMap *map)
{
  guint n = bm_map_get_n_actors (map);

  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);

      g_assert_true (a->has_position);
      for (guint j = i + 1; j < n; j++)
        {
          const BmActor *b = bm_map_get_actor (map, j);
          g_assert_cmpfloat (hypot (a->x - b->x, a->y - b->y), >=, BM_ARRANGE_MIN_DISTANCE);
        }
    }
}

typedef gboolean (*ArrangeFunc) (BmHistory *history);

static void
check_arrange_basics (BmMap *original, ArrangeFunc arrange)
{
  g_autoptr(BmMap) map = bm_map_copy (original);
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(BmMap) twin = bm_map_copy (original);
  g_autoptr(BmHistory) twin_history = bm_history_new (twin);

  g_assert_true (arrange (history));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  assert_map_consistent (map);
  assert_no_overlaps (map);
  /* each actor stays in its level */
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    g_assert_cmpint (bm_map_get_actor (map, i)->level, ==, bm_map_get_actor (original, i)->level);
  /* deterministic: the same map arranges the same way, and again is no change */
  g_assert_true (arrange (twin_history));
  g_assert_true (bm_map_equal (map, twin));
  g_assert_false (arrange (history));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  /* one step */
  assert_undoable (history, original);
}

/* In every band, all of @left's actors lie left of all of @right's */
static void
assert_left_of (BmMap *map, gboolean (*in_left) (const BmActor *),
                gboolean (*in_right) (const BmActor *))
{
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    for (guint j = 0; j < bm_map_get_n_actors (map); j++)
      {
        const BmActor *a = bm_map_get_actor (map, i);
        const BmActor *b = bm_map_get_actor (map, j);
        if (in_left (a) && in_right (b))
          g_assert_cmpfloat (a->x, <, b->x);
      }
}

static gboolean is_gov (const BmActor *a) { return g_strcmp0 (a->party, "gov") == 0; }
static gboolean is_third (const BmActor *a) { return a->party == NULL; }
static gboolean is_reb (const BmActor *a) { return g_strcmp0 (a->party, "reb") == 0; }
static gboolean is_nbr (const BmActor *a) { return g_strcmp0 (a->party, "nbr") == 0; }
static gboolean is_track_1 (const BmActor *a) { return a->track == BM_TRACK_1; }
static gboolean is_track_1_5 (const BmActor *a) { return a->track == BM_TRACK_1_5; }
static gboolean is_track_2 (const BmActor *a) { return a->track == BM_TRACK_2; }
static gboolean is_track_3 (const BmActor *a) { return a->track == BM_TRACK_3; }

static BmMap *
crowded_map (void)
{
  BmMap *map = bm_map_new ();
  static const char *parties[] = { "gov", "reb", "nbr" };

  for (guint i = 0; i < G_N_ELEMENTS (parties); i++)
    bm_map_insert_party (map, -1, bm_party_new (parties[i], parties[i]));
  for (guint i = 0; i < 120; i++)
    {
      g_autofree char *id = g_strdup_printf ("x%u", i);
      g_autofree char *name = g_strdup_printf ("Actor %u", (i * 37) % 120);
      BmActor *a = bm_actor_new (id, name, i % BM_N_LEVELS, (i / 3) % BM_N_TRACKS);

      if (i % 5 != 4)
        a->party = g_strdup (parties[(i / 7) % 3]);
      if (i % 11 != 0)
        bm_actor_set_position (a, (i * 13) % 400, bm_level_band_top (a->level) + (i % 290));
      bm_map_insert_actor (map, -1, a);
    }
  return map;
}

static void
test_arrange_by_party (void)
{
  g_autoptr(BmMap) map = crowded_map ();
  g_autoptr(BmHistory) history = NULL;

  check_arrange_basics (map, bm_edit_arrange_by_party);

  history = bm_history_new (map);
  g_assert_true (bm_edit_arrange_by_party (history));
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Arrange by Party");
  /* three parties: gov, reb | third parties | nbr */
  assert_left_of (map, is_gov, is_reb);
  assert_left_of (map, is_reb, is_third);
  assert_left_of (map, is_third, is_nbr);
}

static void
test_arrange_by_track (void)
{
  g_autoptr(BmMap) map = crowded_map ();
  g_autoptr(BmHistory) history = NULL;

  check_arrange_basics (map, bm_edit_arrange_by_track);

  history = bm_history_new (map);
  g_assert_true (bm_edit_arrange_by_track (history));
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Arrange by Track");
  assert_left_of (map, is_track_1, is_track_1_5);
  assert_left_of (map, is_track_1_5, is_track_2);
  assert_left_of (map, is_track_2, is_track_3);
}

static void
test_arrange_small_and_empty (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmMap) empty = bm_map_new ();
  g_autoptr(BmHistory) empty_history = bm_history_new (empty);

  check_arrange_basics (map, bm_edit_arrange_by_party);
  check_arrange_basics (map, bm_edit_arrange_by_track);
  g_assert_false (bm_edit_arrange_by_party (empty_history));
  g_assert_false (bm_edit_arrange_by_track (empty_history));
  g_assert_false (bm_history_can_undo (empty_history));
}

/* ---- random sequences ---- */

/* A reproducible map: parties, every level and track, ties of every kind,
 * some actors without a position, notes, non-Latin names */
static BmMap *
random_map (guint n_actors, guint n_ties, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  BmMap *map = bm_map_new ();
  static const char *names[] = { "Comité", "حركة", "Council", "Союз", "Church" };

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      BmParty *party = bm_party_new (id, names[i]);
      party->has_color = i % 2 == 0;
      party->color = g_rand_int (rand) & 0xffffff;
      bm_map_insert_party (map, -1, party);
    }
  for (guint i = 0; i < n_actors; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autofree char *name = g_strdup_printf ("%s %u", names[i % G_N_ELEMENTS (names)], i);
      BmLevel level = g_rand_int_range (rand, 0, BM_N_LEVELS);
      BmActor *actor = bm_actor_new (id, name, level, g_rand_int_range (rand, 0, BM_N_TRACKS));
      int party = g_rand_int_range (rand, -1, 4);

      if (party >= 0)
        actor->party = g_strdup_printf ("p%d", party);
      actor->sector = g_rand_int_range (rand, 0, BM_N_SECTORS);
      actor->influence = g_rand_int_range (rand, 1, 6);
      if (g_rand_int_range (rand, 0, 10) > 0)
        bm_actor_set_position (actor, g_rand_double_range (rand, -300, 1500),
                               bm_level_band_top (level) + g_rand_double_range (rand, 0, 299));
      if (i % 7 == 0)
        actor->note = g_strdup ("field note");
      bm_map_insert_actor (map, -1, actor);
    }
  for (guint i = 0; i < n_ties && n_actors > 1; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      guint from = g_rand_int_range (rand, 0, n_actors);
      guint to = (from + g_rand_int_range (rand, 1, n_actors)) % n_actors;
      BmTie *tie = bm_tie_new (id, bm_map_get_actor (map, from)->id, bm_map_get_actor (map, to)->id,
                               g_rand_int_range (rand, 0, BM_N_TIE_KINDS));
      tie->strength = g_rand_int_range (rand, 1, 4);
      bm_map_insert_tie (map, -1, tie);
    }
  return map;
}

static const char *
random_actor (BmMap *map, GRand *rand)
{
  guint n = bm_map_get_n_actors (map);

  if (n == 0 || g_rand_int_range (rand, 0, 20) == 0)
    return "ghost";
  return bm_map_get_actor (map, g_rand_int_range (rand, 0, n))->id;
}

static const char *
random_tie (BmMap *map, GRand *rand)
{
  guint n = bm_map_get_n_ties (map);

  if (n == 0)
    return "ghost";
  return bm_map_get_tie (map, g_rand_int_range (rand, 0, n))->id;
}

static const char *
random_party (BmMap *map, GRand *rand)
{
  guint n = bm_map_get_n_parties (map);
  int pick = g_rand_int_range (rand, -1, n + 1);

  if (pick < 0)
    return NULL;
  if ((guint) pick == n)
    return "ghost";
  return bm_map_get_party (map, pick)->id;
}

/* Makes one random edit; TRUE when it reports a change */
static gboolean
random_edit (BmHistory *history, GRand *rand)
{
  BmMap *map = bm_history_get_map (history);
  static const char *names[] = { "Amina", "  Jean ", "Lucía", "أحمد", " ", "Œcuménique", "" };
  const char *ids[4] = { NULL };
  g_autofree char *id = NULL;
  guint n_ids = g_rand_int_range (rand, 1, 4);

  for (guint i = 0; i < n_ids; i++)
    ids[i] = random_actor (map, rand);

  switch (g_rand_int_range (rand, 0, 24))
    {
    case 0:
      id = bm_edit_add_actor (history, g_rand_double_range (rand, -500, 2000),
                              g_rand_double_range (rand, -100, 1000));
      return id != NULL;
    case 1:
      id = bm_edit_add_tie_with_kind (history, random_actor (map, rand), random_actor (map, rand),
                                      g_rand_int_range (rand, 0, BM_N_TIE_KINDS));
      return id != NULL;
    case 2:
      {
        const char *ties[] = { random_tie (map, rand), NULL };
        return bm_edit_delete (history, g_rand_boolean (rand) ? ids : NULL, ties);
      }
    case 3:
    case 4:
      return bm_edit_move_actors (history, ids, g_rand_double_range (rand, -400, 400),
                                  g_rand_double_range (rand, -400, 400));
    case 5:
      {
        double xy[6];
        for (guint i = 0; i < 6; i++)
          xy[i] = g_rand_double_range (rand, -100, 1000);
        return bm_edit_move_actors_to (history, ids, xy);
      }
    case 6:
      return bm_edit_set_actor_name (history, ids[0], names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))]);
    case 7:
      return bm_edit_set_actor_party (history, ids[0], random_party (map, rand));
    case 8:
      return bm_edit_set_actor_level (history, ids[0], g_rand_int_range (rand, 0, BM_N_LEVELS));
    case 9:
      return bm_edit_set_actor_track (history, ids[0], g_rand_int_range (rand, 0, BM_N_TRACKS));
    case 10:
      return bm_edit_set_actor_influence (history, ids[0], g_rand_int_range (rand, 0, 7));
    case 11:
      return bm_edit_set_actor_note (history, ids[0], g_rand_boolean (rand) ? "note" : NULL);
    case 12:
      return bm_edit_make_bridge (history, ids);
    case 13:
      return bm_edit_reverse_tie (history, random_tie (map, rand));
    case 14:
      return bm_edit_set_tie_kind (history, random_tie (map, rand), g_rand_int_range (rand, 0, BM_N_TIE_KINDS));
    case 15:
      return bm_edit_set_tie_strength (history, random_tie (map, rand), g_rand_int_range (rand, 0, 5));
    case 16:
      id = bm_edit_add_party (history, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))],
                              g_rand_boolean (rand), g_rand_int (rand));
      return id != NULL;
    case 17:
      {
        const char *party = random_party (map, rand);
        return bm_edit_rename_party (history, party, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))]);
      }
    case 18:
      return bm_edit_set_party_color (history, random_party (map, rand), g_rand_boolean (rand),
                                      g_rand_int (rand));
    case 19:
      return bm_edit_remove_party (history, random_party (map, rand), random_party (map, rand));
    case 20:
      return bm_edit_set_title (history, names[g_rand_int_range (rand, 0, G_N_ELEMENTS (names))]);
    case 21:
      return bm_edit_set_description (history, g_rand_boolean (rand) ? "text" : NULL);
    case 22:
      return g_rand_int_range (rand, 0, 4) == 0 && bm_edit_arrange_by_party (history);
    case 23:
      return g_rand_int_range (rand, 0, 4) == 0 && bm_edit_arrange_by_track (history);
    default:
      g_assert_not_reached ();
    }
}

/* What the editor leaves reloads from its file as the same map */
static void
assert_reloads_identically (BmMap *map)
{
  g_autoptr(GBytes) bytes = bm_map_serialize (map);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) reloaded = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  reloaded = bm_map_load_from_data (data, length, "edited.bridgemap", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (bm_map_equal (map, reloaded));
}

/* Every step, undone one by one, gives back each earlier map exactly; redone
 * one by one, each later map */
static void
test_random_steps (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240501);
  g_autoptr(BmMap) map = bm_generate_map (60, 120, 7);
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_object_unref);
  guint changes = 0;

  assert_map_consistent (map);

  g_ptr_array_add (states, bm_map_copy (map));
  for (guint i = 0; i < 400; i++)
    {
      g_autoptr(BmMap) previous = bm_map_copy (map);
      gboolean changed;

      bm_history_break_coalescing (history);
      changed = random_edit (history, rand);
      assert_map_consistent (map);
      if (changed)
        {
          if (i % 10 == 0)
            assert_reloads_identically (map);
          changes++;
          g_assert_false (bm_map_equal (map, previous));
          g_ptr_array_add (states, bm_map_copy (map));
        }
      else
        g_assert_true (bm_map_equal (map, previous));
      g_assert_cmpuint (bm_history_get_n_undo (history), ==, states->len - 1);
    }
  g_assert_cmpuint (changes, >, 200);

  for (guint i = states->len - 1; i > 0; i--)
    {
      g_assert_true (bm_history_undo (history));
      g_assert_true (bm_map_equal (map, g_ptr_array_index (states, i - 1)));
    }
  g_assert_false (bm_history_undo (history));
  for (guint i = 1; i < states->len; i++)
    {
      g_assert_true (bm_history_redo (history));
      g_assert_true (bm_map_equal (map, g_ptr_array_index (states, i)));
    }
  g_assert_false (bm_history_redo (history));
}

/* With coalescing left on, and undo/redo mixed in: undo all gives the
 * original, redo all the final map */
static void
test_random_with_coalescing (void)
{
  for (guint32 seed = 1; seed <= 5; seed++)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
      g_autoptr(BmMap) map = random_map (40, 80, seed);
      g_autoptr(BmHistory) history = bm_history_new (map);
      g_autoptr(BmMap) original = bm_map_copy (map);
      g_autoptr(BmMap) final = NULL;

      bm_history_set_coalesce_window (history, 0);
      for (guint i = 0; i < 300; i++)
        {
          switch (g_rand_int_range (rand, 0, 12))
            {
            case 0:
              bm_history_undo (history);
              break;
            case 1:
              bm_history_redo (history);
              break;
            case 2:
              bm_history_mark_saved (history);
              break;
            default:
              random_edit (history, rand);
            }
          assert_map_consistent (map);
        }
      assert_reloads_identically (map);
      final = bm_map_copy (map);
      while (bm_history_undo (history))
        ;
      g_assert_true (bm_map_equal (map, original));
      while (bm_history_redo (history))
        ;
      g_assert_true (bm_map_equal (map, final));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/edit/add-actor", test_add_actor);
  g_test_add_func ("/edit/add-tie", test_add_tie);
  g_test_add_func ("/edit/delete-selection", test_delete_selection);
  g_test_add_func ("/edit/move", test_move);
  g_test_add_func ("/edit/move-changes-band", test_move_changes_band);
  g_test_add_func ("/edit/drag-is-one-step", test_drag_is_one_step);
  g_test_add_func ("/edit/typing-is-one-step", test_typing_is_one_step);
  g_test_add_func ("/edit/names", test_names);
  g_test_add_func ("/edit/actor-fields", test_actor_fields);
  g_test_add_func ("/edit/make-bridge", test_make_bridge);
  g_test_add_func ("/edit/tie-fields", test_tie_fields);
  g_test_add_func ("/edit/parties", test_parties);
  g_test_add_func ("/edit/remove-party/third-parties", test_remove_party_to_third_parties);
  g_test_add_func ("/edit/remove-party/reassign", test_remove_party_reassign);
  g_test_add_func ("/edit/meta", test_meta);
  g_test_add_func ("/edit/arrange/by-party", test_arrange_by_party);
  g_test_add_func ("/edit/arrange/by-track", test_arrange_by_track);
  g_test_add_func ("/edit/arrange/small-and-empty", test_arrange_small_and_empty);
  g_test_add_func ("/edit/random/steps", test_random_steps);
  g_test_add_func ("/edit/random/coalescing", test_random_with_coalescing);

  return g_test_run ();
}
