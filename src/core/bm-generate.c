/* bm-generate.c: synthetic maps for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The generator draws from its own SplitMix64 stream (not g_random, whose
 * algorithm may change between GLib versions) and uses only integer
 * arithmetic and exactly representable doubles for positions, so the same
 * arguments give the same map on every machine.
 */
#include "config.h"

#include <string.h>

#include "bm-generate.h"

/* ---- random numbers ------------------------------------------------------ */

typedef struct
{
  guint64 state;
} Rng;

static guint64
rng_next (Rng *rng)
{
  guint64 z;

  rng->state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15);
  z = rng->state;
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the modulo bias is irrelevant here) */
static guint
rng_below (Rng *rng, guint n)
{
  return (guint) (rng_next (rng) % n);
}

/* TRUE with probability percent / 100 */
static gboolean
rng_percent (Rng *rng, guint percent)
{
  return rng_below (rng, 100) < percent;
}

/* Index drawn from integer weights */
static guint
rng_weighted (Rng *rng, const guint *weights, guint n)
{
  guint total = 0;
  guint r;

  for (guint i = 0; i < n; i++)
    total += weights[i];
  r = rng_below (rng, total);
  for (guint i = 0; i < n; i++)
    {
      if (r < weights[i])
        return i;
      r -= weights[i];
    }
  return n - 1;
}

/* ---- vocabulary ---------------------------------------------------------- */

typedef struct
{
  const char *id;
  const char *name;
  guint32     color;
} PartySpec;

/* Two opposed sides and two others */
static const PartySpec parties[] = {
  { "p1", "Government of the Republic", 0xB03A2E },
  { "p2", "Liberation Front", 0x1F618D },
  { "p3", "Regional Alliance", 0x7D3C98 },
  { "p4", "Federation of Civic Unions", 0x229954 },
};
#define N_PARTIES G_N_ELEMENTS (parties)
#define NO_PARTY N_PARTIES

static const char *given_names[] = {
  "Amina", "Joaquim", "Afonso", "Maria", "Jaime", "Grace", "Tomás", "Leila",
  "Samuel", "Ngozi", "Pierre", "Ana", "Yusuf", "Chen", "Olga", "Thabo",
};

static const char *family_names[] = {
  "Okafor", "Chissano", "Gonçalves", "Haddad", "Mensah", "Ivanova", "Da Silva",
  "O'Neill", "Mukherjee", "Banda", "Nguyen", "Kovač", "Sato", "Mbeki",
};

/* Organisation names by sector (index = BmSector) */
static const char *org_names[BM_N_SECTORS][3] = {
  [BM_SECTOR_NONE] = { "Coordination Committee", "Working Group", "Council of Elders" },
  [BM_SECTOR_GOVERNMENT] = { "Ministry of the Interior", "Provincial Governor's Office", "Парламентская комиссия" },
  [BM_SECTOR_CONFLICT_RESOLUTION] = { "Centre for Dialogue", "Peace & Reconciliation Commission", "مجلس السلام المحلي" },
  [BM_SECTOR_BUSINESS] = { "Chamber of Commerce", "Traders' Association", "商会" },
  [BM_SECTOR_CITIZEN] = { "Neighbourhood Committee", "Women's Network", "Совет старейшин" },
  [BM_SECTOR_RESEARCH] = { "Institute for Policy Studies", "University Peace Lab", "和平研究所" },
  [BM_SECTOR_ACTIVISM] = { "Youth Movement", "Human Rights Watchers", "حركة الشباب" },
  [BM_SECTOR_RELIGION] = { "Community of Sant'Egidio", "Interfaith Council", "المجلس الإسلامي" },
  [BM_SECTOR_FUNDING] = { "Development Fund", "Foundation for Peace", "发展基金会" },
  [BM_SECTOR_MEDIA] = { "\"Free Voice\" Radio", "Daily Herald", "Café Télé" },
};

