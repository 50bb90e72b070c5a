/* bm-inspector.h: the side panel that edits what is selected
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With one actor selected it edits the actor's fields, with one tie the
 * tie's, with several items what they share (level, track, party), and
 * with nothing selected the map's title, description and parties.  Every
 * change applies at once as an undoable step of the history; typing in a
 * text field is coalesced into one step.
 *
 * Signals:
 *   editing-done (): Enter in the actor's name; the window gives the
 *       keyboard back to the canvas
 *   select-item (const char *actor_id, const char *tie_id): one of the
 *       two is set; the user went from an actor to one of its ties (or a
 *       tie just added), or from a tie to one of its ends
 */
#pragma once

#include <gtk/gtk.h>

#include "bm-history.h"
#include "bm-map.h"

G_BEGIN_DECLS

#define BM_TYPE_INSPECTOR (bm_inspector_get_type ())
G_DECLARE_FINAL_TYPE (BmInspector, bm_inspector, BM, INSPECTOR, GtkWidget)

GtkWidget  *bm_inspector_new            (void);

/* Both NULL: nothing to edit */
void        bm_inspector_set_document   (BmInspector        *self,
                                         BmMap              *map,
                                         BmHistory          *history);
void        bm_inspector_set_selection  (BmInspector        *self,
                                         const char * const *actor_ids,
                                         const char * const *tie_ids);
/* "map", "actor", "tie" or "multi" */
const char *bm_inspector_get_page       (BmInspector        *self);

/* Puts the keyboard in the actor's name, its text selected */
void        bm_inspector_focus_name     (BmInspector        *self);

/* Asks what to do with the party's actors (when it has any), then removes
 * it; the same as the party row's remove button */
void        bm_inspector_remove_party   (BmInspector        *self,
                                         const char         *party_id);
/* Asks for a name, then adds a party with a fresh colour; when @actor_id
 * is not NULL the actor joins it (one undo step) */
void        bm_inspector_new_party      (BmInspector        *self,
                                         const char         *actor_id);

G_END_DECLS
