/* bm-layout.c: automatic placement of actors without a position
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * See bm-render.h for the rules.  The placement works in two steps: every
 * group (a party, or the third parties) gets a block of columns, blocks
 * left to right with the third parties in the middle; then each actor to
 * place takes the free slot nearest to its target in the block, on a
 * lattice of three rows per band, never overlapping anything already there.
 * A full column is staggered (its middle actor half a cell to the right),
 * so that a tie between the upper and the lower actor misses the middle one.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "bm-render.h"

#define ROWS_PER_BAND 3
#define ROW_HEIGHT    (BM_BAND_HEIGHT / ROWS_PER_BAND)
#define CELL_WIDTH    130.0
#define GROUP_GAP     (CELL_WIDTH / 2)
/* Free space kept between two shapes */
#define CLEARANCE     8.0
/* Spatial hash cell: larger than any two radii plus the clearance */
#define GRID          80.0
/* How far (in half cells) to look for a free place around a target, and
 * for the least crowded one when there is none */
#define MAX_RINGS     60
#define NEAR_RINGS    6

typedef struct
{
  guint   index;      /* actor index in the map */
  guint   group;
  BmLevel level;
  BmTrack track;
} Pending;

/* ---- a spatial hash of occupied discs ------------------------------------ */

typedef struct
{
  double x, y, r;
} Disc;

typedef struct
{
  GArray     *discs;  /* Disc */
  GHashTable *cells;  /* packed cell → GArray of guint disc indices */
} Occupancy;

static gint64
cell_key (double x, double y)
{
  gint64 cx = (gint64) floor (x / GRID);
  gint64 cy = (gint64) floor (y / GRID);
  return (cx << 32) ^ (cy & 0xffffffff);
}

static void
occupancy_init (Occupancy *occ)
{
  occ->discs = g_array_new (FALSE, FALSE, sizeof (Disc));
  occ->cells = g_hash_table_new_full (bm_cell_hash, g_int64_equal, g_free,
                                      (GDestroyNotify) g_array_unref);
}

static void
occupancy_clear (Occupancy *occ)
{
  g_array_unref (occ->discs);
  g_hash_table_unref (occ->cells);
}

static void
occupancy_add (Occupancy *occ, double x, double y, double r)
{
  Disc d = { x, y, r };
  guint idx = occ->discs->len;
  gint64 key = cell_key (x, y);
  GArray *list;

  g_array_append_val (occ->discs, d);
  list = g_hash_table_lookup (occ->cells, &key);
  if (list == NULL)
    {
      gint64 *k = g_new (gint64, 1);
      *k = key;
      list = g_array_new (FALSE, FALSE, sizeof (guint));
      g_hash_table_insert (occ->cells, k, list);
    }
  g_array_append_val (list, idx);
}

/* How deep a disc at (x, y) of radius r would cut into the ones there
 * (clearance included); 0 when it would not.  With @any, only whether it
 * would: a positive value at the first disc it comes too close to.  Radii
 * never exceed GRID / 2 minus the clearance, except for odd data; for
 * those the neighbourhood searched grows. */
static double
occupancy_intrusion (Occupancy *occ, double x, double y, double r, double max_r, gboolean any)
{
  double reach = r + max_r + CLEARANCE;
  int span = (int) ceil (reach / GRID);
  gint64 cx0 = (gint64) floor (x / GRID);
  gint64 cy0 = (gint64) floor (y / GRID);
  double deepest = 0;

  for (gint64 cx = cx0 - span; cx <= cx0 + span; cx++)
    for (gint64 cy = cy0 - span; cy <= cy0 + span; cy++)
      {
        gint64 key = (cx << 32) ^ (cy & 0xffffffff);
        GArray *list = g_hash_table_lookup (occ->cells, &key);

        if (list == NULL)
          continue;
        for (guint i = 0; i < list->len; i++)
          {
            const Disc *d = &g_array_index (occ->discs, Disc,
                                            g_array_index (list, guint, i));
            double min = r + d->r + CLEARANCE;
            double dx = d->x - x, dy = d->y - y;

            if (!any)
              deepest = MAX (deepest, min - hypot (dx, dy));
            else if (dx * dx + dy * dy < min * min)
              return 1;
          }
      }
  return deepest;
}

