/* test-recovery.c: crash-safety copies and the clean-shutdown marker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "bm-map-io.h"
#include "bm-recovery.h"

typedef struct
{
  char       *tmp;    /* a fresh folder per test */
  char       *dir;    /* the recovery folder inside it (not made yet) */
  BmRecovery *recovery;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->tmp = g_dir_make_tmp ("bm-recovery-XXXXXX", NULL);
  g_assert_nonnull (f->tmp);
  f->dir = g_build_filename (f->tmp, "state", "recovery", NULL);
  f->recovery = bm_recovery_new (f->dir);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->recovery);
  remove_tree (f->tmp);
  g_free (f->dir);
  g_free (f->tmp);
}

static guint
count_listed (BmRecovery *recovery)
{
  g_autoptr(GPtrArray) items = bm_recovery_list (recovery);

  return items->len;
}

static BmMap *
sample_map (const char *title)
{
  BmMap *map = bm_map_new ();
  BmActor *a = bm_actor_new ("carter", "Jimmy Carter", BM_LEVEL_TOP, BM_TRACK_1_5);

  bm_map_set_title (map, title);
  bm_map_insert_party (map, -1, bm_party_new ("us", "United States"));
  bm_actor_set_position (a, 120, 80);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("cedras", "Raoul Cédras", BM_LEVEL_TOP, BM_TRACK_1);
  bm_map_insert_actor (map, -1, a);
  bm_map_insert_tie (map, -1, bm_tie_new ("t1", "carter", "cedras", BM_TIE_MEDIATION));
  return map;
}

static void
assert_file_holds_map (GFile *file, BmMap *map)
{
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) expected = bm_map_serialize (map);

  g_assert_true (g_file_load_contents (file, NULL, &contents, &length, NULL, NULL));
  g_assert_cmpmem (contents, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

static void
test_write_list_discard (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) haiti = sample_map ("Haiti 1994");
  g_autoptr(BmMap) draft = sample_map ("Draft");
  g_autofree char *slot1 = bm_recovery_new_slot (f->recovery);
  g_autofree char *slot2 = bm_recovery_new_slot (f->recovery);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GDateTime) before_write = g_date_time_new_now_local ();
  const char *original = "/home/amina/maps/haïti 1994.bridgemap";

  g_assert_cmpstr (slot1, !=, slot2);
  g_assert_cmpuint (count_listed (f->recovery), ==, 0);   /* no folder yet */
  g_assert_true (bm_recovery_write (f->recovery, slot1, haiti, original,
                                    "haïti 1994.bridgemap", &error));
  g_assert_no_error (error);
  g_assert_true (bm_recovery_write (f->recovery, slot2, draft, NULL, "Untitled map", &error));
  g_assert_no_error (error);

  items = bm_recovery_list (f->recovery);
  g_assert_cmpuint (items->len, ==, 2);
  for (guint i = 0; i < items->len; i++)
    {
      BmRecoveredMap *item = g_ptr_array_index (items, i);
      g_autofree char *parent = NULL;
      g_autoptr(GFile) folder = g_file_get_parent (item->file);

      parent = g_file_get_path (folder);
      g_assert_cmpstr (parent, ==, f->dir);
      /* written at or after the moment before the write, to the second */
      g_assert_cmpint (g_date_time_to_unix (item->saved_at), >=, g_date_time_to_unix (before_write));
      if (g_str_equal (item->slot, slot1))
        {
          g_assert_cmpstr (item->original_path, ==, original);
          g_assert_cmpstr (item->display_name, ==, "haïti 1994.bridgemap");
          assert_file_holds_map (item->file, haiti);
        }
      else
        {
          g_assert_cmpstr (item->slot, ==, slot2);
          g_assert_null (item->original_path);
          g_assert_cmpstr (item->display_name, ==, "Untitled map");
          assert_file_holds_map (item->file, draft);
        }
    }

  /* saved: the copy goes */
  bm_recovery_remove (f->recovery, slot1);
  /* discarded: the copy goes */
  bm_recovery_discard (f->recovery, g_ptr_array_index (items, 0));
  bm_recovery_discard (f->recovery, g_ptr_array_index (items, 1));
  after = bm_recovery_list (f->recovery);
  g_assert_cmpuint (after->len, ==, 0);
  /* the folder holds nothing else */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    g_assert_null (g_dir_read_name (dir));
  }
  /* removing again is harmless */
  bm_recovery_remove (f->recovery, slot1);
}

