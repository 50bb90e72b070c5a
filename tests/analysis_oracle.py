#!/usr/bin/env python3
# analysis_oracle.py: a second, independent reading of the gap analysis.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Written from the contract alone (the gap definitions in the domain brief,
# section 4, and the "JSON report" part of the format contract), without
# looking at the C implementation, so that the two can be compared on maps
# neither was written for (see test-analysis-oracle.py).
#
#   python3 analysis_oracle.py FILE.bridgemap   prints the JSON report
#
# The input is assumed valid (the C loader is what judges validity).
#
# How the contract is read where it leaves room (each is a deliberate
# reading; a difference with the C code on one of these is a question for
# the contract, not necessarily a bug):
#
# R1  "An actor of P" (in "opposed", and in the middle-range rule) is any
#     actor whose party attribute is P, whatever its track: a Track 1.5
#     actor that belongs to P and has a hostile tie to an actor of Q makes
#     P and Q opposed, and a top-level Track 1.5 actor of P counts as a
#     top-level actor of P.
# R2  A bridge is any Track 1.5 actor; a bridge with a party is never in
#     official(P) or unofficial(P) (those are tracks 1 and 2/3 only).
# R3  Parallel ties: a pair of actors may have both a usable and a hostile
#     tie; each counts for its own purpose (the pair can be opposed and
#     still have an official channel).
# R4  "Within two usable ties of an actor of official(P)": some official x
#     of P is a usable neighbour of the candidate, or a usable neighbour of
#     one of its usable neighbours.  The middle actor may be anyone,
#     officials of either side included.  A candidate is never itself in
#     official(P) or official(Q), so distance 0 never arises.
# R5  One-sided bridge: the set counted is the parties of the officials
#     (track 1, with a party) the bridge has a direct usable tie to; the
#     bridge's own party counts like any other.  The rule applies as soon
#     as any opposed pair exists, even one whose parties have no officials
#     (and so no backchannel gap).
# R6  Betweenness is the exact rational value (computed here with
#     fractions), the ranking key floor(value * 10^6 + 1/2).  networkx is
#     used only as a cross-check by the test.
# R7  Ties with a kind that is neither usable nor hostile cannot occur in a
#     valid file; they would be ignored here.
# R8  Counts: "parties" counts every declared party element, "actors" and
#     "ties" every actor and tie element (only those in the Bridgemap
#     namespace, directly in their section; foreign elements are opaque).

import json
import math
import sys
import xml.etree.ElementTree as ET
from collections import deque
from fractions import Fraction

NS = "{http://bridgemap.github.io/ns/1}"
USABLE = {"alliance", "channel", "influence", "mediation", "funding"}
HOSTILE = {"conflict", "broken"}
KIND_ORDER = ["backchannel", "transfer", "one-sided-bridge", "middle-range"]
MAX_CANDIDATES = 5


class Actor:
    __slots__ = ("id", "name", "party", "level", "track")

    def __init__(self, id, name, party, level, track):
        self.id = id
        self.name = name
        self.party = party
        self.level = level
        self.track = track


class Map:
    def __init__(self):
        self.parties = []      # ids, file order
        self.party_names = {}
        self.actors = []       # Actor, file order
        self.ties = []         # (id, from, to, kind)


def _bytes(s):
    """Byte-order sort key (ids are ASCII, but say it anyway)"""
    return s.encode("utf-8")


def load(path):
    root = ET.parse(path).getroot()
    if root.tag != NS + "bridgemap":
        raise ValueError("%s: not a Bridgemap document" % path)
    m = Map()
    section = root.find(NS + "parties")
    if section is not None:
        for p in section.findall(NS + "party"):
            m.parties.append(p.get("id"))
            m.party_names[p.get("id")] = p.get("name").strip(" \t\r\n")
    section = root.find(NS + "actors")
    if section is not None:
        for a in section.findall(NS + "actor"):
            m.actors.append(Actor(a.get("id"), a.get("name").strip(" \t\r\n"),
                                  a.get("party"), a.get("level"),
                                  a.get("track")))
    section = root.find(NS + "ties")
    if section is not None:
        for t in section.findall(NS + "tie"):
            m.ties.append((t.get("id"), t.get("from"), t.get("to"),
                           t.get("kind")))
    return m


def usable_adjacency(m):
    """Simple undirected usable-tie graph: id -> set of neighbour ids"""
    adj = {a.id: set() for a in m.actors}
    for _, f, t, kind in m.ties:
        if kind in USABLE and f != t:
            adj[f].add(t)
            adj[t].add(f)
    return adj


