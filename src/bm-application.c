/* bm-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#include <signal.h>
#include <stdlib.h>
#endif

#include "bm-application.h"
#include "bm-dialogs.h"
#include "bm-window.h"

struct _BmApplication
{
  AdwApplication  parent_instance;

  BmRecovery     *recovery;
  GSettings      *settings;
  GPtrArray      *examples;
  char           *examples_dir;
  gboolean        offered_recovery;
};

G_DEFINE_FINAL_TYPE (BmApplication, bm_application, ADW_TYPE_APPLICATION)

/* ---- examples ---- */

static char *
find_examples_dir (void)
{
  const char *env = g_getenv ("BRIDGEMAP_EXAMPLES_DIR");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "examples", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_IS_DIR))
    return g_steal_pointer (&installed);
#ifdef BM_SOURCE_DATADIR
  {
    /* Running from the build tree, not installed */
    g_autofree char *source = g_build_filename (BM_SOURCE_DATADIR, "examples", NULL);

    if (g_file_test (source, G_FILE_TEST_IS_DIR))
      return g_steal_pointer (&source);
  }
#endif
  return NULL;
}

static int
compare_files (gconstpointer a,
               gconstpointer b)
{
  g_autofree char *na = g_file_get_basename (*(GFile **) a);
  g_autofree char *nb = g_file_get_basename (*(GFile **) b);

  return g_utf8_collate (na, nb);
}

static void
load_examples (BmApplication *self)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  self->examples = g_ptr_array_new_with_free_func (g_object_unref);
  self->examples_dir = find_examples_dir ();
  if (self->examples_dir == NULL || (dir = g_dir_open (self->examples_dir, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".bridgemap"))
      g_ptr_array_add (self->examples,
                       g_file_new_build_filename (self->examples_dir, name, NULL));
  g_ptr_array_sort (self->examples, compare_files);
}

GPtrArray *
bm_application_get_examples (BmApplication *self)
{
  g_return_val_if_fail (BM_IS_APPLICATION (self), NULL);

  if (self->examples == NULL)
    load_examples (self);
  return self->examples;
}

const char *
bm_application_get_examples_dir (BmApplication *self)
{
  g_return_val_if_fail (BM_IS_APPLICATION (self), NULL);

  if (self->examples == NULL)
    load_examples (self);
  return self->examples_dir;
}

/* ---- recent files ---- */

void
bm_application_add_recent (BmApplication *self,
                           GFile         *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  GtkRecentData data = { 0, };
  const char *groups[] = { "bridgemap", NULL };

  data.display_name = NULL;
  data.mime_type = (char *) "application/x-bridgemap+xml";
  data.app_name = (char *) "Bridgemap";
  data.app_exec = (char *) "bridgemap %u";
  data.groups = (char **) groups;
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* ---- windows ---- */

static BmWindow *
reusable_window (BmApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (BM_IS_WINDOW (active) && bm_window_is_reusable (BM_WINDOW (active)))
    return BM_WINDOW (active);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (BM_IS_WINDOW (l->data) && bm_window_is_reusable (l->data))
      return l->data;
  return NULL;
}

static BmWindow *
any_window (BmApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (BM_IS_WINDOW (active))
    return BM_WINDOW (active);
  return NULL;
}

static void
bm_application_activate (GApplication *app)
{
  BmApplication *self = BM_APPLICATION (app);
  BmWindow *window = any_window (self);

  if (window == NULL)
    window = bm_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  bm_application_offer_recovery (self, GTK_WINDOW (window));
}

static void
bm_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  BmApplication *self = BM_APPLICATION (app);
  BmWindow *window = reusable_window (self);

  if (window == NULL)
    window = any_window (self);
  if (window == NULL)
    window = bm_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  for (int i = 0; i < n_files; i++)
    bm_window_open_file (window, files[i]);
  bm_application_offer_recovery (self, GTK_WINDOW (window));
}

/* ---- recovery ---- */

