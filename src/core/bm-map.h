/* bm-map.h: the Bridgemap document model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A BmMap holds parties, actors and ties in model order (load order, new
 * items appended) and indexes them by id.  Items are plain structs owned by
 * the map: read them freely, but change them only through the bm_map_*
 * functions, which keep the indexes right and emit the change signals the
 * editor subscribes to.  To change an item, copy it, edit the copy and pass
 * it to bm_map_replace_*().
 */
#pragma once

#include <glib-object.h>

#include "bm-types.h"

G_BEGIN_DECLS

/* Content in other namespaces, kept and written back (format.md) */
typedef struct
{
  char *prefix;   /* NULL for a default namespace declaration */
  char *href;
} BmNsDecl;

typedef struct
{
  char *prefix;   /* the prefix the attribute was written with */
  char *href;     /* its namespace */
  char *name;     /* local name */
  char *value;
} BmForeignAttr;

typedef struct
{
  GPtrArray *ns_decls;  /* BmNsDecl*, non-Bridgemap declarations on the element */
  GPtrArray *attrs;     /* BmForeignAttr*, in original order */
  GPtrArray *children;  /* char*, each foreign child element serialised unformatted */
} BmExtra;

BmExtra  *bm_extra_new      (void);
BmExtra  *bm_extra_copy     (const BmExtra *extra);
void      bm_extra_free     (BmExtra *extra);
gboolean  bm_extra_is_empty (const BmExtra *extra);
gboolean  bm_extra_equal    (const BmExtra *a, const BmExtra *b);
void      bm_extra_add_ns_decl (BmExtra *extra, const char *prefix, const char *href);
void      bm_extra_add_attr    (BmExtra *extra, const char *prefix, const char *href,
                                const char *name, const char *value);
void      bm_extra_add_child   (BmExtra *extra, const char *xml);

typedef struct
{
  char     *id;
  char     *name;
  gboolean  has_color;
  guint32   color;       /* 0xRRGGBB */
  BmExtra  *extra;       /* may be NULL */
} BmParty;

typedef struct
{
  char        *id;
  char        *name;
  BmActorKind  kind;
  char        *party;      /* party id, NULL for a third party */
  BmLevel      level;
  BmTrack      track;
  BmSector     sector;     /* BM_SECTOR_NONE when absent */
  int          influence;  /* 1 … 5 */
  gboolean     has_position;
  double       x, y;       /* centre in map units, rounded to 0.01 */
  char        *note;       /* NULL when absent */
  BmExtra     *extra;      /* may be NULL */
  BmExtra     *note_extra; /* foreign attributes of <note>, may be NULL */
} BmActor;

typedef struct
{
  char      *id;
  char      *from;
  char      *to;
  BmTieKind  kind;
  int        strength;   /* 1 … 3 */
  char      *note;
  BmExtra   *extra;
  BmExtra   *note_extra;
} BmTie;

BmParty *bm_party_new   (const char *id, const char *name);
BmParty *bm_party_copy  (const BmParty *party);
void     bm_party_free  (BmParty *party);
gboolean bm_party_equal (const BmParty *a, const BmParty *b);

/* kind organization, influence 3, no party, no sector, no position */
BmActor *bm_actor_new   (const char *id, const char *name, BmLevel level, BmTrack track);
BmActor *bm_actor_copy  (const BmActor *actor);
void     bm_actor_free  (BmActor *actor);
gboolean bm_actor_equal (const BmActor *a, const BmActor *b);
/* Sets the position rounded to 0.01 and has_position */
void     bm_actor_set_position (BmActor *actor, double x, double y);

/* strength 2 */
BmTie   *bm_tie_new   (const char *id, const char *from, const char *to, BmTieKind kind);
BmTie   *bm_tie_copy  (const BmTie *tie);
void     bm_tie_free  (BmTie *tie);
gboolean bm_tie_equal (const BmTie *a, const BmTie *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmParty, bm_party_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmActor, bm_actor_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmTie, bm_tie_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmExtra, bm_extra_free)

