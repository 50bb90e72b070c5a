/* bm-types.h: the enumerations of the Bridgemap model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define BM_NAMESPACE "http://bridgemap.github.io/ns/1"
#define BM_FORMAT_VERSION "1"

/* Lederach's pyramid: the bands in map units (format.md) */
#define BM_BAND_HEIGHT 300.0

typedef enum
{
  BM_LEVEL_TOP,
  BM_LEVEL_MIDDLE,
  BM_LEVEL_GRASSROOTS,
  BM_N_LEVELS
} BmLevel;

typedef enum
{
  BM_TRACK_1,
  BM_TRACK_1_5,
  BM_TRACK_2,
  BM_TRACK_3,
  BM_N_TRACKS
} BmTrack;

typedef enum
{
  BM_SECTOR_NONE,
  BM_SECTOR_GOVERNMENT,
  BM_SECTOR_CONFLICT_RESOLUTION,
  BM_SECTOR_BUSINESS,
  BM_SECTOR_CITIZEN,
  BM_SECTOR_RESEARCH,
  BM_SECTOR_ACTIVISM,
  BM_SECTOR_RELIGION,
  BM_SECTOR_FUNDING,
  BM_SECTOR_MEDIA,
  BM_N_SECTORS
} BmSector;

typedef enum
{
  BM_ACTOR_PERSON,
  BM_ACTOR_ORGANIZATION,
  BM_ACTOR_GROUP,
  BM_N_ACTOR_KINDS
} BmActorKind;

typedef enum
{
  BM_TIE_ALLIANCE,
  BM_TIE_CHANNEL,
  BM_TIE_INFLUENCE,
  BM_TIE_MEDIATION,
  BM_TIE_FUNDING,
  BM_TIE_CONFLICT,
  BM_TIE_BROKEN,
  BM_N_TIE_KINDS
} BmTieKind;

GType bm_level_get_type (void) G_GNUC_CONST;
GType bm_track_get_type (void) G_GNUC_CONST;
GType bm_sector_get_type (void) G_GNUC_CONST;
GType bm_actor_kind_get_type (void) G_GNUC_CONST;
GType bm_tie_kind_get_type (void) G_GNUC_CONST;

#define BM_TYPE_LEVEL      (bm_level_get_type ())
#define BM_TYPE_TRACK      (bm_track_get_type ())
#define BM_TYPE_SECTOR     (bm_sector_get_type ())
#define BM_TYPE_ACTOR_KIND (bm_actor_kind_get_type ())
#define BM_TYPE_TIE_KIND   (bm_tie_kind_get_type ())

/* The token used in the file ("top", "1.5", "conflict-resolution", …).
 * BM_SECTOR_NONE has no token (NULL). */
const char *bm_level_to_string      (BmLevel     level);
const char *bm_track_to_string      (BmTrack     track);
const char *bm_sector_to_string     (BmSector    sector);
const char *bm_actor_kind_to_string (BmActorKind kind);
const char *bm_tie_kind_to_string   (BmTieKind   kind);

/* Parse a file token exactly (case-sensitive, no white space).
 * Return FALSE when @str is not a valid token. */
gboolean bm_level_from_string      (const char *str, BmLevel     *out);
gboolean bm_track_from_string      (const char *str, BmTrack     *out);
gboolean bm_sector_from_string     (const char *str, BmSector    *out);
gboolean bm_actor_kind_from_string (const char *str, BmActorKind *out);
gboolean bm_tie_kind_from_string   (const char *str, BmTieKind   *out);

/* Translated names for people ("Middle-range leadership", "Track 1.5", …) */
const char *bm_level_display_name      (BmLevel     level);
const char *bm_track_display_name      (BmTrack     track);
const char *bm_sector_display_name     (BmSector    sector);
const char *bm_actor_kind_display_name (BmActorKind kind);
const char *bm_tie_kind_display_name   (BmTieKind   kind);

/* Whether the language of the translation is written right to left */
gboolean bm_language_is_rtl        (void);
/* Whether @name, put into a sentence of the translation's language, must
 * be wrapped in BM_ISOLATE_START … BM_ISOLATE_END so that its direction
 * cannot reorder the words around it: a name written right to left
 * (Arabic, Hebrew) in a left-to-right language, or the other way round */
gboolean bm_name_needs_isolating   (const char *name);
/* Unicode's first-strong isolate and pop directional isolate */
#define BM_ISOLATE_START "\u2068"
#define BM_ISOLATE_END   "\u2069"

/* influence, mediation and funding are directed from → to */
gboolean bm_tie_kind_is_directed (BmTieKind kind);
/* alliance, channel, influence, mediation, funding */
gboolean bm_tie_kind_is_usable   (BmTieKind kind);
/* conflict, broken */
gboolean bm_tie_kind_is_hostile  (BmTieKind kind);

/* Band of a level in map units: top is [0, 300), middle [300, 600),
 * grassroots [600, 900). */
double   bm_level_band_top    (BmLevel level);
double   bm_level_band_centre (BmLevel level);
/* The level whose band holds @y, clamped to the pyramid */
BmLevel  bm_level_for_y       (double y);

/* round (v × 100) / 100, as format.md requires for positions */
double   bm_round_position (double v);

/* ids match [A-Za-z_][A-Za-z0-9_.-]* */
gboolean bm_id_is_valid (const char *id);

/* A GHashFunc for gint64 keys that pack two grid coordinates:
 * g_int64_hash folds the two halves together, so cells sharing x ^ y
 * would collide; this mixes all the bits */
guint    bm_cell_hash (gconstpointer key);

G_END_DECLS
