/* bm-analysis.c: where a Track 1.5 bridge is missing (domain.md, section 4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The map is copied once into compact arrays: actors and parties become
 * integer indices, the usable ties a simple undirected graph in compressed
 * sparse rows.  Every rule then works on those arrays; ids and names are
 * only looked at to sort and to write the report.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bm-analysis.h"

#define MAX_CANDIDATES 5
/* How many names an explanation lists before saying "and N others" */
#define MAX_NAMES 6

/* The usable-tie graph: simple, undirected, every actor a node */
typedef struct
{
  guint  n;
  guint *start;   /* n + 1 offsets into adj */
  guint *adj;     /* neighbours, each edge stored in both directions */
} Graph;

struct _BmAnalysis
{
  guint      n_actors;
  guint      n_ties;
  guint      n_parties;
  GPtrArray *gaps;           /* BmGap* */
  guint      n_severity[BM_SEVERITY_INFO + 1];

  Graph      graph;
  double    *betweenness;    /* NULL until first needed */

  /* What was checked, for the report when nothing is missing */
  gboolean   any_opposed;
  guint      n_opposed_official;   /* opposed pairs with officials on both sides */
  guint      n_transfer_parties;   /* parties with officials and unofficial actors */
  guint      n_bridges;
  guint      n_pyramid_parties;    /* parties with top and grassroots actors */

  char      *title;                /* the map's title, NULL when absent */
};

/* Scratch state while analysing */
typedef struct
{
  BmAnalysis      *self;
  guint            n;          /* actors */
  guint            np;         /* parties */
  const BmActor  **actors;
  const BmParty  **parties;
  int             *party;      /* party index of each actor, -1 for none */
  guint           *rank;       /* party index -> position in byte order of ids */
  guint           *by_rank;    /* position -> party index */

  /* Per party, CSR over actors: officials (track 1) and unofficial
   * actors (track 2, 3) */
  guint           *off_start, *off;
  guint           *unoff_start, *unoff;

  /* Per bridge (track 1.5 actor): the parties whose officials it touches,
   * sorted by party index; CSR indexed by actor */
  guint           *bridge_start, *bridge_parties;
  /* Per party: the bridges touching one of its officials */
  guint           *pbridge_start, *pbridge;

  /* Per actor scratch marks, valid while equal to the current stamp */
  guint           *mark;
  guint            stamp;

  /* Cached "within two usable ties of official(P)" lists, per party */
  GArray         **reach;

  /* Opposed pairs: rank of the first party × np + rank of the second */
  GArray          *opposed;

  /* Names isolated for sentences (see in_text()) */
  GPtrArray       *texts;
} Ctx;

typedef struct
{
  const char *id;
  guint       index;
} IdIndex;

static int
cmp_id_index (const void *a, const void *b)
{
  return strcmp (((const IdIndex *) a)->id, ((const IdIndex *) b)->id);
}

/* @name as it goes into a sentence: isolated where its direction could
 * reorder the words around it (owned by @c) */
static const char *
in_text (Ctx *c, const char *name)
{
  char *isolated;

  if (!bm_name_needs_isolating (name))
    return name;
  isolated = g_strconcat (BM_ISOLATE_START, name, BM_ISOLATE_END, NULL);
  g_ptr_array_add (c->texts, isolated);
  return isolated;
}

