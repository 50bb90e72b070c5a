/* bm-history.c: the undo history of a map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A step is a list of operations, each holding copies of the item before
 * and after (and the index it had or got), recorded as the edit is applied.
 * Undo walks the list backwards applying the inverse of each operation;
 * redo walks it forwards.  Because every operation restores exactly what it
 * saw, model order comes back as it was.
 */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "bm-history-private.h"

#define DEFAULT_COALESCE_WINDOW_MS 1500

/* ---- items of the three kinds, handled alike ----------------------------- */

typedef enum
{
  ITEM_PARTY,
  ITEM_ACTOR,
  ITEM_TIE,
} ItemKind;

static const char *
item_id (ItemKind kind, gconstpointer item)
{
  switch (kind)
    {
    case ITEM_PARTY: return ((const BmParty *) item)->id;
    case ITEM_ACTOR: return ((const BmActor *) item)->id;
    case ITEM_TIE: return ((const BmTie *) item)->id;
    default: g_assert_not_reached ();
    }
}

static gpointer
item_copy (ItemKind kind, gconstpointer item)
{
  switch (kind)
    {
    case ITEM_PARTY: return bm_party_copy (item);
    case ITEM_ACTOR: return bm_actor_copy (item);
    case ITEM_TIE: return bm_tie_copy (item);
    default: g_assert_not_reached ();
    }
}

static void
item_free (ItemKind kind, gpointer item)
{
  if (item == NULL)
    return;
  switch (kind)
    {
    case ITEM_PARTY: bm_party_free (item); break;
    case ITEM_ACTOR: bm_actor_free (item); break;
    case ITEM_TIE: bm_tie_free (item); break;
    default: g_assert_not_reached ();
    }
}

static gboolean
item_equal (ItemKind kind, gconstpointer a, gconstpointer b)
{
  switch (kind)
    {
    case ITEM_PARTY: return bm_party_equal (a, b);
    case ITEM_ACTOR: return bm_actor_equal (a, b);
    case ITEM_TIE: return bm_tie_equal (a, b);
    default: g_assert_not_reached ();
    }
}

static gconstpointer
map_lookup (BmMap *map, ItemKind kind, const char *id)
{
  switch (kind)
    {
    case ITEM_PARTY: return bm_map_lookup_party (map, id);
    case ITEM_ACTOR: return bm_map_lookup_actor (map, id);
    case ITEM_TIE: return bm_map_lookup_tie (map, id);
    default: g_assert_not_reached ();
    }
}

static int
map_index (BmMap *map, ItemKind kind, const char *id)
{
  switch (kind)
    {
    case ITEM_PARTY: return bm_map_party_index (map, id);
    case ITEM_ACTOR: return bm_map_actor_index (map, id);
    case ITEM_TIE: return bm_map_tie_index (map, id);
    default: g_assert_not_reached ();
    }
}

static guint
map_count (BmMap *map, ItemKind kind)
{
  switch (kind)
    {
    case ITEM_PARTY: return bm_map_get_n_parties (map);
    case ITEM_ACTOR: return bm_map_get_n_actors (map);
    case ITEM_TIE: return bm_map_get_n_ties (map);
    default: g_assert_not_reached ();
    }
}

/* Takes @item */
static void
map_insert (BmMap *map, ItemKind kind, int index, gpointer item)
{
  switch (kind)
    {
    case ITEM_PARTY: bm_map_insert_party (map, index, item); break;
    case ITEM_ACTOR: bm_map_insert_actor (map, index, item); break;
    case ITEM_TIE: bm_map_insert_tie (map, index, item); break;
    default: g_assert_not_reached ();
    }
}

/* TRUE when @b differs from @a at most by its position, and has one */
static gboolean
actor_only_moved (const BmActor *a, const BmActor *b)
{
  BmActor shallow;

  if (!b->has_position)
    return FALSE;
  shallow = *b;
  shallow.has_position = a->has_position;
  shallow.x = a->x;
  shallow.y = a->y;
  return bm_actor_equal (a, &shallow);
}

