/* bm-generate.h: synthetic maps for tests and benchmarks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "bm-map.h"

G_BEGIN_DECLS

/* A reproducible map with @n_actors actors and @n_ties ties drawn from
 * @seed: a few parties (with colours), every level, track, sector and tie
 * kind, positions inside each actor's band (a few actors left without a
 * position), some notes, names with non-Latin script.  Same arguments,
 * same map, on every machine.
 *
 * What the map holds, so tests and benchmarks can rely on it:
 *
 * - title and description set; four parties "p1" … "p4", each with a
 *   colour: p1 and p2 are the two opposed sides, p3 and p4 others.
 * - actors "a1" … "aN" in that order, about 18 % without a party (third
 *   parties).  Levels follow a pyramid (about 15 % top, 35 % middle, 50 %
 *   grassroots) and tracks follow the level (Track 1 mostly at the top,
 *   Track 3 at the grassroots, third parties leaning to 1.5 and 2).  The
 *   first twelve actors cycle through every level, track, kind, sector
 *   (including none) and party, so any map of 12 actors or more holds
 *   every value.  Influence 3–5 at the top, 1–4 elsewhere.
 * - positions in whole hundredths, 10 units or more inside the actor's
 *   band, the bands widening downwards like a pyramid (width grows with
 *   @n_actors); about 5 % of the actors (never a1 … a3) have no position.
 * - about 10 % of the actors and 5 % of the ties carry a note; names and
 *   notes include Arabic, Chinese and Cyrillic text, a combining accent
 *   and characters that need escaping (& < > " ').  Names never have
 *   surrounding white space, so a saved and reloaded map is equal.
 * - ties "t1" … "tM" between two distinct, existing actors (parallel ties
 *   may occur); the first seven cover every kind, the rest are weighted
 *   (channel and alliance common, broken rare) with realistic endpoints:
 *   alliances within a party, conflicts between p1 and p2, mediation from
 *   third parties.  Strength 1–3.  With fewer than two actors there are no
 *   ties.
 * - no foreign content.
 *
 * The generator uses its own SplitMix64 stream, never g_random.  Changing
 * its output changes the figures of every benchmark: tests/test-save.c pins
 * a checksum of bm_generate_map (1000, 3000, 42). */
BmMap *bm_generate_map (guint n_actors, guint n_ties, guint32 seed);

G_END_DECLS