/* Groups: plural and collective names, some in other scripts, one with a
 * combining accent ("Cafe" + U+0301) rather than a precomposed letter. */
static const char *group_names[] = {
  "Displaced families", "Market women", "Veterans", "Cafe\xCC\x81 owners",
  "Farmers' cooperatives", "Students", "Fishermen", "Беженцы",
  "村民委员会", "لجان الأحياء",
};

static const char *actor_notes[] = {
  "Met the other side twice in 1991.",
  "Trusted by both parties.",
  "Funds <small> projects & training; reports to \"the board\".",
  "Relation uncertain: check with the field team.\nSecond line of the note.",
  "  Indented note, kept as written.  ",
  "Speaks Portuguese, Swahili and English.",
  "يحظى باحترام الطرفين.",
  "曾在1992年参加谈判。",
};

/* Tie notes by kind (index = BmTieKind) */
static const char *tie_notes[BM_N_TIE_KINDS][2] = {
  [BM_TIE_ALLIANCE] = { "Joint statement in March.", "Share offices & staff." },
  [BM_TIE_CHANNEL] = { "Weekly calls since March.", "Through a trusted intermediary." },
  [BM_TIE_INFLUENCE] = { "Former mentor.", "Controls the \"hardliners\" <faction>." },
  [BM_TIE_MEDIATION] = { "Hosted three rounds of talks.", "Shuttle diplomacy, 1991–1992." },
  [BM_TIE_FUNDING] = { "Funds the local peace committees (≈ 20%).", "Small grants for training." },
  [BM_TIE_CONFLICT] = { "Armed clashes in the north.", "Accuses the other of the massacre." },
  [BM_TIE_BROKEN] = { "Broken after the 1993 ceasefire violation.", "No contact since the elections." },
};

/* ---- actors -------------------------------------------------------------- */

static BmLevel
draw_level (Rng *rng)
{
  /* A pyramid: few at the top, many at the grassroots */
  static const guint w[BM_N_LEVELS] = { 15, 35, 50 };
  return rng_weighted (rng, w, BM_N_LEVELS);
}

static BmTrack
draw_track (Rng *rng, BmLevel level, guint party)
{
  static const guint w[BM_N_LEVELS][BM_N_TRACKS] = {
    { 70, 20, 8, 2 },   /* top: mostly officials */
    { 20, 35, 35, 10 }, /* middle */
    { 3, 10, 27, 60 },  /* grassroots */
  };
  static const guint third[BM_N_LEVELS][BM_N_TRACKS] = {
    { 30, 50, 15, 5 },  /* third parties lean to Track 1.5 and 2 */
    { 5, 45, 40, 10 },
    { 2, 18, 40, 40 },
  };
  return rng_weighted (rng, party == NO_PARTY ? third[level] : w[level], BM_N_TRACKS);
}

static BmSector
draw_sector (Rng *rng, BmTrack track, guint party)
{
  /* index = BmSector; none, government, conflict-resolution, business,
   * citizen, research, activism, religion, funding, media */
  static const guint official[BM_N_SECTORS] = { 20, 60, 2, 4, 0, 2, 0, 2, 4, 6 };
  static const guint civil[BM_N_SECTORS] = { 12, 2, 10, 10, 18, 8, 14, 12, 4, 10 };
  static const guint third[BM_N_SECTORS] = { 8, 6, 28, 4, 6, 14, 4, 16, 12, 2 };

  if (party == NO_PARTY)
    return rng_weighted (rng, third, BM_N_SECTORS);
  if (track == BM_TRACK_1)
    return rng_weighted (rng, official, BM_N_SECTORS);
  return rng_weighted (rng, civil, BM_N_SECTORS);
}

