/* bm-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "bm-application.h"
#include "bm-dialogs.h"
#include "bm-edit.h"
#include "bm-export.h"
#include "bm-map-io.h"
#include "bm-render.h"
#include "bm-window.h"

/* Maps with more actors are re-analysed after a short pause in the edits
 * rather than at once, so that dragging stays smooth */
#define ANALYSIS_IMMEDIATE_MAX_ACTORS 1000
#define ANALYSIS_DELAY_MS 250
/* At most this many lines of a load error go in the dialog */
#define MAX_ERROR_LINES 12
#define MAX_RECENT 8

struct _BmWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template */
  AdwSplitButton       *open_button;
  GtkWidget            *undo_box;
  GtkWidget            *undo_button;
  GtkWidget            *redo_button;
  AdwWindowTitle       *window_title;
  GtkWidget            *save_button;
  GtkWidget            *gaps_button;
  GtkWidget            *find_button;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkLabel             *match_label;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  GtkWidget            *new_map_button;
  GtkWidget            *recent_group;
  GtkListBox           *recent_list;
  GtkWidget            *examples_group;
  GtkListBox           *examples_list;
  GtkPaned             *outer_paned;
  GtkPaned             *inner_paned;
  BmGapPanel           *gap_panel;
  GtkOverlay           *canvas_overlay;
  BmCanvas             *canvas;
  BmInspector          *inspector;
  GMenuModel           *canvas_menu_actor;
  GMenuModel           *canvas_menu_tie;

  GMenu                *recent_menu;
  GtkWidget            *context_menu;

  BmDocument           *document;
  BmAnalysis           *analysis;
  guint                 analysis_id;
  /* Counts analyses asked for; one run in a thread is adopted only if no
   * newer one was asked for meanwhile */
  guint                 analysis_serial;
  guint                 analyses_in_flight;
  gboolean              show_gaps;

  char                 *find_current;

  gboolean              close_confirmed;
  gboolean              close_after_save;
};

G_DEFINE_FINAL_TYPE (BmWindow, bm_window, ADW_TYPE_APPLICATION_WINDOW)

static void update_actions (BmWindow *self);
static void save_as (BmWindow *self);

/* ---- little helpers ---- */

static BmApplication *
get_app (BmWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return BM_IS_APPLICATION (app) ? BM_APPLICATION (app) : NULL;
}

static BmHistory *
get_history (BmWindow *self)
{
  return self->document != NULL ? bm_document_get_history (self->document) : NULL;
}

static BmMap *
get_map (BmWindow *self)
{
  return self->document != NULL ? bm_document_get_map (self->document) : NULL;
}

static void
set_action_enabled (BmWindow   *self,
                    const char *name,
                    gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

/* "~/Documents" for the folder of @file */
static char *
folder_display_name (GFile *file)
{
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autoptr(GFile) home = g_file_new_for_path (g_get_home_dir ());
  g_autofree char *relative = NULL;

  if (parent == NULL)
    return NULL;
  if (g_file_equal (parent, home))
    return g_strdup ("~");
  relative = g_file_get_relative_path (home, parent);
  if (relative != NULL)
    return g_build_filename ("~", relative, NULL);
  return g_file_get_parse_name (parent);
}

void
bm_window_toast (BmWindow   *self,
                 const char *message)
{
  g_return_if_fail (BM_IS_WINDOW (self));
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

/* ---- title and actions ---- */

static void
update_title (BmWindow *self)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  if (self->document == NULL)
    {
      adw_window_title_set_title (self->window_title, _("Bridgemap"));
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Bridgemap"));
      return;
    }

  if (bm_document_get_modified (self->document))
    /* Translators: the window title of a map with unsaved changes */
    title = g_strdup_printf (_("• %s"), bm_document_get_title (self->document));
  else
    title = g_strdup (bm_document_get_title (self->document));
  if (bm_document_get_file (self->document) != NULL)
    subtitle = folder_display_name (bm_document_get_file (self->document));
  else
    subtitle = g_strdup (_("Not saved yet"));

  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
update_undo_tooltips (BmWindow *self)
{
  BmHistory *history = get_history (self);

  gtk_widget_set_tooltip_text (self->undo_button,
                               history ? bm_history_get_undo_label (history) : _("Undo"));
  gtk_widget_set_tooltip_text (self->redo_button,
                               history ? bm_history_get_redo_label (history) : _("Redo"));
}

static void
update_actions (BmWindow *self)
{
  BmHistory *history = get_history (self);
  BmMap *map = get_map (self);
  gboolean has_doc = self->document != NULL;
  g_auto(GStrv) actors = NULL;
  g_auto(GStrv) ties = NULL;
  guint n_actors = 0, n_ties = 0;
  gboolean directed_tie = FALSE;

  if (has_doc)
    {
      actors = bm_canvas_get_selected_actors (self->canvas);
      ties = bm_canvas_get_selected_ties (self->canvas);
      n_actors = g_strv_length (actors);
      n_ties = g_strv_length (ties);
      if (n_ties == 1 && n_actors == 0)
        {
          const BmTie *tie = bm_map_lookup_tie (map, ties[0]);

          directed_tie = tie != NULL && bm_tie_kind_is_directed (tie->kind);
        }
    }

  set_action_enabled (self, "save", has_doc);
  set_action_enabled (self, "save-as", has_doc);
  set_action_enabled (self, "export", has_doc);
  set_action_enabled (self, "export-report", has_doc);
  set_action_enabled (self, "undo", history != NULL && bm_history_can_undo (history));
  set_action_enabled (self, "redo", history != NULL && bm_history_can_redo (history));
  set_action_enabled (self, "arrange-by-party", has_doc && bm_map_get_n_actors (map) > 0);
  set_action_enabled (self, "arrange-by-track", has_doc && bm_map_get_n_actors (map) > 0);
  set_action_enabled (self, "find", has_doc);
  set_action_enabled (self, "delete", n_actors + n_ties > 0);
  set_action_enabled (self, "make-bridge", n_actors > 0);
  set_action_enabled (self, "reverse-tie", directed_tie);
  set_action_enabled (self, "rename", n_actors == 1 && n_ties == 0);
  set_action_enabled (self, "add-actor", has_doc);
  set_action_enabled (self, "select-all", has_doc);
  set_action_enabled (self, "zoom-in", has_doc);
  set_action_enabled (self, "zoom-out", has_doc);
  set_action_enabled (self, "zoom-fit", has_doc);
  update_undo_tooltips (self);
}

/* ---- analysis ---- */

static void
update_gaps_tooltip (BmWindow *self)
{
  g_autofree char *text = NULL;
  guint critical;

  if (self->analysis == NULL)
    {
      gtk_widget_set_tooltip_text (self->gaps_button, _("Show Gaps"));
      return;
    }
  critical = bm_analysis_count_severity (self->analysis, BM_SEVERITY_CRITICAL);
  if (critical > 0)
    text = g_strdup_printf (ngettext ("Show Gaps (%u critical)", "Show Gaps (%u critical)",
                                      critical), critical);
  gtk_widget_set_tooltip_text (self->gaps_button, text ? text : _("Show Gaps"));
}

static void
adopt_analysis (BmWindow *self, BmAnalysis *analysis)
{
  BmAnalysis *old = self->analysis;

  self->analysis = analysis;
  /* Hand the new one out before the old one goes */
  bm_canvas_set_analysis (self->canvas, self->analysis);
  bm_gap_panel_set_analysis (self->gap_panel, get_map (self), self->analysis);
  g_clear_pointer (&old, bm_analysis_free);
  update_gaps_tooltip (self);
}

static void
run_analysis (BmWindow *self)
{
  BmMap *map = get_map (self);

  g_clear_handle_id (&self->analysis_id, g_source_remove);
  self->analysis_serial++;
  adopt_analysis (self, map != NULL ? bm_analysis_new (map) : NULL);
}

static void
analysis_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  g_task_return_pointer (task, bm_analysis_new (BM_MAP (data)), (GDestroyNotify) bm_analysis_free);
}

static void
analysis_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  BmWindow *self = BM_WINDOW (source);
  BmAnalysis *analysis = g_task_propagate_pointer (G_TASK (result), NULL);

  self->analyses_in_flight--;
  if (GPOINTER_TO_UINT (user_data) != self->analysis_serial || get_map (self) == NULL)
    g_clear_pointer (&analysis, bm_analysis_free);
  else
    adopt_analysis (self, analysis);
}