typedef struct
{
  BmApplication *self;
  GtkWindow     *parent;
  GPtrArray     *items;  /* BmRecoveredMap */
  guint          next;
} RecoveryOffer;

static void offer_next (RecoveryOffer *offer);

static void
restore_item (RecoveryOffer        *offer,
              const BmRecoveredMap *item)
{
  BmApplication *self = offer->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmDocument) document = NULL;
  g_autoptr(GFile) file = NULL;
  BmMap *map;
  BmWindow *window;

  map = bm_recovery_restore (self->recovery, item, &error);
  if (map == NULL)
    {
      bm_show_error (GTK_WIDGET (offer->parent), _("Could Not Restore the Map"), error->message);
      return;
    }
  if (item->original_path != NULL)
    file = g_file_new_for_path (item->original_path);
  document = bm_document_new (map, file, self->recovery);
  bm_document_adopt_recovery (document, item->slot);

  window = reusable_window (self);
  if (window == NULL)
    window = bm_window_new (GTK_APPLICATION (self));
  bm_window_set_document (window, document);
  gtk_window_present (GTK_WINDOW (window));
}

static void
offer_response (const char *response,
                gpointer    data)
{
  RecoveryOffer *offer = data;
  const BmRecoveredMap *item = g_ptr_array_index (offer->items, offer->next);

  if (g_strcmp0 (response, "restore") == 0)
    restore_item (offer, item);
  else if (g_strcmp0 (response, "discard") == 0)
    bm_recovery_discard (offer->self->recovery, item);
  /* else: asked again at the next start */
  offer->next++;
  offer_next (offer);
}

static void
offer_next (RecoveryOffer *offer)
{
  const BmRecoveredMap *item;
  g_autofree char *body = NULL;
  g_autofree char *when = NULL;
  BmDialog *dialog;

  if (offer->next >= offer->items->len)
    {
      g_ptr_array_unref (offer->items);
      g_object_unref (offer->parent);
      g_object_unref (offer->self);
      g_free (offer);
      return;
    }

  item = g_ptr_array_index (offer->items, offer->next);
  /* Translators: date and time of a recovery copy, see g_date_time_format() */
  when = item->saved_at != NULL ? g_date_time_format (item->saved_at, _("%x at %H:%M")) : NULL;
  if (when != NULL)
    /* Translators: the first %s is a map's name, the second a date and time */
    body = g_strdup_printf (_("Bridgemap closed before changes to “%s” were saved. "
                              "A copy from %s can be restored."),
                            item->display_name, when);
  else
    body = g_strdup_printf (_("Bridgemap closed before changes to “%s” were saved. "
                              "A copy can be restored."),
                            item->display_name);
  dialog = bm_dialog_new (_("Restore Unsaved Changes?"), body);
  bm_dialog_add_response (dialog, "discard", _("_Discard"), BM_RESPONSE_DESTRUCTIVE);
  bm_dialog_add_response (dialog, "restore", _("_Restore"), BM_RESPONSE_SUGGESTED);
  bm_dialog_set_default (dialog, "restore");
  bm_dialog_set_close (dialog, "later");
  bm_dialog_present (dialog, GTK_WIDGET (offer->parent), offer_response, offer);
}

void
bm_application_offer_recovery (BmApplication *self,
                               GtkWindow     *parent)
{
  g_autoptr(GPtrArray) items = NULL;
  RecoveryOffer *offer;

  g_return_if_fail (BM_IS_APPLICATION (self));

  if (self->offered_recovery)
    return;
  self->offered_recovery = TRUE;

  items = bm_recovery_list (self->recovery);
  if (items->len == 0)
    return;
  offer = g_new0 (RecoveryOffer, 1);
  offer->self = g_object_ref (self);
  offer->parent = g_object_ref (parent);
  offer->items = g_steal_pointer (&items);
  offer_next (offer);
}

BmRecovery *
bm_application_get_recovery (BmApplication *self)
{
  g_return_val_if_fail (BM_IS_APPLICATION (self), NULL);
  return self->recovery;
}

