/* test-window.c: the editor's window, inspector and gap panel, driven
 * through their own code paths (needs a display: run under Xvfb)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm-application.h"
#include "bm-dialogs.h"
#include "bm-edit.h"
#include "bm-generate.h"
#include "bm-map-io.h"
#include "bm-render.h"
#include "bm-window.h"

static BmApplication *app;
static char *tmpdir;

/* ---- answering dialogs as a user would ---- */

typedef void (*Tweak) (GtkWidget *extra_child, gpointer data);

static struct
{
  guint       count;
  char       *heading;
  char       *body;
  const char *response;
  Tweak       tweak;
  gpointer    tweak_data;
} answer;

static const char *
respond (const char *heading,
         const char *body,
         GtkWidget  *extra_child,
         gpointer    data)
{
  answer.count++;
  g_free (answer.heading);
  g_free (answer.body);
  answer.heading = g_strdup (heading);
  answer.body = g_strdup (body);
  if (answer.tweak != NULL)
    answer.tweak (extra_child, answer.tweak_data);
  return answer.response;
}

static guint answer_target;

/* Call before the action that shows the dialog: it may be answered as soon
 * as the main loop runs */
static void
expect_answer (const char *response,
               Tweak       tweak,
               gpointer    tweak_data)
{
  answer_target = answer.count + 1;
  answer.response = response;
  answer.tweak = tweak;
  answer.tweak_data = tweak_data;
}

static GFile *file_answer;

static GFile *
respond_file (const char *title,
              gboolean    save,
              gpointer    data)
{
  return file_answer != NULL ? g_object_ref (file_answer) : NULL;
}

/* ---- waiting for the main loop ---- */

static gboolean
wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main loop until @cond holds; fails after a generous deadline
 * (a guard against hangs, not a timing check) */
static void
wait_until (gboolean (*cond) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint id = g_timeout_add (20, wake, NULL);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("Timed out waiting for a condition (last dialog: %s: %s)",
                 answer.heading ? answer.heading : "none", answer.body ? answer.body : "");
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (id);
}

static void
settle (void)
{
  for (int i = 0; i < 5; i++)
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
}

static gboolean
has_document (gpointer window)
{
  return bm_window_get_document (window) != NULL;
}

static gboolean
answered (gpointer data)
{
  return answer.count >= answer_target;
}

static void
wait_for_answer (void)
{
  wait_until (answered, NULL);
  settle ();
}

/* ---- fixtures ---- */

static GFile *
fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "ui", name, NULL);

  return g_file_new_for_path (path);
}

static GFile *
temp_file (const char *name)
{
  return g_file_new_build_filename (tmpdir, name, NULL);
}

static BmWindow *
new_window (void)
{
  BmWindow *window = bm_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  settle ();
  return window;
}

static void
close_window (BmWindow *window)
{
  if (bm_window_get_document (window) != NULL)
    bm_document_discard_recovery (bm_window_get_document (window));
  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static BmWindow *
open_fixture (const char *name)
{
  BmWindow *window = new_window ();
  g_autoptr(GFile) file = fixture (name);

  bm_window_open_file (window, file);
  wait_until (has_document, window);
  bm_window_flush_analysis (window);
  return window;
}

static BmHistory *
history_of (BmWindow *window)
{
  return bm_document_get_history (bm_window_get_document (window));
}

static BmMap *
map_of (BmWindow *window)
{
  return bm_document_get_map (bm_window_get_document (window));
}

static GtkWidget *
inspector_child (BmWindow   *window,
                 const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (bm_window_get_inspector (window)),
                                                  BM_TYPE_INSPECTOR, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

static void
select_actors (BmWindow   *window,
               const char *first,
               ...)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (const char *id = first; id != NULL; id = va_arg (args, const char *))
    g_ptr_array_add (ids, (gpointer) id);
  va_end (args);
  g_ptr_array_add (ids, NULL);
  bm_canvas_set_selection (bm_window_get_canvas (window),
                           (const char * const *) ids->pdata, NULL);
  settle ();
}

static void
activate (BmWindow   *window,
          const char *action)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), action));
  g_action_group_activate_action (G_ACTION_GROUP (window), action, NULL);
  settle ();
}

/* ---- tests ---- */

static void
test_start_page (void)
{
  BmWindow *window = new_window ();
  GtkWidget *examples = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                   BM_TYPE_WINDOW,
                                                                   "examples_list"));
  guint n = 0;

  g_assert_null (bm_window_get_document (window));
  g_assert_true (bm_window_is_reusable (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Bridgemap");
  /* Nothing to save or undo on the start page */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "save"));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "undo"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "open"));

  /* The bundled examples are offered */
  for (GtkWidget *row = gtk_widget_get_first_child (examples); row; row = gtk_widget_get_next_sibling (row))
    n++;
  g_assert_cmpuint (n, ==, bm_application_get_examples (app)->len);
  g_assert_cmpuint (n, >=, 1);

  /* Opening one gives an untitled copy (the bundled file stays as it is) */
  {
    GFile *example = g_ptr_array_index (bm_application_get_examples (app), 0);
    g_autofree char *path = g_file_get_path (example);

    g_action_group_activate_action (G_ACTION_GROUP (window), "open-example",
                                    g_variant_new_string (path));
    wait_until (has_document, window);
    g_assert_null (bm_document_get_file (bm_window_get_document (window)));
    g_assert_cmpuint (bm_map_get_n_actors (map_of (window)), >, 0);
    g_assert_false (bm_document_get_modified (bm_window_get_document (window)));
  }
  close_window (window);
}

static void
test_open_drop (void)
{
  BmWindow *window = new_window ();
  g_autoptr(GFile) file = fixture ("opposed.bridgemap");
  GValue value = G_VALUE_INIT;
  BmDocument *document;

  /* Dropping something that is not a file does nothing */
  g_value_init (&value, G_TYPE_STRING);
  g_value_set_string (&value, "not a file");
  g_assert_false (bm_window_handle_drop (window, &value));
  g_value_unset (&value);

  g_value_init (&value, G_TYPE_FILE);
  g_value_set_object (&value, file);
  g_assert_true (bm_window_handle_drop (window, &value));
  g_value_unset (&value);
  wait_until (has_document, window);

  document = bm_window_get_document (window);
  g_assert_true (g_file_equal (bm_document_get_file (document), file));
  g_assert_false (bm_document_get_modified (document));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Two sides, no bridge");
  g_assert_cmpuint (bm_map_get_n_actors (map_of (window)), ==, 4);
  g_assert_true (bm_canvas_get_map (bm_window_get_canvas (window)) == map_of (window));

  /* Analysed at once; the panel lists the gaps */
  bm_window_flush_analysis (window);
  g_assert_nonnull (bm_window_get_analysis (window));
  g_assert_cmpuint (bm_gap_panel_get_n_gaps (bm_window_get_gap_panel (window)), ==,
                    bm_analysis_get_n_gaps (bm_window_get_analysis (window)));
  g_assert_cmpuint (bm_analysis_count_severity (bm_window_get_analysis (window),
                                                BM_SEVERITY_CRITICAL), ==, 1);

  /* Dropping the same file again brings this window forward, no copy */
  {
    GList *before = gtk_application_get_windows (GTK_APPLICATION (app));
    guint n_before = g_list_length (before);

    g_value_init (&value, G_TYPE_FILE);
    g_value_set_object (&value, file);
    g_assert_true (bm_window_handle_drop (window, &value));
    g_value_unset (&value);
    settle ();
    g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                      n_before);
  }
  close_window (window);
}