/* A large map is analysed in a worker thread, on a copy taken now, so
 * that finding candidate bridges (a second or so at 10,000 actors) never
 * freezes the window; the gaps shown meanwhile are the last ones found. */
static void
start_analysis_in_thread (BmWindow *self)
{
  g_autoptr(GTask) task = NULL;
  BmMap *map = get_map (self);

  g_clear_handle_id (&self->analysis_id, g_source_remove);
  if (map == NULL)
    {
      run_analysis (self);
      return;
    }
  self->analysis_serial++;
  self->analyses_in_flight++;
  task = g_task_new (self, NULL, analysis_done, GUINT_TO_POINTER (self->analysis_serial));
  g_task_set_task_data (task, bm_map_copy (map), g_object_unref);
  g_task_run_in_thread (task, analysis_thread);
}

static gboolean
analysis_cb (gpointer data)
{
  BmWindow *self = data;
  BmMap *map = get_map (self);

  self->analysis_id = 0;
  if (map != NULL && bm_map_get_n_actors (map) > ANALYSIS_IMMEDIATE_MAX_ACTORS)
    start_analysis_in_thread (self);
  else
    run_analysis (self);
  return G_SOURCE_REMOVE;
}

static void
on_map_changed (BmMap    *map,
                BmWindow *self)
{
  if (self->analysis_id == 0)
    {
      if (bm_map_get_n_actors (map) <= ANALYSIS_IMMEDIATE_MAX_ACTORS)
        /* Before the next frame is drawn */
        self->analysis_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE + 5, analysis_cb, self, NULL);
      else
        self->analysis_id = g_timeout_add (ANALYSIS_DELAY_MS, analysis_cb, self);
    }
  else if (bm_map_get_n_actors (map) > ANALYSIS_IMMEDIATE_MAX_ACTORS)
    {
      /* Still editing: wait for a pause */
      g_source_remove (self->analysis_id);
      self->analysis_id = g_timeout_add (ANALYSIS_DELAY_MS, analysis_cb, self);
    }
  update_actions (self);
}

BmAnalysis *
bm_window_get_analysis (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), NULL);
  return self->analysis;
}

void
bm_window_flush_analysis (BmWindow *self)
{
  g_return_if_fail (BM_IS_WINDOW (self));
  if (self->analysis_id != 0 || self->analyses_in_flight > 0)
    run_analysis (self);
}

gboolean
bm_window_is_analysis_current (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), FALSE);
  return self->analysis_id == 0 && self->analyses_in_flight == 0;
}

static void
on_gap_activated (BmGapPanel *panel,
                  GStrv       actor_ids,
                  gboolean    chosen,
                  BmWindow   *self)
{
  bm_canvas_set_highlight (self->canvas, (const char * const *) actor_ids);
  if (chosen && actor_ids != NULL && actor_ids[0] != NULL)
    bm_canvas_frame_actors (self->canvas, (const char * const *) actor_ids);
}

static void
on_gap_cleared (BmGapPanel *panel,
                BmWindow   *self)
{
  bm_canvas_set_highlight (self->canvas, NULL);
}

/* ---- the document ---- */

static void
on_document_notify (BmDocument *document,
                    GParamSpec *pspec,
                    BmWindow   *self)
{
  update_title (self);
}

static void
on_history_notify (BmHistory  *history,
                   GParamSpec *pspec,
                   BmWindow   *self)
{
  update_actions (self);
}

static void
disconnect_document (BmWindow *self)
{
  if (self->document == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->document, self);
  g_signal_handlers_disconnect_by_data (bm_document_get_map (self->document), self);
  g_signal_handlers_disconnect_by_data (bm_document_get_history (self->document), self);
}

BmDocument *
bm_window_get_document (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), NULL);
  return self->document;
}

