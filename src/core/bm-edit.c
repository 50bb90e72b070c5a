/* bm-edit.c: the editing operations of the editor
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "bm-edit.h"
#include "bm-history-private.h"

/* The pyramid spans 0 ≤ y < 900; the lowest position kept to 0.01 */
#define PYRAMID_BOTTOM (BM_N_LEVELS * BM_BAND_HEIGHT)
#define LOWEST_Y (PYRAMID_BOTTOM - 0.01)

/* Arrangement grid (map units) */
#define ARRANGE_LEFT        100.0
#define ARRANGE_CELL_WIDTH  140.0
#define ARRANGE_ROW_HEIGHT   75.0
#define ARRANGE_ROWS          3
#define ARRANGE_COLUMN_GAP   80.0

G_STATIC_ASSERT (ARRANGE_ROW_HEIGHT >= BM_ARRANGE_MIN_DISTANCE);
G_STATIC_ASSERT (ARRANGE_CELL_WIDTH >= BM_ARRANGE_MIN_DISTANCE);
G_STATIC_ASSERT ((ARRANGE_ROWS - 1) * ARRANGE_ROW_HEIGHT < BM_BAND_HEIGHT);

static BmMap *
history_map (BmHistory *history)
{
  return bm_history_get_map (history);
}

static double
clamp_y (double y)
{
  y = bm_round_position (y);
  return CLAMP (y, 0.0, LOWEST_Y);
}

/* XML white space, as the loader trims names */
static gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A trimmed copy of @name, or NULL when nothing is left */
static char *
trim_name (const char *name)
{
  const char *start, *end;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    return NULL;
  start = name;
  while (is_xml_space (*start))
    start++;
  end = start + strlen (start);
  while (end > start && is_xml_space (end[-1]))
    end--;
  if (end == start)
    return NULL;
  return g_strndup (start, end - start);
}

static char *
normalize_text (const char *text)
{
  if (text == NULL || text[0] == '\0')
    return NULL;
  return g_strdup (text);
}

/* Moves a placed actor's y into its level's band if it lies outside, by
 * whole band heights, so the file reloads with the same position */
static void
fit_actor_to_level (BmActor *actor)
{
  BmLevel band;

  if (!actor->has_position)
    return;
  actor->y = clamp_y (actor->y);
  band = bm_level_for_y (actor->y);
  if (band != actor->level)
    actor->y = bm_round_position (actor->y + bm_level_band_top (actor->level) -
                                  bm_level_band_top (band));
}

/* ---- actors --------------------------------------------------------------- */

char *
bm_edit_add_actor (BmHistory *history,
                   double     x,
                   double     y)
{
  BmMap *map;
  BmActor *actor;
  char *id;

  g_return_val_if_fail (BM_IS_HISTORY (history), NULL);
  g_return_val_if_fail (isfinite (x) && isfinite (y), NULL);

  map = history_map (history);
  id = bm_map_new_id (map, "actor");
  y = clamp_y (y);
  actor = bm_actor_new (id, _("New actor"), bm_level_for_y (y), BM_TRACK_2);
  bm_actor_set_position (actor, x, y);

  bm_history_begin_group (history, _("Add Actor"));
  bm_history_insert_actor (history, -1, actor);
  bm_history_end_group (history);
  return id;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
move_key (const char * const *actor_ids)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  GString *key = g_string_new ("move:");

  for (guint i = 0; actor_ids != NULL && actor_ids[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) actor_ids[i]);
  g_ptr_array_sort (sorted, compare_strings);
  for (guint i = 0; i < sorted->len; i++)
    {
      if (i > 0)
        g_string_append_c (key, ',');
      g_string_append (key, g_ptr_array_index (sorted, i));
    }
  return g_string_free (key, FALSE);
}

/* Moves @n actors; @key names every actor of the drag */
static gboolean
move_actors (BmHistory          *history,
             const char * const *actor_ids,
             const double       *xy,
             guint               n,
             const char         *key,
             guint               n_dragged)
{
  BmMap *map = history_map (history);
  guint64 before = bm_history_get_change_count (history);

  bm_history_begin_coalescing_group (history,
                                     n_dragged == 1 ? _("Move Actor") : _("Move Actors"),
                                     key);
  for (guint i = 0; i < n; i++)
    {
      const BmActor *actor = bm_map_lookup_actor (map, actor_ids[i]);
      BmActor *moved;
      double x = xy[2 * i], y = xy[2 * i + 1];

      if (actor == NULL || !isfinite (x) || !isfinite (y))
        continue;
      moved = bm_actor_copy (actor);
      bm_actor_set_position (moved, x, clamp_y (y));
      /* Dropping into another band changes the level */
      moved->level = bm_level_for_y (moved->y);
      bm_history_replace_actor (history, moved);
    }
  bm_history_end_group (history);

  return bm_history_get_change_count (history) != before;
}