static void
test_rewrite_same_slot (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("First");
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autoptr(GPtrArray) items = NULL;

  g_assert_true (bm_recovery_write (f->recovery, slot, map, NULL, "Untitled map", NULL));
  bm_map_set_title (map, "Second");
  g_assert_true (bm_recovery_write (f->recovery, slot, map, "/tmp/x.bridgemap", "x.bridgemap", NULL));
  items = bm_recovery_list (f->recovery);
  g_assert_cmpuint (items->len, ==, 1);
  assert_file_holds_map (((BmRecoveredMap *) g_ptr_array_index (items, 0))->file, map);
  g_assert_cmpstr (((BmRecoveredMap *) g_ptr_array_index (items, 0))->display_name, ==, "x.bridgemap");
}

static void
test_never_touches_document (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Edited");
  g_autofree char *document = g_build_filename (f->tmp, "map.bridgemap", NULL);
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autofree char *contents = NULL;
  const char *original = "<bridgemap xmlns=\"http://bridgemap.github.io/ns/1\" version=\"1\"/>\n";

  g_assert_true (g_file_set_contents (document, original, -1, NULL));
  g_assert_true (bm_recovery_write (f->recovery, slot, map, document, "map.bridgemap", NULL));
  g_assert_true (g_file_get_contents (document, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, original);
}

static void
test_session_marker (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BmRecovery) next_start = bm_recovery_new (f->dir);

  /* first start ever */
  g_assert_false (bm_recovery_begin_session (f->recovery, &error));
  g_assert_no_error (error);
  /* the process dies without ending the session: the next start knows */
  g_assert_true (bm_recovery_begin_session (next_start, &error));
  g_assert_no_error (error);
  /* a normal quit, then a start */
  bm_recovery_end_session (next_start);
  g_assert_false (bm_recovery_begin_session (f->recovery, &error));
  bm_recovery_end_session (f->recovery);
  bm_recovery_end_session (f->recovery);   /* twice is harmless */
  /* the marker is not taken for a recovered map */
  g_assert_cmpuint (count_listed (f->recovery), ==, 0);
}

static void
test_crash_then_offer (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Workshop");
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autoptr(BmRecovery) next_start = NULL;
  g_autoptr(GPtrArray) offered = NULL;

  bm_recovery_begin_session (f->recovery, NULL);
  g_assert_true (bm_recovery_write (f->recovery, slot, map, NULL, "Untitled map", NULL));
  g_clear_object (&f->recovery);          /* the battery dies */

  next_start = bm_recovery_new (f->dir);
  f->recovery = g_object_ref (next_start);
  g_assert_true (bm_recovery_begin_session (next_start, NULL));
  offered = bm_recovery_list (next_start);
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpstr (((BmRecoveredMap *) g_ptr_array_index (offered, 0))->slot, ==, slot);
  assert_file_holds_map (((BmRecoveredMap *) g_ptr_array_index (offered, 0))->file, map);
}

static void
test_broken_entries (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Orphan");
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autofree char *sidecar = NULL;
  g_autofree char *lonely = g_build_filename (f->dir, "lonely.ini", NULL);
  g_autofree char *odd = g_build_filename (f->dir, "not a slot.bridgemap", NULL);
  g_autoptr(GPtrArray) items = NULL;
  BmRecoveredMap *item;

  g_assert_true (bm_recovery_write (f->recovery, slot, map, "/x/a.bridgemap", "a.bridgemap", NULL));
  sidecar = g_strconcat (f->dir, G_DIR_SEPARATOR_S, slot, ".ini", NULL);
  g_assert_true (g_file_test (sidecar, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (sidecar, "garbage [[[", -1, NULL));
  g_assert_true (g_file_set_contents (lonely, "[Recovery]\ndisplay-name=Lonely\n", -1, NULL));
  g_assert_true (g_file_set_contents (odd, "x", -1, NULL));

  /* the copy is still offered; a sidecar alone or a stray file is not */
  items = bm_recovery_list (f->recovery);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->slot, ==, slot);
  g_assert_cmpstr (item->display_name, ==, "Unsaved map");
  g_assert_null (item->original_path);
  g_assert_nonnull (item->saved_at);
}

static void
test_newest_first (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Any");
  g_autofree char *old_slot = bm_recovery_new_slot (f->recovery);
  g_autofree char *new_slot = bm_recovery_new_slot (f->recovery);
  g_autofree char *old_sidecar = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_true (bm_recovery_write (f->recovery, new_slot, map, NULL, "New", NULL));
  g_assert_true (bm_recovery_write (f->recovery, old_slot, map, NULL, "Old", NULL));
  old_sidecar = g_strconcat (f->dir, G_DIR_SEPARATOR_S, old_slot, ".ini", NULL);
  g_assert_true (g_file_set_contents (old_sidecar,
                                      "[Recovery]\ndisplay-name=Old\nsaved-at=2001-02-03T04:05:06Z\n",
                                      -1, NULL));
  items = bm_recovery_list (f->recovery);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (((BmRecoveredMap *) g_ptr_array_index (items, 0))->display_name, ==, "New");
  g_assert_cmpstr (((BmRecoveredMap *) g_ptr_array_index (items, 1))->display_name, ==, "Old");
  g_assert_cmpint (g_date_time_get_year (((BmRecoveredMap *) g_ptr_array_index (items, 1))->saved_at), ==, 2001);
}