static int
cmp_guint (const void *a, const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

static int
cmp_guint64 (const void *a, const void *b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;
  return x < y ? -1 : x > y;
}

static guint
next_stamp (Ctx *c)
{
  if (++c->stamp == 0)
    {
      memset (c->mark, 0, sizeof (guint) * c->n);
      c->stamp = 1;
    }
  return c->stamp;
}

/* ---------------------------------------------------------------------
 * Gaps
 * --------------------------------------------------------------------- */

static BmGap *
gap_new (BmGapKind kind, BmSeverity severity)
{
  BmGap *gap = g_new0 (BmGap, 1);
  gap->kind = kind;
  gap->severity = severity;
  return gap;
}

static void
gap_free (gpointer data)
{
  BmGap *gap = data;
  g_strfreev (gap->parties);
  g_free (gap->actor);
  g_strfreev (gap->actors);
  g_strfreev (gap->candidates);
  g_free (gap->title);
  g_free (gap->explanation);
  g_free (gap);
}

/* Actor ids of @indices, sorted in byte order, as a NULL-terminated vector */
static char **
sorted_actor_ids (Ctx *c, const guint *indices, guint len)
{
  g_autofree IdIndex *items = g_new (IdIndex, len + 1);
  char **ids = g_new0 (char *, len + 1);

  for (guint i = 0; i < len; i++)
    {
      items[i].id = c->actors[indices[i]]->id;
      items[i].index = indices[i];
    }
  qsort (items, len, sizeof (IdIndex), cmp_id_index);
  for (guint i = 0; i < len; i++)
    ids[i] = g_strdup (items[i].id);
  return ids;
}

/* Names of the actors at @indices, in byte order of their ids */
static GPtrArray *
names_of_actor_indices (Ctx *c, const guint *indices, guint len)
{
  g_autofree IdIndex *items = g_new (IdIndex, len + 1);
  GPtrArray *names = g_ptr_array_sized_new (len);

  for (guint i = 0; i < len; i++)
    {
      items[i].id = c->actors[indices[i]]->id;
      items[i].index = indices[i];
    }
  qsort (items, len, sizeof (IdIndex), cmp_id_index);
  for (guint i = 0; i < len; i++)
    g_ptr_array_add (names, (gpointer) in_text (c, c->actors[items[i].index]->name));
  return names;
}

/* "A", "A and B", "A, B and C"; past @max names, "A, B, … and 3 others" */
static char *
join_names (GPtrArray *names, guint max)
{
  guint n = names->len;
  guint shown = MIN (n, max);
  g_autofree char *list = NULL;

  if (n == 0)
    return g_strdup ("");
  if (n == 1)
    return g_strdup (g_ptr_array_index (names, 0));

  if (n > max)
    {
      guint rest = n - shown;
      list = g_strdup (g_ptr_array_index (names, 0));
      for (guint i = 1; i < shown; i++)
        {
          /* TRANSLATORS: joins items of a list of names: "A, B" */
          char *tmp = g_strdup_printf (_("%s, %s"), list, (char *) g_ptr_array_index (names, i));
          g_free (list);
          list = tmp;
        }
      /* TRANSLATORS: the end of a long list of names: "A, B, C and 4 others" */
      return g_strdup_printf (ngettext ("%s and %u other", "%s and %u others", rest), list, rest);
    }

  list = g_strdup (g_ptr_array_index (names, 0));
  for (guint i = 1; i + 1 < n; i++)
    {
      char *tmp = g_strdup_printf (_("%s, %s"), list, (char *) g_ptr_array_index (names, i));
      g_free (list);
      list = tmp;
    }
  /* TRANSLATORS: the last two items of a list of names: "A, B and C" */
  return g_strdup_printf (_("%s and %s"), list, (char *) g_ptr_array_index (names, n - 1));
}

static char *
join_actor_names (Ctx *c, const guint *indices, guint len)
{
  g_autoptr(GPtrArray) names = names_of_actor_indices (c, indices, len);
  return join_names (names, MAX_NAMES);
}

static const char *
party_name (Ctx *c, guint p)
{
  return in_text (c, c->parties[p]->name);
}

/* ---------------------------------------------------------------------
 * Building the compact model
 * --------------------------------------------------------------------- */

/* Groups actors by party: for each party, the actors with @track_mask */
static void
group_by_party (Ctx *c, guint track_mask, guint **out_start, guint **out_items)
{
  guint *start = g_new0 (guint, c->np + 1);
  guint *items;
  g_autofree guint *fill = NULL;

  for (guint i = 0; i < c->n; i++)
    if (c->party[i] >= 0 && (track_mask & (1u << c->actors[i]->track)))
      start[c->party[i] + 1]++;
  for (guint p = 0; p < c->np; p++)
    start[p + 1] += start[p];
  items = g_new (guint, start[c->np] + 1);
  fill = g_memdup2 (start, sizeof (guint) * (c->np + 1));
  for (guint i = 0; i < c->n; i++)
    if (c->party[i] >= 0 && (track_mask & (1u << c->actors[i]->track)))
      items[fill[c->party[i]]++] = i;

  *out_start = start;
  *out_items = items;
}

/* Reads parties, actors and ties into @c and the graph into @c->self */
static void
load_map (Ctx *c, BmMap *map)
{
  BmAnalysis *self = c->self;
  g_autoptr(GHashTable) actor_index = NULL;
  g_autoptr(GHashTable) party_index = NULL;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (guint) * 2);
  g_autofree IdIndex *order = NULL;
  g_autofree guint *deg = NULL;
  g_autofree guint *fill = NULL;
  guint n_ties = bm_map_get_n_ties (map);
  Graph *g = &self->graph;
  guint k;

  c->n = bm_map_get_n_actors (map);
  c->np = bm_map_get_n_parties (map);
  self->n_actors = c->n;
  self->n_parties = c->np;
  self->n_ties = n_ties;

  party_index = g_hash_table_new (g_str_hash, g_str_equal);
  c->parties = g_new (const BmParty *, c->np + 1);
  for (guint p = 0; p < c->np; p++)
    {
      c->parties[p] = bm_map_get_party (map, p);
      g_hash_table_insert (party_index, c->parties[p]->id, GUINT_TO_POINTER (p + 1));
    }

  order = g_new (IdIndex, c->np + 1);
  for (guint p = 0; p < c->np; p++)
    {
      order[p].id = c->parties[p]->id;
      order[p].index = p;
    }
  qsort (order, c->np, sizeof (IdIndex), cmp_id_index);
  c->rank = g_new (guint, c->np + 1);
  c->by_rank = g_new (guint, c->np + 1);
  for (guint r = 0; r < c->np; r++)
    {
      c->rank[order[r].index] = r;
      c->by_rank[r] = order[r].index;
    }

  actor_index = g_hash_table_new (g_str_hash, g_str_equal);
  c->actors = g_new (const BmActor *, c->n + 1);
  c->party = g_new (int, c->n + 1);
  for (guint i = 0; i < c->n; i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      gpointer p = NULL;

      c->actors[i] = a;
      g_hash_table_insert (actor_index, a->id, GUINT_TO_POINTER (i + 1));
      /* A reference to a party that is not (or no longer) declared counts
       * as no party: the loader refuses it, an edit may leave it briefly. */
      if (a->party != NULL)
        p = g_hash_table_lookup (party_index, a->party);
      c->party[i] = p != NULL ? (int) GPOINTER_TO_UINT (p) - 1 : -1;
    }

  /* Ties: usable ones become edges; a hostile one between actors of two
   * different parties makes those parties opposed. */
  c->opposed = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint t = 0; t < n_ties; t++)
    {
      const BmTie *tie = bm_map_get_tie (map, t);
      guint a = GPOINTER_TO_UINT (g_hash_table_lookup (actor_index, tie->from));
      guint b = GPOINTER_TO_UINT (g_hash_table_lookup (actor_index, tie->to));

      if (a == 0 || b == 0 || a == b)
        continue;
      a--, b--;
      if (bm_tie_kind_is_usable (tie->kind))
        {
          guint e[2] = { a, b };
          g_array_append_vals (edges, e, 1);
        }
      else if (c->party[a] >= 0 && c->party[b] >= 0 && c->party[a] != c->party[b])
        {
          guint ra = c->rank[c->party[a]], rb = c->rank[c->party[b]];
          guint64 key = (guint64) MIN (ra, rb) * c->np + MAX (ra, rb);
          g_array_append_val (c->opposed, key);
        }
    }

  /* Compressed sparse rows, parallel edges merged */
  g->n = c->n;
  deg = g_new0 (guint, c->n + 1);
  for (guint e = 0; e < edges->len; e++)
    {
      const guint *pair = &g_array_index (edges, guint, 2 * e);
      deg[pair[0]]++;
      deg[pair[1]]++;
    }
  g->start = g_new (guint, c->n + 1);
  g->start[0] = 0;
  for (guint i = 0; i < c->n; i++)
    g->start[i + 1] = g->start[i] + deg[i];
  g->adj = g_new (guint, g->start[c->n] + 1);
  fill = g_memdup2 (g->start, sizeof (guint) * (c->n + 1));
  for (guint e = 0; e < edges->len; e++)
    {
      const guint *pair = &g_array_index (edges, guint, 2 * e);
      g->adj[fill[pair[0]]++] = pair[1];
      g->adj[fill[pair[1]]++] = pair[0];
    }

  c->mark = g_new0 (guint, c->n + 1);
  c->stamp = 0;
  k = 0;
  for (guint i = 0; i < c->n; i++)
    {
      guint s = next_stamp (c);
      guint begin = g->start[i], end = g->start[i + 1];

      g->start[i] = k;
      for (guint e = begin; e < end; e++)
        {
          guint v = g->adj[e];
          if (c->mark[v] != s)
            {
              c->mark[v] = s;
              g->adj[k++] = v;
            }
        }
    }
  g->start[c->n] = k;

  group_by_party (c, 1u << BM_TRACK_1, &c->off_start, &c->off);
  group_by_party (c, (1u << BM_TRACK_2) | (1u << BM_TRACK_3), &c->unoff_start, &c->unoff);
}

/* For every bridge, the parties whose officials it has a usable tie to;
 * and for every party, the bridges touching its officials. */