/* ---- groups -------------------------------------------------------------- */

typedef struct
{
  char   *party;          /* NULL for the third parties */
  guint   n_to_place[BM_N_LEVELS];
  GArray *placed_x;       /* double: x of the group's positioned actors */
  double  centre;         /* block centre */
} Group;

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static int
compare_pending (gconstpointer a, gconstpointer b)
{
  const Pending *p = a, *q = b;

  if (p->group != q->group)
    return p->group < q->group ? -1 : 1;
  if (p->level != q->level)
    return p->level < q->level ? -1 : 1;
  if (p->track != q->track)
    return p->track < q->track ? -1 : 1;
  return p->index < q->index ? -1 : (p->index > q->index);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static double
median (GArray *values)
{
  guint n = values->len;

  g_array_sort (values, compare_double);
  if (n % 2 == 1)
    return g_array_index (values, double, n / 2);
  return (g_array_index (values, double, n / 2 - 1) + g_array_index (values, double, n / 2)) / 2;
}

/* Groups in drawing order: the first half of the declared parties (model
 * order), the third parties, the rest; then parties referenced by actors
 * but not declared, by id.  Fills @group_of_party (id → group index + 1). */
static GPtrArray *
make_groups (BmMap *map, GHashTable *group_of_party, guint *third)
{
  GPtrArray *groups = g_ptr_array_new ();
  guint n_parties = bm_map_get_n_parties (map);
  guint n_actors = bm_map_get_n_actors (map);
  g_autoptr(GPtrArray) undeclared = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint half = (n_parties + 1) / 2;

  for (guint i = 0; i < n_actors; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      if (a->party != NULL && bm_map_lookup_party (map, a->party) == NULL
          && g_hash_table_add (seen, a->party))
        g_ptr_array_add (undeclared, a->party);
    }
  g_ptr_array_sort (undeclared, compare_strings);

  for (guint i = 0; i <= n_parties; i++)
    {
      Group *g = g_new0 (Group, 1);
      if (i < half)
        g->party = bm_map_get_party (map, i)->id;
      else if (i == half)
        {
          g->party = NULL;
          *third = groups->len;
        }
      else
        g->party = bm_map_get_party (map, i - 1)->id;
      g_ptr_array_add (groups, g);
    }
  for (guint i = 0; i < undeclared->len; i++)
    {
      Group *g = g_new0 (Group, 1);
      g->party = g_ptr_array_index (undeclared, i);
      g_ptr_array_add (groups, g);
    }
  for (guint i = 0; i < groups->len; i++)
    {
      Group *g = g_ptr_array_index (groups, i);
      g->placed_x = g_array_new (FALSE, FALSE, sizeof (double));
      if (g->party != NULL)
        g_hash_table_insert (group_of_party, g->party, GUINT_TO_POINTER (i + 1));
    }
  return groups;
}

static void
group_free (gpointer data)
{
  Group *g = data;
  g_array_unref (g->placed_x);
  g_free (g);
}

static guint
columns_for (guint n)
{
  return (n + ROWS_PER_BAND - 1) / ROWS_PER_BAND;
}

/* ---- placement ----------------------------------------------------------- */

static double
clamp_radius (double r)
{
  return MIN (r, GRID);
}

BmPoint *
bm_layout_positions_array (BmMap *map)
{
  guint n = bm_map_get_n_actors (map);
  BmPoint *pos = g_new0 (BmPoint, MAX (n, 1));
  g_autoptr(GHashTable) group_of_party = NULL;
  g_autoptr(GArray) pending = NULL;
  GPtrArray *groups;
  Occupancy occ;
  guint third = 0;
  double max_r = 0;
  gboolean any_placed = FALSE;

  g_return_val_if_fail (BM_IS_MAP (map), pos);

  pending = g_array_new (FALSE, FALSE, sizeof (Pending));
  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      max_r = MAX (max_r, clamp_radius (bm_render_actor_radius (a)));
      if (a->has_position)
        {
          pos[i].x = a->x;
          pos[i].y = a->y;
        }
      else
        {
          Pending p = { i, 0, a->level, a->track };
          g_array_append_val (pending, p);
        }
    }
  if (pending->len == 0)
    return pos;

  group_of_party = g_hash_table_new (g_str_hash, g_str_equal);
  groups = make_groups (map, group_of_party, &third);
  occupancy_init (&occ);

  for (guint i = 0; i < n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      guint gi = a->party ? GPOINTER_TO_UINT (g_hash_table_lookup (group_of_party, a->party)) - 1
                          : third;
      Group *g = g_ptr_array_index (groups, gi);

      if (a->has_position)
        {
          occupancy_add (&occ, a->x, a->y, clamp_radius (bm_render_actor_radius (a)));
          g_array_append_val (g->placed_x, a->x);
          any_placed = TRUE;
        }
    }
  for (guint k = 0; k < pending->len; k++)
    {
      Pending *p = &g_array_index (pending, Pending, k);
      const BmActor *a = bm_map_get_actor (map, p->index);
      Group *g;

      p->group = a->party ? GPOINTER_TO_UINT (g_hash_table_lookup (group_of_party, a->party)) - 1
                          : third;
      g = g_ptr_array_index (groups, p->group);
      g->n_to_place[p->level]++;
    }

  /* Block centres: side by side from x = 0 for a fresh map; where a group
   * already has placed actors, around their median, and the groups
   * without any shifted along with the others */
  {
    double left = 0, shift = 0;
    g_autoptr(GArray) shifts = g_array_new (FALSE, FALSE, sizeof (double));

    for (guint i = 0; i < groups->len; i++)
      {
        Group *g = g_ptr_array_index (groups, i);
        guint cols = 0;
        double width;

        for (int l = 0; l < BM_N_LEVELS; l++)
          cols = MAX (cols, columns_for (g->n_to_place[l]));
        if (cols == 0 && g->placed_x->len == 0)
          continue;
        width = MAX (cols, 1) * CELL_WIDTH + CELL_WIDTH / 2;
        g->centre = left + width / 2;
        left += width + GROUP_GAP;
        if (g->placed_x->len > 0)
          {
            double d = median (g->placed_x) - g->centre;
            g_array_append_val (shifts, d);
          }
      }
    if (any_placed && shifts->len > 0)
      shift = median (shifts);
    for (guint i = 0; i < groups->len; i++)
      {
        Group *g = g_ptr_array_index (groups, i);
        if (g->placed_x->len > 0)
          g->centre = median (g->placed_x);
        else
          g->centre += shift;
      }
  }

  g_array_sort (pending, compare_pending);

  for (guint k = 0; k < pending->len;)
    {
      const Pending *first = &g_array_index (pending, Pending, k);
      Group *g = g_ptr_array_index (groups, first->group);
      guint count = 0;
      double block_left;
      guint cols, rows_used;
      gboolean crammed = FALSE;

      while (k + count < pending->len
             && g_array_index (pending, Pending, k + count).group == first->group
             && g_array_index (pending, Pending, k + count).level == first->level)
        count++;
      cols = columns_for (count);
      /* As few rows as the columns need: 1 → the middle row, 2 → the
       * outer rows, 3 → all, staggered */
      rows_used = (count + cols - 1) / cols;
      block_left = g->centre - (cols * CELL_WIDTH + (rows_used == 3 ? CELL_WIDTH / 2 : 0)) / 2;

      for (guint j = 0; j < count; j++)
        {
          const Pending *p = &g_array_index (pending, Pending, k + j);
          const BmActor *a = bm_map_get_actor (map, p->index);
          double r = clamp_radius (bm_render_actor_radius (a));
          double band_top = bm_level_band_top (p->level);
          int slot = j % rows_used;
          int trow = rows_used == 1 ? 1 : rows_used == 2 ? 2 * slot : slot;
          double tx = block_left + (j / rows_used + 0.5) * CELL_WIDTH
                      + (rows_used == 3 && trow == 1 ? CELL_WIDTH / 2 : 0);
          gboolean found = FALSE;

          /* Rings of growing distance around the target: half-cell steps
           * along the row, every row of the band.  Past MAX_RINGS (a band
           * crammed full over a long stretch, as positioned actors may
           * leave it) the place near the target that overlaps least; the
           * rest of the block then looks no further than that. */
          double best_cut = G_MAXDOUBLE, best_x = tx;
          double best_y = band_top + (trow + 0.5) * ROW_HEIGHT;
          int last_ring = crammed ? NEAR_RINGS : MAX_RINGS;

          for (int ring = 0; !found && ring <= last_ring; ring++)
            for (int di = -ring; di <= ring && !found; di++)
              for (int row = 0; row < ROWS_PER_BAND && !found; row++)
                {
                  int dr = row - trow;
                  double x, y;

                  if (MAX (ABS (di), ABS (dr)) != ring)
                    continue;
                  x = bm_round_position (tx + di * CELL_WIDTH / 2);
                  y = bm_round_position (band_top + (row + 0.5) * ROW_HEIGHT);
                  if (occupancy_intrusion (&occ, x, y, r, max_r, TRUE) == 0)
                    {
                      pos[p->index].x = x;
                      pos[p->index].y = y;
                      occupancy_add (&occ, x, y, r);
                      found = TRUE;
                    }
                  else if (ring <= NEAR_RINGS)
                    {
                      double cut = occupancy_intrusion (&occ, x, y, r, max_r, FALSE);
                      if (cut < best_cut)
                        {
                          best_cut = cut;
                          best_x = x;
                          best_y = y;
                        }
                    }
                }
          if (!found)
            {
              crammed = TRUE;
              pos[p->index].x = bm_round_position (best_x);
              pos[p->index].y = bm_round_position (best_y);
              occupancy_add (&occ, pos[p->index].x, pos[p->index].y, r);
            }
        }
      k += count;
    }

  occupancy_clear (&occ);
  g_ptr_array_set_free_func (groups, group_free);
  g_ptr_array_unref (groups);
  return pos;
}