gboolean
bm_edit_move_actors_to (BmHistory          *history,
                        const char * const *actor_ids,
                        const double       *xy)
{
  g_autofree char *key = NULL;
  guint n;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if (actor_ids == NULL || actor_ids[0] == NULL)
    return FALSE;
  g_return_val_if_fail (xy != NULL, FALSE);

  n = g_strv_length ((char **) actor_ids);
  key = move_key (actor_ids);
  return move_actors (history, actor_ids, xy, n, key, n);
}

gboolean
bm_edit_move_actors (BmHistory          *history,
                     const char * const *actor_ids,
                     double              dx,
                     double              dy)
{
  BmMap *map;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) xy = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if (actor_ids == NULL || actor_ids[0] == NULL)
    return FALSE;

  map = history_map (history);
  ids = g_ptr_array_new ();
  xy = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; actor_ids[i] != NULL; i++)
    {
      const BmActor *actor = bm_map_lookup_actor (map, actor_ids[i]);
      double x, y;

      if (actor == NULL || !actor->has_position)
        continue;
      x = actor->x + dx;
      y = actor->y + dy;
      g_ptr_array_add (ids, (gpointer) actor_ids[i]);
      g_array_append_val (xy, x);
      g_array_append_val (xy, y);
    }
  if (ids->len == 0)
    return FALSE;

  /* The key names every actor asked for, placed or not */
  key = move_key (actor_ids);
  return move_actors (history, (const char * const *) ids->pdata, (const double *) xy->data,
                      ids->len, key, g_strv_length ((char **) actor_ids));
}

static gboolean
actor_is_valid (BmMap *map, const BmActor *actor)
{
  return bm_map_lookup_actor (map, actor->id) != NULL &&
         actor->name != NULL &&
         (guint) actor->kind < BM_N_ACTOR_KINDS &&
         (actor->party == NULL || bm_map_lookup_party (map, actor->party) != NULL) &&
         (guint) actor->level < BM_N_LEVELS &&
         (guint) actor->track < BM_N_TRACKS &&
         (guint) actor->sector < BM_N_SECTORS &&
         actor->influence >= 1 && actor->influence <= 5 &&
         (!actor->has_position || (isfinite (actor->x) && isfinite (actor->y)));
}

gboolean
bm_edit_update_actor (BmHistory  *history,
                      BmActor    *actor,
                      const char *label,
                      const char *coalesce_key)
{
  g_autoptr(BmActor) owned = actor;
  BmMap *map;
  char *name;
  guint64 before;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);
  g_return_val_if_fail (actor != NULL && actor->id != NULL, FALSE);

  map = history_map (history);
  name = trim_name (actor->name);
  if (name == NULL)
    return FALSE;
  g_free (owned->name);
  owned->name = name;
  if (owned->note != NULL && owned->note[0] == '\0')
    g_clear_pointer (&owned->note, g_free);
  if (!actor_is_valid (map, owned))
    return FALSE;
  if (owned->has_position)
    bm_actor_set_position (owned, owned->x, owned->y);
  fit_actor_to_level (owned);

  before = bm_history_get_change_count (history);
  bm_history_begin_coalescing_group (history, label ? label : _("Edit Actor"), coalesce_key);
  bm_history_replace_actor (history, g_steal_pointer (&owned));
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

static BmActor *
copy_actor (BmHistory *history, const char *id)
{
  const BmActor *actor;

  actor = id ? bm_map_lookup_actor (history_map (history), id) : NULL;
  return actor ? bm_actor_copy (actor) : NULL;
}

gboolean
bm_edit_set_actor_name (BmHistory  *history,
                        const char *id,
                        const char *name)
{
  BmActor *actor;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  g_free (actor->name);
  actor->name = g_strdup (name);
  key = g_strconcat ("actor-name:", id, NULL);
  return bm_edit_update_actor (history, actor, _("Rename Actor"), key);
}