static gboolean
n_windows_is (gpointer data)
{
  return g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))) == GPOINTER_TO_UINT (data);
}

static void
test_open_file_list (void)
{
  BmWindow *window = new_window ();
  g_autoptr(GFile) a = fixture ("opposed.bridgemap");
  g_autoptr(GFile) b = fixture ("empty.bridgemap");
  GFile *files[] = { a, b };
  GdkFileList *list = gdk_file_list_new_from_array (files, 2);
  GValue value = G_VALUE_INIT;
  guint n_before = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
  GList *windows;

  /* The first file replaces the start page, the second gets a window */
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, list);
  g_assert_true (bm_window_handle_drop (window, &value));
  g_value_unset (&value);
  wait_until (n_windows_is, GUINT_TO_POINTER (n_before + 1));
  wait_until (has_document, window);

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    {
      BmWindow *w = l->data;

      wait_until (has_document, w);
      g_assert_nonnull (bm_document_get_file (bm_window_get_document (w)));
      close_window (w);
    }
  g_list_free (windows);
}

static void
test_open_invalid (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  BmDocument *document = bm_window_get_document (window);
  g_autoptr(GFile) broken = fixture ("broken.bridgemap");
  guint n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));

  expect_answer ("close", NULL, NULL);
  bm_window_open_file (window, broken);
  wait_for_answer ();

  /* The error names the file and the line, in plain words */
  g_assert_nonnull (strstr (answer.heading, "broken.bridgemap"));
  g_assert_nonnull (strstr (answer.body, "broken.bridgemap:5:"));
  g_assert_nonnull (strstr (answer.body, "sideways"));
  /* Nothing else changed */
  g_assert_true (bm_window_get_document (window) == document);
  g_assert_false (bm_document_get_modified (document));
  g_assert_cmpuint (bm_map_get_n_actors (map_of (window)), ==, 4);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n_windows);

  /* A missing file on the start page: the start page stays */
  {
    BmWindow *empty = new_window ();
    g_autoptr(GFile) missing = temp_file ("does-not-exist.bridgemap");

    expect_answer ("close", NULL, NULL);
    bm_window_open_file (empty, missing);
    wait_for_answer ();
    g_assert_nonnull (strstr (answer.body, "does-not-exist.bridgemap"));
    g_assert_null (bm_window_get_document (empty));
    close_window (empty);
  }
  close_window (window);
}

static void
test_new_map (void)
{
  BmWindow *window = new_window ();
  guint n_windows = g_list_length (gtk_application_get_windows (GTK_APPLICATION (app)));
  BmDocument *document;
  g_autofree char *id = NULL;

  activate (window, "new");
  document = bm_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_true (bm_document_is_pristine (document));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Untitled Map");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n_windows);

  /* Once it has content, Ctrl+N opens another window */
  id = bm_edit_add_actor (history_of (window), 100, 150);
  settle ();
  g_assert_false (bm_window_is_reusable (window));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Untitled Map");
  activate (window, "new");
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                    n_windows + 1);
  {
    BmWindow *other = gtk_application_get_windows (GTK_APPLICATION (app))->data;

    g_assert_true (other != window);
    g_assert_true (bm_document_is_pristine (bm_window_get_document (other)));
    close_window (other);
  }
  close_window (window);
}

static void
test_edit_name (void)
{
  BmWindow *window = new_window ();
  BmInspector *inspector = bm_window_get_inspector (window);
  GtkWidget *name_row;
  BmHistory *history;
  g_autofree char *id = NULL;
  const char *typed = "Amina Diallo ";
  guint n_undo;

  activate (window, "new");
  history = history_of (window);
  id = bm_edit_add_actor (history, 100, 150);
  select_actors (window, id, NULL);
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "actor");

  /* Typing, one character at a time, is one undo step */
  name_row = inspector_child (window, "actor_name_row");
  gtk_widget_grab_focus (name_row);
  settle ();
  n_undo = bm_history_get_n_undo (history);
  for (gsize i = 1; i <= strlen (typed); i++)
    {
      g_autofree char *prefix = g_strndup (typed, i);

      gtk_editable_set_text (GTK_EDITABLE (name_row), prefix);
    }
  g_assert_cmpstr (bm_map_lookup_actor (map_of (window), id)->name, ==, "Amina Diallo");
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, n_undo + 1);
  /* The field keeps what was typed while it has the keyboard */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, typed);

  /* Undo gives the old name back, in the map and in the field */
  activate (window, "undo");
  g_assert_cmpstr (bm_map_lookup_actor (map_of (window), id)->name, ==, "New actor");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "New actor");
  activate (window, "redo");
  g_assert_cmpstr (bm_map_lookup_actor (map_of (window), id)->name, ==, "Amina Diallo");

  /* Other fields apply at once */
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_track_row")),
                              BM_TRACK_1_5);
  g_assert_cmpint (bm_map_lookup_actor (map_of (window), id)->track, ==, BM_TRACK_1_5);
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_level_row")),
                              BM_LEVEL_GRASSROOTS);
  g_assert_cmpint (bm_map_lookup_actor (map_of (window), id)->level, ==, BM_LEVEL_GRASSROOTS);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (inspector_child (window, "actor_influence_spin")), 5);
  g_assert_cmpint (bm_map_lookup_actor (map_of (window), id)->influence, ==, 5);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (inspector_child (window, "actor_note_view"))),
                            "Met in Rome.", -1);
  g_assert_cmpstr (bm_map_lookup_actor (map_of (window), id)->note, ==, "Met in Rome.");

  /* Leaving the field shows the stored, trimmed name */
  gtk_widget_grab_focus (GTK_WIDGET (bm_window_get_canvas (window)));
  settle ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, "Amina Diallo");
  close_window (window);
}

