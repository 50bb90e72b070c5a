/* bm-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "bm-document.h"
#include "bm-map-io.h"

struct _BmDocument
{
  GObject     parent_instance;

  BmMap      *map;
  BmHistory  *history;
  GFile      *file;
  char       *title;

  BmRecovery *recovery;
  char       *slot;
  guint       autosave_id;
  /* Restored from a recovery copy and not saved since */
  gboolean    restored;
  gboolean    discarded;
};

G_DEFINE_FINAL_TYPE (BmDocument, bm_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAP,
  PROP_HISTORY,
  PROP_FILE,
  PROP_TITLE,
  PROP_MODIFIED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_title (BmDocument *self)
{
  const char *map_title = bm_map_get_title (self->map);
  g_autofree char *title = NULL;

  if (map_title != NULL && *map_title != '\0')
    title = g_strdup (map_title);
  else if (self->file != NULL)
    title = g_file_get_basename (self->file);
  else
    title = g_strdup (_("Untitled Map"));

  if (g_strcmp0 (title, self->title) != 0)
    {
      g_free (self->title);
      self->title = g_steal_pointer (&title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
    }
}

static gboolean
autosave_cb (gpointer data)
{
  BmDocument *self = data;

  self->autosave_id = 0;
  bm_document_write_recovery (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
on_map_changed (BmMap      *map,
                BmDocument *self)
{
  if (self->recovery == NULL || self->discarded)
    return;
  /* Armed once, not pushed back by each change, so that a long editing
   * session still gets a copy every few seconds. */
  if (self->autosave_id == 0)
    self->autosave_id = g_timeout_add_seconds (BM_DOCUMENT_AUTOSAVE_DELAY, autosave_cb, self);
}

static void
on_meta_changed (BmMap      *map,
                 BmDocument *self)
{
  update_title (self);
}

static void
on_history_modified (BmHistory  *history,
                     GParamSpec *pspec,
                     BmDocument *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

static void
bm_document_dispose (GObject *object)
{
  BmDocument *self = BM_DOCUMENT (object);

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->map != NULL)
    g_signal_handlers_disconnect_by_data (self->map, self);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);
  g_clear_object (&self->history);
  g_clear_object (&self->map);
  g_clear_object (&self->file);
  g_clear_object (&self->recovery);

  G_OBJECT_CLASS (bm_document_parent_class)->dispose (object);
}

static void
bm_document_finalize (GObject *object)
{
  BmDocument *self = BM_DOCUMENT (object);

  g_free (self->title);
  g_free (self->slot);

  G_OBJECT_CLASS (bm_document_parent_class)->finalize (object);
}

static void
bm_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  BmDocument *self = BM_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_MAP:
      g_value_set_object (value, self->map);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, bm_document_get_modified (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_document_class_init (BmDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_document_dispose;
  object_class->finalize = bm_document_finalize;
  object_class->get_property = bm_document_get_property;

  properties[PROP_MAP] =
    g_param_spec_object ("map", NULL, NULL, BM_TYPE_MAP,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, BM_TYPE_HISTORY,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bm_document_init (BmDocument *self)
{
}

BmDocument *
bm_document_new (BmMap      *map,
                 GFile      *file,
                 BmRecovery *recovery)
{
  BmDocument *self = g_object_new (BM_TYPE_DOCUMENT, NULL);

  g_return_val_if_fail (map == NULL || BM_IS_MAP (map), NULL);

  self->map = map != NULL ? map : bm_map_new ();
  self->history = bm_history_new (self->map);
  self->file = file != NULL ? g_object_ref (file) : NULL;
  self->recovery = recovery != NULL ? g_object_ref (recovery) : NULL;

  g_signal_connect (self->map, "changed", G_CALLBACK (on_map_changed), self);
  g_signal_connect (self->map, "meta-changed", G_CALLBACK (on_meta_changed), self);
  g_signal_connect (self->history, "notify::modified", G_CALLBACK (on_history_modified), self);
  update_title (self);
  return self;
}

BmMap *
bm_document_get_map (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), NULL);
  return self->map;
}

BmHistory *
bm_document_get_history (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), NULL);
  return self->history;
}

GFile *
bm_document_get_file (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), NULL);
  return self->file;
}