gboolean
bm_edit_set_actor_kind (BmHistory   *history,
                        const char  *id,
                        BmActorKind  kind)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  actor->kind = kind;
  return bm_edit_update_actor (history, actor, _("Change Actor Kind"), NULL);
}

gboolean
bm_edit_set_actor_party (BmHistory  *history,
                         const char *id,
                         const char *party)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  g_free (actor->party);
  actor->party = (party && party[0]) ? g_strdup (party) : NULL;
  return bm_edit_update_actor (history, actor, _("Change Party"), NULL);
}

gboolean
bm_edit_set_actor_level (BmHistory  *history,
                         const char *id,
                         BmLevel     level)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  actor->level = level;
  /* fit_actor_to_level() in update moves it into the new band */
  return bm_edit_update_actor (history, actor, _("Change Level"), NULL);
}

gboolean
bm_edit_set_actor_track (BmHistory  *history,
                         const char *id,
                         BmTrack     track)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  actor->track = track;
  return bm_edit_update_actor (history, actor, _("Change Track"), NULL);
}

gboolean
bm_edit_set_actor_sector (BmHistory  *history,
                          const char *id,
                          BmSector    sector)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  actor->sector = sector;
  return bm_edit_update_actor (history, actor, _("Change Sector"), NULL);
}

gboolean
bm_edit_set_actor_influence (BmHistory  *history,
                             const char *id,
                             int         influence)
{
  BmActor *actor;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  actor->influence = influence;
  return bm_edit_update_actor (history, actor, _("Change Influence"), NULL);
}

gboolean
bm_edit_set_actor_note (BmHistory  *history,
                        const char *id,
                        const char *note)
{
  BmActor *actor;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((actor = copy_actor (history, id)) == NULL)
    return FALSE;
  g_free (actor->note);
  actor->note = normalize_text (note);
  key = g_strconcat ("actor-note:", id, NULL);
  return bm_edit_update_actor (history, actor, _("Edit Note"), key);
}