GHashTable *
bm_layout_positions (BmMap *map)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree BmPoint *pos = NULL;
  guint n;

  g_return_val_if_fail (BM_IS_MAP (map), table);

  n = bm_map_get_n_actors (map);
  pos = bm_layout_positions_array (map);
  for (guint i = 0; i < n; i++)
    {
      BmPoint *p = g_new (BmPoint, 1);
      *p = pos[i];
      g_hash_table_insert (table, g_strdup (bm_map_get_actor (map, i)->id), p);
    }
  return table;
}

guint
bm_layout_place_unpositioned (BmMap *map)
{
  g_autofree BmPoint *pos = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  guint n;

  g_return_val_if_fail (BM_IS_MAP (map), 0);

  n = bm_map_get_n_actors (map);
  pos = bm_layout_positions_array (map);
  /* Collect first: moving an actor must not disturb what is computed */
  ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n; i++)
    if (!bm_map_get_actor (map, i)->has_position)
      g_ptr_array_add (ids, g_strdup (bm_map_get_actor (map, i)->id));
  if (ids->len == 0)
    return 0;

  bm_map_begin_batch (map);
  for (guint i = 0, k = 0; i < n && k < ids->len; i++)
    if (strcmp (bm_map_get_actor (map, i)->id, g_ptr_array_index (ids, k)) == 0)
      {
        bm_map_move_actor (map, g_ptr_array_index (ids, k), pos[i].x, pos[i].y);
        k++;
      }
  bm_map_end_batch (map);
  return ids->len;
}