static void
test_restore (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Restored");
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(BmMap) restored = NULL;
  g_autoptr(GError) error = NULL;
  BmRecoveredMap *item;

  g_assert_true (bm_recovery_write (f->recovery, slot, map, "/x/w.bridgemap", "w.bridgemap", NULL));
  items = bm_recovery_list (f->recovery);
  item = g_ptr_array_index (items, 0);
  restored = bm_recovery_restore (f->recovery, item, &error);
  g_assert_no_error (error);
  g_assert_nonnull (restored);
  g_assert_true (bm_map_equal (restored, map));
  /* the copy stays until the restored document is saved or discarded */
  g_assert_cmpuint (count_listed (f->recovery), ==, 1);
  bm_recovery_discard (f->recovery, item);
  g_assert_cmpuint (count_listed (f->recovery), ==, 0);
}

static void
test_restore_damaged (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Cut short");
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(BmMap) restored = NULL;
  g_autoptr(GError) error = NULL;
  BmRecoveredMap *item;

  g_assert_true (bm_recovery_write (f->recovery, slot, map, NULL, "Untitled map", NULL));
  items = bm_recovery_list (f->recovery);
  item = g_ptr_array_index (items, 0);
  g_assert_true (g_file_replace_contents (item->file, "<bridgemap", 10, NULL, FALSE,
                                          G_FILE_CREATE_NONE, NULL, NULL, NULL));
  restored = bm_recovery_restore (f->recovery, item, &error);
  g_assert_null (restored);
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_INVALID);
  /* still listed: the user decides to discard it */
  g_assert_cmpuint (count_listed (f->recovery), ==, 1);
}

static void
on_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (bm_recovery_write_finish (BM_RECOVERY (source), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_write_async (Fixture *f, gconstpointer data)
{
  g_autoptr(BmMap) map = sample_map ("Async");
  g_autoptr(BmMap) snapshot = bm_map_copy (map);
  g_autofree char *slot = bm_recovery_new_slot (f->recovery);
  g_autoptr(GPtrArray) items = NULL;
  gboolean done = FALSE;

  bm_recovery_write_async (f->recovery, slot, map, NULL, "Untitled map", NULL, on_written, &done);
  /* the map was serialised at the call: later edits don't leak in */
  bm_map_set_title (map, "Changed meanwhile");
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  items = bm_recovery_list (f->recovery);
  g_assert_cmpuint (items->len, ==, 1);
  assert_file_holds_map (((BmRecoveredMap *) g_ptr_array_index (items, 0))->file, snapshot);
}

static void
test_unwritable (Fixture *f, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (f->tmp, "blocker", NULL);
  g_autofree char *dir = g_build_filename (blocker, "recovery", NULL);
  g_autoptr(BmRecovery) recovery = bm_recovery_new (dir);
  g_autoptr(BmMap) map = sample_map ("Nowhere");
  g_autofree char *slot = bm_recovery_new_slot (recovery);
  g_autoptr(GError) error = NULL;

  /* a plain file where the folder should be */
  g_assert_true (g_file_set_contents (blocker, "", -1, NULL));
  g_assert_false (bm_recovery_write (recovery, slot, map, NULL, "Untitled map", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, blocker));
  g_assert_cmpuint (count_listed (recovery), ==, 0);
}

static void
test_default_dir (void)
{
  g_autoptr(BmRecovery) recovery = bm_recovery_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_state_dir (),
                                                "io.github.bridgemap.Bridgemap", "recovery", NULL);

  g_assert_cmpstr (bm_recovery_get_dir (recovery), ==, expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/recovery/write-list-discard", test_write_list_discard);
  ADD ("/recovery/rewrite-same-slot", test_rewrite_same_slot);
  ADD ("/recovery/never-touches-document", test_never_touches_document);
  ADD ("/recovery/session-marker", test_session_marker);
  ADD ("/recovery/crash-then-offer", test_crash_then_offer);
  ADD ("/recovery/broken-entries", test_broken_entries);
  ADD ("/recovery/newest-first", test_newest_first);
  ADD ("/recovery/restore", test_restore);
  ADD ("/recovery/restore-damaged", test_restore_damaged);
  ADD ("/recovery/write-async", test_write_async);
  ADD ("/recovery/unwritable", test_unwritable);
#undef ADD
  g_test_add_func ("/recovery/default-dir", test_default_dir);

  return g_test_run ();
}