static void
index_bridges (Ctx *c)
{
  const Graph *g = &c->self->graph;
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint *party_mark = g_new0 (guint, c->np + 1);
  g_autofree guint *fill = NULL;
  guint n_bridges = 0;

  c->bridge_start = g_new0 (guint, c->n + 1);
  for (guint b = 0; b < c->n; b++)
    {
      guint first = items->len;

      c->bridge_start[b] = first;
      if (c->actors[b]->track != BM_TRACK_1_5)
        continue;
      n_bridges++;
      for (guint e = g->start[b]; e < g->start[b + 1]; e++)
        {
          guint v = g->adj[e];
          int p = c->party[v];
          if (p >= 0 && c->actors[v]->track == BM_TRACK_1 && party_mark[p] != b + 1)
            {
              guint up = (guint) p;
              party_mark[p] = b + 1;
              g_array_append_val (items, up);
            }
        }
      qsort (&g_array_index (items, guint, first), items->len - first, sizeof (guint), cmp_guint);
    }
  c->bridge_start[c->n] = items->len;
  c->bridge_parties = g_new (guint, items->len + 1);
  memcpy (c->bridge_parties, items->data, sizeof (guint) * items->len);
  c->self->n_bridges = n_bridges;

  c->pbridge_start = g_new0 (guint, c->np + 1);
  for (guint k = 0; k < items->len; k++)
    c->pbridge_start[c->bridge_parties[k] + 1]++;
  for (guint p = 0; p < c->np; p++)
    c->pbridge_start[p + 1] += c->pbridge_start[p];
  c->pbridge = g_new (guint, items->len + 1);
  fill = g_memdup2 (c->pbridge_start, sizeof (guint) * (c->np + 1));
  for (guint b = 0; b < c->n; b++)
    for (guint k = c->bridge_start[b]; k < c->bridge_start[b + 1]; k++)
      c->pbridge[fill[c->bridge_parties[k]]++] = b;
}

static gboolean
bridge_touches (Ctx *c, guint bridge, guint party)
{
  const guint *base = c->bridge_parties + c->bridge_start[bridge];
  guint len = c->bridge_start[bridge + 1] - c->bridge_start[bridge];
  return bsearch (&party, base, len, sizeof (guint), cmp_guint) != NULL;
}

/* Actors outside official(P) within one or two usable ties of an actor of
 * official(P), sorted by index; computed once per party. */
static GArray *
reach_of (Ctx *c, guint p)
{
  const Graph *g = &c->self->graph;
  GArray *reach;
  guint s, first;

  if (c->reach[p] != NULL)
    return c->reach[p];

  reach = g_array_new (FALSE, FALSE, sizeof (guint));
  s = next_stamp (c);
  for (guint k = c->off_start[p]; k < c->off_start[p + 1]; k++)
    c->mark[c->off[k]] = s;
  /* one tie */
  for (guint k = c->off_start[p]; k < c->off_start[p + 1]; k++)
    {
      guint o = c->off[k];
      for (guint e = g->start[o]; e < g->start[o + 1]; e++)
        {
          guint v = g->adj[e];
          if (c->mark[v] != s)
            {
              c->mark[v] = s;
              g_array_append_val (reach, v);
            }
        }
    }
  /* two ties: through anyone one tie away (other officials of P included,
   * whose neighbours the first pass already took) */
  first = reach->len;
  for (guint k = 0; k < first; k++)
    {
      guint x = g_array_index (reach, guint, k);
      for (guint e = g->start[x]; e < g->start[x + 1]; e++)
        {
          guint v = g->adj[e];
          if (c->mark[v] != s)
            {
              c->mark[v] = s;
              g_array_append_val (reach, v);
            }
        }
    }
  g_array_sort (reach, cmp_guint);
  c->reach[p] = reach;
  return reach;
}

/* ---------------------------------------------------------------------
 * Betweenness centrality (Brandes 2001), unweighted, undirected
 * --------------------------------------------------------------------- */

typedef struct
{
  const Graph *g;
  guint        first;    /* sources first, first + step, … */
  guint        step;
  double      *acc;      /* this worker's sums, one per actor */
} BrandesJob;

/* One breadth-first search per source.  The search records the shortest-
 * path DAG as a flat list of (from, to) pairs, level by level; path counts
 * and dependencies are then plain loops over those pairs, with no inner
 * loop per actor.
 *
 * A level is found top-down (the frontier's neighbours) or, when the
 * frontier's ties outnumber those of the actors not reached yet, bottom-up
 * (each unreached actor looks for neighbours in the frontier): the last,
 * widest levels of a search cost far less that way.  Both record every
 * pair, since Brandes needs every shortest path. */
static void
brandes_run (BrandesJob *job)
{
  const Graph *g = job->g;
  const guint *start = g->start;
  const guint *adj = g->adj;
  guint n = g->n;
  guint64 total = start[n];
  int *dist = g_new (int, n + 1);
  double *sigma = g_new0 (double, n + 1);
  double *coef = g_new (double, n + 1);
  double *coef_sum = g_new0 (double, n + 1);
  guint *queue = g_new (guint, n + 1);
  guint *unseen = g_new (guint, n + 1);
  guint *pair_from = g_new (guint, total + 1);
  guint *pair_to = g_new (guint, total + 1);
  guint *level_queue = g_new (guint, n + 2);   /* level L is queue[lq[L] … lq[L+1]) */
  guint *level_pairs = g_new (guint, n + 2);   /* its pairs to level L+1 */
  double *acc = job->acc;

  for (guint i = 0; i < n; i++)
    dist[i] = G_MAXINT;

  for (guint s = job->first; s < n; s += job->step)
    {
      guint head = 0, tail = 0, n_pairs = 0, n_levels = 0, n_unseen = 0;
      guint64 unseen_ties = total - (start[s + 1] - start[s]);
      guint64 frontier_ties = start[s + 1] - start[s];
      gboolean have_unseen = FALSE;
      int d = 0;

      if (start[s] == start[s + 1])
        continue;

      queue[tail++] = s;
      dist[s] = 0;
      while (head < tail)
        {
          guint level_end = tail;
          int dnext = d + 1;

          level_queue[n_levels] = head;
          level_pairs[n_levels] = n_pairs;
          n_levels++;

          if (frontier_ties > unseen_ties)
            {
              guint kept = 0;

              if (!have_unseen)
                {
                  for (guint w = 0; w < n; w++)
                    {
                      unseen[n_unseen] = w;
                      n_unseen += (dist[w] == G_MAXINT) & (start[w] != start[w + 1]);
                    }
                  have_unseen = TRUE;
                }
              for (guint j = 0; j < n_unseen; j++)
                {
                  guint w = unseen[j];
                  guint found = 0;

                  for (guint e = start[w]; e < start[w + 1]; e++)
                    {
                      guint u = adj[e];
                      guint is_pred = (dist[u] == d);

                      pair_from[n_pairs] = u;
                      pair_to[n_pairs] = w;
                      n_pairs += is_pred;
                      found |= is_pred;
                    }
                  if (found)
                    {
                      dist[w] = dnext;
                      queue[tail++] = w;
                    }
                  else
                    unseen[kept++] = w;
                }
              n_unseen = kept;
              head = level_end;
            }
          else
            {
              /* No branch on the neighbour's distance, which a processor
               * could not predict: always store, advance by 0 or 1. */
              for (; head < level_end; head++)
                {
                  guint v = queue[head];

                  for (guint e = start[v]; e < start[v + 1]; e++)
                    {
                      guint w = adj[e];
                      int x = dist[w];

                      dist[w] = x < dnext ? x : dnext;
                      queue[tail] = w;
                      tail += (x > dnext);
                      pair_from[n_pairs] = v;
                      pair_to[n_pairs] = w;
                      n_pairs += (x >= dnext);
                    }
                }
              if (have_unseen)
                {
                  guint kept = 0;
                  for (guint j = 0; j < n_unseen; j++)
                    {
                      guint w = unseen[j];
                      unseen[kept] = w;
                      kept += (dist[w] == G_MAXINT);
                    }
                  n_unseen = kept;
                }
            }

          frontier_ties = 0;
          for (guint i = level_end; i < tail; i++)
            frontier_ties += start[queue[i] + 1] - start[queue[i]];
          unseen_ties -= frontier_ties;
          d = dnext;
        }
      level_queue[n_levels] = tail;
      level_pairs[n_levels] = n_pairs;

      /* Shortest-path counts, level by level */
      sigma[s] = 1.0;
      for (guint k = 0; k < n_pairs; k++)
        sigma[pair_to[k]] += sigma[pair_from[k]];

      /* Dependencies, deepest level first: with coef[w] = (1 + delta[w]) /
       * sigma[w], delta[v] = sigma[v] × Σ coef[w] over the pairs (v, w).
       * The source itself (level 0) takes no dependency. */
      for (guint level = n_levels - 1; level >= 1; level--)
        {
          for (guint k = level_pairs[level]; k < level_pairs[level + 1]; k++)
            coef_sum[pair_from[k]] += coef[pair_to[k]];
          for (guint i = level_queue[level]; i < level_queue[level + 1]; i++)
            {
              guint v = queue[i];
              double delta = sigma[v] * coef_sum[v];

              acc[v] += delta;
              coef[v] = (1.0 + delta) / sigma[v];
            }
        }

      for (guint i = 0; i < tail; i++)
        {
          guint v = queue[i];
          dist[v] = G_MAXINT;
          sigma[v] = 0.0;
          coef_sum[v] = 0.0;
        }
    }

  g_free (dist);
  g_free (sigma);
  g_free (coef);
  g_free (coef_sum);
  g_free (queue);
  g_free (unseen);
  g_free (pair_from);
  g_free (pair_to);
  g_free (level_queue);
  g_free (level_pairs);
}