/* Takes @item */
static void
map_replace (BmMap *map, ItemKind kind, gpointer item)
{
  if (kind == ITEM_ACTOR)
    {
      const BmActor *old = bm_map_lookup_actor (map, ((BmActor *) item)->id);

      /* Drags and arrangements only move actors: moving in place is much
       * cheaper than replacing, which searches the model order */
      if (old != NULL && actor_only_moved (old, item))
        {
          BmActor *actor = item;
          bm_map_move_actor (map, actor->id, actor->x, actor->y);
          bm_actor_free (actor);
          return;
        }
    }

  switch (kind)
    {
    case ITEM_PARTY: bm_map_replace_party (map, item); break;
    case ITEM_ACTOR: bm_map_replace_actor (map, item); break;
    case ITEM_TIE: bm_map_replace_tie (map, item); break;
    default: g_assert_not_reached ();
    }
}

static void
map_remove (BmMap *map, ItemKind kind, const char *id)
{
  gboolean removed = FALSE;

  switch (kind)
    {
    case ITEM_PARTY: removed = bm_map_remove_party (map, id); break;
    case ITEM_ACTOR: removed = bm_map_remove_actor (map, id); break;
    case ITEM_TIE: removed = bm_map_remove_tie (map, id); break;
    default: g_assert_not_reached ();
    }
  g_assert (removed);
}

/* ---- operations and steps ------------------------------------------------ */

typedef enum
{
  OP_INSERT,
  OP_REMOVE,
  OP_REPLACE,
  OP_TITLE,
  OP_DESCRIPTION,
} OpType;

typedef struct
{
  OpType    type;
  ItemKind  kind;
  int       index;    /* OP_INSERT: where it went; OP_REMOVE: where it was */
  gpointer  before;   /* item (OP_REMOVE, OP_REPLACE) or string (meta) */
  gpointer  after;    /* item (OP_INSERT, OP_REPLACE) or string (meta) */
} Op;

static void
op_free (gpointer data)
{
  Op *op = data;

  if (op == NULL)
    return;
  if (op->type == OP_TITLE || op->type == OP_DESCRIPTION)
    {
      g_free (op->before);
      g_free (op->after);
    }
  else
    {
      item_free (op->kind, op->before);
      item_free (op->kind, op->after);
    }
  g_free (op);
}

static gboolean
op_is_noop (const Op *op)
{
  switch (op->type)
    {
    case OP_REPLACE:
      return item_equal (op->kind, op->before, op->after);
    case OP_TITLE:
    case OP_DESCRIPTION:
      return g_strcmp0 (op->before, op->after) == 0;
    case OP_INSERT:
    case OP_REMOVE:
    default:
      return FALSE;
    }
}

/* Key under which replace/meta operations on the same target are merged */
static char *
op_merge_key (const Op *op)
{
  switch (op->type)
    {
    case OP_REPLACE:
      return g_strdup_printf ("%d:%s", op->kind, item_id (op->kind, op->after));
    case OP_TITLE:
      return g_strdup ("title");
    case OP_DESCRIPTION:
      return g_strdup ("description");
    case OP_INSERT:
    case OP_REMOVE:
    default:
      return NULL;
    }
}

typedef struct
{
  guint64     serial;
  char       *label;
  char       *coalesce_key;
  gint64      last_time;   /* monotonic µs of the last edit merged in */
  GPtrArray  *ops;         /* Op* in the order they were applied */
} Command;

static Command *
command_new (guint64 serial)
{
  Command *cmd = g_new0 (Command, 1);

  cmd->serial = serial;
  cmd->ops = g_ptr_array_new_with_free_func (op_free);
  return cmd;
}

static void
command_free (gpointer data)
{
  Command *cmd = data;

  g_free (cmd->label);
  g_free (cmd->coalesce_key);
  g_ptr_array_unref (cmd->ops);
  g_free (cmd);
}

static gboolean
ops_only_replace (GPtrArray *ops)
{
  for (guint i = 0; i < ops->len; i++)
    {
      const Op *op = g_ptr_array_index (ops, i);
      if (op->type == OP_INSERT || op->type == OP_REMOVE)
        return FALSE;
    }
  return TRUE;
}

/* ---- the object ----------------------------------------------------------- */

struct _BmHistory
{
  GObject parent_instance;

  BmMap *map;
  gulong map_handlers[10];

