/* bm-dialogs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bm-dialogs.h"

#define BM_USE_ALERT_DIALOG ADW_CHECK_VERSION (1, 5, 0)
#define BM_USE_FILE_DIALOG  GTK_CHECK_VERSION (4, 10, 0)

struct _BmDialog
{
  GtkWidget        *widget;  /* AdwAlertDialog or AdwMessageDialog, a strong ref */
  GtkWidget        *extra_child;
  char             *heading;
  char             *body;
  char             *close_id;
  BmDialogCallback  callback;
  gpointer          user_data;
};

static BmDialogResponder test_responder;
static gpointer test_responder_data;
static BmFileResponder file_responder;
static gpointer file_responder_data;

void
bm_dialogs_set_test_responder (BmDialogResponder responder,
                               gpointer          user_data)
{
  test_responder = responder;
  test_responder_data = user_data;
}

void
bm_dialogs_set_file_responder (BmFileResponder responder,
                               gpointer        user_data)
{
  file_responder = responder;
  file_responder_data = user_data;
}

static void
bm_dialog_free (BmDialog *dialog)
{
  g_clear_object (&dialog->widget);
  g_free (dialog->heading);
  g_free (dialog->body);
  g_free (dialog->close_id);
  g_free (dialog);
}

BmDialog *
bm_dialog_new (const char *heading,
               const char *body)
{
  BmDialog *dialog = g_new0 (BmDialog, 1);

  dialog->heading = g_strdup (heading);
  dialog->body = g_strdup (body);
  dialog->close_id = g_strdup ("cancel");
#if BM_USE_ALERT_DIALOG
  dialog->widget = GTK_WIDGET (g_object_ref_sink (adw_alert_dialog_new (heading, body)));
#else
  dialog->widget = g_object_ref_sink (adw_message_dialog_new (NULL, heading, body));
#endif
  return dialog;
}

void
bm_dialog_add_response (BmDialog        *dialog,
                        const char      *id,
                        const char      *label,
                        BmResponseStyle  style)
{
  AdwResponseAppearance appearance = ADW_RESPONSE_DEFAULT;

  if (style == BM_RESPONSE_SUGGESTED)
    appearance = ADW_RESPONSE_SUGGESTED;
  else if (style == BM_RESPONSE_DESTRUCTIVE)
    appearance = ADW_RESPONSE_DESTRUCTIVE;
#if BM_USE_ALERT_DIALOG
  adw_alert_dialog_add_response (ADW_ALERT_DIALOG (dialog->widget), id, label);
  adw_alert_dialog_set_response_appearance (ADW_ALERT_DIALOG (dialog->widget), id, appearance);
#else
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog->widget), id, label);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog->widget), id, appearance);
#endif
}

void
bm_dialog_set_default (BmDialog   *dialog,
                       const char *id)
{
#if BM_USE_ALERT_DIALOG
  adw_alert_dialog_set_default_response (ADW_ALERT_DIALOG (dialog->widget), id);
#else
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog->widget), id);
#endif
}

void
bm_dialog_set_close (BmDialog   *dialog,
                     const char *id)
{
  g_free (dialog->close_id);
  dialog->close_id = g_strdup (id);
#if BM_USE_ALERT_DIALOG
  adw_alert_dialog_set_close_response (ADW_ALERT_DIALOG (dialog->widget), id);
#else
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog->widget), id);
#endif
}

void
bm_dialog_set_extra_child (BmDialog  *dialog,
                           GtkWidget *child)
{
  dialog->extra_child = child;
#if BM_USE_ALERT_DIALOG
  adw_alert_dialog_set_extra_child (ADW_ALERT_DIALOG (dialog->widget), child);
#else
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog->widget), child);
#endif
}

static void
on_response (GtkWidget  *widget,
             const char *response,
             BmDialog   *dialog)
{
  g_signal_handlers_disconnect_by_func (widget, on_response, dialog);
  if (dialog->callback != NULL)
    dialog->callback (response, dialog->user_data);
  bm_dialog_free (dialog);
}