/* Sources are dealt into a fixed number of parts (s mod N_PARTS), each
 * summing into its own array; the parts are added at the end in a fixed
 * order.  So the result is the same bit for bit however many threads ran
 * them, on any machine. */
#define N_PARTS 4

typedef struct
{
  BrandesJob *jobs;
  guint       first;
  guint       step;
} BrandesWorker;

static gpointer
brandes_worker (gpointer data)
{
  BrandesWorker *worker = data;

  for (guint k = worker->first; k < N_PARTS; k += worker->step)
    brandes_run (&worker->jobs[k]);
  return NULL;
}

static void
compute_betweenness (BmAnalysis *self)
{
  const Graph *g = &self->graph;
  guint n = g->n;
  g_autofree double *acc = g_new0 (double, (gsize) N_PARTS * (n + 1));
  BrandesJob jobs[N_PARTS];
  BrandesWorker workers[N_PARTS];
  GThread *threads[N_PARTS] = { NULL, };
  guint n_threads = 1;

  for (guint k = 0; k < N_PARTS; k++)
    {
      jobs[k].g = g;
      jobs[k].first = k;
      jobs[k].step = N_PARTS;
      jobs[k].acc = acc + (gsize) k * (n + 1);
    }

  /* Below about a thousand actors the whole computation takes a couple of
   * milliseconds: a second thread would save little and, on a busy
   * machine, waiting for it to be scheduled can cost more. */
  if ((guint64) n * (n + g->start[n]) > 4000000)
    n_threads = CLAMP (g_get_num_processors (), 1, N_PARTS);

  for (guint t = 0; t < n_threads; t++)
    {
      workers[t].jobs = jobs;
      workers[t].first = t;
      workers[t].step = n_threads;
    }
  for (guint t = 1; t < n_threads; t++)
    threads[t] = g_thread_try_new ("bm-betweenness", brandes_worker, &workers[t], NULL);
  brandes_worker (&workers[0]);
  for (guint t = 1; t < n_threads; t++)
    {
      if (threads[t] != NULL)
        g_thread_join (threads[t]);
      else
        brandes_worker (&workers[t]);
    }

  /* Each unordered pair was counted from both ends */
  G_STATIC_ASSERT (N_PARTS == 4);
  self->betweenness = g_new (double, n + 1);
  for (guint i = 0; i < n; i++)
    self->betweenness[i] = ((jobs[0].acc[i] + jobs[1].acc[i])
                            + (jobs[2].acc[i] + jobs[3].acc[i])) * 0.5;
}

/* The editor reruns the analysis after every edit, and most edits (moving,
 * renaming, notes, levels) leave the usable-tie graph as it was.  The
 * betweenness of the last graph is kept: an analysis whose graph is the
 * same array for array (same actors in the same order, same edges) reuses
 * it instead of running Brandes again. */
static GMutex cache_lock;
static struct
{
  guint   n;
  guint  *start;
  guint  *adj;
  double *betweenness;
} cache;

static gboolean
cache_lookup (BmAnalysis *self)
{
  const Graph *g = &self->graph;
  gboolean hit = FALSE;

  g_mutex_lock (&cache_lock);
  if (cache.betweenness != NULL && cache.n == g->n
      && memcmp (cache.start, g->start, sizeof (guint) * (g->n + 1)) == 0
      && memcmp (cache.adj, g->adj, sizeof (guint) * g->start[g->n]) == 0)
    {
      self->betweenness = g_memdup2 (cache.betweenness, sizeof (double) * (g->n + 1));
      hit = TRUE;
    }
  g_mutex_unlock (&cache_lock);
  return hit;
}

static void
cache_store (BmAnalysis *self)
{
  const Graph *g = &self->graph;

  g_mutex_lock (&cache_lock);
  g_free (cache.start);
  g_free (cache.adj);
  g_free (cache.betweenness);
  cache.n = g->n;
  cache.start = g_memdup2 (g->start, sizeof (guint) * (g->n + 1));
  cache.adj = g_memdup2 (g->adj, sizeof (guint) * (g->start[g->n] + 1));
  cache.betweenness = g_memdup2 (self->betweenness, sizeof (double) * (g->n + 1));
  g_mutex_unlock (&cache_lock);
}

static const double *
ensure_betweenness (BmAnalysis *self)
{
  if (self->betweenness == NULL && !cache_lookup (self))
    {
      compute_betweenness (self);
      cache_store (self);
    }
  return self->betweenness;
}

void
bm_analysis_clear_cache (void)
{
  g_mutex_lock (&cache_lock);
  g_clear_pointer (&cache.start, g_free);
  g_clear_pointer (&cache.adj, g_free);
  g_clear_pointer (&cache.betweenness, g_free);
  cache.n = 0;
  g_mutex_unlock (&cache_lock);
}

/* The integer nearest to value × 10⁶, halves rounded up */
static gint64
betweenness_key (double value)
{
  return (gint64) floor (value * 1e6 + 0.5);
}

typedef struct
{
  gint64      key;
  const char *id;
  guint       index;
} Ranked;

static int
cmp_ranked (const void *a, const void *b)
{
  const Ranked *x = a, *y = b;
  if (x->key != y->key)
    return x->key > y->key ? -1 : 1;
  return strcmp (x->id, y->id);
}