static char *
draw_name (Rng *rng, BmActorKind kind, BmSector sector, guint serial)
{
  switch (kind)
    {
    case BM_ACTOR_PERSON:
      return g_strdup_printf ("%s %s",
                              given_names[rng_below (rng, G_N_ELEMENTS (given_names))],
                              family_names[rng_below (rng, G_N_ELEMENTS (family_names))]);
    case BM_ACTOR_GROUP:
      return g_strdup_printf ("%s %u",
                              group_names[rng_below (rng, G_N_ELEMENTS (group_names))],
                              serial);
    case BM_ACTOR_ORGANIZATION:
    default:
      return g_strdup_printf ("%s %u", org_names[sector][rng_below (rng, 3)], serial);
    }
}

/* Horizontal half-width of a band, so the actors form a pyramid: the
 * grassroots band is three times as wide as the top one. */
static guint
band_half_width (guint n_actors, BmLevel level)
{
  guint base = 300 + 2 * n_actors;
  return base * (level + 1) / 3;
}

static void
place_actor (Rng *rng, BmActor *actor, guint n_actors)
{
  guint half = band_half_width (n_actors, actor->level);
  guint centre = 300 + 2 * n_actors;  /* the pyramid's axis */
  /* Whole hundredths, so every value is exact after rounding and the y
   * stays 10 units inside the band: [top + 10, top + 290). */
  gint64 x100 = (gint64) centre * 100 - (gint64) half * 100 +
                (gint64) rng_below (rng, 2 * half * 100 + 1);
  gint64 y100 = (gint64) bm_level_band_top (actor->level) * 100 + 1000 +
                (gint64) rng_below (rng, 28000);

  bm_actor_set_position (actor, x100 / 100.0, y100 / 100.0);
}

/* ---- ties ---------------------------------------------------------------- */

typedef struct
{
  GArray *members[N_PARTIES + 1];  /* actor indexes (guint) per party, last = none */
  guint   n_actors;
} Groups;

static guint
pick_from (Rng *rng, const Groups *g, guint group)
{
  GArray *a = g->members[group];

  if (a->len == 0)
    return rng_below (rng, g->n_actors);
  return g_array_index (a, guint, rng_below (rng, a->len));
}

/* Endpoints that make sense for the kind; falls back to any two actors */
static void
pick_endpoints (Rng *rng, const Groups *g, BmTieKind kind, guint *from, guint *to)
{
  guint side = rng_below (rng, 2);  /* p1 or p2 */
  guint any = rng_below (rng, N_PARTIES);

  switch (kind)
    {
    case BM_TIE_ALLIANCE:
      /* within a party */
      *from = pick_from (rng, g, any);
      *to = pick_from (rng, g, any);
      break;
    case BM_TIE_CONFLICT:
    case BM_TIE_BROKEN:
      /* across the two opposed sides */
      *from = pick_from (rng, g, side);
      *to = pick_from (rng, g, 1 - side);
      break;
    case BM_TIE_MEDIATION:
      /* a third party between the sides */
      *from = pick_from (rng, g, NO_PARTY);
      *to = pick_from (rng, g, rng_percent (rng, 80) ? side : any);
      break;
    case BM_TIE_FUNDING:
      *from = rng_percent (rng, 60) ? pick_from (rng, g, NO_PARTY) : rng_below (rng, g->n_actors);
      *to = rng_below (rng, g->n_actors);
      break;
    case BM_TIE_CHANNEL:
    case BM_TIE_INFLUENCE:
    default:
      *from = rng_below (rng, g->n_actors);
      *to = rng_percent (rng, 50) ? pick_from (rng, g, any) : rng_below (rng, g->n_actors);
      break;
    }

  /* from ≠ to; n_actors ≥ 2 here */
  for (guint tries = 0; *to == *from && tries < 8; tries++)
    *to = rng_below (rng, g->n_actors);
  if (*to == *from)
    *to = (*from + 1) % g->n_actors;
}

/* ---- the map ------------------------------------------------------------- */

