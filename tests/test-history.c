/* test-history.c: undo, redo, groups, coalescing and the saved state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "bm-history.h"

static BmMap *
sample_map (void)
{
  BmMap *map = bm_map_new ();
  BmParty *gov = bm_party_new ("gov", "Government");
  BmActor *a;

  gov->has_color = TRUE;
  gov->color = 0xb03a2e;
  bm_map_insert_party (map, -1, gov);
  bm_map_insert_party (map, -1, bm_party_new ("reb", "Movement"));
  bm_map_set_title (map, "Sample");

  a = bm_actor_new ("a", "Alpha", BM_LEVEL_TOP, BM_TRACK_1);
  a->party = g_strdup ("gov");
  bm_actor_set_position (a, 100, 100);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("b", "Beta", BM_LEVEL_MIDDLE, BM_TRACK_1_5);
  bm_actor_set_position (a, 200, 400);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("c", "Gamma", BM_LEVEL_GRASSROOTS, BM_TRACK_3);
  a->party = g_strdup ("reb");
  a->note = g_strdup ("a note");
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("d", "Delta", BM_LEVEL_TOP, BM_TRACK_1);
  a->party = g_strdup ("reb");
  bm_map_insert_actor (map, -1, a);

  bm_map_insert_tie (map, -1, bm_tie_new ("t1", "a", "b", BM_TIE_CHANNEL));
  bm_map_insert_tie (map, -1, bm_tie_new ("t2", "b", "c", BM_TIE_MEDIATION));
  bm_map_insert_tie (map, -1, bm_tie_new ("t3", "c", "d", BM_TIE_CONFLICT));
  bm_map_insert_tie (map, -1, bm_tie_new ("t4", "d", "b", BM_TIE_ALLIANCE));
  bm_map_insert_tie (map, -1, bm_tie_new ("t5", "a", "d", BM_TIE_CONFLICT));
  return map;
}

/* Undo gives back @before exactly, redo gives back @after exactly */
static void
assert_round_trip (BmHistory *history, BmMap *before, BmMap *after)
{
  BmMap *map = bm_history_get_map (history);

  g_assert_true (bm_map_equal (map, after));
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, before));
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_map_equal (map, after));
}

typedef void (*EditFunc) (BmHistory *history);

static void edit_insert_party (BmHistory *h) { bm_history_insert_party (h, 1, bm_party_new ("mid", "Middle")); }
static void edit_replace_party (BmHistory *h)
{
  BmParty *p = bm_party_copy (bm_map_lookup_party (bm_history_get_map (h), "gov"));
  g_free (p->name);
  p->name = g_strdup ("Renamed");
  p->has_color = FALSE;
  bm_history_replace_party (h, p);
}
static void edit_remove_party (BmHistory *h) { bm_history_remove_party (h, "gov"); }
static void edit_insert_actor (BmHistory *h) { bm_history_insert_actor (h, 0, bm_actor_new ("z", "Zeta", BM_LEVEL_MIDDLE, BM_TRACK_2)); }
static void edit_replace_actor (BmHistory *h)
{
  BmActor *a = bm_actor_copy (bm_map_lookup_actor (bm_history_get_map (h), "c"));
  g_clear_pointer (&a->note, g_free);
  a->influence = 5;
  bm_history_replace_actor (h, a);
}
static void edit_move_actor (BmHistory *h) { bm_history_move_actor (h, "d", 10.004, 20.126); }
static void edit_remove_actor (BmHistory *h) { bm_history_remove_actor (h, "b"); }
static void edit_insert_tie (BmHistory *h) { bm_history_insert_tie (h, 2, bm_tie_new ("t9", "c", "a", BM_TIE_FUNDING)); }
static void edit_replace_tie (BmHistory *h)
{
  BmTie *t = bm_tie_copy (bm_map_lookup_tie (bm_history_get_map (h), "t2"));
  char *tmp = t->from;
  t->from = t->to;
  t->to = tmp;
  bm_history_replace_tie (h, t);
}
static void edit_remove_tie (BmHistory *h) { bm_history_remove_tie (h, "t3"); }
static void edit_title (BmHistory *h) { bm_history_set_title (h, "Another"); }
static void edit_clear_title (BmHistory *h) { bm_history_set_title (h, ""); }
static void edit_description (BmHistory *h) { bm_history_set_description (h, "Text"); }