static void
test_tie_inspector (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  BmInspector *inspector = bm_window_get_inspector (window);
  const char *ties[] = { "t3", NULL };
  const BmTie *tie;

  bm_canvas_set_selection (bm_window_get_canvas (window), NULL, ties);
  settle ();
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "tie");
  /* An influence tie can be reversed */
  g_assert_true (gtk_widget_get_visible (inspector_child (window, "reverse_button")));
  activate (window, "reverse-tie");
  tie = bm_map_lookup_tie (map_of (window), "t3");
  g_assert_cmpstr (tie->from, ==, "commander");
  g_assert_cmpstr (tie->to, ==, "archbishop");

  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "tie_strength_row")), 2);
  g_assert_cmpint (bm_map_lookup_tie (map_of (window), "t3")->strength, ==, 3);
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "tie_kind_row")),
                              BM_TIE_CHANNEL);
  g_assert_cmpint (bm_map_lookup_tie (map_of (window), "t3")->kind, ==, BM_TIE_CHANNEL);
  /* A channel has no direction */
  g_assert_false (gtk_widget_get_visible (inspector_child (window, "reverse_button")));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "reverse-tie"));
  close_window (window);
}

static void
type_party_name (GtkWidget *extra_child,
                 gpointer   data)
{
  g_assert_true (GTK_IS_EDITABLE (extra_child));
  gtk_editable_set_text (GTK_EDITABLE (extra_child), data);
}

static void
choose_target (GtkWidget *extra_child,
               gpointer   data)
{
  g_assert_true (GTK_IS_DROP_DOWN (extra_child));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (extra_child), GPOINTER_TO_UINT (data));
}

static void
test_parties (void)
{
  BmWindow *window = new_window ();
  BmInspector *inspector = bm_window_get_inspector (window);
  BmHistory *history;
  BmMap *map;
  g_autofree char *actor = NULL;
  const BmParty *gov, *rebels;
  g_autofree char *gov_id = NULL;
  g_autofree char *rebels_id = NULL;
  guint n_undo;

  activate (window, "new");
  history = history_of (window);
  map = map_of (window);
  actor = bm_edit_add_actor (history, 100, 450);
  settle ();
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "map");

  /* Add a party from the map page */
  expect_answer ("create", type_party_name, (gpointer) "Government");
  bm_inspector_new_party (inspector, NULL);
  wait_for_answer ();
  g_assert_cmpuint (bm_map_get_n_parties (map), ==, 1);
  gov = bm_map_get_party (map, 0);
  gov_id = g_strdup (gov->id);
  g_assert_cmpstr (gov->name, ==, "Government");
  g_assert_true (gov->has_color);

  /* Recolour it from its row */
  {
    GtkWidget *row = gtk_widget_get_first_child (inspector_child (window, "parties_list"));
    GtkWidget *color = g_object_get_data (G_OBJECT (row), "bm-color-button");
    GdkRGBA orange = { 1.0f, 0.5f, 0.0f, 1.0f };

    g_assert_nonnull (color);
    bm_color_button_set_rgba (color, &orange);
    g_assert_cmphex (bm_map_get_party (map, 0)->color, ==, 0xff8000);
    /* … and rename it there */
    gtk_editable_set_text (GTK_EDITABLE (row), "Government of National Unity");
    g_assert_cmpstr (bm_map_get_party (map, 0)->name, ==, "Government of National Unity");
    activate (window, "undo");
    g_assert_cmpstr (bm_map_get_party (map, 0)->name, ==, "Government");
    activate (window, "undo");
    g_assert_cmphex (bm_map_get_party (map, 0)->color, !=, 0xff8000);
    gov = bm_map_get_party (map, 0);
  }

  /* "New party…" from an actor: the actor joins it, one undo step */
  select_actors (window, actor, NULL);
  n_undo = bm_history_get_n_undo (history);
  expect_answer ("create", type_party_name, (gpointer) "Armed movement");
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_party_row")), 2);
  wait_for_answer ();
  g_assert_cmpuint (bm_map_get_n_parties (map), ==, 2);
  rebels = bm_map_get_party (map, 1);
  rebels_id = g_strdup (rebels->id);
  g_assert_cmpstr (bm_map_lookup_actor (map, actor)->party, ==, rebels_id);
  g_assert_true (rebels->color != gov->color);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, n_undo + 1);

  /* Cancelling adds nothing */
  expect_answer ("cancel", type_party_name, (gpointer) "Nobody");
  bm_inspector_new_party (inspector, NULL);
  wait_for_answer ();
  g_assert_cmpuint (bm_map_get_n_parties (map), ==, 2);

  /* The drop-down sets the party; its first choice makes a third party */
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_party_row")), 1);
  g_assert_cmpstr (bm_map_lookup_actor (map, actor)->party, ==, gov_id);
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_party_row")), 0);
  g_assert_null (bm_map_lookup_actor (map, actor)->party);
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_party_row")), 2);
  g_assert_cmpstr (bm_map_lookup_actor (map, actor)->party, ==, rebels_id);

  /* Removing a party its actors use asks; Cancel keeps it */
  expect_answer ("cancel", NULL, NULL);
  bm_inspector_remove_party (inspector, rebels_id);
  wait_for_answer ();
  g_assert_nonnull (strstr (answer.heading, "Armed movement"));
  g_assert_nonnull (bm_map_lookup_party (map, rebels_id));

  /* … or moves its actors to another party */
  expect_answer ("remove", choose_target, GUINT_TO_POINTER (1));
  bm_inspector_remove_party (inspector, rebels_id);
  wait_for_answer ();
  g_assert_null (bm_map_lookup_party (map, rebels_id));
  g_assert_cmpstr (bm_map_lookup_actor (map, actor)->party, ==, gov_id);

  /* … or makes them third parties */
  expect_answer ("remove", choose_target, GUINT_TO_POINTER (0));
  bm_inspector_remove_party (inspector, gov_id);
  wait_for_answer ();
  g_assert_cmpuint (bm_map_get_n_parties (map), ==, 0);
  g_assert_null (bm_map_lookup_actor (map, actor)->party);

  /* Undo brings the party and its member back */
  activate (window, "undo");
  g_assert_nonnull (bm_map_lookup_party (map, gov_id));
  g_assert_cmpstr (bm_map_lookup_actor (map, actor)->party, ==, gov_id);

  /* A party nobody uses goes without a question */
  answer_target = answer.count;
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "actor_party_row")), 0);
  bm_inspector_remove_party (inspector, gov_id);
  settle ();
  g_assert_cmpuint (bm_map_get_n_parties (map), ==, 0);
  g_assert_cmpuint (answer.count, ==, answer_target);

  /* The map's title from the map page */
  select_actors (window, NULL);
  gtk_editable_set_text (GTK_EDITABLE (inspector_child (window, "title_row")), "Workshop map");
  g_assert_cmpstr (bm_map_get_title (map), ==, "Workshop map");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• Workshop map");
  close_window (window);
}

/* ---- party swatches, notes ---- */

static guint32
swatch_color (GtkWidget *button)
{
  GdkRGBA rgba;

  bm_color_button_get_rgba (button, &rgba);
  g_assert_cmpfloat (rgba.alpha, ==, 1.0);
  return ((guint32) (rgba.red * 255.0f + 0.5f) << 16)
         | ((guint32) (rgba.green * 255.0f + 0.5f) << 8)
         | (guint32) (rgba.blue * 255.0f + 0.5f);
}

