/* bm-map.c: the Bridgemap document model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "bm-map.h"

/* ---- foreign content ---------------------------------------------------- */

static void
ns_decl_free (gpointer data)
{
  BmNsDecl *d = data;
  g_free (d->prefix);
  g_free (d->href);
  g_free (d);
}

static void
foreign_attr_free (gpointer data)
{
  BmForeignAttr *a = data;
  g_free (a->prefix);
  g_free (a->href);
  g_free (a->name);
  g_free (a->value);
  g_free (a);
}

BmExtra *
bm_extra_new (void)
{
  BmExtra *extra = g_new0 (BmExtra, 1);
  extra->ns_decls = g_ptr_array_new_with_free_func (ns_decl_free);
  extra->attrs = g_ptr_array_new_with_free_func (foreign_attr_free);
  extra->children = g_ptr_array_new_with_free_func (g_free);
  return extra;
}

void
bm_extra_free (BmExtra *extra)
{
  if (extra == NULL)
    return;
  g_ptr_array_unref (extra->ns_decls);
  g_ptr_array_unref (extra->attrs);
  g_ptr_array_unref (extra->children);
  g_free (extra);
}

void
bm_extra_add_ns_decl (BmExtra *extra, const char *prefix, const char *href)
{
  BmNsDecl *d = g_new0 (BmNsDecl, 1);
  d->prefix = g_strdup (prefix);
  d->href = g_strdup (href);
  g_ptr_array_add (extra->ns_decls, d);
}

void
bm_extra_add_attr (BmExtra *extra, const char *prefix, const char *href,
                   const char *name, const char *value)
{
  BmForeignAttr *a = g_new0 (BmForeignAttr, 1);
  a->prefix = g_strdup (prefix);
  a->href = g_strdup (href);
  a->name = g_strdup (name);
  a->value = g_strdup (value);
  g_ptr_array_add (extra->attrs, a);
}

void
bm_extra_add_child (BmExtra *extra, const char *xml)
{
  g_ptr_array_add (extra->children, g_strdup (xml));
}

BmExtra *
bm_extra_copy (const BmExtra *extra)
{
  BmExtra *copy;

  if (extra == NULL)
    return NULL;
  copy = bm_extra_new ();
  for (guint i = 0; i < extra->ns_decls->len; i++)
    {
      const BmNsDecl *d = g_ptr_array_index (extra->ns_decls, i);
      bm_extra_add_ns_decl (copy, d->prefix, d->href);
    }
  for (guint i = 0; i < extra->attrs->len; i++)
    {
      const BmForeignAttr *a = g_ptr_array_index (extra->attrs, i);
      bm_extra_add_attr (copy, a->prefix, a->href, a->name, a->value);
    }
  for (guint i = 0; i < extra->children->len; i++)
    bm_extra_add_child (copy, g_ptr_array_index (extra->children, i));
  return copy;
}

gboolean
bm_extra_is_empty (const BmExtra *extra)
{
  return extra == NULL ||
         (extra->ns_decls->len == 0 && extra->attrs->len == 0 && extra->children->len == 0);
}

gboolean
bm_extra_equal (const BmExtra *a, const BmExtra *b)
{
  if (bm_extra_is_empty (a) || bm_extra_is_empty (b))
    return bm_extra_is_empty (a) && bm_extra_is_empty (b);
  if (a->ns_decls->len != b->ns_decls->len ||
      a->attrs->len != b->attrs->len ||
      a->children->len != b->children->len)
    return FALSE;
  for (guint i = 0; i < a->ns_decls->len; i++)
    {
      const BmNsDecl *x = g_ptr_array_index (a->ns_decls, i);
      const BmNsDecl *y = g_ptr_array_index (b->ns_decls, i);
      if (g_strcmp0 (x->prefix, y->prefix) || g_strcmp0 (x->href, y->href))
        return FALSE;
    }
  for (guint i = 0; i < a->attrs->len; i++)
    {
      const BmForeignAttr *x = g_ptr_array_index (a->attrs, i);
      const BmForeignAttr *y = g_ptr_array_index (b->attrs, i);
      if (g_strcmp0 (x->prefix, y->prefix) || g_strcmp0 (x->href, y->href) ||
          g_strcmp0 (x->name, y->name) || g_strcmp0 (x->value, y->value))
        return FALSE;
    }
  for (guint i = 0; i < a->children->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a->children, i), g_ptr_array_index (b->children, i)))
      return FALSE;
  return TRUE;
}