def exact_betweenness(adj):
    """Brandes' algorithm in exact rational arithmetic; undirected, each
    unordered pair of endpoints counted once (networkx's
    betweenness_centrality(G, normalized=False) for an undirected G)."""
    bc = {v: Fraction(0) for v in adj}
    for s in adj:
        stack = []
        pred = {v: [] for v in adj}
        sigma = dict.fromkeys(adj, 0)
        dist = dict.fromkeys(adj, -1)
        sigma[s] = 1
        dist[s] = 0
        queue = deque([s])
        while queue:
            v = queue.popleft()
            stack.append(v)
            for w in adj[v]:
                if dist[w] < 0:
                    dist[w] = dist[v] + 1
                    queue.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    pred[w].append(v)
        delta = dict.fromkeys(adj, Fraction(0))
        while stack:
            w = stack.pop()
            for v in pred[w]:
                delta[v] += Fraction(sigma[v], sigma[w]) * (1 + delta[w])
            if w != s:
                bc[w] += delta[w]
    return {v: b / 2 for v, b in bc.items()}


def rank_key(value):
    """The integer nearest to value × 10^6, halves rounded up"""
    return math.floor(Fraction(value) * 10**6 + Fraction(1, 2))


def within_two(adj, sources):
    """Every actor joined to one of `sources` by a path of one or two
    usable ties (the sources themselves only if such a path returns)."""
    near = set()
    for x in sources:
        for y in adj[x]:
            near.add(y)
            near.update(adj[y])
    return near


def analyze(m, betweenness=None):
    """The report as a dict with the contract's key order.  `betweenness`
    may be given (id -> value) to rank with another computation."""
    adj = usable_adjacency(m)
    by_id = {a.id: a for a in m.actors}

    official = {p: set() for p in m.parties}
    unofficial = {p: set() for p in m.parties}
    top = {p: set() for p in m.parties}
    grassroots = {p: set() for p in m.parties}
    bridges = []
    middles = []
    for a in m.actors:
        if a.track == "1.5":
            bridges.append(a.id)
        if a.level == "middle":
            middles.append(a.id)
        if a.party is None:
            continue
        # A valid file only refers to declared parties; be lenient anyway
        for table in (official, unofficial, top, grassroots):
            table.setdefault(a.party, set())
        if a.track == "1":
            official[a.party].add(a.id)
        elif a.track in ("2", "3"):
            unofficial[a.party].add(a.id)
        if a.level == "top":
            top[a.party].add(a.id)
        elif a.level == "grassroots":
            grassroots[a.party].add(a.id)

    opposed = set()
    for _, f, t, kind in m.ties:
        if kind not in HOSTILE:
            continue
        pf, pt = by_id[f].party, by_id[t].party
        if pf is None or pt is None or pf == pt:
            continue
        opposed.add(tuple(sorted((pf, pt), key=_bytes)))

    def touches(actor, group):
        return not adj[actor].isdisjoint(group)

    gaps = []

    # 1. backchannel
    bc_values = None
    for p, q in sorted(opposed, key=lambda pq: (_bytes(pq[0]), _bytes(pq[1]))):
        op, oq = official[p], official[q]
        if not op or not oq:
            continue
        if any(touches(b, op) and touches(b, oq) for b in bridges):
            continue
        channel = any(touches(x, oq) for x in op)
        both = op | oq
        cands = (within_two(adj, op) & within_two(adj, oq)) - both
        if cands:
            if bc_values is None:
                bc_values = (betweenness if betweenness is not None
                             else exact_betweenness(adj))
            ranked = sorted(cands, key=lambda c: (-rank_key(bc_values[c]),
                                                  _bytes(c)))
        else:
            ranked = []
        gaps.append({
            "kind": "backchannel",
            "severity": "warning" if channel else "critical",
            "parties": [p, q],
            "actors": sorted(both, key=_bytes),
            "candidates": ranked[:MAX_CANDIDATES],
        })

    # 2. transfer
    for p in sorted(official, key=_bytes):
        op, up = official[p], unofficial[p]
        if not op or not up:
            continue
        if any(touches(b, op) and touches(b, up) for b in bridges):
            continue
        gaps.append({
            "kind": "transfer",
            "severity": "warning",
            "party": p,
            "actors": sorted(up, key=_bytes),
        })

    # 3. one-sided-bridge
    if opposed:
        for b in sorted(bridges, key=_bytes):
            reached = set()
            for n in adj[b]:
                a = by_id[n]
                if a.party is not None and a.track == "1":
                    reached.add(a.party)
            if len(reached) <= 1:
                gaps.append({
                    "kind": "one-sided-bridge",
                    "severity": "warning",
                    "actor": b,
                    "parties": sorted(reached, key=_bytes),
                })

    # 4. middle-range
    for p in sorted(top, key=_bytes):
        tp, gp = top[p], grassroots[p]
        if not tp or not gp:
            continue
        if any(touches(x, tp) and touches(x, gp) for x in middles):
            continue
        gaps.append({"kind": "middle-range", "severity": "info", "party": p})

    return {
        "actors": len(m.actors),
        "ties": len(m.ties),
        "parties": len(m.parties),
        "gaps": gaps,
    }


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: %s FILE.bridgemap\n" % argv[0])
        return 2
    report = analyze(load(argv[1]))
    sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