static gboolean
respond_for_test (gpointer data)
{
  BmDialog *dialog = data;
  const char *response;

  response = test_responder (dialog->heading, dialog->body, dialog->extra_child,
                             test_responder_data);
  if (response == NULL)
    response = dialog->close_id;
  if (dialog->callback != NULL)
    dialog->callback (response, dialog->user_data);
#if !BM_USE_ALERT_DIALOG
  gtk_window_destroy (GTK_WINDOW (dialog->widget));
#endif
  bm_dialog_free (dialog);
  return G_SOURCE_REMOVE;
}

void
bm_dialog_present (BmDialog         *dialog,
                   GtkWidget        *parent,
                   BmDialogCallback  callback,
                   gpointer          user_data)
{
  dialog->callback = callback;
  dialog->user_data = user_data;

  if (test_responder != NULL)
    {
      g_idle_add (respond_for_test, dialog);
      return;
    }

  g_signal_connect (dialog->widget, "response", G_CALLBACK (on_response), dialog);
#if BM_USE_ALERT_DIALOG
  adw_dialog_present (ADW_DIALOG (dialog->widget), parent);
#else
  {
    GtkRoot *root = parent != NULL ? gtk_widget_get_root (parent) : NULL;

    if (GTK_IS_WINDOW (root))
      gtk_window_set_transient_for (GTK_WINDOW (dialog->widget), GTK_WINDOW (root));
    gtk_window_set_modal (GTK_WINDOW (dialog->widget), TRUE);
    gtk_window_present (GTK_WINDOW (dialog->widget));
  }
#endif
}

void
bm_show_error (GtkWidget  *parent,
               const char *heading,
               const char *body)
{
  BmDialog *dialog = bm_dialog_new (heading, body);

  bm_dialog_add_response (dialog, "close", _("_Close"), BM_RESPONSE_DEFAULT);
  bm_dialog_set_default (dialog, "close");
  bm_dialog_set_close (dialog, "close");
  bm_dialog_present (dialog, parent, NULL, NULL);
}

/* ---- file choosers ---- */

typedef struct
{
  BmFileCallback callback;
  gpointer       user_data;
} FileRequest;

#if BM_USE_FILE_DIALOG

static void
file_dialog_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  FileRequest *request = data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  gboolean save = GPOINTER_TO_INT (g_object_get_data (source, "bm-save"));

  if (save)
    file = gtk_file_dialog_save_finish (GTK_FILE_DIALOG (source), result, &error);
  else
    file = gtk_file_dialog_open_finish (GTK_FILE_DIALOG (source), result, &error);
  if (error != NULL && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED)
      && !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_CANCELLED))
    g_warning ("File dialog: %s", error->message);
  request->callback (file, request->user_data);
  g_free (request);
}

static void
choose_file (GtkWindow      *parent,
             gboolean        save,
             const char     *title,
             GListModel     *filters,
             GFile          *initial_folder,
             const char     *initial_name,
             FileRequest    *request)
{
  g_autoptr(GtkFileDialog) dialog = gtk_file_dialog_new ();

  gtk_file_dialog_set_title (dialog, title);
  gtk_file_dialog_set_modal (dialog, TRUE);
  if (filters != NULL && g_list_model_get_n_items (filters) > 0)
    {
      g_autoptr(GtkFileFilter) first = g_list_model_get_item (filters, 0);

      gtk_file_dialog_set_filters (dialog, filters);
      gtk_file_dialog_set_default_filter (dialog, first);
    }
  if (initial_folder != NULL)
    gtk_file_dialog_set_initial_folder (dialog, initial_folder);
  if (initial_name != NULL)
    gtk_file_dialog_set_initial_name (dialog, initial_name);
  g_object_set_data (G_OBJECT (dialog), "bm-save", GINT_TO_POINTER (save));
  if (save)
    gtk_file_dialog_save (dialog, parent, NULL, file_dialog_done, request);
  else
    gtk_file_dialog_open (dialog, parent, NULL, file_dialog_done, request);
}

#else /* GtkFileChooserNative */