/* ---- items --------------------------------------------------------------- */

BmParty *
bm_party_new (const char *id, const char *name)
{
  BmParty *party = g_new0 (BmParty, 1);
  party->id = g_strdup (id);
  party->name = g_strdup (name);
  return party;
}

BmParty *
bm_party_copy (const BmParty *party)
{
  BmParty *copy = g_new0 (BmParty, 1);
  *copy = *party;
  copy->id = g_strdup (party->id);
  copy->name = g_strdup (party->name);
  copy->extra = bm_extra_copy (party->extra);
  return copy;
}

void
bm_party_free (BmParty *party)
{
  if (party == NULL)
    return;
  g_free (party->id);
  g_free (party->name);
  bm_extra_free (party->extra);
  g_free (party);
}

gboolean
bm_party_equal (const BmParty *a, const BmParty *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         a->has_color == b->has_color &&
         (!a->has_color || a->color == b->color) &&
         bm_extra_equal (a->extra, b->extra);
}

BmActor *
bm_actor_new (const char *id, const char *name, BmLevel level, BmTrack track)
{
  BmActor *actor = g_new0 (BmActor, 1);
  actor->id = g_strdup (id);
  actor->name = g_strdup (name);
  actor->kind = BM_ACTOR_ORGANIZATION;
  actor->level = level;
  actor->track = track;
  actor->sector = BM_SECTOR_NONE;
  actor->influence = 3;
  return actor;
}

BmActor *
bm_actor_copy (const BmActor *actor)
{
  BmActor *copy = g_new0 (BmActor, 1);
  *copy = *actor;
  copy->id = g_strdup (actor->id);
  copy->name = g_strdup (actor->name);
  copy->party = g_strdup (actor->party);
  copy->note = g_strdup (actor->note);
  copy->extra = bm_extra_copy (actor->extra);
  copy->note_extra = bm_extra_copy (actor->note_extra);
  return copy;
}

void
bm_actor_free (BmActor *actor)
{
  if (actor == NULL)
    return;
  g_free (actor->id);
  g_free (actor->name);
  g_free (actor->party);
  g_free (actor->note);
  bm_extra_free (actor->extra);
  bm_extra_free (actor->note_extra);
  g_free (actor);
}

gboolean
bm_actor_equal (const BmActor *a, const BmActor *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->name, b->name) == 0 &&
         a->kind == b->kind &&
         g_strcmp0 (a->party, b->party) == 0 &&
         a->level == b->level &&
         a->track == b->track &&
         a->sector == b->sector &&
         a->influence == b->influence &&
         a->has_position == b->has_position &&
         (!a->has_position || (a->x == b->x && a->y == b->y)) &&
         g_strcmp0 (a->note, b->note) == 0 &&
         bm_extra_equal (a->extra, b->extra) &&
         bm_extra_equal (a->note_extra, b->note_extra);
}

void
bm_actor_set_position (BmActor *actor, double x, double y)
{
  actor->has_position = TRUE;
  actor->x = bm_round_position (x);
  actor->y = bm_round_position (y);
}

BmTie *
bm_tie_new (const char *id, const char *from, const char *to, BmTieKind kind)
{
  BmTie *tie = g_new0 (BmTie, 1);
  tie->id = g_strdup (id);
  tie->from = g_strdup (from);
  tie->to = g_strdup (to);
  tie->kind = kind;
  tie->strength = 2;
  return tie;
}