/* Every party's swatch shows the colour the map draws the party in */
static void
assert_swatches_match_canvas (BmWindow *window)
{
  BmMap *map = map_of (window);
  GtkWidget *row = gtk_widget_get_first_child (inspector_child (window, "parties_list"));
  guint i = 0;

  for (; row != NULL; row = gtk_widget_get_next_sibling (row), i++)
    {
      const BmParty *party = bm_map_get_party (map, i);
      GtkWidget *color = g_object_get_data (G_OBJECT (row), "bm-color-button");

      g_assert_nonnull (color);
      g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "bm-party-id"), ==, party->id);
      g_assert_cmphex (swatch_color (color), ==, bm_render_party_color (map, party->id));
    }
  g_assert_cmpuint (i, ==, bm_map_get_n_parties (map));
}

static void
test_party_swatches (void)
{
  BmWindow *window = open_fixture ("uncoloured.bridgemap");
  BmInspector *inspector = bm_window_get_inspector (window);
  BmDocument *document = bm_window_get_document (window);
  BmHistory *history = history_of (window);
  BmMap *map = map_of (window);
  GtkWidget *row, *color;
  GdkRGBA green = { 0.2f, 0.6f, 0.2f, 1.0f };
  const BmParty *rebels;

  g_assert_false (bm_map_lookup_party (map, "rebels")->has_color);
  g_assert_false (bm_map_lookup_party (map, "militia")->has_color);

  /* Showing the parties shows the canvas's colours and edits nothing */
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "map");
  assert_swatches_match_canvas (window);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);
  g_assert_false (bm_document_get_modified (document));

  /* … nor does showing an actor of a party without a colour, and back */
  select_actors (window, "commander", NULL);
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "actor");
  select_actors (window, NULL);
  assert_swatches_match_canvas (window);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);
  g_assert_false (bm_document_get_modified (document));
  g_assert_false (bm_map_lookup_party (map, "rebels")->has_color);

  /* Another party's new colour can move the palette: the swatches follow */
  bm_edit_set_party_color (history, "gov", TRUE, 0x26a269);
  settle ();
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  assert_swatches_match_canvas (window);
  activate (window, "undo");
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 0);
  assert_swatches_match_canvas (window);

  /* An entry row sets its text below its title's place: with no title the
   * name sits low beside the swatch, so each party row has one */
  row = gtk_widget_get_next_sibling (gtk_widget_get_first_child (inspector_child (window,
                                                                                  "parties_list")));
  g_assert_cmpstr (g_object_get_data (G_OBJECT (row), "bm-party-id"), ==, "rebels");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), !=, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "Armed movement");

  /* Choosing a colour for it is one edit */
  color = g_object_get_data (G_OBJECT (row), "bm-color-button");
  bm_color_button_set_rgba (color, &green);
  settle ();
  rebels = bm_map_lookup_party (map, "rebels");
  g_assert_true (rebels->has_color);
  g_assert_cmphex (rebels->color, ==, 0x339933);
  g_assert_cmpuint (bm_history_get_n_undo (history), ==, 1);
  g_assert_true (bm_document_get_modified (document));
  assert_swatches_match_canvas (window);
  close_window (window);
}

/* The height the note box is expected to pass */
static int note_threshold;

/* The whole text is in view, nothing to scroll, and the box is taller
 * than note_threshold */
static gboolean
note_fits (gpointer scrolled)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  return gtk_widget_get_height (scrolled) > note_threshold
         && gtk_adjustment_get_upper (adjustment) > 0
         && gtk_adjustment_get_page_size (adjustment) >= gtk_adjustment_get_upper (adjustment);
}

/* Grown near its greatest height, not past it, and scrolling the rest */
static gboolean
note_scrolls (gpointer scrolled)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  int max_height = gtk_scrolled_window_get_max_content_height (scrolled);
  int height = gtk_widget_get_height (scrolled);

  return height > max_height * 3 / 4 && height <= max_height
         && gtk_adjustment_get_upper (adjustment) > gtk_adjustment_get_page_size (adjustment);
}

/* Back to a small text: the box shrinks again */
static gboolean
note_shrunk (gpointer scrolled)
{
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

  return gtk_widget_get_height (scrolled) < note_threshold
         && gtk_adjustment_get_page_size (adjustment) >= gtk_adjustment_get_upper (adjustment);
}

static void
test_long_note (void)
{
  BmWindow *window = bm_window_new (GTK_APPLICATION (app));
  g_autoptr(GFile) file = fixture ("uncoloured.bridgemap");
  GtkWidget *view = inspector_child (window, "description_view");
  GtkScrolledWindow *scrolled;
  g_autoptr(GString) text = g_string_new (NULL);
  int max_height, min_height;

  /* Opened before the window shows, as from the command line */
  bm_window_open_file (window, file);
  wait_until (has_document, window);
  gtk_window_present (GTK_WINDOW (window));

  scrolled = GTK_SCROLLED_WINDOW (gtk_widget_get_parent (view));
  g_assert_true (GTK_IS_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_scrolled_window_get_propagate_natural_height (scrolled));
  min_height = gtk_scrolled_window_get_min_content_height (scrolled);
  max_height = gtk_scrolled_window_get_max_content_height (scrolled);
  g_assert_cmpint (min_height, >, 0);
  g_assert_cmpint (max_height, >, min_height);

  /* The map's six lines, as opened: the box grows to show them all */
  note_threshold = min_height;
  wait_until (note_fits, scrolled);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (scrolled)), <=, max_height);

  /* Eight lines typed in: it grows again */
  note_threshold = gtk_widget_get_height (GTK_WIDGET (scrolled));
  for (int i = 1; i <= 8; i++)
    g_string_append_printf (text, "Line %d\n", i);
  bm_edit_set_description (history_of (window), text->str);
  wait_until (note_fits, scrolled);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (scrolled)), <=, max_height);

  /* Many: it stops growing and scrolls, so every line can be reached */
  for (int i = 9; i <= 60; i++)
    g_string_append_printf (text, "Line %d\n", i);
  bm_edit_set_description (history_of (window), text->str);
  wait_until (note_scrolls, scrolled);

  /* … and shrinks with the text */
  note_threshold = max_height / 2;
  bm_edit_set_description (history_of (window), "Line 1");
  wait_until (note_shrunk, scrolled);
  close_window (window);
}