  GPtrArray *undo;       /* Command*, oldest first */
  GPtrArray *redo;       /* Command*, the next to redo last */

  Command *open;         /* the step being recorded */
  guint depth;

  guint applying;        /* depth of our own changes: not foreign */
  gboolean replaying;    /* inside an undo or redo */
  gboolean coalesce_broken;
  guint coalesce_window_ms;
  guint64 next_serial;
  guint64 change_count;

  guint64 saved_serial;  /* serial of the top undo step when saved; 0 = none */
  gboolean saved_reachable;

  /* last notified values */
  gboolean can_undo;
  gboolean can_redo;
  gboolean modified;
  char *undo_label;
  char *redo_label;
};

G_DEFINE_FINAL_TYPE (BmHistory, bm_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAP,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_MODIFIED,
  PROP_UNDO_LABEL,
  PROP_REDO_LABEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint64
current_serial (BmHistory *self)
{
  if (self->undo->len == 0)
    return 0;
  return ((Command *) g_ptr_array_index (self->undo, self->undo->len - 1))->serial;
}

static gboolean
compute_modified (BmHistory *self)
{
  return !self->saved_reachable || current_serial (self) != self->saved_serial;
}

static char *
make_label (const char *verb_format, const char *verb, GPtrArray *stack)
{
  Command *cmd;

  if (stack->len == 0)
    return g_strdup (verb);
  cmd = g_ptr_array_index (stack, stack->len - 1);
  return g_strdup_printf (verb_format, cmd->label);
}

static void
update_state (BmHistory *self)
{
  gboolean can_undo = self->undo->len > 0;
  gboolean can_redo = self->redo->len > 0;
  gboolean modified = compute_modified (self);
  /* Translators: the Undo menu item, %s is what it undoes ("Move Actors") */
  g_autofree char *undo_label = make_label (_("Undo %s"), _("Undo"), self->undo);
  /* Translators: the Redo menu item, %s is what it redoes ("Add Tie") */
  g_autofree char *redo_label = make_label (_("Redo %s"), _("Redo"), self->redo);

  g_object_freeze_notify (G_OBJECT (self));
  if (can_undo != self->can_undo)
    {
      self->can_undo = can_undo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
    }
  if (can_redo != self->can_redo)
    {
      self->can_redo = can_redo;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
    }
  if (modified != self->modified)
    {
      self->modified = modified;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODIFIED]);
    }
  if (g_strcmp0 (undo_label, self->undo_label) != 0)
    {
      g_free (self->undo_label);
      self->undo_label = g_steal_pointer (&undo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNDO_LABEL]);
    }
  if (g_strcmp0 (redo_label, self->redo_label) != 0)
    {
      g_free (self->redo_label);
      self->redo_label = g_steal_pointer (&redo_label);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDO_LABEL]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The saved state stays reachable only while its step is on a stack */
static void
drop_stack (BmHistory *self, GPtrArray *stack)
{
  for (guint i = 0; i < stack->len; i++)
    {
      Command *cmd = g_ptr_array_index (stack, i);
      if (cmd->serial == self->saved_serial)
        self->saved_reachable = FALSE;
    }
  g_ptr_array_set_size (stack, 0);
}

static void
forget_everything (BmHistory *self)
{
  gboolean was_modified = compute_modified (self);

  g_ptr_array_set_size (self->undo, 0);
  g_ptr_array_set_size (self->redo, 0);
  if (self->open != NULL)
    g_ptr_array_set_size (self->open->ops, 0);
  self->saved_serial = 0;
  self->saved_reachable = !was_modified;
  self->coalesce_broken = TRUE;
}

static void
on_foreign_change (BmHistory *self)
{
  if (self->applying > 0)
    return;
  g_warning ("The map was changed outside its undo history; the history is cleared");
  forget_everything (self);
  self->saved_reachable = FALSE;
  update_state (self);
}

static void
on_item_signal (BmMap *map, const char *id, gpointer user_data)
{
  on_foreign_change (user_data);
}

static void
on_meta_changed (BmMap *map, gpointer user_data)
{
  on_foreign_change (user_data);
}