/* ---------------------------------------------------------------------
 * The four gap kinds
 * --------------------------------------------------------------------- */

static void
add_gap (BmAnalysis *self, BmGap *gap)
{
  g_ptr_array_add (self->gaps, gap);
  self->n_severity[gap->severity]++;
}

static char **
party_ids2 (Ctx *c, guint p, guint q)
{
  char **ids = g_new0 (char *, 3);
  ids[0] = g_strdup (c->parties[p]->id);
  if (q != G_MAXUINT)
    ids[1] = g_strdup (c->parties[q]->id);
  return ids;
}

static void
explain_backchannel (Ctx *c, BmGap *gap, guint p, guint q,
                     const guint *cands, guint n_cands, guint n_more)
{
  g_autofree char *off_p = join_actor_names (c, c->off + c->off_start[p],
                                             c->off_start[p + 1] - c->off_start[p]);
  g_autofree char *off_q = join_actor_names (c, c->off + c->off_start[q],
                                             c->off_start[q + 1] - c->off_start[q]);
  g_autofree char *situation = NULL;
  g_autofree char *who = NULL;

  if (gap->severity == BM_SEVERITY_CRITICAL)
    {
      gap->title = g_strdup_printf (_("No channel at all between %s and %s"),
                                    party_name (c, p), party_name (c, q));
      /* TRANSLATORS: party, party, then the names of each party's officials */
      situation = g_strdup_printf (_("%s and %s are at odds, and their leaderships (%s on one side, %s on the other) have neither an official channel to each other nor a Track 1.5 go-between in touch with both. There is no established route to carry a message between them or to open talks."),
                                   party_name (c, p), party_name (c, q), off_p, off_q);
    }
  else
    {
      gap->title = g_strdup_printf (_("No back channel between %s and %s"),
                                    party_name (c, p), party_name (c, q));
      situation = g_strdup_printf (_("%s and %s are at odds. Their leaderships (%s on one side, %s on the other) talk through an official channel, but no Track 1.5 go-between is in touch with both. If the official talks collapse, there is no back channel to keep them talking."),
                                   party_name (c, p), party_name (c, q), off_p, off_q);
    }

  if (n_cands > 0)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autofree char *list = NULL;

      for (guint k = 0; k < n_cands; k++)
        g_ptr_array_add (names, (gpointer) in_text (c, c->actors[cands[k]]->name));
      list = join_names (names, MAX_CANDIDATES);
      who = g_strdup_printf (ngettext ("Who could bridge it: %s, who is within two steps of both leaderships.",
                                       "Who could bridge it, best placed first: %s, each within two steps of both leaderships.",
                                       n_cands),
                             list);
      if (n_more > 0)
        {
          g_autofree char *more = g_strdup_printf (ngettext ("%u more actor is also within reach of both.",
                                                             "%u more actors are also within reach of both.",
                                                             n_more),
                                                   n_more);
          char *tmp = g_strdup_printf ("%s %s", who, more);
          g_free (who);
          who = tmp;
        }
    }
  else
    who = g_strdup (_("No one on the map is within two steps of both leaderships: a go-between would have to come from outside the map as drawn."));

  gap->explanation = g_strdup_printf ("%s %s", situation, who);
}

static void
find_backchannel_gaps (Ctx *c, const guint64 *pairs, guint n_pairs,
                       const guint64 *official_links, guint n_links)
{
  BmAnalysis *self = c->self;

  for (guint k = 0; k < n_pairs; k++)
    {
      /* pairs hold (rank of first party, rank of second) in byte order */
      guint p = c->by_rank[pairs[k] / c->np];
      guint q = c->by_rank[pairs[k] % c->np];
      gboolean bridged = FALSE;
      guint64 link_key;
      BmGap *gap;
      GArray *rp, *rq;
      g_autoptr(GArray) cands = NULL;
      g_autofree guint *officials = NULL;
      guint n_off_p, n_off_q, s;

      n_off_p = c->off_start[p + 1] - c->off_start[p];
      n_off_q = c->off_start[q + 1] - c->off_start[q];
      if (n_off_p == 0 || n_off_q == 0)
        continue;
      self->n_opposed_official++;

      for (guint i = c->pbridge_start[p]; i < c->pbridge_start[p + 1] && !bridged; i++)
        bridged = bridge_touches (c, c->pbridge[i], q);
      if (bridged)
        continue;

      link_key = (guint64) MIN (p, q) * c->np + MAX (p, q);
      gap = gap_new (BM_GAP_BACKCHANNEL,
                     bsearch (&link_key, official_links, n_links, sizeof (guint64), cmp_guint64)
                     ? BM_SEVERITY_WARNING : BM_SEVERITY_CRITICAL);
      gap->parties = party_ids2 (c, p, q);

      officials = g_new (guint, n_off_p + n_off_q + 1);
      memcpy (officials, c->off + c->off_start[p], sizeof (guint) * n_off_p);
      memcpy (officials + n_off_p, c->off + c->off_start[q], sizeof (guint) * n_off_q);
      gap->actors = sorted_actor_ids (c, officials, n_off_p + n_off_q);

      /* Candidates: within two usable ties of both leaderships; each reach
       * list already leaves out its own party's officials. */
      rp = reach_of (c, p);
      rq = reach_of (c, q);
      s = next_stamp (c);
      for (guint i = 0; i < rp->len; i++)
        c->mark[g_array_index (rp, guint, i)] = s;
      cands = g_array_new (FALSE, FALSE, sizeof (Ranked));
      for (guint i = 0; i < rq->len; i++)
        {
          guint v = g_array_index (rq, guint, i);
          if (c->mark[v] == s)
            {
              Ranked r = { 0, c->actors[v]->id, v };
              g_array_append_val (cands, r);
            }
        }
      if (cands->len > 1)
        {
          const double *bc = ensure_betweenness (self);
          for (guint i = 0; i < cands->len; i++)
            {
              Ranked *r = &g_array_index (cands, Ranked, i);
              r->key = betweenness_key (bc[r->index]);
            }
          g_array_sort (cands, cmp_ranked);
        }

      {
        guint n_keep = MIN (cands->len, MAX_CANDIDATES);
        guint kept[MAX_CANDIDATES];

        gap->candidates = g_new0 (char *, n_keep + 1);
        for (guint i = 0; i < n_keep; i++)
          {
            const Ranked *r = &g_array_index (cands, Ranked, i);
            gap->candidates[i] = g_strdup (r->id);
            kept[i] = r->index;
          }
        explain_backchannel (c, gap, p, q, kept, n_keep, cands->len - n_keep);
      }

      add_gap (self, gap);
    }
}