static void
test_multi_selection (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  BmInspector *inspector = bm_window_get_inspector (window);
  BmMap *map = map_of (window);
  guint n_undo = bm_history_get_n_undo (history_of (window));

  select_actors (window, "president", "archbishop", NULL);
  g_assert_cmpstr (bm_inspector_get_page (inspector), ==, "multi");
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "multi_track_row")),
                              BM_TRACK_2);
  g_assert_cmpint (bm_map_lookup_actor (map, "president")->track, ==, BM_TRACK_2);
  g_assert_cmpint (bm_map_lookup_actor (map, "archbishop")->track, ==, BM_TRACK_2);
  g_assert_cmpuint (bm_history_get_n_undo (history_of (window)), ==, n_undo + 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (inspector_child (window, "multi_party_row")), 2);
  g_assert_cmpstr (bm_map_lookup_actor (map, "president")->party, ==, "rebels");
  g_assert_cmpstr (bm_map_lookup_actor (map, "archbishop")->party, ==, "rebels");

  /* Delete removes both and their ties, one step */
  activate (window, "delete");
  g_assert_null (bm_map_lookup_actor (map, "president"));
  g_assert_null (bm_map_lookup_actor (map, "archbishop"));
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 0);
  activate (window, "undo");
  g_assert_cmpuint (bm_map_get_n_actors (map), ==, 4);
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 3);
  close_window (window);
}

static char **
selected (BmWindow *window)
{
  return bm_canvas_get_selected_actors (bm_window_get_canvas (window));
}

static gboolean
elders_selected (gpointer window)
{
  g_auto(GStrv) sel = selected (window);

  return sel[0] != NULL && g_str_equal (sel[0], "elders");
}

static void
test_find (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  g_auto(GStrv) sel = NULL;

  /* Case and accents do not matter */
  g_assert_true (bm_window_find (window, "cedras", FALSE));
  sel = selected (window);
  g_assert_cmpstrv (sel, ((const char *[]) { "commander", NULL }));
  g_clear_pointer (&sel, g_strfreev);

  /* Enter goes to the next match, in map order, and wraps */
  g_assert_true (bm_window_find (window, "co", FALSE));
  sel = selected (window);
  g_assert_cmpstr (sel[0], ==, "commander");
  g_clear_pointer (&sel, g_strfreev);
  g_assert_true (bm_window_find (window, "co", TRUE));
  sel = selected (window);
  g_assert_cmpstr (sel[0], ==, "archbishop");
  g_clear_pointer (&sel, g_strfreev);
  g_assert_true (bm_window_find (window, "co", TRUE));
  g_assert_true (bm_window_find (window, "co", TRUE));
  sel = selected (window);
  g_assert_cmpstr (sel[0], ==, "commander");
  g_clear_pointer (&sel, g_strfreev);

  g_assert_false (bm_window_find (window, "nobody by that name", FALSE));

  /* Through the search entry too */
  activate (window, "find");
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                      BM_TYPE_WINDOW,
                                                                      "search_entry")),
                         "elders");
  wait_until (elders_selected, window);
  close_window (window);
}

static gboolean
analysis_is_current (gpointer window)
{
  return bm_window_is_analysis_current (window);
}

/* A large map is analysed in a worker thread after an edit: the window
 * keeps its last gaps meanwhile, and then shows exactly what an analysis
 * of the map as it is now finds */
static void
test_analysis_in_thread (void)
{
  g_autoptr(BmMap) generated = bm_generate_map (1500, 4500, 5);
  g_autoptr(GFile) file = temp_file ("large.bridgemap");
  g_autoptr(GError) error = NULL;
  g_autoptr(BmAnalysis) fresh = NULL;
  g_autofree char *shown_json = NULL, *fresh_json = NULL;
  BmWindow *window;
  BmAnalysis *before;
  const BmActor *bridge = NULL;
  BmMap *map;

  g_assert_true (bm_map_save_file (generated, file, NULL, &error));
  g_assert_no_error (error);
  window = new_window ();
  bm_window_open_file (window, file);
  wait_until (has_document, window);
  bm_window_flush_analysis (window);
  map = map_of (window);
  g_assert_cmpuint (bm_map_get_n_actors (map), >, 1000);

  /* Turn a Track 1.5 bridge into an official: the gaps change */
  for (guint i = 0; i < bm_map_get_n_actors (map) && bridge == NULL; i++)
    if (bm_map_get_actor (map, i)->track == BM_TRACK_1_5)
      bridge = bm_map_get_actor (map, i);
  g_assert_nonnull (bridge);
  before = bm_window_get_analysis (window);
  g_assert_true (bm_edit_set_actor_track (history_of (window), bridge->id, BM_TRACK_2));
  g_assert_false (bm_window_is_analysis_current (window));
  wait_until (analysis_is_current, window);
  g_assert_true (bm_window_get_analysis (window) != before);

  fresh = bm_analysis_new (map);
  fresh_json = bm_analysis_to_json (fresh);
  shown_json = bm_analysis_to_json (bm_window_get_analysis (window));
  g_assert_cmpstr (shown_json, ==, fresh_json);

  /* Two edits in a row: only the analysis of the last state is kept */
  activate (window, "undo");
  activate (window, "redo");
  activate (window, "undo");
  wait_until (analysis_is_current, window);
  g_clear_pointer (&fresh, bm_analysis_free);
  g_clear_pointer (&fresh_json, g_free);
  g_clear_pointer (&shown_json, g_free);
  fresh = bm_analysis_new (map);
  fresh_json = bm_analysis_to_json (fresh);
  shown_json = bm_analysis_to_json (bm_window_get_analysis (window));
  g_assert_cmpstr (shown_json, ==, fresh_json);

  close_window (window);
}

static void
test_gap_panel (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  BmGapPanel *panel = bm_window_get_gap_panel (window);
  guint n_gaps = bm_gap_panel_get_n_gaps (panel);
  const BmGap *gap = bm_analysis_get_gap (bm_window_get_analysis (window), 0);
  g_auto(GStrv) actors = bm_gap_actors (map_of (window), gap);

  /* The critical gap comes first; its actors include the candidate */
  g_assert_cmpint (gap->kind, ==, BM_GAP_BACKCHANNEL);
  g_assert_true (g_strv_contains ((const char * const *) actors, "president"));
  g_assert_true (g_strv_contains ((const char * const *) actors, "commander"));
  g_assert_true (g_strv_contains ((const char * const *) actors, "archbishop"));
  bm_gap_panel_activate_gap (panel, 0);
  g_assert_cmpint (bm_gap_panel_get_active_gap (panel), ==, 0);

  /* Renaming an actor rewrites the explanation that names it */
  {
    GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (panel),
                                                                 BM_TYPE_GAP_PANEL, "list"));
    GtkWidget *row = gtk_widget_get_first_child (list);
    GtkWidget *explanation = g_object_get_data (G_OBJECT (row), "bm-explanation");

    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (explanation)), "President Amani"));
    bm_edit_set_actor_name (history_of (window), "president", "President Zawadi");
    bm_window_flush_analysis (window);
    row = gtk_widget_get_first_child (list);
    explanation = g_object_get_data (G_OBJECT (row), "bm-explanation");
    g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (explanation)), "President Zawadi"));
    g_assert_cmpint (bm_gap_panel_get_active_gap (panel), ==, 0);
    activate (window, "undo");
    bm_window_flush_analysis (window);
  }

  /* Making the candidate a Track 1.5 bridge closes the gap at once */
  select_actors (window, "archbishop", NULL);
  activate (window, "make-bridge");
  bm_window_flush_analysis (window);
  g_assert_cmpint (bm_map_lookup_actor (map_of (window), "archbishop")->track, ==, BM_TRACK_1_5);
  g_assert_cmpuint (bm_gap_panel_get_n_gaps (panel), ==, n_gaps - 1);
  g_assert_cmpuint (bm_analysis_count_severity (bm_window_get_analysis (window),
                                                BM_SEVERITY_CRITICAL), ==, 0);
  g_assert_cmpint (bm_gap_panel_get_active_gap (panel), ==, -1);

  /* Undo: back again */
  activate (window, "undo");
  bm_window_flush_analysis (window);
  g_assert_cmpuint (bm_gap_panel_get_n_gaps (panel), ==, n_gaps);

  /* Hiding the gaps hides the panel */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-gaps",
                                      g_variant_new_boolean (FALSE));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (panel)));
  g_action_group_change_action_state (G_ACTION_GROUP (window), "show-gaps",
                                      g_variant_new_boolean (TRUE));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (panel)));
  close_window (window);
}