GSettings *
bm_application_get_settings (BmApplication *self)
{
  g_return_val_if_fail (BM_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* ---- actions ---- */

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       data)
{
  BmWindow *window = bm_window_new (GTK_APPLICATION (data));

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       data)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (data));
  const char *developers[] = { _("The Bridgemap developers"), NULL };
  const char *comments =
    _("Map the actors of a conflict on Lederach's pyramid and the tracks of diplomacy, "
      "and find where a Track 1.5 bridge is missing.");

#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();

  adw_about_dialog_set_application_name (ADW_ABOUT_DIALOG (about), _("Bridgemap"));
  adw_about_dialog_set_application_icon (ADW_ABOUT_DIALOG (about), APP_ID);
  adw_about_dialog_set_version (ADW_ABOUT_DIALOG (about), PACKAGE_VERSION);
  adw_about_dialog_set_developer_name (ADW_ABOUT_DIALOG (about), _("The Bridgemap developers"));
  adw_about_dialog_set_developers (ADW_ABOUT_DIALOG (about), developers);
  adw_about_dialog_set_comments (ADW_ABOUT_DIALOG (about), comments);
  adw_about_dialog_set_license_type (ADW_ABOUT_DIALOG (about), GTK_LICENSE_GPL_3_0);
  adw_about_dialog_set_website (ADW_ABOUT_DIALOG (about), "https://github.com/bridgemap/bridgemap");
  adw_about_dialog_set_issue_url (ADW_ABOUT_DIALOG (about),
                                  "https://github.com/bridgemap/bridgemap/issues");
  /* Translators: your name(s), one per line */
  adw_about_dialog_set_translator_credits (ADW_ABOUT_DIALOG (about), _("translator-credits"));
  adw_dialog_present (about, parent ? GTK_WIDGET (parent) : NULL);
#else
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Bridgemap"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The Bridgemap developers"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about), comments);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_website (ADW_ABOUT_WINDOW (about), "https://github.com/bridgemap/bridgemap");
  adw_about_window_set_issue_url (ADW_ABOUT_WINDOW (about),
                                  "https://github.com/bridgemap/bridgemap/issues");
  /* Translators: your name(s), one per line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_set_modal (GTK_WINDOW (about), TRUE);
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (data)));

  /* Each window asks about its unsaved changes; the application ends
   * when the last one has closed. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static const GActionEntry app_actions[] = {
  { "new-window", new_window_action },
  { "about", about_action },
  { "quit", quit_action },
};

#ifdef G_OS_UNIX
/* Logout or kill: keep what is unsaved for the next start */
static gboolean
on_terminate (gpointer data)
{
  BmApplication *self = data;
  gboolean unsaved = FALSE;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (BM_IS_WINDOW (l->data) && bm_window_get_document (l->data) != NULL
        && bm_document_get_modified (bm_window_get_document (l->data)))
      {
        bm_document_write_recovery (bm_window_get_document (l->data), TRUE);
        unsaved = TRUE;
      }
  /* With unsaved maps, no end_session: the next start offers the copies */
  if (!unsaved)
    bm_recovery_end_session (self->recovery);
  exit (0);
  return G_SOURCE_REMOVE;
}
#endif

