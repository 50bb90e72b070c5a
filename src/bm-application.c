/* bm-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bm-application.h"
#include "bm-map-io.h"

struct _BmApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (BmApplication, bm_application, ADW_TYPE_APPLICATION)

static GtkWindow *
new_window (BmApplication *self, GFile *file)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label;
  g_autofree char *text = NULL;

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_window_set_title (GTK_WINDOW (window), _("Bridgemap"));
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);

  if (file != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *name = g_file_get_parse_name (file);
      g_autoptr(BmMap) map = bm_map_load_file (file, name, &error);
      if (map != NULL)
        {
          const char *title = bm_map_get_title (map);
          gtk_window_set_title (GTK_WINDOW (window), title ? title : name);
          text = g_strdup_printf (_("%u actors, %u ties"),
                                  bm_map_get_n_actors (map), bm_map_get_n_ties (map));
        }
      else
        text = g_strdup (error->message);
    }
  label = gtk_label_new (text ? text : _("No map open"));
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  return GTK_WINDOW (window);
}

static void
bm_application_activate (GApplication *app)
{
  gtk_window_present (new_window (BM_APPLICATION (app), NULL));
}

static void
bm_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  for (int i = 0; i < n_files; i++)
    gtk_window_present (new_window (BM_APPLICATION (app), files[i]));
}

static void
bm_application_class_init (BmApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = bm_application_activate;
  app_class->open = bm_application_open;
}

static void
bm_application_init (BmApplication *self)
{
}

int
bm_application_run (char **files)
{
  g_autoptr(BmApplication) app = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  app = g_object_new (BM_TYPE_APPLICATION,
                      "application-id", APP_ID,
                      "flags", G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE,
                      NULL);
  g_set_application_name (_("Bridgemap"));
  g_ptr_array_add (args, (gpointer) "bridgemap");
  for (guint i = 0; files != NULL && files[i] != NULL; i++)
    g_ptr_array_add (args, files[i]);
  g_ptr_array_add (args, NULL);
  return g_application_run (G_APPLICATION (app), (int) args->len - 1, (char **) args->pdata);
}