static void
bm_history_set_map (BmHistory *self, BmMap *map)
{
  static const char *item_signals[] = {
    "party-added", "party-removed", "party-changed",
    "actor-added", "actor-removed", "actor-changed",
    "tie-added", "tie-removed", "tie-changed",
  };

  g_assert (self->map == NULL);
  g_return_if_fail (BM_IS_MAP (map));

  self->map = g_object_ref (map);
  for (guint i = 0; i < G_N_ELEMENTS (item_signals); i++)
    self->map_handlers[i] = g_signal_connect (map, item_signals[i],
                                              G_CALLBACK (on_item_signal), self);
  self->map_handlers[9] = g_signal_connect (map, "meta-changed",
                                            G_CALLBACK (on_meta_changed), self);
}

static void
bm_history_dispose (GObject *object)
{
  BmHistory *self = BM_HISTORY (object);

  if (self->map != NULL)
    {
      /* A group left open would hold the map's batch open for ever */
      if (self->depth > 0)
        {
          g_critical ("%s: a history group was never ended", G_STRFUNC);
          self->depth = 0;
          g_clear_pointer (&self->open, command_free);
          bm_map_end_batch (self->map);
        }
      for (guint i = 0; i < G_N_ELEMENTS (self->map_handlers); i++)
        g_clear_signal_handler (&self->map_handlers[i], self->map);
      g_clear_object (&self->map);
    }

  G_OBJECT_CLASS (bm_history_parent_class)->dispose (object);
}

static void
bm_history_finalize (GObject *object)
{
  BmHistory *self = BM_HISTORY (object);

  g_ptr_array_unref (self->undo);
  g_ptr_array_unref (self->redo);
  g_clear_pointer (&self->open, command_free);
  g_free (self->undo_label);
  g_free (self->redo_label);

  G_OBJECT_CLASS (bm_history_parent_class)->finalize (object);
}