BmTie *
bm_tie_copy (const BmTie *tie)
{
  BmTie *copy = g_new0 (BmTie, 1);
  *copy = *tie;
  copy->id = g_strdup (tie->id);
  copy->from = g_strdup (tie->from);
  copy->to = g_strdup (tie->to);
  copy->note = g_strdup (tie->note);
  copy->extra = bm_extra_copy (tie->extra);
  copy->note_extra = bm_extra_copy (tie->note_extra);
  return copy;
}

void
bm_tie_free (BmTie *tie)
{
  if (tie == NULL)
    return;
  g_free (tie->id);
  g_free (tie->from);
  g_free (tie->to);
  g_free (tie->note);
  bm_extra_free (tie->extra);
  bm_extra_free (tie->note_extra);
  g_free (tie);
}

gboolean
bm_tie_equal (const BmTie *a, const BmTie *b)
{
  return g_strcmp0 (a->id, b->id) == 0 &&
         g_strcmp0 (a->from, b->from) == 0 &&
         g_strcmp0 (a->to, b->to) == 0 &&
         a->kind == b->kind &&
         a->strength == b->strength &&
         g_strcmp0 (a->note, b->note) == 0 &&
         bm_extra_equal (a->extra, b->extra) &&
         bm_extra_equal (a->note_extra, b->note_extra);
}

/* ---- the map ------------------------------------------------------------- */

struct _BmMap
{
  GObject parent_instance;

  char *title;
  char *description;
  BmExtra *extras[BM_N_EXTRA_SLOTS];

  GPtrArray *parties;   /* BmParty* */
  GPtrArray *actors;    /* BmActor* */
  GPtrArray *ties;      /* BmTie* */
  GHashTable *party_by_id;
  GHashTable *actor_by_id;
  GHashTable *tie_by_id;

  guint batch_depth;
  gboolean batch_dirty;
  guint64 id_counter;
};

G_DEFINE_FINAL_TYPE (BmMap, bm_map, G_TYPE_OBJECT)

enum {
  PARTY_ADDED,
  PARTY_REMOVED,
  PARTY_CHANGED,
  ACTOR_ADDED,
  ACTOR_REMOVED,
  ACTOR_CHANGED,
  TIE_ADDED,
  TIE_REMOVED,
  TIE_CHANGED,
  META_CHANGED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
bm_map_finalize (GObject *object)
{
  BmMap *self = BM_MAP (object);

  g_free (self->title);
  g_free (self->description);
  for (guint i = 0; i < BM_N_EXTRA_SLOTS; i++)
    bm_extra_free (self->extras[i]);
  g_hash_table_unref (self->party_by_id);
  g_hash_table_unref (self->actor_by_id);
  g_hash_table_unref (self->tie_by_id);
  g_ptr_array_unref (self->parties);
  g_ptr_array_unref (self->actors);
  g_ptr_array_unref (self->ties);

  G_OBJECT_CLASS (bm_map_parent_class)->finalize (object);
}

static void
bm_map_class_init (BmMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  static const char *item_signals[] = {
    "party-added", "party-removed", "party-changed",
    "actor-added", "actor-removed", "actor-changed",
    "tie-added", "tie-removed", "tie-changed",
  };

  object_class->finalize = bm_map_finalize;

  for (guint i = 0; i < G_N_ELEMENTS (item_signals); i++)
    signals[i] = g_signal_new (item_signals[i],
                               G_TYPE_FROM_CLASS (klass),
                               G_SIGNAL_RUN_LAST,
                               0, NULL, NULL, NULL,
                               G_TYPE_NONE, 1, G_TYPE_STRING);

  signals[META_CHANGED] = g_signal_new ("meta-changed",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 0);
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
bm_map_init (BmMap *self)
{
  self->parties = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_party_free);
  self->actors = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_actor_free);
  self->ties = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_tie_free);
  self->party_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->actor_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->tie_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

BmMap *
bm_map_new (void)
{
  return g_object_new (BM_TYPE_MAP, NULL);
}