static void
test_context_menu (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  BmCanvas *canvas = bm_window_get_canvas (window);
  GtkWidget *overlay = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                  BM_TYPE_WINDOW,
                                                                  "canvas_overlay"));
  GMenuModel *actor_menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                        BM_TYPE_WINDOW,
                                                                        "canvas_menu_actor"));
  GMenuModel *tie_menu = G_MENU_MODEL (gtk_widget_get_template_child (GTK_WIDGET (window),
                                                                      BM_TYPE_WINDOW,
                                                                      "canvas_menu_tie"));
  const char *ties[] = { "t3", NULL };
  GtkWidget *popover = NULL;

  select_actors (window, "archbishop", NULL);
  g_signal_emit_by_name (canvas, "context-menu", 40.0, 40.0);
  settle ();
  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      popover = child;
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_true (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover)) == actor_menu);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "make-bridge"));
  gtk_popover_popdown (GTK_POPOVER (popover));

  bm_canvas_set_selection (canvas, NULL, ties);
  g_signal_emit_by_name (canvas, "context-menu", 40.0, 40.0);
  settle ();
  g_assert_true (gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover)) == tie_menu);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "reverse-tie"));
  gtk_popover_popdown (GTK_POPOVER (popover));
  close_window (window);
}

static gboolean
not_modified (gpointer window)
{
  return !bm_document_get_modified (bm_window_get_document (window));
}

static gboolean
recovery_has_copies (gpointer data)
{
  g_autoptr(GPtrArray) items = bm_recovery_list (bm_application_get_recovery (app));

  return items->len > 0;
}

static guint
n_recovery_copies (void)
{
  g_autoptr(GPtrArray) items = bm_recovery_list (bm_application_get_recovery (app));

  return items->len;
}

static void
test_save (void)
{
  BmWindow *window = new_window ();
  BmHistory *history;
  g_autofree char *id = NULL;
  g_autoptr(GFile) target = temp_file ("saved");
  g_autoptr(GFile) expected = temp_file ("saved.bridgemap");
  g_autoptr(GFile) bad = temp_file ("no-such-folder/x.bridgemap");
  g_autoptr(BmMap) reloaded = NULL;
  g_autoptr(GError) error = NULL;

  activate (window, "new");
  history = history_of (window);
  id = bm_edit_add_actor (history, 400, 450);
  bm_edit_set_actor_name (history, id, "Sant'Egidio");
  settle ();
  g_assert_true (bm_document_get_modified (bm_window_get_document (window)));

  /* A change leaves a recovery copy a few seconds later */
  wait_until (recovery_has_copies, NULL);

  /* A failed save says why and keeps the map unsaved */
  expect_answer ("close", NULL, NULL);
  g_assert_false (bm_window_save_to (window, bad));
  wait_for_answer ();
  g_assert_cmpstr (answer.heading, ==, "Could Not Save the Map");
  g_assert_true (bm_document_get_modified (bm_window_get_document (window)));
  g_assert_null (bm_document_get_file (bm_window_get_document (window)));

  /* Ctrl+S on a new map asks where; a name without ending gets one */
  file_answer = target;
  activate (window, "save");
  wait_until (not_modified, window);
  file_answer = NULL;
  g_assert_true (g_file_equal (bm_document_get_file (bm_window_get_document (window)), expected));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "saved.bridgemap");
  /* Saved: the copy is gone */
  settle ();
  g_assert_cmpuint (n_recovery_copies (), ==, 0);

  reloaded = bm_map_load_file (expected, "saved.bridgemap", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bm_map_get_actor (reloaded, 0)->name, ==, "Sant'Egidio");
  g_assert_cmpint (bm_map_get_actor (reloaded, 0)->level, ==, BM_LEVEL_MIDDLE);

  /* Undo after saving: modified again; redo back to the saved state */
  activate (window, "undo");
  g_assert_true (bm_document_get_modified (bm_window_get_document (window)));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "• saved.bridgemap");
  activate (window, "redo");
  g_assert_false (bm_document_get_modified (bm_window_get_document (window)));
  close_window (window);
}

static gboolean
window_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_close_unsaved (void)
{
  BmWindow *window = new_window ();
  gpointer alive = window;
  g_autoptr(GFile) file = temp_file ("close.bridgemap");
  g_autoptr(BmMap) reloaded = NULL;
  g_autofree char *id = NULL;

  activate (window, "new");
  id = bm_edit_add_actor (history_of (window), 100, 100);
  g_assert_true (bm_window_save_to (window, file));
  bm_edit_set_actor_name (history_of (window), id, "Changed");
  settle ();
  g_object_add_weak_pointer (G_OBJECT (window), &alive);

  /* Cancel: nothing happens */
  expect_answer ("cancel", NULL, NULL);
  gtk_window_close (GTK_WINDOW (window));
  wait_for_answer ();
  g_assert_nonnull (alive);
  g_assert_cmpstr (answer.heading, ==, "Save Changes?");

  /* Save: saved, then closed */
  expect_answer ("save", NULL, NULL);
  gtk_window_close (GTK_WINDOW (window));
  wait_for_answer ();
  wait_until (window_gone, &alive);
  reloaded = bm_map_load_file (file, "close.bridgemap", NULL);
  g_assert_cmpstr (bm_map_get_actor (reloaded, 0)->name, ==, "Changed");

  /* Discard: closed, the copy removed */
  window = new_window ();
  alive = window;
  g_object_add_weak_pointer (G_OBJECT (window), &alive);
  activate (window, "new");
  bm_edit_add_actor (history_of (window), 100, 100);
  bm_document_write_recovery (bm_window_get_document (window), TRUE);
  g_assert_cmpuint (n_recovery_copies (), ==, 1);
  expect_answer ("discard", NULL, NULL);
  gtk_window_close (GTK_WINDOW (window));
  wait_for_answer ();
  wait_until (window_gone, &alive);
  g_assert_cmpuint (n_recovery_copies (), ==, 0);
}

