/* bm-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "bm-types.h"

static const GEnumValue level_values[] = {
  { BM_LEVEL_TOP, "BM_LEVEL_TOP", "top" },
  { BM_LEVEL_MIDDLE, "BM_LEVEL_MIDDLE", "middle" },
  { BM_LEVEL_GRASSROOTS, "BM_LEVEL_GRASSROOTS", "grassroots" },
  { 0, NULL, NULL }
};

static const GEnumValue track_values[] = {
  { BM_TRACK_1, "BM_TRACK_1", "1" },
  { BM_TRACK_1_5, "BM_TRACK_1_5", "1.5" },
  { BM_TRACK_2, "BM_TRACK_2", "2" },
  { BM_TRACK_3, "BM_TRACK_3", "3" },
  { 0, NULL, NULL }
};

static const GEnumValue sector_values[] = {
  { BM_SECTOR_NONE, "BM_SECTOR_NONE", "none" },
  { BM_SECTOR_GOVERNMENT, "BM_SECTOR_GOVERNMENT", "government" },
  { BM_SECTOR_CONFLICT_RESOLUTION, "BM_SECTOR_CONFLICT_RESOLUTION", "conflict-resolution" },
  { BM_SECTOR_BUSINESS, "BM_SECTOR_BUSINESS", "business" },
  { BM_SECTOR_CITIZEN, "BM_SECTOR_CITIZEN", "citizen" },
  { BM_SECTOR_RESEARCH, "BM_SECTOR_RESEARCH", "research" },
  { BM_SECTOR_ACTIVISM, "BM_SECTOR_ACTIVISM", "activism" },
  { BM_SECTOR_RELIGION, "BM_SECTOR_RELIGION", "religion" },
  { BM_SECTOR_FUNDING, "BM_SECTOR_FUNDING", "funding" },
  { BM_SECTOR_MEDIA, "BM_SECTOR_MEDIA", "media" },
  { 0, NULL, NULL }
};

static const GEnumValue actor_kind_values[] = {
  { BM_ACTOR_PERSON, "BM_ACTOR_PERSON", "person" },
  { BM_ACTOR_ORGANIZATION, "BM_ACTOR_ORGANIZATION", "organization" },
  { BM_ACTOR_GROUP, "BM_ACTOR_GROUP", "group" },
  { 0, NULL, NULL }
};

static const GEnumValue tie_kind_values[] = {
  { BM_TIE_ALLIANCE, "BM_TIE_ALLIANCE", "alliance" },
  { BM_TIE_CHANNEL, "BM_TIE_CHANNEL", "channel" },
  { BM_TIE_INFLUENCE, "BM_TIE_INFLUENCE", "influence" },
  { BM_TIE_MEDIATION, "BM_TIE_MEDIATION", "mediation" },
  { BM_TIE_FUNDING, "BM_TIE_FUNDING", "funding" },
  { BM_TIE_CONFLICT, "BM_TIE_CONFLICT", "conflict" },
  { BM_TIE_BROKEN, "BM_TIE_BROKEN", "broken" },
  { 0, NULL, NULL }
};

#define DEFINE_ENUM(func, name, values)                                  \
  GType                                                                  \
  func (void)                                                            \
  {                                                                      \
    static gsize type_id = 0;                                            \
    if (g_once_init_enter (&type_id))                                    \
      g_once_init_leave (&type_id, g_enum_register_static (name, values)); \
    return type_id;                                                      \
  }

DEFINE_ENUM (bm_level_get_type, "BmLevel", level_values)
DEFINE_ENUM (bm_track_get_type, "BmTrack", track_values)
DEFINE_ENUM (bm_sector_get_type, "BmSector", sector_values)
DEFINE_ENUM (bm_actor_kind_get_type, "BmActorKind", actor_kind_values)
DEFINE_ENUM (bm_tie_kind_get_type, "BmTieKind", tie_kind_values)

static gboolean
token_lookup (const GEnumValue *values, const char *str, int *out)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; values[i].value_nick != NULL; i++)
    if (strcmp (values[i].value_nick, str) == 0)
      {
        *out = values[i].value;
        return TRUE;
      }
  return FALSE;
}

const char *
bm_level_to_string (BmLevel level)
{
  g_return_val_if_fail (level < BM_N_LEVELS, NULL);
  return level_values[level].value_nick;
}

const char *
bm_track_to_string (BmTrack track)
{
  g_return_val_if_fail (track < BM_N_TRACKS, NULL);
  return track_values[track].value_nick;
}

const char *
bm_sector_to_string (BmSector sector)
{
  g_return_val_if_fail (sector < BM_N_SECTORS, NULL);
  if (sector == BM_SECTOR_NONE)
    return NULL;
  return sector_values[sector].value_nick;
}

const char *
bm_actor_kind_to_string (BmActorKind kind)
{
  g_return_val_if_fail (kind < BM_N_ACTOR_KINDS, NULL);
  return actor_kind_values[kind].value_nick;
}

const char *
bm_tie_kind_to_string (BmTieKind kind)
{
  g_return_val_if_fail (kind < BM_N_TIE_KINDS, NULL);
  return tie_kind_values[kind].value_nick;
}

gboolean
bm_level_from_string (const char *str, BmLevel *out)
{
  int v;
  if (!token_lookup (level_values, str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
bm_track_from_string (const char *str, BmTrack *out)
{
  int v;
  if (!token_lookup (track_values, str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
bm_sector_from_string (const char *str, BmSector *out)
{
  int v;
  /* "none" is the enum's nick, not a token of the file format */
  if (!token_lookup (sector_values + 1, str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
bm_actor_kind_from_string (const char *str, BmActorKind *out)
{
  int v;
  if (!token_lookup (actor_kind_values, str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
bm_tie_kind_from_string (const char *str, BmTieKind *out)
{
  int v;
  if (!token_lookup (tie_kind_values, str, &v))
    return FALSE;
  *out = v;
  return TRUE;
}

const char *
bm_level_display_name (BmLevel level)
{
  switch (level)
    {
    case BM_LEVEL_TOP: return _("Top leadership");
    case BM_LEVEL_MIDDLE: return _("Middle-range leadership");
    case BM_LEVEL_GRASSROOTS: return _("Grassroots leadership");
    case BM_N_LEVELS:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
bm_track_display_name (BmTrack track)
{
  switch (track)
    {
    case BM_TRACK_1: return _("Track 1");
    case BM_TRACK_1_5: return _("Track 1.5");
    case BM_TRACK_2: return _("Track 2");
    case BM_TRACK_3: return _("Track 3");
    case BM_N_TRACKS:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
bm_sector_display_name (BmSector sector)
{
  switch (sector)
    {
    case BM_SECTOR_NONE: return C_("sector", "None");
    case BM_SECTOR_GOVERNMENT: return _("Government");
    case BM_SECTOR_CONFLICT_RESOLUTION: return _("Conflict resolution");
    case BM_SECTOR_BUSINESS: return _("Business");
    case BM_SECTOR_CITIZEN: return _("Private citizens");
    case BM_SECTOR_RESEARCH: return _("Research, training and education");
    case BM_SECTOR_ACTIVISM: return _("Activism");
    case BM_SECTOR_RELIGION: return _("Religion");
    case BM_SECTOR_FUNDING: return _("Funding");
    case BM_SECTOR_MEDIA: return _("Communications and media");
    case BM_N_SECTORS:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
bm_actor_kind_display_name (BmActorKind kind)
{
  switch (kind)
    {
    case BM_ACTOR_PERSON: return _("Person");
    case BM_ACTOR_ORGANIZATION: return _("Organisation");
    case BM_ACTOR_GROUP: return _("Group");
    case BM_N_ACTOR_KINDS:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

const char *
bm_tie_kind_display_name (BmTieKind kind)
{
  switch (kind)
    {
    case BM_TIE_ALLIANCE: return _("Alliance");
    case BM_TIE_CHANNEL: return _("Channel");
    case BM_TIE_INFLUENCE: return _("Influence");
    case BM_TIE_MEDIATION: return _("Mediation");
    case BM_TIE_FUNDING: return _("Funding");
    case BM_TIE_CONFLICT: return _("Conflict");
    case BM_TIE_BROKEN: return _("Broken connection");
    case BM_N_TIE_KINDS:
    default: break;
    }
  g_return_val_if_reached (NULL);
}

gboolean
bm_tie_kind_is_directed (BmTieKind kind)
{
  return kind == BM_TIE_INFLUENCE || kind == BM_TIE_MEDIATION || kind == BM_TIE_FUNDING;
}

gboolean
bm_tie_kind_is_usable (BmTieKind kind)
{
  return kind <= BM_TIE_FUNDING;
}

gboolean
bm_tie_kind_is_hostile (BmTieKind kind)
{
  return kind == BM_TIE_CONFLICT || kind == BM_TIE_BROKEN;
}

double
bm_level_band_top (BmLevel level)
{
  return BM_BAND_HEIGHT * (double) level;
}

double
bm_level_band_centre (BmLevel level)
{
  return BM_BAND_HEIGHT * (double) level + BM_BAND_HEIGHT / 2.0;
}

BmLevel
bm_level_for_y (double y)
{
  if (y < BM_BAND_HEIGHT)
    return BM_LEVEL_TOP;
  if (y < 2 * BM_BAND_HEIGHT)
    return BM_LEVEL_MIDDLE;
  return BM_LEVEL_GRASSROOTS;
}

double
bm_round_position (double v)
{
  double r = round (v * 100.0) / 100.0;
  return r == 0.0 ? 0.0 : r; /* no negative zero */
}

guint
bm_cell_hash (gconstpointer key)
{
  guint64 x = *(const guint64 *) key;

  x ^= x >> 33;
  x *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  x ^= x >> 33;
  return (guint) x;
}

gboolean
bm_id_is_valid (const char *id)
{
  if (id == NULL)
    return FALSE;
  if (!(g_ascii_isalpha (id[0]) || id[0] == '_'))
    return FALSE;
  for (const char *p = id + 1; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '.' || *p == '-'))
      return FALSE;
  return TRUE;
}

gboolean
bm_language_is_rtl (void)
{
  /* Asked for every name put into a sentence: looked up once */
  static gsize answer = 0;

  if (g_once_init_enter (&answer))
    {
      /* TRANSLATORS: "rtl" if your language is written right to left,
       * "ltr" otherwise; not shown, it lays out names in sentences and
       * reports */
      gboolean rtl = g_str_equal (C_("text direction", "ltr"), "rtl");

      g_once_init_leave (&answer, rtl ? 2 : 1);
    }
  return answer == 2;
}

static gboolean
script_is_rtl (GUnicodeScript script)
{
  switch (script)
    {
    case G_UNICODE_SCRIPT_ARABIC:
    case G_UNICODE_SCRIPT_HEBREW:
    case G_UNICODE_SCRIPT_SYRIAC:
    case G_UNICODE_SCRIPT_THAANA:
    case G_UNICODE_SCRIPT_NKO:
    case G_UNICODE_SCRIPT_SAMARITAN:
    case G_UNICODE_SCRIPT_MANDAIC:
    case G_UNICODE_SCRIPT_ADLAM:
    case G_UNICODE_SCRIPT_HANIFI_ROHINGYA:
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
bm_name_needs_isolating (const char *name)
{
  gboolean rtl = bm_language_is_rtl ();

  g_return_val_if_fail (name != NULL, FALSE);

  /* Any letter written the other way; digits and punctuation go either
   * way and need no isolating by themselves */
  for (const char *c = name; *c != '\0'; c = g_utf8_next_char (c))
    {
      gunichar ch = g_utf8_get_char (c);

      if (g_unichar_isalpha (ch) && script_is_rtl (g_unichar_get_script (ch)) != rtl)
        return TRUE;
    }
  return FALSE;
}
