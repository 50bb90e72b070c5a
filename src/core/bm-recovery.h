/* bm-recovery.h: crash-safety copies of unsaved maps
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Storage only; the UI decides when to write (e.g. 3 s after the last
 * change) and what to offer.  Layout of the recovery folder (by default
 * g_get_user_state_dir()/io.github.bridgemap.Bridgemap/recovery):
 *
 *   SLOT.bridgemap   the copy, written with the safe save path
 *   SLOT.ini         [Recovery] original-path, display-name, saved-at
 *   session          present while a session runs (clean-shutdown marker)
 *
 * A copy is never written over the document's real file.  Each open
 * document has a slot: a short unique name made by bm_recovery_new_slot()
 * the first time it needs a copy.  Remove the slot when the document is
 * saved or its changes are discarded (closing without saving).
 *
 * At start-up: bm_recovery_begin_session() says whether the previous
 * session ended without bm_recovery_end_session() (a crash, a power cut);
 * bm_recovery_list() gives the copies to offer.  Restoring loads the copy
 * and hands its slot to the restored document (keep writing to it; remove
 * it when that document is saved or discarded).
 */
#pragma once

#include <gio/gio.h>

#include "bm-map.h"

G_BEGIN_DECLS

typedef struct
{
  char      *slot;           /* the slot name */
  char      *original_path;  /* the document's file; NULL for a new map */
  char      *display_name;   /* what the window called it ("Untitled map", "haiti.bridgemap") */
  GDateTime *saved_at;       /* when the copy was written (local time) */
  GFile     *file;           /* the copy */
} BmRecoveredMap;

void bm_recovered_map_free (BmRecoveredMap *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmRecoveredMap, bm_recovered_map_free)

#define BM_TYPE_RECOVERY (bm_recovery_get_type ())
G_DECLARE_FINAL_TYPE (BmRecovery, bm_recovery, BM, RECOVERY, GObject)

/* @dir: the recovery folder; NULL for the default above.  The folder is
 * created (mode 0700) when first written. */
BmRecovery *bm_recovery_new            (const char   *dir);
const char *bm_recovery_get_dir        (BmRecovery   *self);

/* Clean-shutdown marker.  begin: returns TRUE when the previous session did
 * not end cleanly (its marker is still there), then writes the marker (if
 * that fails, @error is set; the return value still tells about the
 * previous session).  end: removes it; call it on a normal quit, after
 * every document was saved or discarded. */
gboolean    bm_recovery_begin_session  (BmRecovery   *self,
                                        GError      **error);
void        bm_recovery_end_session    (BmRecovery   *self);

/* A fresh slot name (unique, not yet used in the folder); no file is made */
char       *bm_recovery_new_slot       (BmRecovery   *self);

/* Writes the slot's copy of @map (serialised now, in the calling thread)
 * and its sidecar.  @original_path may be NULL.  On failure the previous
 * copy, if any, is intact. */
gboolean    bm_recovery_write          (BmRecovery   *self,
                                        const char   *slot,
                                        BmMap        *map,
                                        const char   *original_path,
                                        const char   *display_name,
                                        GError      **error);
/* Same with serialised bytes; safe to call from a worker thread */
gboolean    bm_recovery_write_bytes    (BmRecovery   *self,
                                        const char   *slot,
                                        GBytes       *data,
                                        const char   *original_path,
                                        const char   *display_name,
                                        GError      **error);
/* Serialises @map now, writes in a worker thread.  Don't start a second
 * write of the same slot before the first has finished. */
void        bm_recovery_write_async    (BmRecovery          *self,
                                        const char          *slot,
                                        BmMap               *map,
                                        const char          *original_path,
                                        const char          *display_name,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
gboolean    bm_recovery_write_finish   (BmRecovery   *self,
                                        GAsyncResult *result,
                                        GError      **error);

/* Deletes the slot's files (saved or discarded); missing files are fine */
void        bm_recovery_remove         (BmRecovery   *self,
                                        const char   *slot);

/* The copies in the folder, newest first: GPtrArray of BmRecoveredMap
 * (never NULL).  A copy whose sidecar is missing or unreadable is still
 * listed ("Unsaved map", the file's time); a sidecar without a copy is
 * not. */
GPtrArray  *bm_recovery_list           (BmRecovery   *self);

/* Loads a listed copy.  The slot stays; NULL and @error when the copy is
 * unreadable. */
BmMap      *bm_recovery_restore        (BmRecovery           *self,
                                        const BmRecoveredMap *item,
                                        GError              **error);
/* Same as bm_recovery_remove (item->slot) */
void        bm_recovery_discard        (BmRecovery           *self,
                                        const BmRecoveredMap *item);

G_END_DECLS
