#!/usr/bin/env python3
# check-analysis.py: recompute the gap analysis of generated maps with
# networkx, independently of the C code, and compare.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-analysis.py PATH-TO-bm-analysis-dump
#
# For each generated map: the betweenness of every actor must match
# networkx.betweenness_centrality(G, normalized=False) within 1e-9, and the
# whole JSON report (every gap, its order, the ranking of candidates) must
# equal the one derived here from domain.md, section 4.  Prints TAP.

import json
import math
import subprocess
import sys

try:
    import networkx as nx
except ImportError:
    print("1..0 # SKIP networkx is not installed")
    sys.exit(0)

USABLE = {"alliance", "channel", "influence", "mediation", "funding"}
HOSTILE = {"conflict", "broken"}

# (actors, ties, seed): maps with about two and a half ties an actor leave
# some leaderships without a bridge but with many actors around them, which
# is what produces backchannel gaps with candidates to rank.
MAPS = [
    (12, 10, 1), (30, 25, 2), (60, 90, 5), (80, 200, 26), (80, 200, 27),
    (100, 80, 7), (100, 250, 20), (100, 250, 23), (150, 400, 24),
    (150, 400, 25), (200, 600, 23), (200, 600, 34), (250, 200, 12),
    (300, 600, 13), (400, 350, 14), (500, 450, 15), (500, 1500, 16),
    # large enough for the betweenness to be shared between threads
    (1200, 3000, 17),
]


def run_dump(dump, n, m, seed):
    out = subprocess.run([dump, str(n), str(m), str(seed)], check=True,
                         capture_output=True, text=True).stdout
    head, report = out.split("REPORT\n", 1)
    parties, actors, ties, bc = [], {}, [], {}
    for line in head.splitlines():
        f = line.split("\t")
        if f[0] == "P":
            parties.append(f[1])
        elif f[0] == "A":
            actors[f[1]] = {"party": None if f[2] == "-" else f[2],
                            "level": f[3], "track": f[4]}
        elif f[0] == "T":
            ties.append((f[1], f[2], f[3]))
        elif f[0] == "B":
            bc[f[1]] = float(f[2])
    return parties, actors, ties, bc, json.loads(report)


def expected_report(parties, actors, ties, bc_nx):
    G = nx.Graph()
    G.add_nodes_from(actors)
    for a, b, kind in ties:
        if kind in USABLE:
            G.add_edge(a, b)

    def of_party(p, pred):
        return {a for a, v in actors.items() if v["party"] == p and pred(v)}

    official = {p: of_party(p, lambda v: v["track"] == "1") for p in parties}
    unofficial = {p: of_party(p, lambda v: v["track"] in ("2", "3"))
                  for p in parties}
    bridges = sorted(a for a, v in actors.items() if v["track"] == "1.5")

    opposed = set()
    for a, b, kind in ties:
        pa, pb = actors[a]["party"], actors[b]["party"]
        if kind in HOSTILE and pa is not None and pb is not None and pa != pb:
            opposed.add(tuple(sorted((pa, pb))))

    def touches(x, group):
        return any(n in group for n in G[x])

    def within_two(group):
        reach = set()
        for s in group:
            for u in G[s]:
                reach.add(u)
                reach.update(G[u])
        return reach

    gaps = []
    for p, q in sorted(opposed):
        if not official[p] or not official[q]:
            continue
        if any(touches(b, official[p]) and touches(b, official[q])
               for b in bridges):
            continue
        channel = any(G.has_edge(x, y) for x in official[p] for y in official[q])
        cands = (within_two(official[p]) & within_two(official[q])) \
            - official[p] - official[q]
        ranked = sorted(cands,
                        key=lambda a: (-math.floor(bc_nx[a] * 1e6 + 0.5), a))
        gaps.append({"kind": "backchannel",
                     "severity": "warning" if channel else "critical",
                     "parties": [p, q],
                     "actors": sorted(official[p] | official[q]),
                     "candidates": ranked[:5]})

    for p in sorted(parties):
        if official[p] and unofficial[p] and not any(
                touches(b, official[p]) and touches(b, unofficial[p])
                for b in bridges):
            gaps.append({"kind": "transfer", "severity": "warning",
                         "party": p, "actors": sorted(unofficial[p])})

    if opposed:
        for b in bridges:
            reached = sorted({actors[x]["party"] for x in G[b]
                              if actors[x]["party"] is not None
                              and actors[x]["track"] == "1"})
            if len(reached) <= 1:
                gaps.append({"kind": "one-sided-bridge", "severity": "warning",
                             "actor": b, "parties": reached})

    middle = [a for a, v in actors.items() if v["level"] == "middle"]
    for p in sorted(parties):
        top = of_party(p, lambda v: v["level"] == "top")
        grass = of_party(p, lambda v: v["level"] == "grassroots")
        if top and grass and not any(touches(m, top) and touches(m, grass)
                                     for m in middle):
            gaps.append({"kind": "middle-range", "severity": "info", "party": p})

    return {"actors": len(actors), "ties": len(ties), "parties": len(parties),
            "gaps": gaps}


def main():
    dump = sys.argv[1]
    print("1..%d" % (len(MAPS) + 1))
    failures = 0
    ranked_total = 0
    for i, (n, m, seed) in enumerate(MAPS, 1):
        parties, actors, ties, bc, report = run_dump(dump, n, m, seed)
        G = nx.Graph()
        G.add_nodes_from(actors)
        G.add_edges_from((a, b) for a, b, k in ties if k in USABLE)
        bc_nx = nx.betweenness_centrality(G, normalized=False)

        problems = []
        worst = max((abs(bc[a] - bc_nx[a]) for a in actors), default=0.0)
        if worst > 1e-9:
            problems.append("betweenness differs by %g" % worst)
        expected = expected_report(parties, actors, ties, bc_nx)
        # json.dumps keeps member order, so this also checks the key order
        if json.dumps(report) != json.dumps(expected):
            for k, (got, want) in enumerate(zip(report["gaps"], expected["gaps"])):
                if got != want:
                    problems.append("gap %d: got %s, expected %s"
                                    % (k, json.dumps(got), json.dumps(want)))
                    break
            else:
                problems.append("reports differ: got %s, expected %s"
                                % (json.dumps(report)[:300],
                                   json.dumps(expected)[:300]))
        ranked = sum(len(g["candidates"]) for g in expected["gaps"]
                     if g["kind"] == "backchannel" and len(g["candidates"]) > 1)
        ranked_total += ranked
        name = "map %d actors %d ties seed %d (%d gaps, %d ranked candidates)" % (
            n, m, seed, len(expected["gaps"]), ranked)
        if problems:
            failures += 1
            print("not ok %d %s" % (i, name))
            for p in problems:
                print("# " + p)
        else:
            print("ok %d %s" % (i, name))
    # The maps must actually exercise the ranking
    if ranked_total >= 10:
        print("ok %d ranking exercised (%d candidates)" % (len(MAPS) + 1, ranked_total))
    else:
        print("not ok %d only %d ranked candidates in all maps: choose other maps"
              % (len(MAPS) + 1, ranked_total))
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