void
bm_window_set_document (BmWindow   *self,
                        BmDocument *document)
{
  BmMap *map;
  BmHistory *history;

  g_return_if_fail (BM_IS_WINDOW (self));
  g_return_if_fail (document == NULL || BM_IS_DOCUMENT (document));

  if (document == self->document && document != NULL)
    return;

  disconnect_document (self);
  if (self->document != NULL)
    bm_document_discard_recovery (self->document);
  g_set_object (&self->document, document);
  g_clear_pointer (&self->find_current, g_free);

  map = get_map (self);
  history = get_history (self);
  bm_canvas_set_document (self->canvas, map, history);
  bm_inspector_set_document (self->inspector, map, history);
  run_analysis (self);

  if (document != NULL)
    {
      g_signal_connect (document, "notify::title", G_CALLBACK (on_document_notify), self);
      g_signal_connect (document, "notify::modified", G_CALLBACK (on_document_notify), self);
      g_signal_connect (document, "notify::file", G_CALLBACK (on_document_notify), self);
      g_signal_connect (map, "changed", G_CALLBACK (on_map_changed), self);
      g_signal_connect (history, "notify::can-undo", G_CALLBACK (on_history_notify), self);
      g_signal_connect (history, "notify::can-redo", G_CALLBACK (on_history_notify), self);
      g_signal_connect (history, "notify::undo-label", G_CALLBACK (on_history_notify), self);
      g_signal_connect (history, "notify::redo-label", G_CALLBACK (on_history_notify), self);
    }

  gtk_stack_set_visible_child_name (self->main_stack, document != NULL ? "editor" : "empty");
  gtk_widget_set_visible (self->undo_box, document != NULL);
  gtk_widget_set_visible (self->save_button, document != NULL);
  gtk_widget_set_visible (self->gaps_button, document != NULL);
  gtk_widget_set_visible (self->find_button, document != NULL);
  if (document == NULL)
    gtk_search_bar_set_search_mode (self->search_bar, FALSE);

  update_title (self);
  update_actions (self);
  if (document != NULL)
    {
      bm_canvas_zoom_to_fit (self->canvas);
      gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
  else
    gtk_widget_grab_focus (self->new_map_button);
}

gboolean
bm_window_is_reusable (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), FALSE);
  return self->document == NULL || bm_document_is_pristine (self->document);
}

static BmWindow *
target_window (BmWindow *self)
{
  BmWindow *window;

  if (bm_window_is_reusable (self))
    return self;
  window = bm_window_new (gtk_window_get_application (GTK_WINDOW (self)));
  return window;
}

void
bm_window_new_map (BmWindow *self)
{
  g_autoptr(BmDocument) document = NULL;
  BmApplication *app = get_app (self);
  BmWindow *window;

  g_return_if_fail (BM_IS_WINDOW (self));

  document = bm_document_new (NULL, NULL, app ? bm_application_get_recovery (app) : NULL);
  window = target_window (self);
  bm_window_set_document (window, document);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- opening ---- */

typedef struct
{
  GFile    *file;
  char     *display_name;
  gboolean  as_copy;   /* an example: opens as a new, untitled map */
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->file);
  g_free (data->display_name);
  g_free (data);
}

static void
load_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  LoadData *data = task_data;
  GError *error = NULL;
  BmMap *map = bm_map_load_file (data->file, data->display_name, &error);

  if (map == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, map, g_object_unref);
}

static char *
shorten_error (const char *message)
{
  g_auto(GStrv) lines = g_strsplit (message, "\n", -1);
  guint n = g_strv_length (lines);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < n && i < MAX_ERROR_LINES; i++)
    {
      if (i > 0)
        g_string_append_c (text, '\n');
      g_string_append (text, lines[i]);
    }
  if (n > MAX_ERROR_LINES)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text,
                              ngettext ("… and %u more problem", "… and %u more problems",
                                        n - MAX_ERROR_LINES),
                              n - MAX_ERROR_LINES);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  BmWindow *self = BM_WINDOW (source);
  GTask *task = G_TASK (result);
  LoadData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) map = g_task_propagate_pointer (task, &error);
  g_autoptr(BmDocument) document = NULL;
  BmApplication *app = get_app (self);
  BmWindow *window;

  if (map == NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), data->display_name);
      g_autofree char *body = shorten_error (error->message);

      bm_show_error (GTK_WIDGET (self), heading, body);
      return;
    }

  document = bm_document_new (g_steal_pointer (&map), data->as_copy ? NULL : data->file,
                              app ? bm_application_get_recovery (app) : NULL);
  window = target_window (self);
  bm_window_set_document (window, document);
  gtk_window_present (GTK_WINDOW (window));
  if (app != NULL && !data->as_copy)
    bm_application_add_recent (app, data->file);
}

static BmWindow *
window_with_file (BmWindow *self,
                  GFile    *file)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    {
      BmDocument *document;

      if (!BM_IS_WINDOW (l->data) || (document = bm_window_get_document (l->data)) == NULL)
        continue;
      if (bm_document_get_file (document) != NULL
          && g_file_equal (bm_document_get_file (document), file))
        return l->data;
    }
  return NULL;
}

static void
load_file (BmWindow *self,
           GFile    *file,
           gboolean  as_copy)
{
  g_autoptr(GTask) task = NULL;
  LoadData *data;
  BmWindow *existing;

  if (!as_copy && (existing = window_with_file (self, file)) != NULL)
    {
      gtk_window_present (GTK_WINDOW (existing));
      return;
    }

  data = g_new0 (LoadData, 1);
  data->file = g_object_ref (file);
  data->display_name = g_file_get_basename (file);
  data->as_copy = as_copy;
  task = g_task_new (self, NULL, load_done, NULL);
  g_task_set_source_tag (task, load_file);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  g_task_run_in_thread (task, load_in_thread);
}

void
bm_window_open_file (BmWindow *self,
                     GFile    *file)
{
  g_return_if_fail (BM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  load_file (self, file, FALSE);
}

gboolean
bm_window_handle_drop (BmWindow     *self,
                       const GValue *value)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), FALSE);

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = gdk_file_list_get_files (g_value_get_boxed (value));
      gboolean any = files != NULL;

      for (GSList *l = files; l != NULL; l = l->next)
        bm_window_open_file (self, l->data);
      g_slist_free (files);
      return any;
    }
  if (G_VALUE_HOLDS (value, G_TYPE_FILE) && g_value_get_object (value) != NULL)
    {
      bm_window_open_file (self, g_value_get_object (value));
      return TRUE;
    }
  return FALSE;
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         BmWindow      *self)
{
  return bm_window_handle_drop (self, value);
}

