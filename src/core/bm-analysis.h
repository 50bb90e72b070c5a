/* bm-analysis.h: where a Track 1.5 bridge is missing (domain.md, section 4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bm-map.h"

G_BEGIN_DECLS

typedef enum
{
  BM_GAP_BACKCHANNEL,
  BM_GAP_TRANSFER,
  BM_GAP_ONE_SIDED_BRIDGE,
  BM_GAP_MIDDLE_RANGE,
} BmGapKind;

typedef enum
{
  BM_SEVERITY_CRITICAL,
  BM_SEVERITY_WARNING,
  BM_SEVERITY_INFO,
} BmSeverity;

typedef struct
{
  BmGapKind   kind;
  BmSeverity  severity;
  /* backchannel: the two party ids in byte order; transfer, middle-range:
   * the one party; one-sided-bridge: the parties whose officials it
   * reaches (sorted, possibly empty).  NULL-terminated. */
  char      **parties;
  /* one-sided-bridge: the bridge actor; otherwise NULL */
  char       *actor;
  /* backchannel: officials of both parties; transfer: the party's
   * unofficial actors; sorted by id; NULL-terminated, may be empty */
  char      **actors;
  /* backchannel only: ranked candidate bridges (at most five) */
  char      **candidates;
  /* For people: a short title and an explanation in plain words, naming
   * parties and actors by name (translated) */
  char       *title;
  char       *explanation;
} BmGap;

typedef struct _BmAnalysis BmAnalysis;

/* Analyse @map; cheap enough to run after every edit on maps of a few
 * hundred actors. */
BmAnalysis   *bm_analysis_new              (BmMap *map);
void          bm_analysis_free             (BmAnalysis *analysis);

guint         bm_analysis_get_n_gaps       (BmAnalysis *analysis);
const BmGap  *bm_analysis_get_gap          (BmAnalysis *analysis, guint index);
guint         bm_analysis_count_severity   (BmAnalysis *analysis, BmSeverity severity);

/* Betweenness centrality of an actor on the usable-tie graph (not
 * normalised), by actor index in the map; computed on first use (not
 * thread-safe: one thread per analysis). */
double        bm_analysis_get_betweenness  (BmAnalysis *analysis, guint actor_index);

/* The betweenness of the last usable-tie graph is kept, so that analysing
 * again after an edit that left the graph as it was costs no centrality
 * computation.  This forgets it (benchmarks, freeing memory). */
void          bm_analysis_clear_cache      (void);

/* The report of format.md: JSON (ends with a newline) and plain words */
char         *bm_analysis_to_json          (BmAnalysis *analysis);
char         *bm_analysis_to_text          (BmAnalysis *analysis);
/* The report's opening in plain words: what the map holds and how many
 * gaps of each severity it has, or what was checked when there is none */
char         *bm_analysis_get_summary      (BmAnalysis *analysis);

const char   *bm_gap_kind_to_string        (BmGapKind kind);
const char   *bm_severity_to_string        (BmSeverity severity);
/* "Critical", "Warning", "Note" (translated) */
const char   *bm_severity_display_name     (BmSeverity severity);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BmAnalysis, bm_analysis_free)

G_END_DECLS