static void
bm_history_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BmHistory *self = BM_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MAP:
      g_value_set_object (value, self->map);
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, bm_history_can_undo (self));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, bm_history_can_redo (self));
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, bm_history_is_modified (self));
      break;
    case PROP_UNDO_LABEL:
      g_value_set_string (value, bm_history_get_undo_label (self));
      break;
    case PROP_REDO_LABEL:
      g_value_set_string (value, bm_history_get_redo_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_history_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  BmHistory *self = BM_HISTORY (object);

  switch (prop_id)
    {
    case PROP_MAP:
      bm_history_set_map (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bm_history_class_init (BmHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bm_history_dispose;
  object_class->finalize = bm_history_finalize;
  object_class->get_property = bm_history_get_property;
  object_class->set_property = bm_history_set_property;

  properties[PROP_MAP] =
    g_param_spec_object ("map", NULL, NULL, BM_TYPE_MAP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNDO_LABEL] =
    g_param_spec_string ("undo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REDO_LABEL] =
    g_param_spec_string ("redo-label", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bm_history_init (BmHistory *self)
{
  self->undo = g_ptr_array_new_with_free_func (command_free);
  self->redo = g_ptr_array_new_with_free_func (command_free);
  self->coalesce_window_ms = DEFAULT_COALESCE_WINDOW_MS;
  self->coalesce_broken = TRUE;
  self->next_serial = 1;
  self->saved_serial = 0;
  self->saved_reachable = TRUE;
  self->undo_label = g_strdup (_("Undo"));
  self->redo_label = g_strdup (_("Redo"));
}

BmHistory *
bm_history_new (BmMap *map)
{
  g_return_val_if_fail (BM_IS_MAP (map), NULL);
  return g_object_new (BM_TYPE_HISTORY, "map", map, NULL);
}

BmMap *
bm_history_get_map (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), NULL);
  return self->map;
}

/* ---- applying steps ------------------------------------------------------- */

static void
apply_op (BmHistory *self, const Op *op, gboolean forward)
{
  BmMap *map = self->map;

  switch (op->type)
    {
    case OP_INSERT:
      if (forward)
        map_insert (map, op->kind, op->index, item_copy (op->kind, op->after));
      else
        map_remove (map, op->kind, item_id (op->kind, op->after));
      break;
    case OP_REMOVE:
      if (forward)
        map_remove (map, op->kind, item_id (op->kind, op->before));
      else
        map_insert (map, op->kind, op->index, item_copy (op->kind, op->before));
      break;
    case OP_REPLACE:
      map_replace (map, op->kind, item_copy (op->kind, forward ? op->after : op->before));
      break;
    case OP_TITLE:
      bm_map_set_title (map, forward ? op->after : op->before);
      break;
    case OP_DESCRIPTION:
      bm_map_set_description (map, forward ? op->after : op->before);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
apply_command (BmHistory *self, const Command *cmd, gboolean forward)
{
  self->applying++;
  self->replaying = TRUE;
  if (forward)
    for (guint i = 0; i < cmd->ops->len; i++)
      apply_op (self, g_ptr_array_index (cmd->ops, i), TRUE);
  else
    for (guint i = cmd->ops->len; i > 0; i--)
      apply_op (self, g_ptr_array_index (cmd->ops, i - 1), FALSE);
  self->replaying = FALSE;
  self->applying--;
}

gboolean
bm_history_can_undo (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  return self->undo->len > 0;
}

gboolean
bm_history_can_redo (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  return self->redo->len > 0;
}

gboolean
bm_history_undo (BmHistory *self)
{
  Command *cmd;

  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);
  g_return_val_if_fail (!self->replaying, FALSE);

  if (self->undo->len == 0)
    return FALSE;
  cmd = g_ptr_array_steal_index (self->undo, self->undo->len - 1);
  g_ptr_array_add (self->redo, cmd);
  self->coalesce_broken = TRUE;
  bm_map_begin_batch (self->map);
  apply_command (self, cmd, FALSE);
  update_state (self);
  bm_map_end_batch (self->map);
  return TRUE;
}

gboolean
bm_history_redo (BmHistory *self)
{
  Command *cmd;

  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (self->depth == 0, FALSE);
  g_return_val_if_fail (!self->replaying, FALSE);

  if (self->redo->len == 0)
    return FALSE;
  cmd = g_ptr_array_steal_index (self->redo, self->redo->len - 1);
  g_ptr_array_add (self->undo, cmd);
  self->coalesce_broken = TRUE;
  bm_map_begin_batch (self->map);
  apply_command (self, cmd, TRUE);
  update_state (self);
  bm_map_end_batch (self->map);
  return TRUE;
}

static const char *
top_label (GPtrArray *stack)
{
  if (stack->len == 0)
    return NULL;
  return ((Command *) g_ptr_array_index (stack, stack->len - 1))->label;
}

const char *
bm_history_get_undo_name (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), NULL);
  return top_label (self->undo);
}

const char *
bm_history_get_redo_name (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), NULL);
  return top_label (self->redo);
}

const char *
bm_history_get_undo_label (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), NULL);
  return self->undo_label;
}

const char *
bm_history_get_redo_label (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), NULL);
  return self->redo_label;
}

guint
bm_history_get_n_undo (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), 0);
  return self->undo->len;
}

guint
bm_history_get_n_redo (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), 0);
  return self->redo->len;
}

void
bm_history_clear (BmHistory *self)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (self->depth == 0);

  forget_everything (self);
  update_state (self);
}

/* ---- saved state ---------------------------------------------------------- */

void
bm_history_mark_saved (BmHistory *self)
{
  g_return_if_fail (BM_IS_HISTORY (self));

  self->saved_serial = current_serial (self);
  self->saved_reachable = TRUE;
  self->coalesce_broken = TRUE;
  update_state (self);
}

gboolean
bm_history_is_modified (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  return compute_modified (self);
}

/* ---- groups and coalescing ------------------------------------------------ */

void
bm_history_begin_coalescing_group (BmHistory  *self,
                                   const char *label,
                                   const char *coalesce_key)
{
  g_return_if_fail (BM_IS_HISTORY (self));

  if (self->depth++ == 0)
    {
      g_assert (self->open == NULL);
      bm_map_begin_batch (self->map);
      self->open = command_new (self->next_serial++);
      self->open->label = g_strdup (label);
      self->open->coalesce_key = g_strdup (coalesce_key);
    }
  else if (self->open->label == NULL && label != NULL)
    {
      self->open->label = g_strdup (label);
    }
}