static void
find_transfer_gaps (Ctx *c)
{
  BmAnalysis *self = c->self;
  const Graph *g = &self->graph;
  g_autofree gboolean *covered = g_new0 (gboolean, c->np + 1);
  g_autofree guint *off_mark = g_new0 (guint, c->np + 1);

  /* A bridge covers P when it touches both an official and an unofficial
   * actor of P. */
  for (guint b = 0; b < c->n; b++)
    {
      if (c->actors[b]->track != BM_TRACK_1_5)
        continue;
      for (guint k = c->bridge_start[b]; k < c->bridge_start[b + 1]; k++)
        off_mark[c->bridge_parties[k]] = b + 1;
      for (guint e = g->start[b]; e < g->start[b + 1]; e++)
        {
          guint v = g->adj[e];
          int p = c->party[v];
          BmTrack t = c->actors[v]->track;
          if (p >= 0 && (t == BM_TRACK_2 || t == BM_TRACK_3) && off_mark[p] == b + 1)
            covered[p] = TRUE;
        }
    }

  for (guint r = 0; r < c->np; r++)
    {
      guint p = c->by_rank[r];
      guint n_off = c->off_start[p + 1] - c->off_start[p];
      guint n_unoff = c->unoff_start[p + 1] - c->unoff_start[p];
      g_autofree char *unoff_names = NULL;
      g_autofree char *off_names = NULL;
      BmGap *gap;

      if (n_off == 0 || n_unoff == 0)
        continue;
      self->n_transfer_parties++;
      if (covered[p])
        continue;

      gap = gap_new (BM_GAP_TRANSFER, BM_SEVERITY_WARNING);
      gap->parties = party_ids2 (c, p, G_MAXUINT);
      gap->actors = sorted_actor_ids (c, c->unoff + c->unoff_start[p], n_unoff);

      unoff_names = join_actor_names (c, c->unoff + c->unoff_start[p], n_unoff);
      off_names = join_actor_names (c, c->off + c->off_start[p], n_off);
      gap->title = g_strdup_printf (_("%s: unofficial work has no route to the leadership"),
                                    party_name (c, p));
      /* TRANSLATORS: party name, names of its unofficial actors, names of its officials */
      gap->explanation = g_strdup_printf (ngettext ("Within %s, the unofficial work of %s has no Track 1.5 route up to the party's officials (%s): no go-between is in touch with both. Whatever is achieved in dialogue may never reach the people who decide.",
                                                    "Within %s, the unofficial work of %s has no Track 1.5 route up to the party's officials (%s): no go-between is in touch with both. Whatever they achieve in dialogue may never reach the people who decide.",
                                                    n_unoff),
                                          party_name (c, p), unoff_names, off_names);
      add_gap (self, gap);
    }
}

static void
find_one_sided_bridges (Ctx *c)
{
  BmAnalysis *self = c->self;
  g_autofree IdIndex *bridges = g_new (IdIndex, c->n + 1);
  guint n_bridges = 0;

  for (guint b = 0; b < c->n; b++)
    if (c->actors[b]->track == BM_TRACK_1_5)
      {
        bridges[n_bridges].id = c->actors[b]->id;
        bridges[n_bridges].index = b;
        n_bridges++;
      }
  qsort (bridges, n_bridges, sizeof (IdIndex), cmp_id_index);

  for (guint k = 0; k < n_bridges; k++)
    {
      guint b = bridges[k].index;
      guint len = c->bridge_start[b + 1] - c->bridge_start[b];
      const char *name = in_text (c, c->actors[b]->name);
      BmGap *gap;

      if (len > 1)
        continue;

      gap = gap_new (BM_GAP_ONE_SIDED_BRIDGE, BM_SEVERITY_WARNING);
      gap->actor = g_strdup (c->actors[b]->id);
      if (len == 1)
        {
          guint p = c->bridge_parties[c->bridge_start[b]];
          gap->parties = party_ids2 (c, p, G_MAXUINT);
          gap->title = g_strdup_printf (_("%s reaches only one side"), name);
          /* TRANSLATORS: actor name, party name */
          gap->explanation = g_strdup_printf (_("%s works on Track 1.5 but reaches only one leadership, that of %s. A bridge that touches one side cannot carry messages across the conflict line, and it risks being seen as that side's messenger."),
                                              name, party_name (c, p));
        }
      else
        {
          gap->parties = g_new0 (char *, 1);
          gap->title = g_strdup_printf (_("%s reaches no leadership"), name);
          gap->explanation = g_strdup_printf (_("%s works on Track 1.5 but has no direct tie to any party's officials. As drawn, this bridge connects no leaderships: it needs a way in to the officials of both sides."),
                                              name);
        }
      add_gap (self, gap);
    }
}

static void
find_middle_range_gaps (Ctx *c)
{
  BmAnalysis *self = c->self;
  const Graph *g = &self->graph;
  g_autofree gboolean *has_top = g_new0 (gboolean, c->np + 1);
  g_autofree gboolean *has_grass = g_new0 (gboolean, c->np + 1);
  g_autofree gboolean *covered = g_new0 (gboolean, c->np + 1);
  g_autofree guint *top_mark = g_new0 (guint, c->np + 1);

  for (guint i = 0; i < c->n; i++)
    {
      int p = c->party[i];
      if (p < 0)
        continue;
      if (c->actors[i]->level == BM_LEVEL_TOP)
        has_top[p] = TRUE;
      else if (c->actors[i]->level == BM_LEVEL_GRASSROOTS)
        has_grass[p] = TRUE;
    }

  /* A middle-level actor (any party, any track) covers P when it touches
   * a top-level and a grassroots actor of P. */
  for (guint m = 0; m < c->n; m++)
    {
      if (c->actors[m]->level != BM_LEVEL_MIDDLE)
        continue;
      for (guint e = g->start[m]; e < g->start[m + 1]; e++)
        {
          guint v = g->adj[e];
          if (c->party[v] >= 0 && c->actors[v]->level == BM_LEVEL_TOP)
            top_mark[c->party[v]] = m + 1;
        }
      for (guint e = g->start[m]; e < g->start[m + 1]; e++)
        {
          guint v = g->adj[e];
          int p = c->party[v];
          if (p >= 0 && c->actors[v]->level == BM_LEVEL_GRASSROOTS && top_mark[p] == m + 1)
            covered[p] = TRUE;
        }
    }

  for (guint r = 0; r < c->np; r++)
    {
      guint p = c->by_rank[r];
      g_autoptr(GArray) top = NULL;
      g_autoptr(GArray) grass = NULL;
      g_autoptr(GArray) halfway = NULL;
      g_autofree char *top_names = NULL;
      g_autofree char *grass_names = NULL;
      g_autofree char *text = NULL;
      BmGap *gap;
      guint s;

      if (!has_top[p] || !has_grass[p])
        continue;
      self->n_pyramid_parties++;
      if (covered[p])
        continue;

      top = g_array_new (FALSE, FALSE, sizeof (guint));
      grass = g_array_new (FALSE, FALSE, sizeof (guint));
      halfway = g_array_new (FALSE, FALSE, sizeof (guint));
      s = next_stamp (c);
      for (guint i = 0; i < c->n; i++)
        {
          BmLevel level = c->actors[i]->level;
          if (c->party[i] != (int) p || level == BM_LEVEL_MIDDLE)
            continue;
          g_array_append_val (level == BM_LEVEL_TOP ? top : grass, i);
          /* Middle-range actors already linked to one of the two levels */
          for (guint e = g->start[i]; e < g->start[i + 1]; e++)
            {
              guint v = g->adj[e];
              if (c->actors[v]->level == BM_LEVEL_MIDDLE && c->mark[v] != s)
                {
                  c->mark[v] = s;
                  g_array_append_val (halfway, v);
                }
            }
        }

      gap = gap_new (BM_GAP_MIDDLE_RANGE, BM_SEVERITY_INFO);
      gap->parties = party_ids2 (c, p, G_MAXUINT);
      top_names = join_actor_names (c, (guint *) top->data, top->len);
      grass_names = join_actor_names (c, (guint *) grass->data, grass->len);
      gap->title = g_strdup_printf (_("%s: no middle range between leaders and grassroots"),
                                    party_name (c, p));
      /* TRANSLATORS: party name, names of its top leaders, names of its grassroots leaders */
      text = g_strdup_printf (_("%s has leaders at the top (%s) and at the grassroots (%s), but no middle-range figure is in touch with both. Lederach calls the middle range the hinge of the pyramid: without it, what the leaders decide and what communities live through stay disconnected."),
                              party_name (c, p), top_names, grass_names);
      if (halfway->len > 0)
        {
          g_autofree char *names = join_actor_names (c, (guint *) halfway->data, halfway->len);
          g_autofree char *who = NULL;

          who = g_strdup_printf (ngettext ("Who could bridge it: %s, a middle-range figure already in touch with one of the two levels.",
                                           "Who could bridge it: %s, middle-range figures already in touch with one of the two levels.",
                                           halfway->len),
                                 names);
          gap->explanation = g_strdup_printf ("%s %s", text, who);
        }
      else
        gap->explanation = g_strdup_printf ("%s %s", text,
                                            _("No middle-range figure is yet in touch with either level: one would have to be found and introduced."));
      add_gap (self, gap);
    }
}