static GListModel *
map_filters (void)
{
  GListStore *filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  g_autoptr(GtkFileFilter) maps = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (maps, _("Bridgemap Maps"));
  gtk_file_filter_add_pattern (maps, "*.bridgemap");
  gtk_file_filter_add_mime_type (maps, "application/x-bridgemap+xml");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  g_list_store_append (filters, maps);
  g_list_store_append (filters, all);
  return G_LIST_MODEL (filters);
}

static void
open_chosen (GFile    *file,
             gpointer  data)
{
  g_autoptr(BmWindow) self = data;

  if (file != NULL)
    bm_window_open_file (self, file);
}

static void
open_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmWindow *self = data;
  g_autoptr(GListModel) filters = map_filters ();

  bm_choose_file_to_open (GTK_WINDOW (self), _("Open Map"), filters,
                          open_chosen, g_object_ref (self));
}

static void
open_recent_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  bm_window_open_file (BM_WINDOW (data), file);
}

static void
open_example_action (GSimpleAction *action,
                     GVariant      *param,
                     gpointer       data)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  load_file (BM_WINDOW (data), file, TRUE);
}

static void
new_action (GSimpleAction *action,
            GVariant      *param,
            gpointer       data)
{
  bm_window_new_map (BM_WINDOW (data));
}

/* ---- saving ---- */

gboolean
bm_window_save_to (BmWindow *self,
                   GFile    *file)
{
  g_autoptr(GError) error = NULL;
  BmApplication *app;

  g_return_val_if_fail (BM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (self->document != NULL, FALSE);

  if (file == NULL)
    file = bm_document_get_file (self->document);
  g_return_val_if_fail (file != NULL, FALSE);

  if (!bm_document_save (self->document, file, &error))
    {
      bm_show_error (GTK_WIDGET (self), _("Could Not Save the Map"), error->message);
      self->close_after_save = FALSE;
      return FALSE;
    }
  if ((app = get_app (self)) != NULL)
    bm_application_add_recent (app, file);
  if (self->close_after_save)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  return TRUE;
}

static char *
suggested_name (BmWindow   *self,
                const char *extension)
{
  g_autofree char *base = NULL;
  GFile *file = bm_document_get_file (self->document);

  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      char *dot = strrchr (name, '.');

      if (dot != NULL && dot != name)
        *dot = '\0';
      base = g_steal_pointer (&name);
    }
  else
    base = g_strdup (bm_document_get_title (self->document));
  g_strdelimit (base, "/\\:", '-');
  return g_strconcat (base, extension, NULL);
}

static void
save_as_chosen (GFile    *chosen,
                gpointer  data)
{
  g_autoptr(BmWindow) self = data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *name = NULL;

  if (chosen == NULL || self->document == NULL)
    {
      self->close_after_save = FALSE;
      return;
    }
  /* "map" becomes "map.bridgemap", unless that would replace another file
   * the user was not asked about */
  name = g_file_get_basename (chosen);
  if (strchr (name, '.') == NULL)
    {
      g_autofree char *with_ext = g_strconcat (name, ".bridgemap", NULL);
      g_autoptr(GFile) parent = g_file_get_parent (chosen);

      file = g_file_get_child (parent, with_ext);
      if (g_file_query_exists (file, NULL))
        g_set_object (&file, chosen);
    }
  else
    file = g_object_ref (chosen);
  bm_window_save_to (self, file);
}

static void
save_as (BmWindow *self)
{
  g_autoptr(GListModel) filters = map_filters ();
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;

  if (self->document == NULL)
    return;
  name = suggested_name (self, ".bridgemap");
  if (bm_document_get_file (self->document) != NULL)
    folder = g_file_get_parent (bm_document_get_file (self->document));
  bm_choose_file_to_save (GTK_WINDOW (self), _("Save Map"), filters, folder, name,
                          save_as_chosen, g_object_ref (self));
}

static void
save_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmWindow *self = data;

  if (self->document == NULL)
    return;
  if (bm_document_get_file (self->document) == NULL)
    save_as (self);
  else
    bm_window_save_to (self, NULL);
}

static void
save_as_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  save_as (BM_WINDOW (data));
}

/* ---- export ---- */

