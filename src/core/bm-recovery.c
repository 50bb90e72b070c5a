/* bm-recovery.c: crash-safety copies of unsaved maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bm-map-io.h"
#include "bm-recovery.h"

#define SESSION_FILE    "session"
#define COPY_SUFFIX     ".bridgemap"
#define SIDECAR_SUFFIX  ".ini"
#define SIDECAR_GROUP   "Recovery"
#define MAX_SLOT_LENGTH 64

struct _BmRecovery
{
  GObject parent_instance;

  char *dir;   /* immutable after construction: safe to read from threads */
};

G_DEFINE_FINAL_TYPE (BmRecovery, bm_recovery, G_TYPE_OBJECT)

void
bm_recovered_map_free (BmRecoveredMap *item)
{
  if (item == NULL)
    return;
  g_free (item->slot);
  g_free (item->original_path);
  g_free (item->display_name);
  g_clear_pointer (&item->saved_at, g_date_time_unref);
  g_clear_object (&item->file);
  g_free (item);
}

static void
bm_recovery_finalize (GObject *object)
{
  BmRecovery *self = BM_RECOVERY (object);

  g_free (self->dir);

  G_OBJECT_CLASS (bm_recovery_parent_class)->finalize (object);
}

static void
bm_recovery_class_init (BmRecoveryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bm_recovery_finalize;
}

static void
bm_recovery_init (BmRecovery *self)
{
}

BmRecovery *
bm_recovery_new (const char *dir)
{
  BmRecovery *self = g_object_new (BM_TYPE_RECOVERY, NULL);

  if (dir != NULL)
    self->dir = g_strdup (dir);
  else
    self->dir = g_build_filename (g_get_user_state_dir (), APP_ID, "recovery", NULL);
  return self;
}

const char *
bm_recovery_get_dir (BmRecovery *self)
{
  g_return_val_if_fail (BM_IS_RECOVERY (self), NULL);
  return self->dir;
}

/* Slot names become file names: keep them to a safe alphabet */
static gboolean
slot_is_valid (const char *slot)
{
  gsize n;

  if (slot == NULL || slot[0] == '\0')
    return FALSE;
  for (n = 0; slot[n] != '\0'; n++)
    if (!g_ascii_isalnum (slot[n]) && slot[n] != '-' && slot[n] != '_')
      return FALSE;
  return n <= MAX_SLOT_LENGTH;
}

static char *
slot_path (BmRecovery *self, const char *slot, const char *suffix)
{
  g_autofree char *name = g_strconcat (slot, suffix, NULL);

  return g_build_filename (self->dir, name, NULL);
}

static gboolean
ensure_dir (BmRecovery *self, GError **error)
{
  if (g_mkdir_with_parents (self->dir, 0700) != 0)
    {
      int saved_errno = errno;
      /* Translators: %s is a folder, the second %s why it failed */
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("%s: the folder for recovery copies could not be made: %s"),
                   self->dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* ---- session marker ------------------------------------------------------ */

gboolean
bm_recovery_begin_session (BmRecovery  *self,
                           GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gboolean unclean;

  g_return_val_if_fail (BM_IS_RECOVERY (self), FALSE);

  path = g_build_filename (self->dir, SESSION_FILE, NULL);
  unclean = g_file_test (path, G_FILE_TEST_EXISTS);
  if (!ensure_dir (self, error))
    return unclean;
  contents = g_strdup_printf ("[Session]\npid=%ld\n", (long) getpid ());
  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return unclean;
  return unclean;
}

void
bm_recovery_end_session (BmRecovery *self)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BM_IS_RECOVERY (self));

  path = g_build_filename (self->dir, SESSION_FILE, NULL);
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
}

/* ---- writing -------------------------------------------------------------- */