/* ---------------------------------------------------------------------
 * Public API
 * --------------------------------------------------------------------- */

BmAnalysis *
bm_analysis_new (BmMap *map)
{
  BmAnalysis *self;
  Ctx c = { 0 };
  const Graph *g;
  g_autoptr(GArray) opposed = NULL;
  g_autoptr(GArray) links = NULL;

  g_return_val_if_fail (BM_IS_MAP (map), NULL);

  self = g_new0 (BmAnalysis, 1);
  self->gaps = g_ptr_array_new_with_free_func (gap_free);
  c.self = self;
  c.texts = g_ptr_array_new_with_free_func (g_free);
  self->title = g_strdup (bm_map_get_title (map));
  load_map (&c, map);
  g = &self->graph;

  /* Opposed pairs, as (rank, rank) in byte order of the party ids */
  opposed = c.opposed;
  g_array_sort (opposed, cmp_guint64);
  {
    guint k = 0;
    for (guint i = 0; i < opposed->len; i++)
      if (k == 0 || g_array_index (opposed, guint64, i) != g_array_index (opposed, guint64, k - 1))
        g_array_index (opposed, guint64, k++) = g_array_index (opposed, guint64, i);
    g_array_set_size (opposed, k);
  }
  self->any_opposed = opposed->len > 0;

  /* Pairs of parties whose officials share a usable tie */
  links = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint v = 0; v < c.n; v++)
    {
      if (c.party[v] < 0 || c.actors[v]->track != BM_TRACK_1)
        continue;
      for (guint e = g->start[v]; e < g->start[v + 1]; e++)
        {
          guint w = g->adj[e];
          int pv = c.party[v], pw = c.party[w];
          if (w > v && pw >= 0 && pw != pv && c.actors[w]->track == BM_TRACK_1)
            {
              guint64 key = (guint64) MIN (pv, pw) * c.np + MAX (pv, pw);
              g_array_append_val (links, key);
            }
        }
    }
  g_array_sort (links, cmp_guint64);

  index_bridges (&c);
  c.reach = g_new0 (GArray *, c.np + 1);

  find_backchannel_gaps (&c, (guint64 *) opposed->data, opposed->len,
                         (guint64 *) links->data, links->len);
  find_transfer_gaps (&c);
  if (self->any_opposed)
    find_one_sided_bridges (&c);
  find_middle_range_gaps (&c);

  for (guint p = 0; p < c.np; p++)
    if (c.reach[p] != NULL)
      g_array_unref (c.reach[p]);
  g_free (c.reach);
  g_free (c.actors);
  g_free (c.parties);
  g_free (c.party);
  g_free (c.rank);
  g_free (c.by_rank);
  g_free (c.off_start);
  g_free (c.off);
  g_free (c.unoff_start);
  g_free (c.unoff);
  g_free (c.bridge_start);
  g_free (c.bridge_parties);
  g_free (c.pbridge_start);
  g_free (c.pbridge);
  g_free (c.mark);
  g_ptr_array_unref (c.texts);

  return self;
}

void
bm_analysis_free (BmAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  g_ptr_array_unref (analysis->gaps);
  g_free (analysis->graph.start);
  g_free (analysis->graph.adj);
  g_free (analysis->betweenness);
  g_free (analysis->title);
  g_free (analysis);
}

guint
bm_analysis_get_n_gaps (BmAnalysis *analysis)
{
  g_return_val_if_fail (analysis != NULL, 0);
  return analysis->gaps->len;
}

const BmGap *
bm_analysis_get_gap (BmAnalysis *analysis, guint index)
{
  g_return_val_if_fail (analysis != NULL, NULL);
  g_return_val_if_fail (index < analysis->gaps->len, NULL);
  return g_ptr_array_index (analysis->gaps, index);
}

guint
bm_analysis_count_severity (BmAnalysis *analysis, BmSeverity severity)
{
  g_return_val_if_fail (analysis != NULL, 0);
  g_return_val_if_fail (severity <= BM_SEVERITY_INFO, 0);
  return analysis->n_severity[severity];
}

double
bm_analysis_get_betweenness (BmAnalysis *analysis, guint actor_index)
{
  g_return_val_if_fail (analysis != NULL, 0.0);
  g_return_val_if_fail (actor_index < analysis->n_actors, 0.0);
  return ensure_betweenness (analysis)[actor_index];
}