static void
test_each_primitive (void)
{
  static const EditFunc edits[] = {
    edit_insert_party, edit_replace_party, edit_remove_party,
    edit_insert_actor, edit_replace_actor, edit_move_actor, edit_remove_actor,
    edit_insert_tie, edit_replace_tie, edit_remove_tie,
    edit_title, edit_clear_title, edit_description,
  };

  for (guint i = 0; i < G_N_ELEMENTS (edits); i++)
    {
      g_autoptr(BmMap) map = sample_map ();
      g_autoptr(BmHistory) history = bm_history_new (map);
      g_autoptr(BmMap) before = bm_map_copy (map);
      g_autoptr(BmMap) after = NULL;

      edits[i] (history);
      g_assert_false (bm_map_equal (map, before));
      g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
      after = bm_map_copy (map);
      assert_round_trip (history, before, after);
      /* and once more, to be sure redo left a usable step */
      assert_round_trip (history, before, after);
    }
}

static void
test_remove_actor_restores_order (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(BmMap) before = bm_map_copy (map);
  g_autoptr(BmMap) after = NULL;

  /* b is the second actor; its ties t1, t2, t4 are spread through the list */
  g_assert_true (bm_history_remove_actor (history, "b"));
  g_assert_cmpuint (bm_map_get_n_actors (map), ==, 3);
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 2);
  g_assert_null (bm_map_lookup_tie (map, "t4"));
  after = bm_map_copy (map);

  g_assert_true (bm_history_undo (history));
  g_assert_cmpint (bm_map_actor_index (map, "b"), ==, 1);
  g_assert_cmpint (bm_map_tie_index (map, "t1"), ==, 0);
  g_assert_cmpint (bm_map_tie_index (map, "t2"), ==, 1);
  g_assert_cmpint (bm_map_tie_index (map, "t4"), ==, 3);
  g_assert_true (bm_map_equal (map, before));
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_map_equal (map, after));
  g_assert_false (bm_history_remove_actor (history, "nobody"));
}

static void
test_group_is_one_step (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(BmMap) before = bm_map_copy (map);
  g_autoptr(BmMap) after = NULL;

  bm_history_begin_group (history, "Compound");
  bm_history_remove_tie (history, "t1");
  bm_history_begin_group (history, "Inner");
  bm_history_move_actor (history, "a", 5, 5);
  bm_history_insert_actor (history, -1, bm_actor_new ("n", "New", BM_LEVEL_TOP, BM_TRACK_2));
  bm_history_end_group (history);
  g_assert_true (bm_history_in_group (history));
  bm_history_remove_actor (history, "c");
  bm_history_set_title (history, NULL);
  bm_history_end_group (history);
  g_assert_false (bm_history_in_group (history));

  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), ==, "Compound");
  after = bm_map_copy (map);
  assert_round_trip (history, before, after);
}

static void
test_nothing_changed_no_step (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_begin_group (history, "Nothing");
  bm_history_end_group (history);
  bm_history_replace_actor (history, bm_actor_copy (bm_map_lookup_actor (map, "a")));
  bm_history_set_title (history, "Sample");
  bm_history_move_actor (history, "a", 100.001, 99.999);  /* rounds to where it is */
  g_assert_false (bm_history_remove_tie (history, "nope"));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);
  g_assert_false (bm_history_can_undo (history));
  g_assert_false (bm_history_is_modified (history));
  g_assert_false (bm_history_undo (history));
  g_assert_false (bm_history_redo (history));
}

static void
test_redo_dropped_by_new_edit (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_title (history, "One");
  bm_history_set_title (history, "Two");
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_can_redo (history));
  bm_history_set_description (history, "branch");
  g_assert_false (bm_history_can_redo (history));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_undo (history));
  g_assert_cmpstr (bm_map_get_title (map), ==, "Sample");
}

static void
move_step (BmHistory *history, const char *key, double x)
{
  bm_history_begin_coalescing_group (history, "Move", key);
  bm_history_move_actor (history, "a", x, 100);
  bm_history_end_group (history);
}

static void
test_coalescing (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(BmMap) before = bm_map_copy (map);
  g_autoptr(BmMap) after = NULL;

  /* no time limit: the test must not depend on the machine's speed */
  bm_history_set_coalesce_window (history, 0);
  for (int i = 1; i <= 50; i++)
    move_step (history, "move:a", 100 + i);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  after = bm_map_copy (map);
  assert_round_trip (history, before, after);

  /* redo/undo broke coalescing: a new drag is a new step */
  move_step (history, "move:a", 300);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  move_step (history, "move:a", 310);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);

  /* an explicit break */
  bm_history_break_coalescing (history);
  move_step (history, "move:a", 320);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 3);

  /* another key */
  move_step (history, "move:a,b", 330);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 4);

  /* no key never merges */
  move_step (history, NULL, 340);
  move_step (history, NULL, 350);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 6);

  /* undo of each step lands where that step began */
  g_assert_true (bm_history_undo (history));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 340);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_undo (history));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 320);
  g_assert_true (bm_history_undo (history));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 310);
  g_assert_true (bm_history_undo (history));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 150);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, before));
}

