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
 * same map, on every machine. */
BmMap *bm_generate_map (guint n_actors, guint n_ties, guint32 seed);

G_END_DECLS