void
bm_history_begin_group (BmHistory  *self,
                        const char *label)
{
  bm_history_begin_coalescing_group (self, label, NULL);
}

gboolean
bm_history_in_group (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);
  return self->depth > 0;
}

void
bm_history_break_coalescing (BmHistory *self)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  self->coalesce_broken = TRUE;
}

void
bm_history_set_coalesce_window (BmHistory *self,
                                guint      msec)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  self->coalesce_window_ms = msec;
}

guint
bm_history_get_coalesce_window (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), 0);
  return self->coalesce_window_ms;
}

static gboolean
can_coalesce (BmHistory *self, const Command *top, const Command *cmd)
{
  if (self->coalesce_broken || cmd->coalesce_key == NULL || top->coalesce_key == NULL)
    return FALSE;
  if (strcmp (cmd->coalesce_key, top->coalesce_key) != 0)
    return FALSE;
  /* Merging into the saved step would make the saved state unreachable */
  if (self->saved_reachable && top->serial == self->saved_serial)
    return FALSE;
  if (self->coalesce_window_ms > 0 &&
      cmd->last_time - top->last_time > (gint64) self->coalesce_window_ms * 1000)
    return FALSE;
  return TRUE;
}

static GPtrArray *
take_ops (Command *cmd)
{
  GPtrArray *ops = cmd->ops;

  cmd->ops = g_ptr_array_new_with_free_func (op_free);
  return ops;
}

static Op *
steal_op (GPtrArray *ops, guint index)
{
  Op *op = g_ptr_array_index (ops, index);

  ops->pdata[index] = NULL;
  return op;
}

/* Appends @cmd's operations to @top.  When both only replace items, an item
 * replaced again keeps its first "before" and takes the new "after", so a
 * long drag stays one small step; operations that end where they began are
 * dropped. */
static void
merge_into (Command *top, Command *cmd)
{
  g_autoptr(GPtrArray) new_ops = take_ops (cmd);

  if (ops_only_replace (top->ops) && ops_only_replace (new_ops))
    {
      g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_autoptr(GPtrArray) all = NULL;

      for (guint i = 0; i < top->ops->len; i++)
        {
          Op *op = g_ptr_array_index (top->ops, i);
          g_hash_table_insert (by_key, op_merge_key (op), op);
        }
      for (guint i = 0; i < new_ops->len; i++)
        {
          Op *op = g_ptr_array_index (new_ops, i);
          g_autofree char *key = op_merge_key (op);
          Op *old = g_hash_table_lookup (by_key, key);

          if (old != NULL)
            {
              /* keep old->before, take op->after */
              gpointer tmp = old->after;
              old->after = op->after;
              op->after = tmp;
            }
          else
            {
              g_ptr_array_add (top->ops, steal_op (new_ops, i));
              g_hash_table_insert (by_key, g_steal_pointer (&key), op);
            }
        }

      /* drop operations that now change nothing */
      all = take_ops (top);
      for (guint i = 0; i < all->len; i++)
        if (!op_is_noop (g_ptr_array_index (all, i)))
          g_ptr_array_add (top->ops, steal_op (all, i));
    }
  else
    {
      for (guint i = 0; i < new_ops->len; i++)
        g_ptr_array_add (top->ops, steal_op (new_ops, i));
    }
  top->last_time = cmd->last_time;
}

void
bm_history_end_group (BmHistory *self)
{
  Command *cmd;
  Command *top;

  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (self->depth > 0);

  if (--self->depth > 0)
    return;

  cmd = g_steal_pointer (&self->open);
  if (cmd->ops->len == 0)
    {
      command_free (cmd);
      update_state (self);
      bm_map_end_batch (self->map);
      return;
    }

  if (cmd->label == NULL)
    cmd->label = g_strdup (_("Edit"));
  cmd->last_time = g_get_monotonic_time ();

  top = self->undo->len > 0 ? g_ptr_array_index (self->undo, self->undo->len - 1) : NULL;
  if (top != NULL && can_coalesce (self, top, cmd))
    {
      merge_into (top, cmd);
      command_free (cmd);
      if (top->ops->len == 0)
        {
          /* back where the step began: the step is gone */
          g_ptr_array_remove_index (self->undo, self->undo->len - 1);
          self->coalesce_broken = TRUE;
        }
    }
  else
    {
      g_ptr_array_add (self->undo, cmd);
      self->coalesce_broken = FALSE;
    }
  update_state (self);
  /* "changed" last, when the history already tells the new state */
  bm_map_end_batch (self->map);
}