static void
test_offer_recovery (void)
{
  BmRecovery *recovery = bm_application_get_recovery (app);
  g_autoptr(GFile) original = fixture ("opposed.bridgemap");
  g_autofree char *original_path = g_file_get_path (original);
  g_autoptr(BmMap) map = bm_map_load_file (original, "opposed.bridgemap", NULL);
  g_autofree char *slot = bm_recovery_new_slot (recovery);
  BmWindow *window = new_window ();
  BmDocument *document;

  /* A copy left by a session that ended badly, with an edit in it */
  bm_map_set_title (map, "Two sides, renamed before the crash");
  g_assert_true (bm_recovery_write (recovery, slot, map, original_path, "Two sides", NULL));

  expect_answer ("restore", NULL, NULL);
  bm_application_offer_recovery (app, GTK_WINDOW (window));
  wait_for_answer ();
  g_assert_cmpstr (answer.heading, ==, "Restore Unsaved Changes?");
  g_assert_nonnull (strstr (answer.body, "Two sides"));

  /* Restored in the start-page window, unsaved, knowing its file */
  document = bm_window_get_document (window);
  g_assert_nonnull (document);
  g_assert_true (bm_document_get_modified (document));
  g_assert_true (g_file_equal (bm_document_get_file (document), original));
  g_assert_cmpstr (bm_map_get_title (bm_document_get_map (document)), ==,
                   "Two sides, renamed before the crash");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "• Two sides, renamed before the crash");
  /* Its copy is kept until it is saved or discarded */
  g_assert_cmpuint (n_recovery_copies (), ==, 1);
  close_window (window);
  g_assert_cmpuint (n_recovery_copies (), ==, 0);
}

static char *
first_tie_row_id (BmWindow *window)
{
  GtkWidget *list = inspector_child (window, "actor_ties_list");
  GtkWidget *row = gtk_widget_get_first_child (list);

  return row ? g_strdup (g_object_get_data (G_OBJECT (row), "bm-tie-id")) : NULL;
}

static void
test_keyboard_editing (void)
{
  BmWindow *window = new_window ();
  BmMap *map;
  g_auto(GStrv) sel = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *tie_id = NULL;
  GtkWidget *search;
  GtkRoot *root;

  activate (window, "new");
  map = map_of (window);

  /* Ctrl+Return adds an actor, selected, its name ready to type */
  activate (window, "add-actor");
  g_assert_cmpuint (bm_map_get_n_actors (map), ==, 1);
  sel = selected (window);
  first = g_strdup (sel[0]);
  g_clear_pointer (&sel, g_strfreev);
  g_assert_cmpint (bm_map_lookup_actor (map, first)->level, ==, BM_LEVEL_MIDDLE);
  root = gtk_widget_get_root (GTK_WIDGET (window));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (root),
                                         inspector_child (window, "actor_name_row")));
  gtk_editable_set_text (GTK_EDITABLE (inspector_child (window, "actor_name_row")), "Mediator");

  /* The next goes in the same band, beside it */
  activate (window, "add-actor");
  sel = selected (window);
  second = g_strdup (sel[0]);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpint (bm_map_lookup_actor (map, second)->level, ==, BM_LEVEL_MIDDLE);
  g_assert_cmpfloat (bm_map_lookup_actor (map, second)->x, >,
                     bm_map_lookup_actor (map, first)->x + 50);
  g_assert_cmpstr (bm_map_lookup_actor (map, first)->name, ==, "Mediator");

  /* A tie to an actor found by name, from the inspector */
  g_assert_null (first_tie_row_id (window));
  gtk_menu_button_popup (GTK_MENU_BUTTON (inspector_child (window, "add_tie_button")));
  settle ();
  search = inspector_child (window, "tie_search_entry");
  gtk_editable_set_text (GTK_EDITABLE (search), "medi");
  wait_until ((gboolean (*) (gpointer)) gtk_list_box_get_selected_row,
              inspector_child (window, "tie_target_list"));
  g_signal_emit_by_name (search, "activate");
  settle ();
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 1);
  tie_id = g_strdup (bm_map_get_tie (map, 0)->id);
  g_assert_cmpstr (bm_map_get_tie (map, 0)->from, ==, second);
  g_assert_cmpstr (bm_map_get_tie (map, 0)->to, ==, first);
  /* … which is then shown, to choose its kind */
  g_assert_cmpstr (bm_inspector_get_page (bm_window_get_inspector (window)), ==, "tie");

  /* From the tie back to one of its ends, and from there to the tie */
  g_signal_emit_by_name (inspector_child (window, "tie_to_row"), "activated");
  settle ();
  g_clear_pointer (&sel, g_strfreev);
  sel = selected (window);
  g_assert_cmpstrv (sel, ((const char *[]) { first, NULL }));
  {
    g_autofree char *row_tie = first_tie_row_id (window);
    GtkWidget *list = inspector_child (window, "actor_ties_list");

    g_assert_cmpstr (row_tie, ==, tie_id);
    g_signal_emit_by_name (list, "row-activated", gtk_widget_get_first_child (list));
    settle ();
    g_assert_cmpstr (bm_inspector_get_page (bm_window_get_inspector (window)), ==, "tie");
  }
  close_window (window);
}

static gboolean
file_exists (gpointer file)
{
  return g_file_query_exists (file, NULL);
}

/* Exports to @file and expects the error alert */
static void
export_refused (BmWindow *window, GFile *file)
{
  expect_answer ("close", NULL, NULL);
  file_answer = file;
  activate (window, "export");
  wait_for_answer ();
  file_answer = NULL;
  g_assert_cmpstr (answer.heading, ==, "Could Not Export the Map");
}