BmMap *
bm_generate_map (guint n_actors, guint n_ties, guint32 seed)
{
  /* alliance, channel, influence, mediation, funding, conflict, broken */
  static const guint tie_weights[BM_N_TIE_KINDS] = { 22, 30, 14, 8, 8, 12, 6 };
  static const guint party_weights[N_PARTIES + 1] = { 30, 30, 12, 10, 18 };
  BmMap *map;
  Groups groups = { { NULL }, n_actors };
  Rng rng = { G_GUINT64_CONSTANT (0x42726964676D6170) ^ seed };

  map = bm_map_new ();
  bm_map_begin_batch (map);

  bm_map_set_title (map, "Synthetic conflict map");
  bm_map_set_description (map, "Generated for tests and benchmarks: "
                               "names, ties and notes are invented.");

  for (guint p = 0; p < N_PARTIES; p++)
    {
      BmParty *party = bm_party_new (parties[p].id, parties[p].name);

      party->has_color = TRUE;
      party->color = parties[p].color;
      bm_map_insert_party (map, -1, party);
    }

  for (guint p = 0; p <= N_PARTIES; p++)
    groups.members[p] = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; i < n_actors; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i + 1);
      g_autofree char *name = NULL;
      guint party = rng_weighted (&rng, party_weights, N_PARTIES + 1);
      BmLevel level = draw_level (&rng);
      BmTrack track = draw_track (&rng, level, party);
      BmSector sector = draw_sector (&rng, track, party);
      BmActorKind kind = rng_below (&rng, BM_N_ACTOR_KINDS);
      BmActor *actor;

      /* The first actors cover every value of every enumeration */
      if (i < 12)
        {
          level = i % BM_N_LEVELS;
          track = i % BM_N_TRACKS;
          kind = i % BM_N_ACTOR_KINDS;
          sector = i % BM_N_SECTORS;
          party = i % (N_PARTIES + 1);
        }
      /* People sit at the top more often, groups at the grassroots */
      if (kind == BM_ACTOR_GROUP && level == BM_LEVEL_TOP && i >= 12)
        kind = BM_ACTOR_PERSON;

      name = draw_name (&rng, kind, sector, i + 1);
      actor = bm_actor_new (id, name, level, track);
      actor->kind = kind;
      actor->sector = sector;
      actor->party = party < N_PARTIES ? g_strdup (parties[party].id) : NULL;
      actor->influence = level == BM_LEVEL_TOP ? 3 + rng_below (&rng, 3)
                                               : 1 + rng_below (&rng, 4);
      if (!rng_percent (&rng, 5) || i < 3)
        place_actor (&rng, actor, n_actors);
      if (rng_percent (&rng, 10))
        actor->note = g_strdup (actor_notes[rng_below (&rng, G_N_ELEMENTS (actor_notes))]);

      g_array_append_val (groups.members[party], i);
      bm_map_insert_actor (map, -1, actor);
    }

  if (n_actors >= 2)
    {
      for (guint i = 0; i < n_ties; i++)
        {
          g_autofree char *id = g_strdup_printf ("t%u", i + 1);
          BmTieKind kind = i < BM_N_TIE_KINDS ? (BmTieKind) i
                                              : rng_weighted (&rng, tie_weights, BM_N_TIE_KINDS);
          guint from, to;
          BmTie *tie;

          pick_endpoints (&rng, &groups, kind, &from, &to);
          tie = bm_tie_new (id, bm_map_get_actor (map, from)->id,
                            bm_map_get_actor (map, to)->id, kind);
          tie->strength = 1 + rng_below (&rng, 3);
          if (rng_percent (&rng, 5))
            tie->note = g_strdup (tie_notes[kind][rng_below (&rng, 2)]);
          bm_map_insert_tie (map, -1, tie);
        }
    }

  for (guint p = 0; p <= N_PARTIES; p++)
    g_array_unref (groups.members[p]);

  bm_map_end_batch (map);
  return map;
}
