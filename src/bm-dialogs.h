/* bm-dialogs.h: questions, errors, file choosers and colour buttons that
 * work on every GTK 4 / libadwaita version Bridgemap builds with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.5 replaced AdwMessageDialog by AdwAlertDialog, and GTK 4.10
 * replaced GtkFileChooserNative by GtkFileDialog and GtkColorButton by
 * GtkColorDialogButton.  The editor calls these helpers and never the
 * versioned API directly.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef struct _BmDialog BmDialog;

typedef enum
{
  BM_RESPONSE_DEFAULT,
  BM_RESPONSE_SUGGESTED,
  BM_RESPONSE_DESTRUCTIVE,
} BmResponseStyle;

/* Called once with the response id (the close response when dismissed) */
typedef void (*BmDialogCallback) (const char *response,
                                  gpointer    user_data);

BmDialog   *bm_dialog_new              (const char      *heading,
                                        const char      *body);
void        bm_dialog_add_response     (BmDialog        *dialog,
                                        const char      *id,
                                        const char      *label,
                                        BmResponseStyle  style);
void        bm_dialog_set_default      (BmDialog        *dialog,
                                        const char      *id);
/* The response used for Escape and the close button */
void        bm_dialog_set_close        (BmDialog        *dialog,
                                        const char      *id);
void        bm_dialog_set_extra_child  (BmDialog        *dialog,
                                        GtkWidget       *child);
/* Shows the dialog over @parent's window; consumes @dialog */
void        bm_dialog_present          (BmDialog        *dialog,
                                        GtkWidget       *parent,
                                        BmDialogCallback callback,
                                        gpointer         user_data);

/* A one-button error message */
void        bm_show_error              (GtkWidget       *parent,
                                        const char      *heading,
                                        const char      *body);

/* For tests: when set, a presented dialog is not shown; the responder is
 * called (from an idle) with its heading, body and extra child (may be
 * NULL; the responder may change it, as a user would) and returns the
 * response (NULL: the close response).  NULL restores normal dialogs. */
typedef const char *(*BmDialogResponder) (const char *heading,
                                          const char *body,
                                          GtkWidget  *extra_child,
                                          gpointer    user_data);
void        bm_dialogs_set_test_responder (BmDialogResponder responder,
                                           gpointer          user_data);

/* File choosers.  @callback receives the chosen file, or NULL when the
 * user cancelled. */
typedef void (*BmFileCallback) (GFile   *file,
                                gpointer user_data);

/* @filters: GtkFileFilter list (first is the default); may be NULL */
void        bm_choose_file_to_open     (GtkWindow      *parent,
                                        const char     *title,
                                        GListModel     *filters,
                                        BmFileCallback  callback,
                                        gpointer        user_data);
void        bm_choose_file_to_save     (GtkWindow      *parent,
                                        const char     *title,
                                        GListModel     *filters,
                                        GFile          *initial_folder,
                                        const char     *initial_name,
                                        BmFileCallback  callback,
                                        gpointer        user_data);

/* For tests: when set, the choosers call this instead of showing a
 * dialog; it returns the file to use (transfer full) or NULL. */
typedef GFile *(*BmFileResponder) (const char *title,
                                   gboolean    save,
                                   gpointer    user_data);
void        bm_dialogs_set_file_responder (BmFileResponder responder,
                                           gpointer        user_data);

/* A colour button without alpha; "notify::rgba" when the user picks */
GtkWidget  *bm_color_button_new        (const char      *title);
void        bm_color_button_get_rgba   (GtkWidget       *button,
                                        GdkRGBA         *rgba);
void        bm_color_button_set_rgba   (GtkWidget       *button,
                                        const GdkRGBA   *rgba);

/* Positions, across the 4.12 deprecation of translate_coordinates */
gboolean    bm_widget_translate        (GtkWidget       *src,
                                        GtkWidget       *dest,
                                        double           x,
                                        double           y,
                                        double          *dest_x,
                                        double          *dest_y);

G_END_DECLS
