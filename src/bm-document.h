/* bm-document.h: one open map with its history, file and recovery copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The editor's state for one map, without widgets: the BmMap, the
 * BmHistory every edit goes through, the file it was read from or saved
 * to, whether it has unsaved changes, and its crash-recovery copy (written
 * a few seconds after a change, never over the real file).
 *
 * Properties (read-only, notify): map, history, file, title, modified.
 */
#pragma once

#include <gio/gio.h>

#include "bm-history.h"
#include "bm-map.h"
#include "bm-recovery.h"

G_BEGIN_DECLS

/* Seconds between a change and the recovery copy */
#define BM_DOCUMENT_AUTOSAVE_DELAY 3

#define BM_TYPE_DOCUMENT (bm_document_get_type ())
G_DECLARE_FINAL_TYPE (BmDocument, bm_document, BM, DOCUMENT, GObject)

/* @map: taken (NULL for a new empty map); @file: where it came from, or
 * NULL; @recovery: where copies go (may be NULL: no copies) */
BmDocument *bm_document_new            (BmMap       *map,
                                        GFile       *file,
                                        BmRecovery  *recovery);

BmMap      *bm_document_get_map        (BmDocument  *self);
BmHistory  *bm_document_get_history    (BmDocument  *self);
GFile      *bm_document_get_file       (BmDocument  *self);
/* The map's title, else the file's name, else "Untitled Map" */
const char *bm_document_get_title      (BmDocument  *self);
gboolean    bm_document_get_modified   (BmDocument  *self);
/* A new map nobody has touched: no file, no changes, no content */
gboolean    bm_document_is_pristine    (BmDocument  *self);

/* Restored from a recovery copy: keeps writing to @slot, counts as
 * modified until saved */
void        bm_document_adopt_recovery (BmDocument  *self,
                                        const char  *slot);
const char *bm_document_get_recovery_slot (BmDocument *self);

/* Saves to @file (NULL: the document's file).  On success the document
 * is unmodified, takes @file as its file and drops its recovery copy; on
 * failure nothing changes and @error says why. */
gboolean    bm_document_save           (BmDocument  *self,
                                        GFile       *file,
                                        GError     **error);

/* Writes the recovery copy now if there are unsaved changes (otherwise
 * removes it); normally done by a timer after each change.  With @wait
 * the copy is on disk on return, else it is written in a thread. */
void        bm_document_write_recovery (BmDocument  *self,
                                        gboolean     wait);
/* The user closed without saving: remove the copy, stop writing */
void        bm_document_discard_recovery (BmDocument *self);

G_END_DECLS
