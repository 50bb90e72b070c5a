/* bm-edit.h: the editing operations of the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each function is one undoable step of @history (see bm-history.h), named
 * for the Undo menu ("Undo Add Actor").  Called inside an open
 * bm_history_begin_group() it becomes part of that group's step instead.
 * A call that would change nothing records nothing and returns FALSE (or
 * NULL).  They keep the model valid for saving:
 *
 *   - an actor's level always follows its position: moving it into another
 *     band changes its level, and y is kept inside the pyramid
 *     (0 ≤ y < 900) so the file reloads identically;
 *   - names are trimmed of surrounding white space and never empty;
 *   - ties never join an actor to itself and always join existing actors;
 *   - no actor names a party that does not exist.
 *
 * Id arrays are NULL-terminated; NULL means empty.  Ids that don't exist are
 * skipped.  Ids are only read during the call; keep your own copies between
 * calls (an item's strings, actor->id included, are freed when the item is
 * replaced by an edit or an undo).
 */
#pragma once

#include "bm-history.h"

G_BEGIN_DECLS

/* ---- actors ---- */

/* A new actor centred at (@x, @y) in map units, named "New actor"
 * (translated), Track 2, no party, kind organization, influence 3; its
 * level is the band holding @y.  Returns its fresh id. */
char     *bm_edit_add_actor        (BmHistory          *history,
                                    double              x,
                                    double              y);

/* Moves the actors by (@dx, @dy); coalesce key "move:<sorted ids>", so the
 * motion steps of one drag are one undo step.  Actors without a position
 * are left alone (use bm_edit_move_actors_to with the drawn positions). */
gboolean  bm_edit_move_actors      (BmHistory          *history,
                                    const char * const *actor_ids,
                                    double              dx,
                                    double              dy);
/* Puts each actor ids[i] at (xy[2i], xy[2i+1]); same key as above.  The
 * canvas can remember where a drag began and pass start + offset at each
 * motion, which avoids accumulating rounding. */
gboolean  bm_edit_move_actors_to   (BmHistory          *history,
                                    const char * const *actor_ids,
                                    const double       *xy);

/* Replaces an actor by @actor (taken; same id) as one step named @label
 * (NULL: "Edit Actor"), coalescing with @coalesce_key (may be NULL).  Name
 * trimmed; an empty name, a dangling party or an unknown id is refused
 * (returns FALSE, @actor freed). */
gboolean  bm_edit_update_actor     (BmHistory          *history,
                                    BmActor            *actor,
                                    const char         *label,
                                    const char         *coalesce_key);

/* Field setters for the inspector */
gboolean  bm_edit_set_actor_name      (BmHistory *history, const char *id, const char *name);
gboolean  bm_edit_set_actor_kind      (BmHistory *history, const char *id, BmActorKind kind);
/* @party: a party id, or NULL for a third party */
gboolean  bm_edit_set_actor_party     (BmHistory *history, const char *id, const char *party);
/* Changing the level moves a placed actor into the new band by whole band
 * heights (same place within the band) */
gboolean  bm_edit_set_actor_level     (BmHistory *history, const char *id, BmLevel level);
gboolean  bm_edit_set_actor_track     (BmHistory *history, const char *id, BmTrack track);
gboolean  bm_edit_set_actor_sector    (BmHistory *history, const char *id, BmSector sector);
/* 1 … 5 */
gboolean  bm_edit_set_actor_influence (BmHistory *history, const char *id, int influence);
/* "" or NULL removes the note */
gboolean  bm_edit_set_actor_note      (BmHistory *history, const char *id, const char *note);

/* Puts the actors on Track 1.5 (party and level unchanged), one step
 * "Make Track 1.5 Bridge" */
gboolean  bm_edit_make_bridge      (BmHistory          *history,
                                    const char * const *actor_ids);

/* ---- ties ---- */

/* A channel tie (strength 2) from @from to @to; NULL when @from == @to or
 * either actor is missing.  Returns the fresh id. */
char     *bm_edit_add_tie          (BmHistory          *history,
                                    const char         *from,
                                    const char         *to);
char     *bm_edit_add_tie_with_kind (BmHistory         *history,
                                     const char        *from,
                                     const char        *to,
                                     BmTieKind          kind);
/* Replaces a tie (taken; same id); refused like bm_edit_update_actor */
gboolean  bm_edit_update_tie       (BmHistory          *history,
                                    BmTie              *tie,
                                    const char         *label,
                                    const char         *coalesce_key);
gboolean  bm_edit_set_tie_kind     (BmHistory *history, const char *id, BmTieKind kind);
/* 1 … 3 */
gboolean  bm_edit_set_tie_strength (BmHistory *history, const char *id, int strength);
gboolean  bm_edit_set_tie_note     (BmHistory *history, const char *id, const char *note);
/* Swaps from and to */
gboolean  bm_edit_reverse_tie      (BmHistory *history, const char *id);

/* ---- selection ---- */

/* Deletes the actors (with every tie touching them) and the ties, one step
 * "Delete".  Undo restores them at their original places in model order. */
gboolean  bm_edit_delete           (BmHistory          *history,
                                    const char * const *actor_ids,
                                    const char * const *tie_ids);

/* ---- parties ---- */

/* A new party (fresh id) appended; @has_color / @color (0xRRGGBB) */
char     *bm_edit_add_party        (BmHistory          *history,
                                    const char         *name,
                                    gboolean            has_color,
                                    guint32             color);
gboolean  bm_edit_rename_party     (BmHistory          *history,
                                    const char         *id,
                                    const char         *name);
/* @has_color FALSE removes the colour */
gboolean  bm_edit_set_party_color  (BmHistory          *history,
                                    const char         *id,
                                    gboolean            has_color,
                                    guint32             color);
/* Removes the party.  Its actors move to the party @reassign_to (an
 * existing other party), or become third parties when it is NULL.  One
 * step "Remove Party".  Returns FALSE (nothing done) when @id is unknown or
 * @reassign_to is invalid. */
gboolean  bm_edit_remove_party     (BmHistory          *history,
                                    const char         *id,
                                    const char         *reassign_to);
/* Number of actors of the party (to word the removal question) */
guint     bm_edit_count_party_actors (BmMap            *map,
                                      const char       *id);

/* ---- meta ---- */
gboolean  bm_edit_set_title        (BmHistory *history, const char *title);
gboolean  bm_edit_set_description  (BmHistory *history, const char *description);

/* ---- arrange ----
 * Both give every actor a position inside its own level's band, on a grid
 * with no two actors closer than BM_ARRANGE_MIN_DISTANCE, deterministically
 * (the same map always gives the same positions), as one step.
 *
 * By party: one column per party, in model order, the first half on the
 * left, third parties (no party) in the middle, the rest on the right.
 * Within a column and band: by track, then name, then id.
 *
 * By track: four lanes left to right, Track 1 | 1.5 | 2 | 3.  Within a lane
 * and band: by party (model order, third parties last), then name, then id.
 */
#define BM_ARRANGE_MIN_DISTANCE 70.0
gboolean  bm_edit_arrange_by_party (BmHistory *history);
gboolean  bm_edit_arrange_by_track (BmHistory *history);

G_END_DECLS