static void
emit_changed (BmMap *self)
{
  if (self->batch_depth > 0)
    {
      self->batch_dirty = TRUE;
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
emit_item (BmMap *self, guint signal, const char *id)
{
  g_signal_emit (self, signals[signal], 0, id);
  emit_changed (self);
}

void
bm_map_begin_batch (BmMap *self)
{
  g_return_if_fail (BM_IS_MAP (self));
  self->batch_depth++;
}

void
bm_map_end_batch (BmMap *self)
{
  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (self->batch_depth > 0);
  if (--self->batch_depth == 0 && self->batch_dirty)
    {
      self->batch_dirty = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

BmMap *
bm_map_copy (BmMap *self)
{
  BmMap *copy;

  g_return_val_if_fail (BM_IS_MAP (self), NULL);

  copy = bm_map_new ();
  copy->title = g_strdup (self->title);
  copy->description = g_strdup (self->description);
  for (guint i = 0; i < BM_N_EXTRA_SLOTS; i++)
    copy->extras[i] = bm_extra_copy (self->extras[i]);
  for (guint i = 0; i < self->parties->len; i++)
    bm_map_insert_party (copy, -1, bm_party_copy (g_ptr_array_index (self->parties, i)));
  for (guint i = 0; i < self->actors->len; i++)
    bm_map_insert_actor (copy, -1, bm_actor_copy (g_ptr_array_index (self->actors, i)));
  for (guint i = 0; i < self->ties->len; i++)
    bm_map_insert_tie (copy, -1, bm_tie_copy (g_ptr_array_index (self->ties, i)));
  return copy;
}

gboolean
bm_map_equal (BmMap *a, BmMap *b)
{
  g_return_val_if_fail (BM_IS_MAP (a) && BM_IS_MAP (b), FALSE);

  if (g_strcmp0 (a->title, b->title) || g_strcmp0 (a->description, b->description))
    return FALSE;
  for (guint i = 0; i < BM_N_EXTRA_SLOTS; i++)
    if (!bm_extra_equal (a->extras[i], b->extras[i]))
      return FALSE;
  if (a->parties->len != b->parties->len ||
      a->actors->len != b->actors->len ||
      a->ties->len != b->ties->len)
    return FALSE;
  for (guint i = 0; i < a->parties->len; i++)
    if (!bm_party_equal (g_ptr_array_index (a->parties, i), g_ptr_array_index (b->parties, i)))
      return FALSE;
  for (guint i = 0; i < a->actors->len; i++)
    if (!bm_actor_equal (g_ptr_array_index (a->actors, i), g_ptr_array_index (b->actors, i)))
      return FALSE;
  for (guint i = 0; i < a->ties->len; i++)
    if (!bm_tie_equal (g_ptr_array_index (a->ties, i), g_ptr_array_index (b->ties, i)))
      return FALSE;
  return TRUE;
}

/* ---- meta ---------------------------------------------------------------- */

const char *
bm_map_get_title (BmMap *self)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  return self->title;
}

const char *
bm_map_get_description (BmMap *self)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  return self->description;
}

static void
set_text (BmMap *self, char **field, const char *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_signal_emit (self, signals[META_CHANGED], 0);
  emit_changed (self);
}

void
bm_map_set_title (BmMap *self, const char *title)
{
  g_return_if_fail (BM_IS_MAP (self));
  set_text (self, &self->title, title);
}

void
bm_map_set_description (BmMap *self, const char *description)
{
  g_return_if_fail (BM_IS_MAP (self));
  set_text (self, &self->description, description);
}

BmExtra *
bm_map_get_extra (BmMap *self, BmExtraSlot slot)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  g_return_val_if_fail (slot < BM_N_EXTRA_SLOTS, NULL);
  if (self->extras[slot] == NULL)
    self->extras[slot] = bm_extra_new ();
  return self->extras[slot];
}

/* ---- ids ----------------------------------------------------------------- */

gboolean
bm_map_has_id (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), FALSE);
  return g_hash_table_contains (self->party_by_id, id) ||
         g_hash_table_contains (self->actor_by_id, id) ||
         g_hash_table_contains (self->tie_by_id, id);
}