static void
bm_application_startup (GApplication *app)
{
  BmApplication *self = BM_APPLICATION (app);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GError) error = NULL;
  const char *redo_accels[] = { "<Control><Shift>z", "<Control>y", NULL };
  const char *zoom_in_accels[] = { "<Control>plus", "<Control>equal", "<Control>KP_Add", NULL };
  const char *zoom_out_accels[] = { "<Control>minus", "<Control>KP_Subtract", NULL };
  static const struct { const char *action; const char *accel; } accels[] = {
    { "app.new-window", "<Control><Shift>n" },
    { "app.quit", "<Control>q" },
    { "window.close", "<Control>w" },
    { "win.new", "<Control>n" },
    { "win.open", "<Control>o" },
    { "win.save", "<Control>s" },
    { "win.save-as", "<Control><Shift>s" },
    { "win.export", "<Control>e" },
    { "win.undo", "<Control>z" },
    { "win.find", "<Control>f" },
    { "win.show-gaps", "F9" },
    { "win.rename", "F2" },
    { "win.add-actor", "<Control>Return" },
    { "win.zoom-fit", "<Control>0" },
  };

  G_APPLICATION_CLASS (bm_application_parent_class)->startup (app);

  g_set_application_name (_("Bridgemap"));
  gtk_window_set_default_icon_name (APP_ID);
#ifdef BM_SOURCE_DATADIR
  {
    g_autofree char *icons = g_build_filename (BM_SOURCE_DATADIR, "icons", NULL);

    /* From the build tree the icon is not installed yet */
    if (g_file_test (icons, G_FILE_TEST_IS_DIR)
        && !g_file_test (PKGDATADIR, G_FILE_TEST_IS_DIR))
      gtk_icon_theme_add_search_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                      icons);
  }
#endif

  if (source != NULL && (schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)) != NULL)
    self->settings = g_settings_new (APP_ID);
  else
    g_message ("Settings schema %s is not installed; settings will not be kept", APP_ID);

  self->recovery = bm_recovery_new (NULL);
  if (!bm_recovery_begin_session (self->recovery, &error))
    {
      if (error != NULL)
        g_warning ("Could not mark the session: %s", error->message);
    }

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    {
      const char *list[] = { accels[i].accel, NULL };

      gtk_application_set_accels_for_action (gtk_app, accels[i].action, list);
    }
  gtk_application_set_accels_for_action (gtk_app, "win.redo", redo_accels);
  gtk_application_set_accels_for_action (gtk_app, "win.zoom-in", zoom_in_accels);
  gtk_application_set_accels_for_action (gtk_app, "win.zoom-out", zoom_out_accels);

#ifdef G_OS_UNIX
  g_unix_signal_add (SIGTERM, on_terminate, self);
  g_unix_signal_add (SIGHUP, on_terminate, self);
#endif
}

static void
bm_application_shutdown (GApplication *app)
{
  BmApplication *self = BM_APPLICATION (app);

  /* Every window closed normally: its map was saved or its changes
   * discarded, so the next start has nothing to offer */
  if (self->recovery != NULL)
    bm_recovery_end_session (self->recovery);
  G_APPLICATION_CLASS (bm_application_parent_class)->shutdown (app);
}

static void
bm_application_finalize (GObject *object)
{
  BmApplication *self = BM_APPLICATION (object);

  g_clear_object (&self->recovery);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->examples, g_ptr_array_unref);
  g_free (self->examples_dir);
  G_OBJECT_CLASS (bm_application_parent_class)->finalize (object);
}

static void
bm_application_class_init (BmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = bm_application_finalize;
  app_class->startup = bm_application_startup;
  app_class->shutdown = bm_application_shutdown;
  app_class->activate = bm_application_activate;
  app_class->open = bm_application_open;
}

static void
bm_application_init (BmApplication *self)
{
}

BmApplication *
bm_application_new (GApplicationFlags flags)
{
  return g_object_new (BM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/bridgemap/Bridgemap",
                       "flags", G_APPLICATION_HANDLES_OPEN | flags,
                       NULL);
}

int
bm_application_run (char **files)
{
  g_autoptr(BmApplication) app = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  /* One instance per session: a second start hands its files to the
   * first (so only one process owns the recovery folder) */
  app = bm_application_new (G_APPLICATION_DEFAULT_FLAGS);
  g_ptr_array_add (args, (gpointer) "bridgemap");
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    g_ptr_array_add (args, files[i]);
  g_ptr_array_add (args, NULL);
  return g_application_run (G_APPLICATION (app), (int) args->len - 1, (char **) args->pdata);
}