static void
native_response (GtkNativeDialog *native,
                 int              response,
                 FileRequest     *request)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  request->callback (file, request->user_data);
  g_free (request);
  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_file (GtkWindow      *parent,
             gboolean        save,
             const char     *title,
             GListModel     *filters,
             GFile          *initial_folder,
             const char     *initial_name,
             FileRequest    *request)
{
  GtkFileChooserNative *native;

  native = gtk_file_chooser_native_new (title, parent,
                                        save ? GTK_FILE_CHOOSER_ACTION_SAVE
                                             : GTK_FILE_CHOOSER_ACTION_OPEN,
                                        save ? _("_Save") : _("_Open"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  for (guint i = 0; filters != NULL && i < g_list_model_get_n_items (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = g_list_model_get_item (filters, i);

      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
    }
  if (initial_folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (native), initial_folder, NULL);
  if (save && initial_name != NULL)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), initial_name);
  g_signal_connect (native, "response", G_CALLBACK (native_response), request);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

#endif

typedef struct
{
  FileRequest *request;
  char        *title;
  gboolean     save;
} FileTestCall;

static gboolean
respond_file_for_test (gpointer data)
{
  FileTestCall *call = data;
  g_autoptr(GFile) file = file_responder (call->title, call->save, file_responder_data);

  call->request->callback (file, call->request->user_data);
  g_free (call->request);
  g_free (call->title);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static void
request_file (GtkWindow      *parent,
              gboolean        save,
              const char     *title,
              GListModel     *filters,
              GFile          *initial_folder,
              const char     *initial_name,
              BmFileCallback  callback,
              gpointer        user_data)
{
  FileRequest *request = g_new0 (FileRequest, 1);

  request->callback = callback;
  request->user_data = user_data;
  if (file_responder != NULL)
    {
      FileTestCall *call = g_new0 (FileTestCall, 1);

      call->request = request;
      call->title = g_strdup (title);
      call->save = save;
      g_idle_add (respond_file_for_test, call);
      return;
    }
  choose_file (parent, save, title, filters, initial_folder, initial_name, request);
}

void
bm_choose_file_to_open (GtkWindow      *parent,
                        const char     *title,
                        GListModel     *filters,
                        BmFileCallback  callback,
                        gpointer        user_data)
{
  request_file (parent, FALSE, title, filters, NULL, NULL, callback, user_data);
}

void
bm_choose_file_to_save (GtkWindow      *parent,
                        const char     *title,
                        GListModel     *filters,
                        GFile          *initial_folder,
                        const char     *initial_name,
                        BmFileCallback  callback,
                        gpointer        user_data)
{
  request_file (parent, TRUE, title, filters, initial_folder, initial_name, callback, user_data);
}

/* ---- colour button ---- */

GtkWidget *
bm_color_button_new (const char *title)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  GtkColorDialog *dialog = gtk_color_dialog_new ();

  gtk_color_dialog_set_title (dialog, title);
  gtk_color_dialog_set_with_alpha (dialog, FALSE);
  return gtk_color_dialog_button_new (dialog);
#else
  GtkWidget *button = gtk_color_button_new ();

  gtk_color_button_set_title (GTK_COLOR_BUTTON (button), title);
  gtk_color_chooser_set_use_alpha (GTK_COLOR_CHOOSER (button), FALSE);
  gtk_color_button_set_modal (GTK_COLOR_BUTTON (button), TRUE);
  return button;
#endif
}

void
bm_color_button_get_rgba (GtkWidget *button,
                          GdkRGBA   *rgba)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  *rgba = *gtk_color_dialog_button_get_rgba (GTK_COLOR_DIALOG_BUTTON (button));
#else
  gtk_color_chooser_get_rgba (GTK_COLOR_CHOOSER (button), rgba);
#endif
}

void
bm_color_button_set_rgba (GtkWidget     *button,
                          const GdkRGBA *rgba)
{
#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_color_dialog_button_set_rgba (GTK_COLOR_DIALOG_BUTTON (button), rgba);
#else
  gtk_color_chooser_set_rgba (GTK_COLOR_CHOOSER (button), rgba);
#endif
}

gboolean
bm_widget_translate (GtkWidget *src,
                     GtkWidget *dest,
                     double     x,
                     double     y,
                     double    *dest_x,
                     double    *dest_y)
{
#if GTK_CHECK_VERSION (4, 12, 0)
  graphene_point_t in = GRAPHENE_POINT_INIT ((float) x, (float) y);
  graphene_point_t out;

  if (!gtk_widget_compute_point (src, dest, &in, &out))
    return FALSE;
  *dest_x = out.x;
  *dest_y = out.y;
  return TRUE;
#else
  return gtk_widget_translate_coordinates (src, dest, x, y, dest_x, dest_y);
#endif
}