char *
bm_map_new_id (BmMap *self, const char *prefix)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  g_return_val_if_fail (bm_id_is_valid (prefix), NULL);

  for (;;)
    {
      char *id = g_strdup_printf ("%s%" G_GUINT64_FORMAT, prefix, ++self->id_counter);
      if (!bm_map_has_id (self, id))
        return id;
      g_free (id);
    }
}

static int
index_of (GPtrArray *array, gconstpointer item)
{
  guint index;
  if (item != NULL && g_ptr_array_find (array, item, &index))
    return (int) index;
  return -1;
}

static void
insert_at (GPtrArray *array, int index, gpointer item)
{
  if (index < 0 || (guint) index >= array->len)
    g_ptr_array_add (array, item);
  else
    g_ptr_array_insert (array, index, item);
}

/* ---- parties ------------------------------------------------------------- */

guint
bm_map_get_n_parties (BmMap *self)
{
  g_return_val_if_fail (BM_IS_MAP (self), 0);
  return self->parties->len;
}

const BmParty *
bm_map_get_party (BmMap *self, guint index)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  g_return_val_if_fail (index < self->parties->len, NULL);
  return g_ptr_array_index (self->parties, index);
}

const BmParty *
bm_map_lookup_party (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  return id ? g_hash_table_lookup (self->party_by_id, id) : NULL;
}

int
bm_map_party_index (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), -1);
  return index_of (self->parties, bm_map_lookup_party (self, id));
}

void
bm_map_insert_party (BmMap *self, int index, BmParty *party)
{
  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (party != NULL && party->id != NULL);
  g_return_if_fail (!bm_map_has_id (self, party->id));

  insert_at (self->parties, index, party);
  g_hash_table_insert (self->party_by_id, party->id, party);
  emit_item (self, PARTY_ADDED, party->id);
}

void
bm_map_replace_party (BmMap *self, BmParty *party)
{
  BmParty *old;
  int index;

  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (party != NULL);

  old = g_hash_table_lookup (self->party_by_id, party->id);
  g_return_if_fail (old != NULL);
  index = index_of (self->parties, old);
  g_hash_table_replace (self->party_by_id, party->id, party);
  self->parties->pdata[index] = party;
  bm_party_free (old);
  emit_item (self, PARTY_CHANGED, party->id);
}

gboolean
bm_map_remove_party (BmMap *self, const char *id)
{
  BmParty *party;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (BM_IS_MAP (self), FALSE);

  party = bm_map_lookup_party (self, id) ? g_hash_table_lookup (self->party_by_id, id) : NULL;
  if (party == NULL)
    return FALSE;
  copy = g_strdup (party->id);
  g_hash_table_remove (self->party_by_id, copy);
  g_ptr_array_remove (self->parties, party);
  emit_item (self, PARTY_REMOVED, copy);
  return TRUE;
}

/* ---- actors -------------------------------------------------------------- */

guint
bm_map_get_n_actors (BmMap *self)
{
  g_return_val_if_fail (BM_IS_MAP (self), 0);
  return self->actors->len;
}

const BmActor *
bm_map_get_actor (BmMap *self, guint index)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  g_return_val_if_fail (index < self->actors->len, NULL);
  return g_ptr_array_index (self->actors, index);
}

const BmActor *
bm_map_lookup_actor (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  return id ? g_hash_table_lookup (self->actor_by_id, id) : NULL;
}

int
bm_map_actor_index (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), -1);
  return index_of (self->actors, bm_map_lookup_actor (self, id));
}

void
bm_map_insert_actor (BmMap *self, int index, BmActor *actor)
{
  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (actor != NULL && actor->id != NULL);
  g_return_if_fail (!bm_map_has_id (self, actor->id));

  insert_at (self->actors, index, actor);
  g_hash_table_insert (self->actor_by_id, actor->id, actor);
  emit_item (self, ACTOR_ADDED, actor->id);
}

void
bm_map_replace_actor (BmMap *self, BmActor *actor)
{
  BmActor *old;
  int index;

  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (actor != NULL);

  old = g_hash_table_lookup (self->actor_by_id, actor->id);
  g_return_if_fail (old != NULL);
  index = index_of (self->actors, old);
  g_hash_table_replace (self->actor_by_id, actor->id, actor);
  self->actors->pdata[index] = actor;
  bm_actor_free (old);
  emit_item (self, ACTOR_CHANGED, actor->id);
}