typedef struct
{
  BmMap *map;             /* a copy: editing goes on meanwhile */
  GFile *file;
  char *name;
  BmExportFormat format;
  BmExportOptions options;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->map);
  g_clear_object (&job->file);
  g_free (job->name);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ExportJob *job = data;
  GError *error = NULL;

  if (bm_export_file (job->map, job->file, job->name, job->format, &job->options, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  BmWindow *self = BM_WINDOW (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      bm_show_error (GTK_WIDGET (self), _("Could Not Export the Map"), error->message);
      return;
    }
  if (job->format == BM_EXPORT_PNG && job->options.used_scale < job->options.scale)
    message = g_strdup_printf (_("Exported “%s” at a reduced size"), job->name);
  else
    message = g_strdup_printf (_("Exported “%s”"), job->name);
  bm_window_toast (self, message);
}

/* A large map takes seconds to draw: in a worker thread, from a copy of
 * the map as it is now, while the window stays responsive */
static void
start_export (BmWindow       *self,
              GFile          *file,
              BmExportFormat  format)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  job = g_new0 (ExportJob, 1);
  job->map = bm_map_copy (get_map (self));
  job->file = g_object_ref (file);
  job->name = g_file_get_basename (file);
  job->format = format;
  bm_export_options_init (&job->options);
  job->options.show_gaps = self->show_gaps;
  task = g_task_new (self, NULL, export_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

static void
export_chosen (GFile    *file,
               gpointer  data)
{
  g_autoptr(BmWindow) self = data;
  g_autofree char *name = NULL;
  BmExportFormat format;

  if (file == NULL || self->document == NULL)
    return;
  name = g_file_get_basename (file);
  if (!bm_export_format_from_path (name, &format) || format == BM_EXPORT_BRIDGEMAP)
    {
      bm_show_error (GTK_WIDGET (self), _("Could Not Export the Map"),
                     _("Choose a file name that ends in .pdf, .png, .svg, .graphml or .csv; "
                       "the ending decides the format."));
      return;
    }
  start_export (self, file, format);
}

static void
report_chosen (GFile    *file,
               gpointer  data)
{
  g_autoptr(BmWindow) self = data;

  if (file != NULL && self->document != NULL)
    start_export (self, file, BM_EXPORT_REPORT);
}

/* One PDF to print or send: the diagram, the gaps in words, the actors */
static void
export_report_action (GSimpleAction *action,
                      GVariant      *param,
                      gpointer       data)
{
  BmWindow *self = data;
  g_autoptr(GListStore) filters = NULL;
  g_autoptr(GtkFileFilter) pdf = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;

  if (self->document == NULL)
    return;
  filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  pdf = gtk_file_filter_new ();
  gtk_file_filter_set_name (pdf, _("PDF Document"));
  gtk_file_filter_add_pattern (pdf, "*.pdf");
  g_list_store_append (filters, pdf);
  base = suggested_name (self, "");
  /* TRANSLATORS: a report's suggested file name; %s is the map's */
  name = g_strdup_printf (_("%s briefing.pdf"), base);
  if (bm_document_get_file (self->document) != NULL)
    folder = g_file_get_parent (bm_document_get_file (self->document));
  bm_choose_file_to_save (GTK_WINDOW (self), _("Export Report"), G_LIST_MODEL (filters), folder,
                          name, report_chosen, g_object_ref (self));
}

static void
export_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       data)
{
  BmWindow *self = data;
  GListStore *filters;
  g_autofree char *name = NULL;
  g_autoptr(GFile) folder = NULL;
  static const struct { const char *name; const char *pattern; const char *mime; } formats[] = {
    { N_("PDF Document"), "*.pdf", "application/pdf" },
    { N_("PNG Image"), "*.png", "image/png" },
    { N_("SVG Image"), "*.svg", "image/svg+xml" },
    { N_("GraphML Network"), "*.graphml", NULL },
    { N_("CSV Tables"), "*.csv", "text/csv" },
  };

  if (self->document == NULL)
    return;
  filters = g_list_store_new (GTK_TYPE_FILE_FILTER);
  {
    g_autoptr(GtkFileFilter) any = gtk_file_filter_new ();

    gtk_file_filter_set_name (any, _("All Export Formats"));
    for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
      gtk_file_filter_add_pattern (any, formats[i].pattern);
    g_list_store_append (filters, any);
  }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(formats[i].name));
      gtk_file_filter_add_pattern (filter, formats[i].pattern);
      g_list_store_append (filters, filter);
    }
  name = suggested_name (self, ".pdf");
  if (bm_document_get_file (self->document) != NULL)
    folder = g_file_get_parent (bm_document_get_file (self->document));
  bm_choose_file_to_save (GTK_WINDOW (self), _("Export Map"), G_LIST_MODEL (filters), folder,
                          name, export_chosen, g_object_ref (self));
  g_object_unref (filters);
}

/* ---- editing ---- */

static void
undo_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmHistory *history = get_history (data);

  if (history != NULL)
    bm_history_undo (history);
}

static void
redo_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmHistory *history = get_history (data);

  if (history != NULL)
    bm_history_redo (history);
}

static void
delete_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       data)
{
  BmWindow *self = data;
  g_auto(GStrv) actors = NULL;
  g_auto(GStrv) ties = NULL;

  if (self->document == NULL)
    return;
  actors = bm_canvas_get_selected_actors (self->canvas);
  ties = bm_canvas_get_selected_ties (self->canvas);
  bm_edit_delete (get_history (self), (const char * const *) actors, (const char * const *) ties);
}

static void
make_bridge_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  BmWindow *self = data;
  g_auto(GStrv) actors = NULL;

  if (self->document == NULL)
    return;
  actors = bm_canvas_get_selected_actors (self->canvas);
  bm_edit_make_bridge (get_history (self), (const char * const *) actors);
}

static void
reverse_tie_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  BmWindow *self = data;
  g_auto(GStrv) ties = NULL;

  if (self->document == NULL)
    return;
  ties = bm_canvas_get_selected_ties (self->canvas);
  if (ties[0] != NULL && ties[1] == NULL)
    bm_edit_reverse_tie (get_history (self), ties[0]);
}

/* An actor added from the keyboard goes in the band of the selected actor
 * (else the middle range), after the last actor of that band */
static void
add_actor_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       data)
{
  BmWindow *self = data;
  BmMap *map = get_map (self);
  g_auto(GStrv) selection = NULL;
  g_autoptr(GHashTable) positions = NULL;
  g_autofree char *id = NULL;
  BmLevel level = BM_LEVEL_MIDDLE;
  double x = 450, right = -G_MAXDOUBLE, left = G_MAXDOUBLE, far = -G_MAXDOUBLE;
  const char *ids[2] = { NULL, NULL };

  if (map == NULL)
    return;
  selection = bm_canvas_get_selected_actors (self->canvas);
  if (selection[0] != NULL)
    level = bm_map_lookup_actor (map, selection[0])->level;
  positions = bm_layout_positions (map);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      const BmPoint *p = g_hash_table_lookup (positions, actor->id);

      if (p == NULL)
        continue;
      left = MIN (left, p->x);
      far = MAX (far, p->x);
      if (actor->level == level)
        right = MAX (right, p->x);
    }
  if (right > -G_MAXDOUBLE)
    x = right + 1.5 * BM_ARRANGE_MIN_DISTANCE;
  else if (far > -G_MAXDOUBLE)
    x = (left + far) / 2;

  id = bm_edit_add_actor (get_history (self), x, bm_level_band_centre (level));
  if (id == NULL)
    return;
  ids[0] = id;
  bm_canvas_set_selection (self->canvas, ids, NULL);
  bm_canvas_frame_actors (self->canvas, ids);
  bm_inspector_focus_name (self->inspector);
}

static void
select_all_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       data)
{
  BmWindow *self = data;

  if (self->document != NULL)
    bm_canvas_select_all (self->canvas);
}

static void
rename_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       data)
{
  bm_inspector_focus_name (BM_WINDOW (data)->inspector);
}