const char *
bm_document_get_title (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), NULL);
  return self->title;
}

gboolean
bm_document_get_modified (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), FALSE);
  return self->restored || bm_history_is_modified (self->history);
}

gboolean
bm_document_is_pristine (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), FALSE);
  return self->file == NULL
      && !bm_document_get_modified (self)
      && !bm_history_can_undo (self->history)
      && bm_map_get_n_actors (self->map) == 0
      && bm_map_get_n_parties (self->map) == 0
      && bm_map_get_title (self->map) == NULL;
}

void
bm_document_adopt_recovery (BmDocument *self,
                            const char *slot)
{
  g_return_if_fail (BM_IS_DOCUMENT (self));

  g_free (self->slot);
  self->slot = g_strdup (slot);
  self->restored = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
}

const char *
bm_document_get_recovery_slot (BmDocument *self)
{
  g_return_val_if_fail (BM_IS_DOCUMENT (self), NULL);
  return self->slot;
}

static void
remove_recovery_copy (BmDocument *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->recovery != NULL && self->slot != NULL)
    bm_recovery_remove (self->recovery, self->slot);
  g_clear_pointer (&self->slot, g_free);
}

gboolean
bm_document_save (BmDocument  *self,
                  GFile       *file,
                  GError     **error)
{
  g_autofree char *display_name = NULL;
  gboolean was_modified;

  g_return_val_if_fail (BM_IS_DOCUMENT (self), FALSE);
  g_return_val_if_fail (file != NULL || self->file != NULL, FALSE);

  if (file == NULL)
    file = self->file;
  display_name = g_file_get_parse_name (file);
  if (!bm_map_save_file (self->map, file, display_name, error))
    return FALSE;

  was_modified = bm_document_get_modified (self);
  self->restored = FALSE;
  bm_history_mark_saved (self->history);
  if (self->file != file)
    {
      g_autoptr(GFile) old = self->file;

      self->file = g_object_ref (file);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
    }
  update_title (self);
  remove_recovery_copy (self);
  if (was_modified && !bm_history_is_modified (self->history))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
  return TRUE;
}

typedef struct
{
  BmDocument *self;
  char       *slot;
} RecoveryWrite;

static void
recovery_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  RecoveryWrite *write = data;
  BmDocument *self = write->self;
  g_autoptr(GError) error = NULL;

  if (!bm_recovery_write_finish (BM_RECOVERY (source), result, &error))
    g_warning ("Could not write the recovery copy: %s", error->message);
  /* Saved or discarded while the copy was being written: it is stale */
  if (g_strcmp0 (write->slot, self->slot) != 0)
    bm_recovery_remove (BM_RECOVERY (source), write->slot);
  g_object_unref (write->self);
  g_free (write->slot);
  g_free (write);
}

void
bm_document_write_recovery (BmDocument *self,
                            gboolean    wait)
{
  g_autofree char *path = NULL;
  RecoveryWrite *write;

  g_return_if_fail (BM_IS_DOCUMENT (self));

  g_clear_handle_id (&self->autosave_id, g_source_remove);
  if (self->recovery == NULL || self->discarded)
    return;
  if (!bm_document_get_modified (self))
    {
      remove_recovery_copy (self);
      return;
    }
  if (self->slot == NULL)
    self->slot = bm_recovery_new_slot (self->recovery);
  if (self->file != NULL)
    path = g_file_get_path (self->file);
  if (wait)
    {
      g_autoptr(GError) error = NULL;

      if (!bm_recovery_write (self->recovery, self->slot, self->map, path, self->title, &error))
        g_warning ("Could not write the recovery copy: %s", error->message);
      return;
    }
  write = g_new0 (RecoveryWrite, 1);
  write->self = g_object_ref (self);
  write->slot = g_strdup (self->slot);
  bm_recovery_write_async (self->recovery, self->slot, self->map, path, self->title,
                           NULL, recovery_written, write);
}

void
bm_document_discard_recovery (BmDocument *self)
{
  g_return_if_fail (BM_IS_DOCUMENT (self));

  remove_recovery_copy (self);
  self->discarded = TRUE;
}
