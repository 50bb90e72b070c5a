/* test-model.c: the map model and its change notification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "bm-map.h"

typedef struct
{
  GString *log;
} Recorder;

static void
record (BmMap *map, const char *id, gpointer user_data)
{
  Recorder *r = user_data;
  const char *name = g_signal_name (g_signal_get_invocation_hint (map)->signal_id);
  g_string_append_printf (r->log, "%s:%s;", name, id);
}

static void
record_changed (BmMap *map, gpointer user_data)
{
  Recorder *r = user_data;
  g_string_append (r->log, "changed;");
}

static void
connect_all (BmMap *map, Recorder *r)
{
  const char *names[] = { "party-added", "party-removed", "party-changed",
                          "actor-added", "actor-removed", "actor-changed",
                          "tie-added", "tie-removed", "tie-changed" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_signal_connect (map, names[i], G_CALLBACK (record), r);
  g_signal_connect (map, "changed", G_CALLBACK (record_changed), r);
}

static BmMap *
small_map (void)
{
  BmMap *map = bm_map_new ();
  BmActor *a;

  bm_map_insert_party (map, -1, bm_party_new ("gov", "Government"));
  a = bm_actor_new ("a", "Alpha", BM_LEVEL_TOP, BM_TRACK_1);
  a->party = g_strdup ("gov");
  bm_map_insert_actor (map, -1, a);
  bm_map_insert_actor (map, -1, bm_actor_new ("b", "Beta", BM_LEVEL_MIDDLE, BM_TRACK_1_5));
  bm_map_insert_actor (map, -1, bm_actor_new ("c", "Gamma", BM_LEVEL_GRASSROOTS, BM_TRACK_3));
  bm_map_insert_tie (map, -1, bm_tie_new ("t1", "a", "b", BM_TIE_CHANNEL));
  bm_map_insert_tie (map, -1, bm_tie_new ("t2", "b", "c", BM_TIE_MEDIATION));
  bm_map_insert_tie (map, -1, bm_tie_new ("t3", "c", "a", BM_TIE_CONFLICT));
  return map;
}

static void
test_defaults (void)
{
  g_autoptr(BmActor) a = bm_actor_new ("x", "X", BM_LEVEL_TOP, BM_TRACK_2);
  g_autoptr(BmTie) t = bm_tie_new ("t", "x", "y", BM_TIE_CHANNEL);

  g_assert_cmpint (a->kind, ==, BM_ACTOR_ORGANIZATION);
  g_assert_cmpint (a->influence, ==, 3);
  g_assert_cmpint (a->sector, ==, BM_SECTOR_NONE);
  g_assert_null (a->party);
  g_assert_false (a->has_position);
  g_assert_cmpint (t->strength, ==, 2);
}

static void
test_remove_actor_removes_ties (void)
{
  g_autoptr(BmMap) map = small_map ();
  Recorder r = { g_string_new (NULL) };

  connect_all (map, &r);
  g_assert_true (bm_map_remove_actor (map, "a"));
  g_assert_cmpuint (bm_map_get_n_actors (map), ==, 2);
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 1);
  g_assert_cmpstr (bm_map_get_tie (map, 0)->id, ==, "t2");
  g_assert_null (bm_map_lookup_tie (map, "t1"));
  g_assert_null (bm_map_lookup_actor (map, "a"));
  /* ties first, then the actor, and one "changed" for the whole removal */
  g_assert_cmpstr (r.log->str, ==, "tie-removed:t3;tie-removed:t1;actor-removed:a;changed;");
  g_assert_false (bm_map_remove_actor (map, "a"));
  g_string_free (r.log, TRUE);
}

static void
test_signals (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  Recorder r = { g_string_new (NULL) };
  BmActor *copy;

  connect_all (map, &r);
  bm_map_insert_party (map, -1, bm_party_new ("p", "P"));
  bm_map_insert_actor (map, -1, bm_actor_new ("a", "A", BM_LEVEL_TOP, BM_TRACK_1));
  copy = bm_actor_copy (bm_map_lookup_actor (map, "a"));
  g_free (copy->name);
  copy->name = g_strdup ("Renamed");
  bm_map_replace_actor (map, copy);
  g_assert_cmpstr (bm_map_lookup_actor (map, "a")->name, ==, "Renamed");
  bm_map_move_actor (map, "a", 10.004, 20.006);
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->x, ==, 10.0);
  g_assert_cmpfloat (bm_map_lookup_actor (map, "a")->y, ==, 20.01);
  bm_map_move_actor (map, "a", 10.0, 20.01); /* no change, no signal */
  bm_map_remove_party (map, "p");
  g_assert_cmpstr (r.log->str, ==,
                   "party-added:p;changed;actor-added:a;changed;actor-changed:a;changed;"
                   "actor-changed:a;changed;party-removed:p;changed;");
  g_string_free (r.log, TRUE);
}