gboolean
bm_edit_make_bridge (BmHistory          *history,
                     const char * const *actor_ids)
{
  BmMap *map;
  guint64 before;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if (actor_ids == NULL)
    return FALSE;
  map = history_map (history);
  before = bm_history_get_change_count (history);
  bm_history_begin_group (history, _("Make Track 1.5 Bridge"));
  for (guint i = 0; actor_ids[i] != NULL; i++)
    {
      const BmActor *actor = bm_map_lookup_actor (map, actor_ids[i]);
      BmActor *bridge;

      if (actor == NULL || actor->track == BM_TRACK_1_5)
        continue;
      bridge = bm_actor_copy (actor);
      bridge->track = BM_TRACK_1_5;
      bm_history_replace_actor (history, bridge);
    }
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

/* ---- ties ----------------------------------------------------------------- */

char *
bm_edit_add_tie_with_kind (BmHistory  *history,
                           const char *from,
                           const char *to,
                           BmTieKind   kind)
{
  BmMap *map;
  char *id;

  g_return_val_if_fail (BM_IS_HISTORY (history), NULL);
  g_return_val_if_fail ((guint) kind < BM_N_TIE_KINDS, NULL);

  map = history_map (history);
  if (from == NULL || to == NULL || strcmp (from, to) == 0 ||
      bm_map_lookup_actor (map, from) == NULL || bm_map_lookup_actor (map, to) == NULL)
    return NULL;

  id = bm_map_new_id (map, "tie");
  bm_history_begin_group (history, _("Add Tie"));
  bm_history_insert_tie (history, -1, bm_tie_new (id, from, to, kind));
  bm_history_end_group (history);
  return id;
}

char *
bm_edit_add_tie (BmHistory  *history,
                 const char *from,
                 const char *to)
{
  return bm_edit_add_tie_with_kind (history, from, to, BM_TIE_CHANNEL);
}

gboolean
bm_edit_update_tie (BmHistory  *history,
                    BmTie      *tie,
                    const char *label,
                    const char *coalesce_key)
{
  g_autoptr(BmTie) owned = tie;
  BmMap *map;
  guint64 before;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);
  g_return_val_if_fail (tie != NULL && tie->id != NULL, FALSE);

  map = history_map (history);
  if (owned->note != NULL && owned->note[0] == '\0')
    g_clear_pointer (&owned->note, g_free);
  if (bm_map_lookup_tie (map, owned->id) == NULL ||
      owned->from == NULL || owned->to == NULL || strcmp (owned->from, owned->to) == 0 ||
      bm_map_lookup_actor (map, owned->from) == NULL ||
      bm_map_lookup_actor (map, owned->to) == NULL ||
      (guint) owned->kind >= BM_N_TIE_KINDS ||
      owned->strength < 1 || owned->strength > 3)
    return FALSE;

  before = bm_history_get_change_count (history);
  bm_history_begin_coalescing_group (history, label ? label : _("Edit Tie"), coalesce_key);
  bm_history_replace_tie (history, g_steal_pointer (&owned));
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

static BmTie *
copy_tie (BmHistory *history, const char *id)
{
  const BmTie *tie;

  tie = id ? bm_map_lookup_tie (history_map (history), id) : NULL;
  return tie ? bm_tie_copy (tie) : NULL;
}

gboolean
bm_edit_set_tie_kind (BmHistory  *history,
                      const char *id,
                      BmTieKind   kind)
{
  BmTie *tie;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((tie = copy_tie (history, id)) == NULL)
    return FALSE;
  tie->kind = kind;
  return bm_edit_update_tie (history, tie, _("Change Tie Kind"), NULL);
}

gboolean
bm_edit_set_tie_strength (BmHistory  *history,
                          const char *id,
                          int         strength)
{
  BmTie *tie;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((tie = copy_tie (history, id)) == NULL)
    return FALSE;
  tie->strength = strength;
  return bm_edit_update_tie (history, tie, _("Change Tie Strength"), NULL);
}

gboolean
bm_edit_set_tie_note (BmHistory  *history,
                      const char *id,
                      const char *note)
{
  BmTie *tie;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((tie = copy_tie (history, id)) == NULL)
    return FALSE;
  g_free (tie->note);
  tie->note = normalize_text (note);
  key = g_strconcat ("tie-note:", id, NULL);
  return bm_edit_update_tie (history, tie, _("Edit Note"), key);
}

gboolean
bm_edit_reverse_tie (BmHistory  *history,
                     const char *id)
{
  BmTie *tie;
  char *tmp;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  if ((tie = copy_tie (history, id)) == NULL)
    return FALSE;
  tmp = tie->from;
  tie->from = tie->to;
  tie->to = tmp;
  return bm_edit_update_tie (history, tie, _("Reverse Tie"), NULL);
}

/* ---- selection ------------------------------------------------------------ */

gboolean
bm_edit_delete (BmHistory          *history,
                const char * const *actor_ids,
                const char * const *tie_ids)
{
  guint64 before;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  before = bm_history_get_change_count (history);
  bm_history_begin_group (history, _("Delete"));
  for (guint i = 0; tie_ids != NULL && tie_ids[i] != NULL; i++)
    bm_history_remove_tie (history, tie_ids[i]);
  for (guint i = 0; actor_ids != NULL && actor_ids[i] != NULL; i++)
    bm_history_remove_actor (history, actor_ids[i]);
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

/* ---- parties -------------------------------------------------------------- */

char *
bm_edit_add_party (BmHistory  *history,
                   const char *name,
                   gboolean    has_color,
                   guint32     color)
{
  g_autofree char *trimmed = NULL;
  BmParty *party;
  char *id;

  g_return_val_if_fail (BM_IS_HISTORY (history), NULL);

  if ((trimmed = trim_name (name)) == NULL)
    return NULL;
  id = bm_map_new_id (history_map (history), "party");
  party = bm_party_new (id, trimmed);
  party->has_color = has_color;
  party->color = has_color ? (color & 0xffffff) : 0;

  bm_history_begin_group (history, _("Add Party"));
  bm_history_insert_party (history, -1, party);
  bm_history_end_group (history);
  return id;
}

static gboolean
update_party (BmHistory  *history,
              BmParty    *party,
              const char *label,
              const char *coalesce_key)
{
  guint64 before = bm_history_get_change_count (history);

  bm_history_begin_coalescing_group (history, label, coalesce_key);
  bm_history_replace_party (history, party);
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

gboolean
bm_edit_rename_party (BmHistory  *history,
                      const char *id,
                      const char *name)
{
  const BmParty *old;
  BmParty *party;
  char *trimmed;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  old = id ? bm_map_lookup_party (history_map (history), id) : NULL;
  if (old == NULL || (trimmed = trim_name (name)) == NULL)
    return FALSE;
  party = bm_party_copy (old);
  g_free (party->name);
  party->name = trimmed;
  key = g_strconcat ("party-name:", id, NULL);
  return update_party (history, party, _("Rename Party"), key);
}

gboolean
bm_edit_set_party_color (BmHistory  *history,
                         const char *id,
                         gboolean    has_color,
                         guint32     color)
{
  const BmParty *old;
  BmParty *party;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  old = id ? bm_map_lookup_party (history_map (history), id) : NULL;
  if (old == NULL)
    return FALSE;
  party = bm_party_copy (old);
  party->has_color = has_color;
  party->color = has_color ? (color & 0xffffff) : 0;
  key = g_strconcat ("party-color:", id, NULL);
  return update_party (history, party, _("Change Party Color"), key);
}

gboolean
bm_edit_remove_party (BmHistory  *history,
                      const char *id,
                      const char *reassign_to)
{
  BmMap *map;
  g_autofree char *party_id = NULL;
  g_autoptr(GPtrArray) members = NULL;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  map = history_map (history);
  if (id == NULL || bm_map_lookup_party (map, id) == NULL)
    return FALSE;
  if (reassign_to != NULL &&
      (strcmp (reassign_to, id) == 0 || bm_map_lookup_party (map, reassign_to) == NULL))
    return FALSE;
  party_id = g_strdup (id);

  members = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_actor_free);
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      if (g_strcmp0 (actor->party, party_id) == 0)
        {
          BmActor *moved = bm_actor_copy (actor);
          g_free (moved->party);
          moved->party = g_strdup (reassign_to);
          g_ptr_array_add (members, moved);
        }
    }

  bm_history_begin_group (history, _("Remove Party"));
  for (guint i = 0; i < members->len; i++)
    {
      bm_history_replace_actor (history, g_ptr_array_index (members, i));
      members->pdata[i] = NULL;
    }
  bm_history_remove_party (history, party_id);
  bm_history_end_group (history);
  return TRUE;
}

guint
bm_edit_count_party_actors (BmMap      *map,
                            const char *id)
{
  guint count = 0;

  g_return_val_if_fail (BM_IS_MAP (map), 0);

  if (id == NULL)
    return 0;
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    if (g_strcmp0 (bm_map_get_actor (map, i)->party, id) == 0)
      count++;
  return count;
}

/* ---- meta ----------------------------------------------------------------- */

static gboolean
set_meta (BmHistory  *history,
          gboolean    title,
          const char *value)
{
  guint64 before = bm_history_get_change_count (history);

  if (title)
    {
      bm_history_begin_coalescing_group (history, _("Change Title"), "title");
      bm_history_set_title (history, value);
    }
  else
    {
      bm_history_begin_coalescing_group (history, _("Change Description"), "description");
      bm_history_set_description (history, value);
    }
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

gboolean
bm_edit_set_title (BmHistory  *history,
                   const char *title)
{
  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);
  return set_meta (history, TRUE, title);
}

gboolean
bm_edit_set_description (BmHistory  *history,
                         const char *description)
{
  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);
  return set_meta (history, FALSE, description);
}