const char *
bm_gap_kind_to_string (BmGapKind kind)
{
  switch (kind)
    {
    case BM_GAP_BACKCHANNEL: return "backchannel";
    case BM_GAP_TRANSFER: return "transfer";
    case BM_GAP_ONE_SIDED_BRIDGE: return "one-sided-bridge";
    case BM_GAP_MIDDLE_RANGE: return "middle-range";
    default: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
bm_severity_to_string (BmSeverity severity)
{
  switch (severity)
    {
    case BM_SEVERITY_CRITICAL: return "critical";
    case BM_SEVERITY_WARNING: return "warning";
    case BM_SEVERITY_INFO: return "info";
    default: break;
    }
  g_return_val_if_reached (NULL);
}

static void
add_string_array (JsonBuilder *builder, const char *key, char **strv)
{
  json_builder_set_member_name (builder, key);
  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
}

char *
bm_analysis_to_json (BmAnalysis *analysis)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (analysis != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "actors");
  json_builder_add_int_value (builder, analysis->n_actors);
  json_builder_set_member_name (builder, "ties");
  json_builder_add_int_value (builder, analysis->n_ties);
  json_builder_set_member_name (builder, "parties");
  json_builder_add_int_value (builder, analysis->n_parties);
  json_builder_set_member_name (builder, "gaps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < analysis->gaps->len; i++)
    {
      const BmGap *gap = g_ptr_array_index (analysis->gaps, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, bm_gap_kind_to_string (gap->kind));
      json_builder_set_member_name (builder, "severity");
      json_builder_add_string_value (builder, bm_severity_to_string (gap->severity));
      switch (gap->kind)
        {
        case BM_GAP_BACKCHANNEL:
          add_string_array (builder, "parties", gap->parties);
          add_string_array (builder, "actors", gap->actors);
          add_string_array (builder, "candidates", gap->candidates);
          break;
        case BM_GAP_TRANSFER:
          json_builder_set_member_name (builder, "party");
          json_builder_add_string_value (builder, gap->parties[0]);
          add_string_array (builder, "actors", gap->actors);
          break;
        case BM_GAP_ONE_SIDED_BRIDGE:
          json_builder_set_member_name (builder, "actor");
          json_builder_add_string_value (builder, gap->actor);
          add_string_array (builder, "parties", gap->parties);
          break;
        case BM_GAP_MIDDLE_RANGE:
          json_builder_set_member_name (builder, "party");
          json_builder_add_string_value (builder, gap->parties[0]);
          break;
        default:
          g_assert_not_reached ();
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  return g_strconcat (text, "\n", NULL);
}

const char *
bm_severity_display_name (BmSeverity severity)
{
  switch (severity)
    {
    case BM_SEVERITY_CRITICAL: return C_("gap severity", "Critical");
    case BM_SEVERITY_WARNING: return C_("gap severity", "Warning");
    case BM_SEVERITY_INFO: return C_("gap severity", "Note");
    default: break;
    }
  g_return_val_if_reached (NULL);
}

/* When nothing is missing, say what was checked */
static void
append_coverage (BmAnalysis *self, GString *out)
{
  guint k = self->n_opposed_official;

  if (!self->any_opposed)
    g_string_append (out, _("No two parties are opposed on this map (no conflict or broken tie joins actors of two parties), so no back channel is needed."));
  else if (k == 0)
    g_string_append (out, _("The opposed parties do not both have officials on the map, so there is no pair of leaderships to connect."));
  else
    g_string_append_printf (out, ngettext ("The pair of opposed leaderships has a Track 1.5 back channel.",
                                           "Every pair of opposed leaderships (%u pairs) has a Track 1.5 back channel.",
                                           k),
                            k);

  if (self->n_transfer_parties > 0)
    {
      g_string_append_c (out, ' ');
      if (self->n_transfer_parties == 2)
        g_string_append (out, _("Both parties with official and unofficial actors have a Track 1.5 route from their unofficial work up to their officials."));
      else
        g_string_append_printf (out, ngettext ("The party with both official and unofficial actors has a Track 1.5 route from its unofficial work up to its officials.",
                                               "Each of the %u parties with both official and unofficial actors has a Track 1.5 route from its unofficial work up to its officials.",
                                               self->n_transfer_parties),
                                self->n_transfer_parties);
    }

  if (self->any_opposed && self->n_bridges > 0)
    {
      g_string_append_c (out, ' ');
      if (self->n_bridges == 2)
        g_string_append (out, _("Both Track 1.5 actors reach the officials of more than one party."));
      else
        g_string_append_printf (out, ngettext ("The Track 1.5 actor reaches the officials of more than one party.",
                                               "All %u Track 1.5 actors reach the officials of more than one party.",
                                               self->n_bridges),
                                self->n_bridges);
    }

  if (self->n_pyramid_parties > 0)
    {
      g_string_append_c (out, ' ');
      if (self->n_pyramid_parties == 2)
        g_string_append (out, _("Both parties with top leaders and grassroots have a middle-range figure linking them."));
      else
        g_string_append_printf (out, ngettext ("The party with both top leaders and grassroots has a middle-range figure linking them.",
                                               "Each of the %u parties with both top leaders and grassroots has a middle-range figure linking them.",
                                               self->n_pyramid_parties),
                                self->n_pyramid_parties);
    }
}

char *
bm_analysis_get_summary (BmAnalysis *analysis)
{
  GString *out;
  g_autofree char *actors = NULL;
  g_autofree char *ties = NULL;
  g_autofree char *parties = NULL;

  g_return_val_if_fail (analysis != NULL, NULL);

  out = g_string_new (NULL);
  actors = g_strdup_printf (ngettext ("%u actor", "%u actors", analysis->n_actors),
                            analysis->n_actors);
  ties = g_strdup_printf (ngettext ("%u tie", "%u ties", analysis->n_ties), analysis->n_ties);
  parties = g_strdup_printf (ngettext ("%u party", "%u parties", analysis->n_parties),
                             analysis->n_parties);
  /* TRANSLATORS: "12 actors, 20 ties, 2 parties." */
  g_string_append_printf (out, _("%s, %s, %s."), actors, ties, parties);
  g_string_append_c (out, ' ');

  if (analysis->gaps->len == 0)
    {
      g_string_append (out, _("No gaps found."));
      g_string_append_c (out, ' ');
      append_coverage (analysis, out);
      return g_string_free (out, FALSE);
    }

  {
    g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
    guint n;

    n = analysis->n_severity[BM_SEVERITY_CRITICAL];
    if (n > 0)
      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u critical", "%u critical", n), n));
    n = analysis->n_severity[BM_SEVERITY_WARNING];
    if (n > 0)
      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u warning", "%u warnings", n), n));
    n = analysis->n_severity[BM_SEVERITY_INFO];
    if (n > 0)
      g_ptr_array_add (parts, g_strdup_printf (ngettext ("%u note", "%u notes", n), n));

    {
      g_autofree char *list = join_names (parts, G_MAXUINT);
      /* TRANSLATORS: "3 gaps where a bridge is missing: 1 critical, 2 warnings." */
      g_string_append_printf (out, ngettext ("%u gap where a bridge is missing: %s.",
                                             "%u gaps where a bridge is missing: %s.",
                                             analysis->gaps->len),
                              analysis->gaps->len, list);
    }
  }
  return g_string_free (out, FALSE);
}

char *
bm_analysis_to_text (BmAnalysis *analysis)
{
  GString *out;
  g_autofree char *summary = NULL;

  g_return_val_if_fail (analysis != NULL, NULL);

  out = g_string_new (NULL);
  if (analysis->title != NULL)
    {
      g_string_append (out, analysis->title);
      g_string_append_c (out, '\n');
    }
  summary = bm_analysis_get_summary (analysis);
  g_string_append (out, summary);
  g_string_append_c (out, '\n');

  for (guint i = 0; i < analysis->gaps->len; i++)
    {
      const BmGap *gap = g_ptr_array_index (analysis->gaps, i);
      g_string_append_c (out, '\n');
      /* TRANSLATORS: severity and title of a gap: "Critical: No channel at all between …" */
      g_string_append_printf (out, _("%s: %s"), bm_severity_display_name (gap->severity), gap->title);
      g_string_append_c (out, '\n');
      g_string_append (out, gap->explanation);
      g_string_append_c (out, '\n');
    }

  return g_string_free (out, FALSE);
}
