/* bm-history.h: the undo history of a map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BmHistory is bound to one BmMap for its whole life.  Every change the
 * editor makes to the map goes through the history: either through the
 * editing operations of bm-edit.h (what the UI normally calls) or through
 * the primitive edits below.  Each user action becomes one step that undo
 * reverts and redo re-applies, giving back a map that is bm_map_equal() to
 * the one before (model order included: undoing a removal puts the items
 * back at their original indices).
 *
 * Changing the map directly with the bm_map_* setters while a history is
 * bound to it is NOT supported: the history could no longer undo
 * correctly.  If it happens anyway, the history notices (through the map's
 * item signals), warns, forgets every step (can-undo and can-redo become
 * FALSE) and counts the document as modified.
 *
 * Steps
 *
 *   A primitive edit called outside any group is a step of its own.  Wrap a
 *   compound action in bm_history_begin_group() … bm_history_end_group() to
 *   make it one step; groups nest, the outermost one names the step.  A
 *   group in which nothing changed adds no step.  Every step is applied
 *   inside bm_map_begin_batch() … bm_map_end_batch(), so the map emits its
 *   item signals per item and "changed" once per step (also on undo/redo).
 *
 * Coalescing
 *
 *   Consecutive steps with the same non-NULL coalesce key merge into one
 *   while each follows the previous within the coalesce window (default
 *   1500 ms; 0 disables the time limit), until bm_history_break_coalescing()
 *   is called.  Undo, redo and bm_history_mark_saved() break coalescing too.
 *   Keys used by bm-edit.h: "move:<sorted actor ids>", "actor-name:<id>",
 *   "actor-note:<id>", "tie-note:<id>", "party-name:<id>",
 *   "party-color:<id>", "title", "description".  The canvas calls
 *   bm_history_break_coalescing() when a drag begins and when it ends; the
 *   inspector when a text field gains or loses focus.
 *
 * Saved state
 *
 *   bm_history_mark_saved() records that the current state is on disk.
 *   "modified" is FALSE exactly when the map is in that state: undoing back
 *   to it clears the flag, undoing or redoing away sets it.  When a new step
 *   is recorded after undoing past the saved state, that state can never be
 *   reached again and the document stays modified until the next save.
 *
 * Properties (all read-only, with notify):
 *   map         BmMap*    the bound map
 *   can-undo    gboolean
 *   can-redo    gboolean
 *   modified    gboolean
 *   undo-label  char*     "Undo Move Actors" / "Undo" (translated; for menus)
 *   redo-label  char*     "Redo Add Tie" / "Redo"
 */
#pragma once

#include <glib-object.h>

#include "bm-map.h"

G_BEGIN_DECLS

#define BM_TYPE_HISTORY (bm_history_get_type ())
G_DECLARE_FINAL_TYPE (BmHistory, bm_history, BM, HISTORY, GObject)

BmHistory  *bm_history_new          (BmMap      *map);
BmMap      *bm_history_get_map      (BmHistory  *self);

/* ---- undo / redo ---- */
gboolean    bm_history_can_undo     (BmHistory  *self);
gboolean    bm_history_can_redo     (BmHistory  *self);
/* Return FALSE when there is nothing to undo / redo (or a group is open) */
gboolean    bm_history_undo         (BmHistory  *self);
gboolean    bm_history_redo         (BmHistory  *self);
/* The step's name, translated, e.g. "Move Actors"; NULL when none */
const char *bm_history_get_undo_name (BmHistory *self);
const char *bm_history_get_redo_name (BmHistory *self);
/* "Undo Move Actors", or "Undo" when nothing can be undone; never NULL */
const char *bm_history_get_undo_label (BmHistory *self);
const char *bm_history_get_redo_label (BmHistory *self);
/* Number of steps on each stack (for tests and debugging) */
guint       bm_history_get_n_undo   (BmHistory  *self);
guint       bm_history_get_n_redo   (BmHistory  *self);
/* Forget every step (e.g. after a revert).  The saved state is kept only if
 * the map is in it now. */
void        bm_history_clear        (BmHistory  *self);

/* ---- saved state ---- */
void        bm_history_mark_saved   (BmHistory  *self);
gboolean    bm_history_is_modified  (BmHistory  *self);

/* ---- grouping and coalescing ---- */
/* @label: the step's translated name ("Arrange by Party"); NULL keeps the
 * name of the first edit made inside the group. */
void        bm_history_begin_group  (BmHistory  *self,
                                     const char *label);
/* Same, with a coalesce key (may be NULL) */
void        bm_history_begin_coalescing_group (BmHistory  *self,
                                               const char *label,
                                               const char *coalesce_key);
void        bm_history_end_group    (BmHistory  *self);
gboolean    bm_history_in_group     (BmHistory  *self);
void        bm_history_break_coalescing (BmHistory *self);
/* In milliseconds; 0 means no time limit */
void        bm_history_set_coalesce_window (BmHistory *self,
                                            guint      msec);
guint       bm_history_get_coalesce_window (BmHistory *self);

/* ---- primitive edits ----
 * They mirror the bm_map_* functions and record what they do.  Items passed
 * in are owned by the history afterwards.  An edit that changes nothing
 * (replacing an item by an equal copy, setting the same title) records
 * nothing.  Prefer the operations of bm-edit.h, which keep the model
 * consistent (names trimmed, levels following positions, …). */
void        bm_history_insert_party  (BmHistory *self, int index, BmParty *party);
void        bm_history_replace_party (BmHistory *self, BmParty *party);
/* Actors that name the party keep the reference: use bm_edit_remove_party() */
gboolean    bm_history_remove_party  (BmHistory *self, const char *id);

void        bm_history_insert_actor  (BmHistory *self, int index, BmActor *actor);
void        bm_history_replace_actor (BmHistory *self, BmActor *actor);
/* Position rounded; the level is NOT changed (see bm_edit_move_actors) */
void        bm_history_move_actor    (BmHistory *self, const char *id, double x, double y);
/* Removes the actor and, first, every tie that touches it */
gboolean    bm_history_remove_actor  (BmHistory *self, const char *id);

void        bm_history_insert_tie    (BmHistory *self, int index, BmTie *tie);
void        bm_history_replace_tie   (BmHistory *self, BmTie *tie);
gboolean    bm_history_remove_tie    (BmHistory *self, const char *id);

void        bm_history_set_title       (BmHistory *self, const char *title);
void        bm_history_set_description (BmHistory *self, const char *description);

G_END_DECLS