static void
test_coalescing_window (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_coalesce_window (history, 1);
  g_assert_cmpuint (bm_history_get_coalesce_window (history), ==, 1);
  move_step (history, "move:a", 110);
  /* well past the 1 ms window: always a new step, however slow the machine */
  g_usleep (20 * 1000);
  move_step (history, "move:a", 120);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
}

static void
test_coalescing_back_to_start (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_coalesce_window (history, 0);
  bm_history_set_title (history, "Earlier");
  move_step (history, "move:a", 150);
  move_step (history, "move:a", 100);   /* where it started */
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_history_get_undo_name (history), !=, "Move");
  /* a following motion starts afresh instead of merging into the title */
  move_step (history, "move:a", 160);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
}

static void
test_saved_state (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  g_assert_false (bm_history_is_modified (history));
  bm_history_set_title (history, "One");
  g_assert_true (bm_history_is_modified (history));
  g_assert_true (bm_history_undo (history));
  g_assert_false (bm_history_is_modified (history));   /* back to the file */
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_history_is_modified (history));

  bm_history_mark_saved (history);                      /* saved at "One" */
  g_assert_false (bm_history_is_modified (history));
  bm_history_set_title (history, "Two");
  g_assert_true (bm_history_is_modified (history));
  g_assert_true (bm_history_undo (history));
  g_assert_false (bm_history_is_modified (history));
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_is_modified (history));
  g_assert_true (bm_history_redo (history));
  g_assert_false (bm_history_is_modified (history));
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_history_is_modified (history));

  /* branch away from the saved state: it can never come back */
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_undo (history));
  bm_history_set_description (history, "branch");
  g_assert_true (bm_history_is_modified (history));
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_history_is_modified (history));
  g_assert_true (bm_history_redo (history));
  g_assert_true (bm_history_is_modified (history));
  bm_history_mark_saved (history);
  g_assert_false (bm_history_is_modified (history));
}

static void
test_saved_state_not_coalesced (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_coalesce_window (history, 0);
  move_step (history, "move:a", 110);
  bm_history_mark_saved (history);
  move_step (history, "move:a", 120);
  /* the saved step stays whole, so undo finds the saved state */
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 2);
  g_assert_true (bm_history_undo (history));
  g_assert_false (bm_history_is_modified (history));
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 110);
}

typedef struct
{
  guint can_undo, can_redo, modified, undo_label, redo_label, changed;
} Notes;

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  Notes *n = user_data;
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "can-undo"))
    n->can_undo++;
  else if (g_str_equal (name, "can-redo"))
    n->can_redo++;
  else if (g_str_equal (name, "modified"))
    n->modified++;
  else if (g_str_equal (name, "undo-label"))
    n->undo_label++;
  else if (g_str_equal (name, "redo-label"))
    n->redo_label++;
}

static void
on_changed (BmMap *map, gpointer user_data)
{
  ((Notes *) user_data)->changed++;
}

static void
test_properties (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);
  Notes n = { 0 };
  gboolean can_undo, modified;
  g_autofree char *label = NULL;
  g_autoptr(BmMap) bound = NULL;

  g_signal_connect (history, "notify", G_CALLBACK (on_notify), &n);
  g_signal_connect (map, "changed", G_CALLBACK (on_changed), &n);
  g_assert_cmpstr (bm_history_get_undo_label (history), ==, "Undo");
  g_assert_cmpstr (bm_history_get_redo_label (history), ==, "Redo");

  bm_history_remove_actor (history, "b");   /* four operations, one step */
  g_assert_cmpuint (n.changed, ==, 1);
  g_assert_cmpuint (n.can_undo, ==, 1);
  g_assert_cmpuint (n.modified, ==, 1);
  g_assert_cmpuint (n.undo_label, ==, 1);
  g_assert_cmpuint (n.can_redo, ==, 0);
  g_assert_cmpstr (bm_history_get_undo_label (history), ==, "Undo Delete Actor");

  g_object_get (history, "can-undo", &can_undo, "modified", &modified,
                "undo-label", &label, "map", &bound, NULL);
  g_assert_true (can_undo);
  g_assert_true (modified);
  g_assert_cmpstr (label, ==, "Undo Delete Actor");
  g_assert_true (bound == map);

  g_assert_true (bm_history_undo (history));
  g_assert_cmpuint (n.changed, ==, 2);
  g_assert_cmpuint (n.can_undo, ==, 2);
  g_assert_cmpuint (n.can_redo, ==, 1);
  g_assert_cmpuint (n.modified, ==, 2);
  g_assert_cmpstr (bm_history_get_redo_label (history), ==, "Redo Delete Actor");
  g_assert_cmpstr (bm_history_get_undo_label (history), ==, "Undo");
  g_assert_null (bm_history_get_undo_name (history));
  g_assert_cmpstr (bm_history_get_redo_name (history), ==, "Delete Actor");
}