/* ---- primitive edits ------------------------------------------------------- */

/* Every primitive runs inside a group of its own (nested in the caller's, if
 * any), named @label unless the group already has a name. */
static void
edit_begin (BmHistory *self, const char *label)
{
  bm_history_begin_group (self, label);
  self->applying++;
}

static void
edit_end (BmHistory *self)
{
  self->applying--;
  bm_history_end_group (self);
}

static void
record (BmHistory *self, Op *op)
{
  g_assert (self->open != NULL);
  /* The map leaves the state the redo stack starts from */
  if (self->redo->len > 0)
    drop_stack (self, self->redo);
  g_ptr_array_add (self->open->ops, op);
  self->change_count++;
}

/* A signal handler that edits while an undo or redo is being applied would
 * record into a history that is being walked: refuse */
static gboolean
refuse_while_replaying (BmHistory *self)
{
  if (!self->replaying)
    return FALSE;
  g_critical ("Edits made while an undo or redo is applied are not recorded; "
              "make them after bm_history_undo() or bm_history_redo() returns");
  return TRUE;
}

static void
record_insert (BmHistory *self, ItemKind kind, int index, gpointer item)
{
  guint n = map_count (self->map, kind);
  Op *op;

  if (refuse_while_replaying (self))
    {
      item_free (kind, item);
      return;
    }
  g_return_if_fail (!bm_map_has_id (self->map, item_id (kind, item)));

  if (index < 0 || (guint) index > n)
    index = n;
  op = g_new0 (Op, 1);
  op->type = OP_INSERT;
  op->kind = kind;
  op->index = index;
  op->after = item_copy (kind, item);
  record (self, op);
  map_insert (self->map, kind, index, item);
}

static void
record_replace (BmHistory *self, ItemKind kind, gpointer item)
{
  gconstpointer old = map_lookup (self->map, kind, item_id (kind, item));
  Op *op;

  if (refuse_while_replaying (self))
    {
      item_free (kind, item);
      return;
    }
  if (old == NULL)
    {
      g_critical ("%s: no item \"%s\" to replace", G_STRFUNC, item_id (kind, item));
      item_free (kind, item);
      return;
    }
  if (item_equal (kind, old, item))
    {
      item_free (kind, item);
      return;
    }
  op = g_new0 (Op, 1);
  op->type = OP_REPLACE;
  op->kind = kind;
  op->before = item_copy (kind, old);
  op->after = item_copy (kind, item);
  record (self, op);
  map_replace (self->map, kind, item);
}

static gboolean
record_remove (BmHistory *self, ItemKind kind, const char *id)
{
  gconstpointer old = id ? map_lookup (self->map, kind, id) : NULL;
  Op *op;

  if (old == NULL || refuse_while_replaying (self))
    return FALSE;
  op = g_new0 (Op, 1);
  op->type = OP_REMOVE;
  op->kind = kind;
  op->index = map_index (self->map, kind, id);
  op->before = item_copy (kind, old);
  record (self, op);
  map_remove (self->map, kind, item_id (kind, op->before));
  return TRUE;
}

void
bm_history_insert_party (BmHistory *self, int index, BmParty *party)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (party != NULL && party->id != NULL);

  edit_begin (self, _("Add Party"));
  record_insert (self, ITEM_PARTY, index, party);
  edit_end (self);
}

void
bm_history_replace_party (BmHistory *self, BmParty *party)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (party != NULL && party->id != NULL);

  edit_begin (self, _("Edit Party"));
  record_replace (self, ITEM_PARTY, party);
  edit_end (self);
}

gboolean
bm_history_remove_party (BmHistory *self, const char *id)
{
  gboolean removed;

  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);

  edit_begin (self, _("Remove Party"));
  removed = record_remove (self, ITEM_PARTY, id);
  edit_end (self);
  return removed;
}