/* ---- arrange -------------------------------------------------------------- */

typedef struct
{
  BmActor *actor;            /* a copy, moved and handed to the history */
  guint    column;           /* left to right */
  guint    rank;             /* first sort key inside a cell */
} Placement;

static void
placement_clear (gpointer data)
{
  Placement *p = data;

  g_clear_pointer (&p->actor, bm_actor_free);
}

static GArray *
placements_new (guint n)
{
  GArray *placements = g_array_sized_new (FALSE, FALSE, sizeof (Placement), n);

  g_array_set_clear_func (placements, placement_clear);
  return placements;
}

static int
compare_placements (gconstpointer pa, gconstpointer pb)
{
  const Placement *a = pa, *b = pb;
  int cmp;

  if (a->column != b->column)
    return a->column < b->column ? -1 : 1;
  if (a->actor->level != b->actor->level)
    return a->actor->level < b->actor->level ? -1 : 1;
  if (a->rank != b->rank)
    return a->rank < b->rank ? -1 : 1;
  if ((cmp = strcmp (a->actor->name, b->actor->name)) != 0)
    return cmp;
  return strcmp (a->actor->id, b->actor->id);
}

/* Lays out @placements (filled with column and rank) as a grid in each
 * band and records the moves as one step. */
static gboolean
arrange (BmHistory  *history,
         GArray     *placements,
         guint       n_columns,
         const char *label)
{
  g_autofree guint *counts = g_new0 (guint, n_columns * BM_N_LEVELS);
  g_autofree double *column_left = g_new0 (double, n_columns);
  g_autofree double *column_width = g_new0 (double, n_columns);
  double left = ARRANGE_LEFT;
  guint64 before;

  g_array_sort (placements, compare_placements);

  for (guint i = 0; i < placements->len; i++)
    {
      const Placement *p = &g_array_index (placements, Placement, i);
      counts[p->column * BM_N_LEVELS + p->actor->level]++;
    }

  /* Column widths: the widest band; empty columns take no room */
  for (guint c = 0; c < n_columns; c++)
    {
      guint widest = 0;

      for (guint l = 0; l < BM_N_LEVELS; l++)
        {
          guint n = counts[c * BM_N_LEVELS + l];
          widest = MAX (widest, (n + ARRANGE_ROWS - 1) / ARRANGE_ROWS);
        }
      column_width[c] = widest * ARRANGE_CELL_WIDTH;
      column_left[c] = left;
      if (widest > 0)
        left += column_width[c] + ARRANGE_COLUMN_GAP;
    }

  before = bm_history_get_change_count (history);
  bm_history_begin_group (history, label);
  for (guint i = 0; i < placements->len;)
    {
      const Placement *first = &g_array_index (placements, Placement, i);
      guint column = first->column;
      BmLevel level = first->actor->level;
      guint n = counts[column * BM_N_LEVELS + level];
      guint rows = MIN (n, ARRANGE_ROWS);
      guint sub_columns = (n + ARRANGE_ROWS - 1) / ARRANGE_ROWS;
      /* centre the cell's block in its column and band */
      double x0 = column_left[column] +
                  (column_width[column] - sub_columns * ARRANGE_CELL_WIDTH) / 2 +
                  ARRANGE_CELL_WIDTH / 2;
      double y_centre = bm_level_band_centre (level);

      for (guint k = 0; k < n; k++, i++)
        {
          Placement *p = &g_array_index (placements, Placement, i);
          BmActor *moved;
          double x = x0 + (k / ARRANGE_ROWS) * ARRANGE_CELL_WIDTH;
          double y = y_centre + ((double) (k % ARRANGE_ROWS) - (rows - 1) / 2.0) * ARRANGE_ROW_HEIGHT;

          g_assert (p->column == column && p->actor->level == level);
          moved = g_steal_pointer (&p->actor);
          bm_actor_set_position (moved, x, y);
          g_assert (bm_level_for_y (moved->y) == moved->level);
          bm_history_replace_actor (history, moved);
        }
    }
  bm_history_end_group (history);
  return bm_history_get_change_count (history) != before;
}