char *
bm_recovery_new_slot (BmRecovery *self)
{
  g_return_val_if_fail (BM_IS_RECOVERY (self), NULL);

  for (;;)
    {
      g_autofree char *slot = g_uuid_string_random ();
      g_autofree char *copy = slot_path (self, slot, COPY_SUFFIX);
      g_autofree char *sidecar = slot_path (self, slot, SIDECAR_SUFFIX);

      if (!g_file_test (copy, G_FILE_TEST_EXISTS) && !g_file_test (sidecar, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&slot);
    }
}

static gboolean
write_sidecar (BmRecovery  *self,
               const char  *slot,
               const char  *original_path,
               const char  *display_name,
               GError     **error)
{
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *saved_at = g_date_time_format_iso8601 (now);
  g_autofree char *path = slot_path (self, slot, SIDECAR_SUFFIX);
  g_autofree char *data = NULL;
  gsize length;

  if (original_path != NULL)
    {
      /* A URI keeps any file name bytes in a UTF-8 key file */
      g_autofree char *uri = g_filename_to_uri (original_path, NULL, NULL);
      if (uri != NULL)
        g_key_file_set_string (key_file, SIDECAR_GROUP, "original-uri", uri);
    }
  if (display_name != NULL)
    {
      g_autofree char *valid = g_utf8_make_valid (display_name, -1);
      g_key_file_set_string (key_file, SIDECAR_GROUP, "display-name", valid);
    }
  g_key_file_set_string (key_file, SIDECAR_GROUP, "saved-at", saved_at);

  data = g_key_file_to_data (key_file, &length, NULL);
  return g_file_set_contents_full (path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

gboolean
bm_recovery_write_bytes (BmRecovery   *self,
                         const char   *slot,
                         GBytes       *data,
                         const char   *original_path,
                         const char   *display_name,
                         GError      **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  gconstpointer bytes;
  gsize length;

  g_return_val_if_fail (BM_IS_RECOVERY (self), FALSE);
  g_return_val_if_fail (slot_is_valid (slot), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!ensure_dir (self, error))
    return FALSE;

  path = slot_path (self, slot, COPY_SUFFIX);
  /* Never over the document itself, whatever the caller's folders are */
  if (original_path != NULL)
    {
      g_autoptr(GFile) a = g_file_new_for_path (path);
      g_autoptr(GFile) b = g_file_new_for_path (original_path);
      g_return_val_if_fail (!g_file_equal (a, b), FALSE);
    }

  file = g_file_new_for_path (path);
  bytes = g_bytes_get_data (data, &length);
  if (!bm_write_file_safely (file, path, bytes, length, error))
    return FALSE;
  return write_sidecar (self, slot, original_path, display_name, error);
}

gboolean
bm_recovery_write (BmRecovery  *self,
                   const char  *slot,
                   BmMap       *map,
                   const char  *original_path,
                   const char  *display_name,
                   GError     **error)
{
  g_autoptr(GBytes) data = NULL;

  g_return_val_if_fail (BM_IS_RECOVERY (self), FALSE);
  g_return_val_if_fail (BM_IS_MAP (map), FALSE);

  data = bm_map_serialize (map);
  return bm_recovery_write_bytes (self, slot, data, original_path, display_name, error);
}

typedef struct
{
  char   *slot;
  GBytes *data;
  char   *original_path;
  char   *display_name;
} WriteJob;

static void
write_job_free (gpointer data)
{
  WriteJob *job = data;

  g_free (job->slot);
  g_bytes_unref (job->data);
  g_free (job->original_path);
  g_free (job->display_name);
  g_free (job);
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (bm_recovery_write_bytes (source_object, job->slot, job->data,
                               job->original_path, job->display_name, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
bm_recovery_write_async (BmRecovery          *self,
                         const char          *slot,
                         BmMap               *map,
                         const char          *original_path,
                         const char          *display_name,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  WriteJob *job;

  g_return_if_fail (BM_IS_RECOVERY (self));
  g_return_if_fail (slot_is_valid (slot));
  g_return_if_fail (BM_IS_MAP (map));

  job = g_new0 (WriteJob, 1);
  job->slot = g_strdup (slot);
  job->data = bm_map_serialize (map);
  job->original_path = g_strdup (original_path);
  job->display_name = g_strdup (display_name);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bm_recovery_write_async);
  g_task_set_task_data (task, job, write_job_free);
  g_task_run_in_thread (task, write_in_thread);
}

gboolean
bm_recovery_write_finish (BmRecovery    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (BM_IS_RECOVERY (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
bm_recovery_remove (BmRecovery *self,
                    const char *slot)
{
  static const char *suffixes[] = { SIDECAR_SUFFIX, COPY_SUFFIX };

  g_return_if_fail (BM_IS_RECOVERY (self));
  g_return_if_fail (slot_is_valid (slot));

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = slot_path (self, slot, suffixes[i]);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
    }
}

/* ---- listing and restoring ------------------------------------------------ */

static BmRecoveredMap *
read_entry (BmRecovery *self, const char *slot)
{
  g_autoptr(BmRecoveredMap) item = g_new0 (BmRecoveredMap, 1);
  g_autofree char *copy = slot_path (self, slot, COPY_SUFFIX);
  g_autofree char *sidecar = slot_path (self, slot, SIDECAR_SUFFIX);
  g_autoptr(GKeyFile) key_file = g_key_file_new ();
  GStatBuf st;

  if (g_stat (copy, &st) != 0 || !S_ISREG (st.st_mode))
    return NULL;

  item->slot = g_strdup (slot);
  item->file = g_file_new_for_path (copy);

  /* Without a readable sidecar the copy is still offered: losing work to a
   * missing note about it would be the worst outcome */
  if (g_key_file_load_from_file (key_file, sidecar, G_KEY_FILE_NONE, NULL))
    {
      g_autofree char *uri = g_key_file_get_string (key_file, SIDECAR_GROUP, "original-uri", NULL);
      g_autofree char *saved_at = g_key_file_get_string (key_file, SIDECAR_GROUP, "saved-at", NULL);

      if (uri != NULL)
        item->original_path = g_filename_from_uri (uri, NULL, NULL);
      item->display_name = g_key_file_get_string (key_file, SIDECAR_GROUP, "display-name", NULL);
      if (saved_at != NULL)
        {
          g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (saved_at, NULL);
          if (utc != NULL)
            item->saved_at = g_date_time_to_local (utc);
        }
    }
  if (item->display_name == NULL)
    {
      if (item->original_path != NULL)
        item->display_name = g_filename_display_basename (item->original_path);
      else
        item->display_name = g_strdup (_("Unsaved map"));
    }
  if (item->saved_at == NULL)
    item->saved_at = g_date_time_new_from_unix_local (st.st_mtime);

  return g_steal_pointer (&item);
}

static int
compare_newest_first (gconstpointer pa, gconstpointer pb)
{
  const BmRecoveredMap *a = *(const BmRecoveredMap * const *) pa;
  const BmRecoveredMap *b = *(const BmRecoveredMap * const *) pb;
  int cmp = g_date_time_compare (b->saved_at, a->saved_at);

  return cmp != 0 ? cmp : strcmp (a->slot, b->slot);
}

GPtrArray *
bm_recovery_list (BmRecovery *self)
{
  GPtrArray *items;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (BM_IS_RECOVERY (self), NULL);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_recovered_map_free);
  dir = g_dir_open (self->dir, 0, NULL);
  if (dir == NULL)
    return items;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *slot = NULL;
      BmRecoveredMap *item;

      if (!g_str_has_suffix (name, COPY_SUFFIX))
        continue;
      slot = g_strndup (name, strlen (name) - strlen (COPY_SUFFIX));
      if (!slot_is_valid (slot))
        continue;
      if ((item = read_entry (self, slot)) != NULL)
        g_ptr_array_add (items, item);
    }
  g_ptr_array_sort (items, compare_newest_first);
  return items;
}

BmMap *
bm_recovery_restore (BmRecovery            *self,
                     const BmRecoveredMap  *item,
                     GError               **error)
{
  g_return_val_if_fail (BM_IS_RECOVERY (self), NULL);
  g_return_val_if_fail (item != NULL && G_IS_FILE (item->file), NULL);

  return bm_map_load_file (item->file, g_file_peek_path (item->file), error);
}

void
bm_recovery_discard (BmRecovery           *self,
                     const BmRecoveredMap *item)
{
  g_return_if_fail (BM_IS_RECOVERY (self));
  g_return_if_fail (item != NULL);

  bm_recovery_remove (self, item->slot);
}