void
bm_history_insert_actor (BmHistory *self, int index, BmActor *actor)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (actor != NULL && actor->id != NULL);

  edit_begin (self, _("Add Actor"));
  record_insert (self, ITEM_ACTOR, index, actor);
  edit_end (self);
}

void
bm_history_replace_actor (BmHistory *self, BmActor *actor)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (actor != NULL && actor->id != NULL);

  edit_begin (self, _("Edit Actor"));
  record_replace (self, ITEM_ACTOR, actor);
  edit_end (self);
}

void
bm_history_move_actor (BmHistory *self, const char *id, double x, double y)
{
  const BmActor *actor;
  BmActor *moved;

  g_return_if_fail (BM_IS_HISTORY (self));

  actor = bm_map_lookup_actor (self->map, id);
  g_return_if_fail (actor != NULL);

  moved = bm_actor_copy (actor);
  bm_actor_set_position (moved, x, y);
  edit_begin (self, _("Move Actor"));
  record_replace (self, ITEM_ACTOR, moved);
  edit_end (self);
}

gboolean
bm_history_remove_actor (BmHistory *self, const char *id)
{
  g_autofree char *actor_id = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);

  if (id == NULL || bm_map_lookup_actor (self->map, id) == NULL)
    return FALSE;
  actor_id = g_strdup (id);

  edit_begin (self, _("Delete Actor"));
  /* The ties first, from the last, as bm_map_remove_actor() does */
  for (guint i = bm_map_get_n_ties (self->map); i > 0; i--)
    {
      const BmTie *tie = bm_map_get_tie (self->map, i - 1);
      if (strcmp (tie->from, actor_id) == 0 || strcmp (tie->to, actor_id) == 0)
        record_remove (self, ITEM_TIE, tie->id);
    }
  record_remove (self, ITEM_ACTOR, actor_id);
  edit_end (self);
  return TRUE;
}

void
bm_history_insert_tie (BmHistory *self, int index, BmTie *tie)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (tie != NULL && tie->id != NULL);

  edit_begin (self, _("Add Tie"));
  record_insert (self, ITEM_TIE, index, tie);
  edit_end (self);
}

void
bm_history_replace_tie (BmHistory *self, BmTie *tie)
{
  g_return_if_fail (BM_IS_HISTORY (self));
  g_return_if_fail (tie != NULL && tie->id != NULL);

  edit_begin (self, _("Edit Tie"));
  record_replace (self, ITEM_TIE, tie);
  edit_end (self);
}

gboolean
bm_history_remove_tie (BmHistory *self, const char *id)
{
  gboolean removed;

  g_return_val_if_fail (BM_IS_HISTORY (self), FALSE);

  edit_begin (self, _("Delete Tie"));
  removed = record_remove (self, ITEM_TIE, id);
  edit_end (self);
  return removed;
}

static void
record_meta (BmHistory *self, OpType type, const char *value)
{
  const char *old;
  Op *op;

  if (refuse_while_replaying (self))
    return;
  if (value != NULL && value[0] == '\0')
    value = NULL;
  old = type == OP_TITLE ? bm_map_get_title (self->map) : bm_map_get_description (self->map);
  if (g_strcmp0 (old, value) == 0)
    return;

  op = g_new0 (Op, 1);
  op->type = type;
  op->before = g_strdup (old);
  op->after = g_strdup (value);
  record (self, op);
  if (type == OP_TITLE)
    bm_map_set_title (self->map, value);
  else
    bm_map_set_description (self->map, value);
}

void
bm_history_set_title (BmHistory *self, const char *title)
{
  g_return_if_fail (BM_IS_HISTORY (self));

  edit_begin (self, _("Change Title"));
  record_meta (self, OP_TITLE, title);
  edit_end (self);
}

void
bm_history_set_description (BmHistory *self, const char *description)
{
  g_return_if_fail (BM_IS_HISTORY (self));

  edit_begin (self, _("Change Description"));
  record_meta (self, OP_DESCRIPTION, description);
  edit_end (self);
}

guint64
bm_history_get_change_count (BmHistory *self)
{
  g_return_val_if_fail (BM_IS_HISTORY (self), 0);
  return self->change_count;
}