static void
arrange_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  BmWindow *self = data;
  gboolean changed;

  if (self->document == NULL)
    return;
  if (g_str_equal (g_action_get_name (G_ACTION (action)), "arrange-by-party"))
    changed = bm_edit_arrange_by_party (get_history (self));
  else
    changed = bm_edit_arrange_by_track (get_history (self));
  if (changed)
    bm_canvas_zoom_to_fit (self->canvas);
}

static void
zoom_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmWindow *self = data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (self->document == NULL)
    return;
  if (g_str_equal (name, "zoom-in"))
    bm_canvas_zoom_in (self->canvas);
  else if (g_str_equal (name, "zoom-out"))
    bm_canvas_zoom_out (self->canvas);
  else
    bm_canvas_zoom_to_fit (self->canvas);
}

static void
set_show_gaps (BmWindow *self,
               gboolean  show)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "show-gaps");
  BmApplication *app = get_app (self);

  self->show_gaps = show;
  if (action != NULL)
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_boolean (show));
  bm_canvas_set_show_gaps (self->canvas, show);
  gtk_widget_set_visible (GTK_WIDGET (self->gap_panel), show);
  if (!show)
    bm_gap_panel_activate_gap (self->gap_panel, -1);
  if (app != NULL && bm_application_get_settings (app) != NULL)
    g_settings_set_boolean (bm_application_get_settings (app), "show-gaps", show);
}

static void
show_gaps_changed (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       data)
{
  set_show_gaps (BM_WINDOW (data), g_variant_get_boolean (state));
}

/* ---- find ---- */

/* Case-folded, without accents: "Cédras" is found by "cedras" */
static char *
fold_for_search (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFKD);
  GString *out = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_ismark (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

gboolean
bm_window_find (BmWindow   *self,
                const char *text,
                gboolean    next)
{
  g_autofree char *needle = NULL;
  g_autoptr(GPtrArray) matches = NULL;
  BmMap *map;
  guint pick = 0;
  const char *ids[2] = { NULL, NULL };
  g_autofree char *label = NULL;

  g_return_val_if_fail (BM_IS_WINDOW (self), FALSE);

  map = get_map (self);
  gtk_widget_remove_css_class (GTK_WIDGET (self->search_entry), "error");
  if (map == NULL || text == NULL || *text == '\0')
    {
      gtk_label_set_label (self->match_label, "");
      g_clear_pointer (&self->find_current, g_free);
      return FALSE;
    }

  needle = fold_for_search (text);
  matches = g_ptr_array_new ();
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      g_autofree char *name = fold_for_search (actor->name);

      if (strstr (name, needle) != NULL)
        g_ptr_array_add (matches, actor->id);
    }
  if (matches->len == 0)
    {
      gtk_label_set_label (self->match_label, _("No matches"));
      gtk_widget_add_css_class (GTK_WIDGET (self->search_entry), "error");
      g_clear_pointer (&self->find_current, g_free);
      return FALSE;
    }

  if (self->find_current != NULL)
    for (guint i = 0; i < matches->len; i++)
      if (g_str_equal (g_ptr_array_index (matches, i), self->find_current))
        {
          pick = next ? (i + 1) % matches->len : i;
          break;
        }

  ids[0] = g_ptr_array_index (matches, pick);
  g_free (self->find_current);
  self->find_current = g_strdup (ids[0]);
  bm_canvas_set_selection (self->canvas, ids, NULL);
  bm_canvas_frame_actors (self->canvas, ids);
  /* Translators: "2 of 5" matches */
  label = g_strdup_printf (_("%u of %u"), pick + 1, matches->len);
  gtk_label_set_label (self->match_label, label);
  return TRUE;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   BmWindow       *self)
{
  bm_window_find (self, gtk_editable_get_text (GTK_EDITABLE (entry)), FALSE);
}

static void
on_search_next (GtkSearchEntry *entry,
                BmWindow       *self)
{
  bm_window_find (self, gtk_editable_get_text (GTK_EDITABLE (entry)), TRUE);
}

static void
on_search_stop (GtkSearchEntry *entry,
                BmWindow       *self)
{
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
on_search_mode (GtkSearchBar *bar,
                GParamSpec   *pspec,
                BmWindow     *self)
{
  if (!gtk_search_bar_get_search_mode (bar))
    {
      g_clear_pointer (&self->find_current, g_free);
      gtk_label_set_label (self->match_label, "");
      if (self->document != NULL)
        gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
    }
}

static void
find_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  BmWindow *self = data;

  if (self->document == NULL)
    return;
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* ---- canvas and inspector ---- */

static void
on_selection_changed (BmCanvas *canvas,
                      BmWindow *self)
{
  g_auto(GStrv) actors = bm_canvas_get_selected_actors (canvas);
  g_auto(GStrv) ties = bm_canvas_get_selected_ties (canvas);

  bm_inspector_set_selection (self->inspector, (const char * const *) actors,
                              (const char * const *) ties);
  update_actions (self);
}

static void
on_actor_created (BmCanvas   *canvas,
                  const char *id,
                  BmWindow   *self)
{
  on_selection_changed (canvas, self);
  bm_inspector_focus_name (self->inspector);
}

static void
on_editing_done (BmInspector *inspector,
                 BmWindow    *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
on_select_item (BmInspector *inspector,
                const char  *actor_id,
                const char  *tie_id,
                BmWindow    *self)
{
  const char *actors[] = { actor_id, NULL };
  const char *ties[] = { tie_id, NULL };

  bm_canvas_set_selection (self->canvas, actor_id ? actors : NULL, tie_id ? ties : NULL);
  if (actor_id != NULL)
    bm_canvas_frame_actors (self->canvas, actors);
}

static void
on_context_menu (BmCanvas *canvas,
                 double    x,
                 double    y,
                 BmWindow *self)
{
  g_auto(GStrv) actors = bm_canvas_get_selected_actors (canvas);
  g_auto(GStrv) ties = bm_canvas_get_selected_ties (canvas);
  GMenuModel *model = NULL;
  double ox, oy;
  GdkRectangle rect;

  if (actors[0] != NULL)
    model = self->canvas_menu_actor;
  else if (ties[0] != NULL)
    model = self->canvas_menu_tie;
  if (model == NULL)
    return;

  update_actions (self);
  if (!bm_widget_translate (GTK_WIDGET (canvas), GTK_WIDGET (self->canvas_overlay), x, y, &ox, &oy))
    ox = x, oy = y;
  if (self->context_menu == NULL)
    {
      self->context_menu = gtk_popover_menu_new_from_model (model);
      gtk_widget_set_parent (self->context_menu, GTK_WIDGET (self->canvas_overlay));
      gtk_popover_set_has_arrow (GTK_POPOVER (self->context_menu), FALSE);
      gtk_widget_set_halign (self->context_menu, GTK_ALIGN_START);
    }
  else
    gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->context_menu), model);
  rect.x = (int) ox;
  rect.y = (int) oy;
  rect.width = 1;
  rect.height = 1;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->context_menu), &rect);
  gtk_popover_popup (GTK_POPOVER (self->context_menu));
}