static void
test_export_and_recent (void)
{
  BmWindow *window = open_fixture ("opposed.bridgemap");
  g_autoptr(GFile) pdf = temp_file ("briefing.pdf");
  g_autoptr(GFile) csv = temp_file ("actors.csv");
  g_autoptr(GFile) csv_ties = temp_file ("actors-ties.csv");
  g_autoptr(GFile) saved = temp_file ("recent.bridgemap");
  g_autoptr(GFile) unknown = temp_file ("briefing.docx");
  g_autoptr(GFile) report = temp_file ("for the director");
  g_autoptr(GFile) nowhere = temp_file ("no-such-folder/briefing.pdf");
  g_autofree char *uri = g_file_get_uri (saved);
  GtkWidget *recent_list;
  gboolean listed = FALSE;

  /* Export goes through the chosen name's ending */
  file_answer = pdf;
  activate (window, "export");
  wait_until (file_exists, pdf);
  file_answer = csv;
  activate (window, "export");
  wait_until (file_exists, csv_ties);
  g_assert_true (g_file_query_exists (csv, NULL));
  export_refused (window, unknown);
  g_assert_false (g_file_query_exists (unknown, NULL));
  /* The report is one PDF, whatever the name: the diagram, then pages of
   * briefing */
  file_answer = report;
  activate (window, "export-report");
  wait_until (file_exists, report);
  file_answer = NULL;
  {
    g_autofree char *data = NULL;
    g_autofree char *pdfinfo = g_find_program_in_path ("pdfinfo");
    gsize length;

    g_assert_true (g_file_load_contents (report, NULL, &data, &length, NULL, NULL));
    g_assert_true (length > 5 && memcmp (data, "%PDF-", 5) == 0);
    /* (The CLI test reads the pages themselves) */
    if (pdfinfo != NULL)
      {
        g_autofree char *path = g_file_get_path (report);
        g_autofree char *out = NULL;
        const char *argv[] = { pdfinfo, path, NULL };
        const char *pages;
        int status;

        g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                                     NULL, NULL, &out, NULL, &status, NULL));
        g_assert_true (g_spawn_check_wait_status (status, NULL));
        pages = strstr (out, "\nPages:");
        g_assert_nonnull (pages);
        g_assert_cmpint (atoi (pages + strlen ("\nPages:")), >=, 2);
      }
  }
  /* A failure in the export (it runs in a thread) is told, with the file */
  export_refused (window, nowhere);
  g_assert_nonnull (strstr (answer.body, "briefing.pdf"));
  /* Exporting is not saving */
  g_assert_false (bm_document_get_modified (bm_window_get_document (window)));

  /* A saved map is offered among the recent maps of a new window */
  g_assert_true (bm_window_save_to (window, saved));
  close_window (window);
  window = new_window ();
  recent_list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), BM_TYPE_WINDOW,
                                                           "recent_list"));
  for (GtkWidget *row = gtk_widget_get_first_child (recent_list); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (row));

      listed = listed || (target != NULL && g_str_equal (g_variant_get_string (target, NULL), uri));
    }
  g_assert_true (listed);
  g_action_group_activate_action (G_ACTION_GROUP (window), "open-recent",
                                  g_variant_new_string (uri));
  wait_until (has_document, window);
  g_assert_true (g_file_equal (bm_document_get_file (bm_window_get_document (window)), saved));
  close_window (window);
}

static double
x_in_window (BmWindow  *window,
             GtkWidget *widget)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (widget, GTK_WIDGET (window), &bounds));
  return bounds.origin.x;
}

static gboolean
laid_out (gpointer window)
{
  return gtk_widget_get_width (GTK_WIDGET (bm_window_get_canvas (window))) > 0;
}

/* Right to left (Arabic, Hebrew): the layout mirrors */
static void
test_mirrored (void)
{
  BmWindow *window;
  double gaps, canvas, inspector;

  gtk_widget_set_default_direction (GTK_TEXT_DIR_RTL);
  window = open_fixture ("opposed.bridgemap");
  wait_until (laid_out, window);
  gaps = x_in_window (window, GTK_WIDGET (bm_window_get_gap_panel (window)));
  canvas = x_in_window (window, GTK_WIDGET (bm_window_get_canvas (window)));
  inspector = x_in_window (window, GTK_WIDGET (bm_window_get_inspector (window)));
  g_assert_cmpfloat (inspector, <, canvas);
  g_assert_cmpfloat (canvas, <, gaps);
  close_window (window);

  gtk_widget_set_default_direction (GTK_TEXT_DIR_LTR);
  window = open_fixture ("opposed.bridgemap");
  wait_until (laid_out, window);
  gaps = x_in_window (window, GTK_WIDGET (bm_window_get_gap_panel (window)));
  canvas = x_in_window (window, GTK_WIDGET (bm_window_get_canvas (window)));
  inspector = x_in_window (window, GTK_WIDGET (bm_window_get_inspector (window)));
  g_assert_cmpfloat (gaps, <, canvas);
  g_assert_cmpfloat (canvas, <, inspector);
  close_window (window);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int argc, char *argv[])
{
  g_autofree char *state = NULL;
  g_autofree char *data = NULL;
  gboolean tap = FALSE;
  int status;

  for (int i = 1; i < argc; i++)
    tap = tap || g_str_equal (argv[i], "--tap");

  tmpdir = g_dir_make_tmp ("bridgemap-ui-XXXXXX", NULL);
  state = g_build_filename (tmpdir, "state", NULL);
  data = g_build_filename (tmpdir, "data", NULL);
  /* A fresh place for recovery copies and recent files */
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GTK_A11Y", "none", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      if (tap)
        {
          printf ("1..0 # SKIP no display\n");
          return 0;
        }
      return 77;
    }

  /* GTK 4.8 warns ("unexpected blinking selection") when a blink timeout
   * meets a selection made by code; blinking adds nothing to these tests */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  app = bm_application_new (G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  bm_dialogs_set_test_responder (respond, NULL);
  bm_dialogs_set_file_responder (respond_file, NULL);

  g_test_add_func ("/window/start-page", test_start_page);
  g_test_add_func ("/window/open/drop", test_open_drop);
  g_test_add_func ("/window/open/file-list", test_open_file_list);
  g_test_add_func ("/window/open/invalid", test_open_invalid);
  g_test_add_func ("/window/new-map", test_new_map);
  g_test_add_func ("/window/save", test_save);
  g_test_add_func ("/window/close-unsaved", test_close_unsaved);
  g_test_add_func ("/window/find", test_find);
  g_test_add_func ("/window/context-menu", test_context_menu);
  g_test_add_func ("/window/gap-panel", test_gap_panel);
  g_test_add_func ("/window/analysis-in-thread", test_analysis_in_thread);
  g_test_add_func ("/window/offer-recovery", test_offer_recovery);
  g_test_add_func ("/inspector/actor-name", test_edit_name);
  g_test_add_func ("/inspector/tie", test_tie_inspector);
  g_test_add_func ("/inspector/parties", test_parties);
  g_test_add_func ("/inspector/party-swatches", test_party_swatches);
  g_test_add_func ("/inspector/long-note", test_long_note);
  g_test_add_func ("/inspector/multi-selection", test_multi_selection);
  g_test_add_func ("/inspector/keyboard-editing", test_keyboard_editing);
  g_test_add_func ("/window/export-and-recent", test_export_and_recent);
  g_test_add_func ("/window/mirrored", test_mirrored);

  status = g_test_run ();

  g_object_unref (app);
  remove_tree (tmpdir);
  return status;
}