static void
test_ids (void)
{
  g_autoptr(BmMap) map = small_map ();
  g_autofree char *id = NULL;

  g_assert_true (bm_map_has_id (map, "gov"));
  g_assert_true (bm_map_has_id (map, "t2"));
  g_assert_false (bm_map_has_id (map, "t4"));
  bm_map_insert_tie (map, -1, bm_tie_new ("t4", "a", "c", BM_TIE_ALLIANCE));
  id = bm_map_new_id (map, "t");
  g_assert_false (bm_map_has_id (map, id));
  g_assert_true (bm_id_is_valid (id));

  g_assert_true (bm_id_is_valid ("_a.b-c9"));
  g_assert_false (bm_id_is_valid ("9a"));
  g_assert_false (bm_id_is_valid (""));
  g_assert_false (bm_id_is_valid ("a b"));
  g_assert_false (bm_id_is_valid ("é"));
}

static void
test_copy_equal (void)
{
  g_autoptr(BmMap) map = small_map ();
  g_autoptr(BmMap) copy = bm_map_copy (map);

  g_assert_true (bm_map_equal (map, copy));
  bm_map_set_title (copy, "Title");
  g_assert_false (bm_map_equal (map, copy));
  bm_map_set_title (copy, "");
  g_assert_null (bm_map_get_title (copy));
  g_assert_true (bm_map_equal (map, copy));
  bm_extra_add_attr (bm_map_get_extra (copy, BM_EXTRA_ROOT), "x", "urn:x", "a", "1");
  g_assert_false (bm_map_equal (map, copy));
}

static void
test_enums (void)
{
  BmTrack track;
  BmSector sector;
  BmLevel level;

  g_assert_true (bm_track_from_string ("1.5", &track));
  g_assert_cmpint (track, ==, BM_TRACK_1_5);
  g_assert_false (bm_track_from_string (" 1", &track));
  g_assert_false (bm_track_from_string ("1.50", &track));
  g_assert_false (bm_sector_from_string ("none", &sector));
  g_assert_true (bm_sector_from_string ("conflict-resolution", &sector));
  g_assert_false (bm_level_from_string ("Top", &level));
  g_assert_cmpstr (bm_level_to_string (BM_LEVEL_GRASSROOTS), ==, "grassroots");
  g_assert_null (bm_sector_to_string (BM_SECTOR_NONE));
  g_assert_true (bm_tie_kind_is_usable (BM_TIE_FUNDING));
  g_assert_false (bm_tie_kind_is_usable (BM_TIE_BROKEN));
  g_assert_true (bm_tie_kind_is_hostile (BM_TIE_CONFLICT));
  g_assert_true (bm_tie_kind_is_directed (BM_TIE_MEDIATION));
  g_assert_false (bm_tie_kind_is_directed (BM_TIE_ALLIANCE));
  g_assert_cmpint (bm_level_for_y (299.99), ==, BM_LEVEL_TOP);
  g_assert_cmpint (bm_level_for_y (300), ==, BM_LEVEL_MIDDLE);
  g_assert_cmpint (bm_level_for_y (600), ==, BM_LEVEL_GRASSROOTS);
  g_assert_cmpfloat (bm_round_position (-0.001), ==, 0.0);
  g_assert_false (signbit (bm_round_position (-0.001)));
  g_assert_cmpfloat (bm_round_position (1.005), ==, round (1.005 * 100) / 100);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/defaults", test_defaults);
  g_test_add_func ("/model/remove-actor-removes-ties", test_remove_actor_removes_ties);
  g_test_add_func ("/model/signals", test_signals);
  g_test_add_func ("/model/ids", test_ids);
  g_test_add_func ("/model/copy-equal", test_copy_equal);
  g_test_add_func ("/model/enums", test_enums);
  return g_test_run ();
}