void
bm_map_move_actor (BmMap *self, const char *id, double x, double y)
{
  BmActor *actor;

  g_return_if_fail (BM_IS_MAP (self));

  actor = g_hash_table_lookup (self->actor_by_id, id);
  g_return_if_fail (actor != NULL);
  x = bm_round_position (x);
  y = bm_round_position (y);
  if (actor->has_position && actor->x == x && actor->y == y)
    return;
  actor->has_position = TRUE;
  actor->x = x;
  actor->y = y;
  emit_item (self, ACTOR_CHANGED, actor->id);
}

gboolean
bm_map_remove_actor (BmMap *self, const char *id)
{
  BmActor *actor;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (BM_IS_MAP (self), FALSE);

  actor = id ? g_hash_table_lookup (self->actor_by_id, id) : NULL;
  if (actor == NULL)
    return FALSE;
  copy = g_strdup (actor->id);

  bm_map_begin_batch (self);
  for (guint i = self->ties->len; i > 0; i--)
    {
      BmTie *tie = g_ptr_array_index (self->ties, i - 1);
      if (strcmp (tie->from, copy) == 0 || strcmp (tie->to, copy) == 0)
        bm_map_remove_tie (self, tie->id);
    }
  g_hash_table_remove (self->actor_by_id, copy);
  g_ptr_array_remove (self->actors, actor);
  emit_item (self, ACTOR_REMOVED, copy);
  bm_map_end_batch (self);
  return TRUE;
}

/* ---- ties ---------------------------------------------------------------- */

guint
bm_map_get_n_ties (BmMap *self)
{
  g_return_val_if_fail (BM_IS_MAP (self), 0);
  return self->ties->len;
}

const BmTie *
bm_map_get_tie (BmMap *self, guint index)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  g_return_val_if_fail (index < self->ties->len, NULL);
  return g_ptr_array_index (self->ties, index);
}

const BmTie *
bm_map_lookup_tie (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), NULL);
  return id ? g_hash_table_lookup (self->tie_by_id, id) : NULL;
}

int
bm_map_tie_index (BmMap *self, const char *id)
{
  g_return_val_if_fail (BM_IS_MAP (self), -1);
  return index_of (self->ties, bm_map_lookup_tie (self, id));
}

void
bm_map_insert_tie (BmMap *self, int index, BmTie *tie)
{
  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (tie != NULL && tie->id != NULL);
  g_return_if_fail (!bm_map_has_id (self, tie->id));

  insert_at (self->ties, index, tie);
  g_hash_table_insert (self->tie_by_id, tie->id, tie);
  emit_item (self, TIE_ADDED, tie->id);
}

void
bm_map_replace_tie (BmMap *self, BmTie *tie)
{
  BmTie *old;
  int index;

  g_return_if_fail (BM_IS_MAP (self));
  g_return_if_fail (tie != NULL);

  old = g_hash_table_lookup (self->tie_by_id, tie->id);
  g_return_if_fail (old != NULL);
  index = index_of (self->ties, old);
  g_hash_table_replace (self->tie_by_id, tie->id, tie);
  self->ties->pdata[index] = tie;
  bm_tie_free (old);
  emit_item (self, TIE_CHANGED, tie->id);
}

gboolean
bm_map_remove_tie (BmMap *self, const char *id)
{
  BmTie *tie;
  g_autofree char *copy = NULL;

  g_return_val_if_fail (BM_IS_MAP (self), FALSE);

  tie = id ? g_hash_table_lookup (self->tie_by_id, id) : NULL;
  if (tie == NULL)
    return FALSE;
  copy = g_strdup (tie->id);
  g_hash_table_remove (self->tie_by_id, copy);
  g_ptr_array_remove (self->ties, tie);
  emit_item (self, TIE_REMOVED, copy);
  return TRUE;
}