/* ---- start page ---- */

static GtkWidget *
create_start_row (const char *title,
                  const char *subtitle,
                  const char *action,
                  GVariant   *target)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), target);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
fill_examples (BmWindow *self)
{
  BmApplication *app = get_app (self);
  GPtrArray *examples = app ? bm_application_get_examples (app) : NULL;

  clear_list (self->examples_list);
  for (guint i = 0; examples != NULL && i < examples->len; i++)
    {
      GFile *file = g_ptr_array_index (examples, i);
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autoptr(BmMap) map = bm_map_load_file (file, name, NULL);
      const char *title = map != NULL ? bm_map_get_title (map) : NULL;
      const char *description = map != NULL ? bm_map_get_description (map) : NULL;
      g_autofree char *first_line = NULL;

      if (map == NULL)
        continue;
      if (description != NULL)
        {
          first_line = g_strdup (description);
          g_strdelimit (first_line, "\n", ' ');
        }
      gtk_list_box_append (self->examples_list,
                           create_start_row (title ? title : name, first_line,
                                             "win.open-example",
                                             g_variant_new_string (path)));
    }
  gtk_widget_set_visible (self->examples_group,
                          gtk_widget_get_first_child (GTK_WIDGET (self->examples_list)) != NULL);
}

static int
compare_recent (gconstpointer a,
                gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **) a;
  GtkRecentInfo *ib = *(GtkRecentInfo **) b;
  GDateTime *ma = gtk_recent_info_get_modified (ia);
  GDateTime *mb = gtk_recent_info_get_modified (ib);

  return g_date_time_compare (mb, ma);
}

static void
fill_recent (BmWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList *items = gtk_recent_manager_get_items (manager);
  g_autoptr(GPtrArray) maps = g_ptr_array_new_with_free_func ((GDestroyNotify) gtk_recent_info_unref);
  guint shown = 0;

  for (GList *l = items; l != NULL; l = l->next)
    {
      GtkRecentInfo *info = l->data;

      if (g_str_has_suffix (gtk_recent_info_get_uri (info), ".bridgemap")
          && gtk_recent_info_is_local (info) && gtk_recent_info_exists (info))
        g_ptr_array_add (maps, gtk_recent_info_ref (info));
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  g_ptr_array_sort (maps, compare_recent);

  clear_list (self->recent_list);
  g_menu_remove_all (self->recent_menu);
  for (guint i = 0; i < maps->len && shown < MAX_RECENT; i++, shown++)
    {
      GtkRecentInfo *info = g_ptr_array_index (maps, i);
      const char *uri = gtk_recent_info_get_uri (info);
      g_autoptr(GFile) file = g_file_new_for_uri (uri);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *folder = folder_display_name (file);
      g_autoptr(GMenuItem) item = g_menu_item_new (name, NULL);

      gtk_list_box_append (self->recent_list,
                           create_start_row (name, folder, "win.open-recent",
                                             g_variant_new_string (uri)));
      g_menu_item_set_action_and_target_value (item, "win.open-recent",
                                               g_variant_new_string (uri));
      g_menu_append_item (self->recent_menu, item);
    }
  gtk_widget_set_visible (self->recent_group, shown > 0);
  if (shown == 0)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (_("No Recent Maps"), "win.no-recent");

      g_menu_append_item (self->recent_menu, item);
    }
}

static void
on_recent_changed (GtkRecentManager *manager,
                   BmWindow         *self)
{
  fill_recent (self);
}

/* ---- closing ---- */

static void
save_window_state (BmWindow *self)
{
  BmApplication *app = get_app (self);
  GSettings *settings = app ? bm_application_get_settings (app) : NULL;
  int width, height;

  if (settings == NULL)
    return;
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (settings, "window-width", width);
      g_settings_set_int (settings, "window-height", height);
    }
}