/* Where a foreign element sits among the root's children and sections */
typedef enum
{
  BM_EXTRA_ROOT,         /* the <bridgemap> element itself */
  BM_EXTRA_META,
  BM_EXTRA_TITLE,
  BM_EXTRA_DESCRIPTION,
  BM_EXTRA_PARTIES,
  BM_EXTRA_ACTORS,
  BM_EXTRA_TIES,
  BM_N_EXTRA_SLOTS
} BmExtraSlot;

#define BM_TYPE_MAP (bm_map_get_type ())
G_DECLARE_FINAL_TYPE (BmMap, bm_map, BM, MAP, GObject)

BmMap          *bm_map_new             (void);
BmMap          *bm_map_copy            (BmMap *self);
gboolean        bm_map_equal           (BmMap *a, BmMap *b);

/* Meta; NULL when absent ("" is stored as NULL) */
const char     *bm_map_get_title       (BmMap *self);
void            bm_map_set_title       (BmMap *self, const char *title);
const char     *bm_map_get_description (BmMap *self);
void            bm_map_set_description (BmMap *self, const char *description);

/* Foreign content on the root and on the section elements; never NULL */
BmExtra        *bm_map_get_extra       (BmMap *self, BmExtraSlot slot);

/* Parties */
guint           bm_map_get_n_parties   (BmMap *self);
const BmParty  *bm_map_get_party       (BmMap *self, guint index);
const BmParty  *bm_map_lookup_party    (BmMap *self, const char *id);
int             bm_map_party_index     (BmMap *self, const char *id);
/* Takes ownership. @index -1 appends. The id must be free. */
void            bm_map_insert_party    (BmMap *self, int index, BmParty *party);
/* Takes ownership of @party; its id must equal @id's */
void            bm_map_replace_party   (BmMap *self, BmParty *party);
/* Actors of the party keep the reference; the caller decides (see
 * bm_map_remove_party_full). Returns FALSE if absent. */
gboolean        bm_map_remove_party    (BmMap *self, const char *id);

/* Actors */
guint           bm_map_get_n_actors    (BmMap *self);
const BmActor  *bm_map_get_actor       (BmMap *self, guint index);
const BmActor  *bm_map_lookup_actor    (BmMap *self, const char *id);
int             bm_map_actor_index     (BmMap *self, const char *id);
void            bm_map_insert_actor    (BmMap *self, int index, BmActor *actor);
void            bm_map_replace_actor   (BmMap *self, BmActor *actor);
/* Moves an actor (position rounded), emitting actor-changed */
void            bm_map_move_actor      (BmMap *self, const char *id, double x, double y);
/* Removes the actor and every tie that touches it (tie-removed is emitted
 * for each tie first). */
gboolean        bm_map_remove_actor    (BmMap *self, const char *id);

/* Ties */
guint           bm_map_get_n_ties      (BmMap *self);
const BmTie    *bm_map_get_tie         (BmMap *self, guint index);
const BmTie    *bm_map_lookup_tie      (BmMap *self, const char *id);
int             bm_map_tie_index       (BmMap *self, const char *id);
void            bm_map_insert_tie      (BmMap *self, int index, BmTie *tie);
void            bm_map_replace_tie     (BmMap *self, BmTie *tie);
gboolean        bm_map_remove_tie      (BmMap *self, const char *id);

/* TRUE when any item (party, actor or tie) has this id */
gboolean        bm_map_has_id          (BmMap *self, const char *id);
/* A fresh id "<prefix><n>" not used by any item */
char           *bm_map_new_id          (BmMap *self, const char *prefix);

/* Batching: signals are still emitted per item, but "changed" only once at
 * the end of the outermost batch. */
void            bm_map_begin_batch     (BmMap *self);
void            bm_map_end_batch       (BmMap *self);

/* Signals (all carry the item's id as a string):
 *   party-added, party-removed, party-changed,
 *   actor-added, actor-removed, actor-changed,
 *   tie-added,   tie-removed,   tie-changed,
 *   meta-changed (no argument),
 *   changed (no argument): after any change (once per batch).
 * "-removed" is emitted after the item left the map. */

G_END_DECLS