gboolean
bm_edit_arrange_by_party (BmHistory *history)
{
  BmMap *map;
  g_autoptr(GArray) placements = NULL;
  guint n_parties, n_left;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  map = history_map (history);
  n_parties = bm_map_get_n_parties (map);
  /* the first half of the parties on the left, third parties in the middle */
  n_left = (n_parties + 1) / 2;
  placements = placements_new (bm_map_get_n_actors (map));
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      int party = bm_map_party_index (map, actor->party);
      Placement p = { bm_actor_copy (actor), 0, actor->track };

      if (party < 0)
        p.column = n_left;
      else if ((guint) party < n_left)
        p.column = party;
      else
        p.column = party + 1;
      g_array_append_val (placements, p);
    }
  return arrange (history, placements, n_parties + 1, _("Arrange by Party"));
}

gboolean
bm_edit_arrange_by_track (BmHistory *history)
{
  BmMap *map;
  g_autoptr(GArray) placements = NULL;
  guint n_parties;

  g_return_val_if_fail (BM_IS_HISTORY (history), FALSE);

  map = history_map (history);
  n_parties = bm_map_get_n_parties (map);
  placements = placements_new (bm_map_get_n_actors (map));
  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *actor = bm_map_get_actor (map, i);
      int party = bm_map_party_index (map, actor->party);
      Placement p = { bm_actor_copy (actor), actor->track,
                      party < 0 ? n_parties : (guint) party };

      g_array_append_val (placements, p);
    }
  return arrange (history, placements, BM_N_TRACKS, _("Arrange by Track"));
}