static void
close_response (const char *response,
                gpointer    data)
{
  g_autoptr(BmWindow) self = data;

  if (g_strcmp0 (response, "discard") == 0)
    {
      if (self->document != NULL)
        bm_document_discard_recovery (self->document);
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (g_strcmp0 (response, "save") == 0 && self->document != NULL)
    {
      self->close_after_save = TRUE;
      if (bm_document_get_file (self->document) != NULL)
        bm_window_save_to (self, NULL);
      else
        save_as (self);
    }
}

static gboolean
bm_window_close_request (GtkWindow *window)
{
  BmWindow *self = BM_WINDOW (window);
  g_autofree char *body = NULL;
  BmDialog *dialog;

  if (self->document == NULL || self->close_confirmed
      || !bm_document_get_modified (self->document))
    {
      if (self->document != NULL)
        bm_document_discard_recovery (self->document);
      save_window_state (self);
      return GTK_WINDOW_CLASS (bm_window_parent_class)->close_request (window);
    }

  gtk_window_present (window);
  body = g_strdup_printf (_("“%s” has changes that are not saved. "
                            "If you close without saving, they are lost."),
                          bm_document_get_title (self->document));
  dialog = bm_dialog_new (_("Save Changes?"), body);
  bm_dialog_add_response (dialog, "cancel", _("_Cancel"), BM_RESPONSE_DEFAULT);
  bm_dialog_add_response (dialog, "discard", _("_Discard"), BM_RESPONSE_DESTRUCTIVE);
  bm_dialog_add_response (dialog, "save", _("_Save"), BM_RESPONSE_SUGGESTED);
  bm_dialog_set_default (dialog, "save");
  bm_dialog_set_close (dialog, "cancel");
  bm_dialog_present (dialog, GTK_WIDGET (self), close_response, g_object_ref (self));
  return TRUE;
}

/* ---- GObject ---- */

static const GActionEntry win_actions[] = {
  { "new", new_action },
  { "open", open_action },
  { "open-recent", open_recent_action, "s" },
  { "open-example", open_example_action, "s" },
  { "save", save_action },
  { "save-as", save_as_action },
  { "export", export_action },
  { "export-report", export_report_action },
  { "undo", undo_action },
  { "redo", redo_action },
  { "delete", delete_action },
  { "make-bridge", make_bridge_action },
  { "reverse-tie", reverse_tie_action },
  { "rename", rename_action },
  { "add-actor", add_actor_action },
  { "select-all", select_all_action },
  { "arrange-by-party", arrange_action },
  { "arrange-by-track", arrange_action },
  { "show-gaps", NULL, NULL, "true", show_gaps_changed },
  { "find", find_action },
  { "zoom-in", zoom_action },
  { "zoom-out", zoom_action },
  { "zoom-fit", zoom_action },
};

static void
bm_window_dispose (GObject *object)
{
  BmWindow *self = BM_WINDOW (object);

  g_clear_handle_id (&self->analysis_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);
  disconnect_document (self);
  if (self->canvas != NULL)
    {
      bm_canvas_set_analysis (self->canvas, NULL);
      bm_canvas_set_document (self->canvas, NULL, NULL);
    }
  if (self->gap_panel != NULL)
    bm_gap_panel_set_analysis (self->gap_panel, NULL, NULL);
  if (self->inspector != NULL)
    bm_inspector_set_document (self->inspector, NULL, NULL);
  g_clear_pointer (&self->analysis, bm_analysis_free);
  g_clear_object (&self->document);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_WINDOW);
  g_clear_object (&self->recent_menu);
  g_clear_pointer (&self->find_current, g_free);

  G_OBJECT_CLASS (bm_window_parent_class)->dispose (object);
}

static void
bm_window_class_init (BmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = bm_window_dispose;
  window_class->close_request = bm_window_close_request;

  g_type_ensure (BM_TYPE_CANVAS);
  g_type_ensure (BM_TYPE_GAP_PANEL);
  g_type_ensure (BM_TYPE_INSPECTOR);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bridgemap/Bridgemap/bm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, BmWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, undo_box);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, undo_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, redo_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, gaps_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, find_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, match_label);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, new_map_button);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, examples_group);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, examples_list);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, outer_paned);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, inner_paned);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, gap_panel);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, canvas_overlay);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, inspector);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, canvas_menu_actor);
  gtk_widget_class_bind_template_child (widget_class, BmWindow, canvas_menu_tie);
}

static void
bm_window_init (BmWindow *self)
{
  GtkDropTarget *drop;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };

  gtk_widget_init_template (GTK_WIDGET (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);

  self->recent_menu = g_menu_new ();
  adw_split_button_set_menu_model (self->open_button, G_MENU_MODEL (self->recent_menu));

  g_signal_connect (self->canvas, "selection-changed", G_CALLBACK (on_selection_changed), self);
  g_signal_connect (self->canvas, "actor-created", G_CALLBACK (on_actor_created), self);
  g_signal_connect (self->canvas, "context-menu", G_CALLBACK (on_context_menu), self);
  g_signal_connect (self->inspector, "editing-done", G_CALLBACK (on_editing_done), self);
  g_signal_connect (self->inspector, "select-item", G_CALLBACK (on_select_item), self);
  g_signal_connect (self->gap_panel, "gap-activated", G_CALLBACK (on_gap_activated), self);
  g_signal_connect (self->gap_panel, "gap-cleared", G_CALLBACK (on_gap_cleared), self);

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_object_bind_property (self->find_button, "active", self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect (self->search_entry, "search-changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect (self->search_entry, "activate", G_CALLBACK (on_search_next), self);
  g_signal_connect (self->search_entry, "next-match", G_CALLBACK (on_search_next), self);
  g_signal_connect (self->search_entry, "stop-search", G_CALLBACK (on_search_stop), self);
  g_signal_connect (self->search_bar, "notify::search-mode-enabled",
                    G_CALLBACK (on_search_mode), self);

  /* Ctrl+A selects every actor and tie from anywhere a text field does not
   * take it first (the shortcut bubbles up from the focused widget) */
  {
    GtkEventController *shortcuts = gtk_shortcut_controller_new ();

    gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_BUBBLE);
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_a,
                                                                                    GDK_CONTROL_MASK),
                                                            gtk_named_action_new ("win.select-all")));
    gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);
  }

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  g_signal_connect (gtk_recent_manager_get_default (), "changed",
                    G_CALLBACK (on_recent_changed), self);
  self->show_gaps = TRUE;
}

static void
bm_window_constructed (BmWindow *self)
{
  BmApplication *app = get_app (self);
  GSettings *settings = app ? bm_application_get_settings (app) : NULL;

  if (settings != NULL)
    {
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (settings, "window-width"),
                                   g_settings_get_int (settings, "window-height"));
      if (g_settings_get_boolean (settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      set_show_gaps (self, g_settings_get_boolean (settings, "show-gaps"));
    }
  else
    set_show_gaps (self, TRUE);
  fill_examples (self);
  fill_recent (self);
  bm_window_set_document (self, NULL);
  update_title (self);
  update_actions (self);
}

BmWindow *
bm_window_new (GtkApplication *application)
{
  BmWindow *self = g_object_new (BM_TYPE_WINDOW, "application", application, NULL);

  bm_window_constructed (self);
  return self;
}

BmCanvas *
bm_window_get_canvas (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), NULL);
  return self->canvas;
}

BmInspector *
bm_window_get_inspector (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), NULL);
  return self->inspector;
}

BmGapPanel *
bm_window_get_gap_panel (BmWindow *self)
{
  g_return_val_if_fail (BM_IS_WINDOW (self), NULL);
  return self->gap_panel;
}