static void
test_foreign_change (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_title (history, "One");
  bm_history_mark_saved (history);
  g_assert_false (bm_history_is_modified (history));

  g_test_expect_message ("Bridgemap", G_LOG_LEVEL_WARNING, "*outside its undo history*");
  bm_map_set_title (map, "Behind its back");
  g_test_assert_expected_messages ();
  g_assert_false (bm_history_can_undo (history));
  g_assert_false (bm_history_can_redo (history));
  g_assert_true (bm_history_is_modified (history));

  /* editing goes on normally afterwards */
  bm_history_set_title (history, "Two");
  g_assert_true (bm_history_undo (history));
  g_assert_cmpstr (bm_map_get_title (map), ==, "Behind its back");
}

static void
retitle_on_tie_removed (BmMap *map, const char *id, gpointer user_data)
{
  BmHistory *history = user_data;
  g_autofree char *title = g_strconcat ("without ", id, NULL);

  bm_history_set_title (history, title);
}

/* A handler that edits through the history while a step is recorded joins
 * that step, and the history survives it */
static void
test_edit_from_handler (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);
  g_autoptr(BmMap) before = bm_map_copy (map);
  g_autoptr(BmMap) after = NULL;
  gulong handler;

  handler = g_signal_connect (map, "tie-removed", G_CALLBACK (retitle_on_tie_removed), history);
  g_assert_true (bm_history_remove_actor (history, "b"));   /* three ties go first */
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_cmpstr (bm_map_get_title (map), ==, "without t1");
  after = bm_map_copy (map);
  g_signal_handler_disconnect (map, handler);
  assert_round_trip (history, before, after);

  /* during an undo, such edits are refused and the history stays whole */
  handler = g_signal_connect (map, "tie-removed", G_CALLBACK (retitle_on_tie_removed), history);
  g_assert_true (bm_history_undo (history));
  for (int i = 0; i < 3; i++)   /* once per tie removed */
    g_test_expect_message ("Bridgemap", G_LOG_LEVEL_CRITICAL, "*while an undo or redo*");
  g_assert_true (bm_history_redo (history));
  g_test_assert_expected_messages ();
  g_signal_handler_disconnect (map, handler);
  g_assert_true (bm_map_equal (map, after));
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_true (bm_history_undo (history));
  g_assert_true (bm_map_equal (map, before));
}

static void
test_clear (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmHistory) history = bm_history_new (map);

  bm_history_set_title (history, "One");
  bm_history_mark_saved (history);
  bm_history_clear (history);
  g_assert_false (bm_history_can_undo (history));
  g_assert_false (bm_history_is_modified (history));
  bm_history_set_title (history, "Two");
  bm_history_clear (history);
  g_assert_true (bm_history_is_modified (history));
}

static void
test_history_outlives_nothing (void)
{
  BmMap *map = sample_map ();
  BmHistory *history = bm_history_new (map);

  g_object_add_weak_pointer (G_OBJECT (map), (gpointer *) &map);
  bm_history_set_title (history, "x");
  g_object_unref (map);
  g_assert_nonnull (map);            /* the history keeps its map */
  g_object_unref (history);
  g_assert_null (map);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/history/each-primitive", test_each_primitive);
  g_test_add_func ("/history/remove-actor-restores-order", test_remove_actor_restores_order);
  g_test_add_func ("/history/group", test_group_is_one_step);
  g_test_add_func ("/history/nothing-changed", test_nothing_changed_no_step);
  g_test_add_func ("/history/redo-dropped", test_redo_dropped_by_new_edit);
  g_test_add_func ("/history/coalescing", test_coalescing);
  g_test_add_func ("/history/coalescing-window", test_coalescing_window);
  g_test_add_func ("/history/coalescing-back-to-start", test_coalescing_back_to_start);
  g_test_add_func ("/history/saved-state", test_saved_state);
  g_test_add_func ("/history/saved-state-not-coalesced", test_saved_state_not_coalesced);
  g_test_add_func ("/history/properties", test_properties);
  g_test_add_func ("/history/foreign-change", test_foreign_change);
  g_test_add_func ("/history/edit-from-handler", test_edit_from_handler);
  g_test_add_func ("/history/clear", test_clear);
  g_test_add_func ("/history/lifetime", test_history_outlives_nothing);

  return g_test_run ();
}
