#!/usr/bin/env python3
# test-analysis-oracle.py: `bridgemap --analyze --json` against an
# independent reading of the contract (analysis_oracle.py), on generated
# maps and on every fixture and example.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs BRIDGEMAP (the executable) and BRIDGEMAP_SOURCE_ROOT.  Prints TAP.
#
#   test-analysis-oracle.py                  every check
#   test-analysis-oracle.py --seed N [--keep FILE]
#                                            one generated map: prints its
#                                            diff and optionally keeps it
#   test-analysis-oracle.py --count N        N generated maps (default 300)
#
# Each generated map comes from its own seed, so a failure names the seed
# that reproduces it.

import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import analysis_oracle as oracle  # noqa: E402

BRIDGEMAP = os.environ.get("BRIDGEMAP", "bridgemap")
SOURCE_ROOT = os.environ.get("BRIDGEMAP_SOURCE_ROOT",
                             os.path.dirname(HERE))

ENV = dict(os.environ)
for var in ("DISPLAY", "WAYLAND_DISPLAY"):
    ENV.pop(var, None)

try:
    import networkx
except ImportError:
    networkx = None

KEY_ORDER = {
    None: ["actors", "ties", "parties", "gaps"],
    "backchannel": ["kind", "severity", "parties", "actors", "candidates"],
    "transfer": ["kind", "severity", "party", "actors"],
    "one-sided-bridge": ["kind", "severity", "actor", "parties"],
    "middle-range": ["kind", "severity", "party"],
}

# ---------------------------------------------------------------------------
# Generated maps

# Larger maps, where the C code may take other paths (shared or bottom-up
# betweenness); above LARGE actors the oracle ranks with networkx's values
LARGE_SIZES = [80, 120, 150, 250, 300, 400, 600]
# Enough actors (most of them isolated) for the C code to share the
# betweenness between threads, with a connected core networkx can afford
THREADED = (2100, 150)
LARGE = 100

USABLE = ["alliance", "channel", "influence", "mediation", "funding"]
HOSTILE = ["conflict", "broken"]
LEVEL_Y = {"top": (0, 300), "middle": (300, 600), "grassroots": (600, 900)}
SECTORS = ["government", "conflict-resolution", "business", "citizen",
           "research", "activism", "religion", "funding", "media"]
# Characters chosen so that byte order differs from any locale's order and
# from case-insensitive order: - . 0-9 A-Z _ a-z
ID_FIRST = "AaBbZz_xX"
ID_REST = "aA0_.-zZ9b"
PARTY_IDS = ["gov", "Gov", "g_1", "g-1", "g.1", "A", "a", "Z9", "_x",
             "rebels", "r2", "R10", "r10", "b"]
NAMES = ["Mara Solen", "Conseil des anciens", "Élise Dupré & co",
         "Comité \"Paz\"", "Jaime Gonçalves", "<unnamed>", "Ahmed Qurei",
         "مجلس الشورى", "Ilan Voss", "O'Brien foundation"]


def esc(text):
    return (text.replace("&", "&amp;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&quot;"))


class Ids:
    """Unique ids across the whole document"""

    def __init__(self, rnd, taken=()):
        self.rnd = rnd
        self.taken = set(taken)

    def new(self):
        while True:
            length = self.rnd.randint(0, 3)
            s = self.rnd.choice(ID_FIRST) + "".join(
                self.rnd.choice(ID_REST) for _ in range(length))
            if s not in self.taken:
                self.taken.add(s)
                return s


def generate(seed, size=None, core=None):
    """A valid .bridgemap text from a seed, and a short description; with
    a size, a map of that many actors; with a core, random ties join only
    the first `core` actors (the others stay isolated)"""
    rnd = random.Random(seed)
    family = rnd.choice(["random", "random", "dense", "sparse",
                         "symmetric", "symmetric", "bridgey", "ring"])
    if size is not None:
        family = rnd.choice(["random", "dense"])
    n_parties = rnd.choice([2, 2, 3, 3, 4, 5] + ([1, 0] if seed % 7 == 0 else []))
    parties = rnd.sample(PARTY_IDS, n_parties)
    ids = Ids(rnd, parties)
    n_actors = size if size is not None else rnd.randint(5, 60)
    if family == "symmetric":
        n_actors = rnd.randint(8, 30)
    if family == "ring":
        if n_parties < 2:
            family = "random"
        else:
            n_hubs = rnd.randint(3, 8)
            n_parallel = rnd.randint(2, min(7, 60 // n_hubs - 1))
            n_actors = n_hubs * (n_parallel + 1)
    p_none = rnd.choice([0.0, 0.1, 0.25, 0.4])
    track_weights = [rnd.randint(1, 6) for _ in range(4)]  # 1, 1.5, 2, 3
    if family == "bridgey":
        track_weights[1] += 6
    if size is not None:
        # Few bridges, so that large maps keep backchannel gaps to rank
        track_weights[1] = 0.05

    actors = []  # (id, party, level, track)
    for _ in range(n_actors):
        aid = ids.new()
        party = None
        if parties and rnd.random() >= p_none:
            # skewed so that some parties have few actors
            party = parties[min(int(rnd.expovariate(0.7)), len(parties) - 1)]
        level = rnd.choice(["top", "middle", "grassroots"])
        track = rnd.choices(["1", "1.5", "2", "3"], weights=track_weights)[0]
        actors.append((aid, party, level, track))

    ties = []  # (from, to, kind)
    hostile_share = rnd.choice([0.05, 0.15, 0.3, 0.5])

    def add_tie(a, b, kind=None):
        if a == b:
            return
        if kind is None:
            kind = rnd.choice(HOSTILE) if rnd.random() < hostile_share \
                else rnd.choice(USABLE)
        ties.append((a, b, kind))

    if family == "ring":
        # Hubs in a ring, each pair of neighbours joined through the same
        # number of parallel actors: many actors of exactly equal
        # betweenness whose double values differ in the last bits
        # (fractions like 1/3 added in different orders).  The officials of
        # one party sit on hub 0, the other's on hubs 1 and n-1.
        hubs = list(range(n_hubs))
        for h in hubs:
            aid, party, level, track = actors[h]
            if h == 0:
                party, track = parties[0], "1"
            elif h in (1, n_hubs - 1):
                party, track = parties[1], "1"
            elif track == "1" and party in parties[:2]:
                track = "2"
            actors[h] = (aid, party, level, track)
        for i in range(n_hubs, n_actors):
            aid, party, level, track = actors[i]
            if track == "1" and party in parties[:2]:
                track = "3"
            if track == "1.5" and rnd.random() < 0.9:
                track = "2"
            actors[i] = (aid, party, level, track)
        add_tie(actors[0][0], actors[1][0], "conflict")
        for i in range(n_hubs, n_actors):
            h = (i - n_hubs) // n_parallel
            add_tie(actors[i][0], actors[h][0], rnd.choice(USABLE))
            add_tie(actors[i][0], actors[(h + 1) % n_hubs][0],
                    rnd.choice(USABLE))
        rnd.shuffle(actors)

    aids = [a[0] for a in actors]
    if family == "symmetric" and len(parties) >= 2:
        # Officials of two parties joined through k interchangeable actors
        # (a complete bipartite core): equal betweenness among them, often
        # more than five, and fractions such as 1/3 whose double sums
        # depend on the order they are added in
        order = list(range(n_actors))
        rnd.shuffle(order)
        n_left, n_right = rnd.randint(1, 3), rnd.randint(1, 3)
        k = min(rnd.randint(3, 12), n_actors - n_left - n_right)
        left = order[:n_left]
        right = order[n_left:n_left + n_right]
        mids = order[n_left + n_right:n_left + n_right + k]
        for i in left:
            actors[i] = (actors[i][0], parties[0], actors[i][2], "1")
        for i in right:
            actors[i] = (actors[i][0], parties[1], actors[i][2], "1")
        for i in mids:
            aid, party, level, track = actors[i]
            if track == "1.5" and rnd.random() < 0.8:
                track = rnd.choice(["2", "3"])
            if track == "1" and party in parties[:2]:
                track = rnd.choice(["2", "3"])
            actors[i] = (aid, party, level, track)
        add_tie(actors[left[0]][0], actors[right[0]][0], "conflict")
        for i in mids:
            for j in left + right:
                add_tie(actors[i][0], actors[j][0], rnd.choice(USABLE))
        n_ties = rnd.randint(0, n_actors // 4)
    elif family == "ring":
        n_ties = 0
    elif family == "dense":
        n_ties = rnd.randint(n_actors, 4 * n_actors)
    elif family == "sparse":
        n_ties = rnd.randint(0, n_actors)
    else:
        n_ties = rnd.randint(n_actors // 2, 2 * n_actors + 3)

    if core is not None:
        aids = aids[:core]
        n_ties = rnd.randint(core, 3 * core)
    # Prefer officials and bridges as endpoints: that is where gaps live
    weight = {"1": 3, "1.5": 3, "2": 1, "3": 1}
    weights = [weight[a[3]] for a in actors[:len(aids)]]
    for _ in range(n_ties):
        a, b = rnd.choices(aids, weights=weights, k=2)
        add_tie(a, b)
    # Parallel and duplicate ties: same pair again, either way round, with
    # the same or another kind
    for _ in range(rnd.randint(0, max(1, len(ties) // 4))):
        if not ties:
            break
        a, b, kind = rnd.choice(ties)
        if rnd.random() < 0.5:
            a, b = b, a
        if rnd.random() < 0.5:
            kind = rnd.choice(USABLE + HOSTILE)
        add_tie(a, b, kind)
    rnd.shuffle(ties)

    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<bridgemap xmlns="http://bridgemap.github.io/ns/1" version="1">']
    if rnd.random() < 0.5:
        lines += ["  <meta>", "    <title>Map %d</title>" % seed, "  </meta>"]
    if parties or rnd.random() < 0.5:
        lines.append("  <parties>")
        for p in parties:
            lines.append('    <party id="%s" name="%s"/>'
                         % (p, esc(rnd.choice(NAMES))))
        if rnd.random() < 0.2:
            lines.append('    <ext:party xmlns:ext="urn:example:ext" id="p"/>')
        lines.append("  </parties>")
    lines.append("  <actors>")
    for aid, party, level, track in actors:
        attrs = ['id="%s"' % aid, 'name="%s"' % esc(rnd.choice(NAMES))]
        if rnd.random() < 0.7:
            attrs.append('kind="%s"' % rnd.choice(["person", "organization",
                                                   "group"]))
        if party is not None:
            attrs.append('party="%s"' % party)
        attrs.append('level="%s"' % level)
        attrs.append('track="%s"' % track)
        if rnd.random() < 0.5:
            attrs.append('sector="%s"' % rnd.choice(SECTORS))
        if rnd.random() < 0.5:
            attrs.append('influence="%d"' % rnd.randint(1, 5))
        if rnd.random() < 0.6:
            low, high = LEVEL_Y[level]
            attrs.append('x="%d" y="%d"' % (rnd.randint(-200, 1200),
                                            rnd.randint(low, high - 1)))
        lines.append("    <actor %s/>" % " ".join(attrs))
    if rnd.random() < 0.2:
        lines.append('    <ext:actor xmlns:ext="urn:example:ext" id="q"/>')
        lines.append("    <!-- a comment among actors -->")
    lines.append("  </actors>")
    if ties or rnd.random() < 0.5:
        lines.append("  <ties>")
        for a, b, kind in ties:
            attrs = 'id="%s" from="%s" to="%s" kind="%s"' % (ids.new(), a, b,
                                                             kind)
            if rnd.random() < 0.5:
                attrs += ' strength="%d"' % rnd.randint(1, 3)
            lines.append("    <tie %s/>" % attrs)
        lines.append("  </ties>")
    lines.append("</bridgemap>")
    return "\n".join(lines) + "\n", "%s, %d parties, %d actors, %d ties" % (
        family, n_parties, n_actors, len(ties))


# ---------------------------------------------------------------------------
# Comparing

def key_order_problems(text):
    """Objects whose keys are not in the contract's order"""
    problems = []

    def hook(pairs):
        keys = [k for k, _ in pairs]
        obj = dict(pairs)
        expected = KEY_ORDER.get(obj.get("kind") if "kind" in obj else None)
        if expected is not None and keys != expected:
            problems.append("keys %s, expected %s" % (keys, expected))
        return obj

    json.loads(text, object_pairs_hook=hook)
    return problems


def gap_key(gap):
    kind = gap.get("kind")
    return (kind, gap.get("party") or gap.get("actor")
            or tuple(gap.get("parties") or ()))


def diff(ours, expected, label=("bridgemap", "oracle")):
    """A short description of how the C report differs, or None"""
    a, b = label
    lines = []
    for key in ("actors", "ties", "parties"):
        if ours.get(key) != expected.get(key):
            lines.append("%s: %s %r, %s %r"
                         % (key, a, ours.get(key), b, expected.get(key)))
    if set(ours) != set(expected):
        lines.append("top-level keys: %s %s, %s %s"
                     % (a, sorted(ours), b, sorted(expected)))
    got = ours.get("gaps", [])
    want = expected.get("gaps", [])
    if got != want:
        got_by = {}
        for g in got:
            got_by[json.dumps(gap_key(g))] = g
        want_by = {}
        for g in want:
            want_by[json.dumps(gap_key(g))] = g
        for k, g in want_by.items():
            if k not in got_by:
                lines.append("only in %s: %s" % (b, json.dumps(g)))
            elif got_by[k] != g:
                lines.append("gap differs:\n    %-9s %s\n    %-9s %s"
                             % (a, json.dumps(got_by[k]), b, json.dumps(g)))
        for k, g in got_by.items():
            if k not in want_by:
                lines.append("only in %s: %s" % (a, json.dumps(g)))
        if not lines:
            lines.append("gap order:\n    %-9s %s\n    %-9s %s"
                         % (a, [gap_key(g) for g in got],
                            b, [gap_key(g) for g in want]))
    return "\n".join(lines) if lines else None


def run_json(path):
    result = subprocess.run([BRIDGEMAP, "--analyze", "--json", path],
                            env=ENV, capture_output=True)
    if result.returncode != 0:
        raise AssertionError("bridgemap --analyze --json exited %d: %s"
                             % (result.returncode,
                                result.stderr.decode(errors="replace")))
    text = result.stdout.decode("utf-8")
    if not text.endswith("\n"):
        raise AssertionError("the JSON report does not end with a newline")
    return text


def check_networkx(m):
    """The oracle's exact betweenness against networkx, rounded as the
    contract compares it (a check of the oracle itself)"""
    if networkx is None:
        return None
    adj = oracle.usable_adjacency(m)
    nx = networkx_betweenness(m)
    exact = oracle.exact_betweenness(adj)
    for v in adj:
        if oracle.rank_key(exact[v]) != int(nx[v] * 1e6 + 0.5):
            return "oracle betweenness of %s: exact %s, networkx %r" % (
                v, exact[v], nx[v])
    return None


def networkx_betweenness(m):
    """networkx's values; isolated actors (always 0, and no part of any
    other actor's shortest paths) are left out of its graph to save time"""
    g = networkx.Graph()
    adj = oracle.usable_adjacency(m)
    g.add_edges_from((a, b) for a, ns in adj.items() for b in ns)
    values = dict.fromkeys(adj, 0.0)
    values.update(networkx.betweenness_centrality(g, normalized=False))
    return values


def compare_file(path, with_networkx=False):
    """None when bridgemap and the oracle agree, else the difference"""
    m = oracle.load(path)
    if len(m.actors) > LARGE and networkx is not None:
        # Exact fractions get slow; the rounded keys are the same except at
        # exact halves
        expected = oracle.analyze(m, networkx_betweenness(m))
        with_networkx = False
    else:
        expected = oracle.analyze(m)
    text = run_json(path)
    problems = key_order_problems(text)
    d = diff(json.loads(text), expected)
    if d:
        problems.insert(0, d)
    if with_networkx and any(g["kind"] == "backchannel" and
                             len(g["candidates"]) > 1
                             for g in expected["gaps"]):
        n = check_networkx(m)
        if n:
            problems.append(n)
    return "\n".join(problems) if problems else None


def check_text_report(path):
    result = subprocess.run([BRIDGEMAP, "--analyze", path], env=ENV,
                            capture_output=True)
    if result.returncode != 0 or not result.stdout.strip():
        raise AssertionError("bridgemap --analyze exited %d with %d bytes: %s"
                             % (result.returncode, len(result.stdout),
                                result.stderr.decode(errors="replace")))
    result.stdout.decode("utf-8")


# ---------------------------------------------------------------------------

def main(argv):
    count = 300
    only_seed = None
    keep = None
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        if arg == "--count":
            count = int(args.pop(0))
        elif arg == "--seed":
            only_seed = int(args.pop(0))
        elif arg == "--keep":
            keep = args.pop(0)
        else:
            sys.stderr.write("unknown argument %s\n" % arg)
            return 2

    tmp = tempfile.mkdtemp(prefix="bm-oracle-")
    failures_dir = os.path.join(os.environ.get("G_TEST_BUILDDIR",
                                               tempfile.gettempdir()),
                                "oracle-failures")
    checks = []  # (name, function returning None or a problem)

    if only_seed is None:
        fixtures = sorted(glob.glob(os.path.join(HERE, "data", "analysis",
                                                 "*.bridgemap")))
        examples = sorted(glob.glob(os.path.join(SOURCE_ROOT, "data",
                                                 "examples", "*.bridgemap")))
        for path in fixtures + examples:
            def check(path=path):
                problem = compare_file(path, with_networkx=True)
                check_text_report(path)
                wanted = path[:-len(".bridgemap")] + ".json"
                if os.path.exists(wanted):
                    with open(wanted, encoding="utf-8") as f:
                        d = diff(oracle.analyze(oracle.load(path)),
                                 json.load(f), ("oracle", "fixture"))
                    if d:
                        problem = (problem + "\n" if problem else "") + \
                            "oracle against the fixture's own JSON:\n" + d
                return problem
            checks.append((os.path.relpath(path, SOURCE_ROOT), check))
        seeds = range(1, count + 1)
    else:
        seeds = [only_seed]

    for seed in seeds:
        def check(seed=seed):
            text, what = generate(seed)
            path = keep if keep else os.path.join(tmp, "map-%d.bridgemap" % seed)
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            problem = compare_file(path, with_networkx=(seed % 3 == 0))
            if seed % 5 == 0:
                check_text_report(path)
            if problem:
                os.makedirs(failures_dir, exist_ok=True)
                kept = os.path.join(failures_dir, "seed-%d.bridgemap" % seed)
                with open(kept, "w", encoding="utf-8") as f:
                    f.write(text)
                problem = "seed %d (%s), map kept as %s\n%s" % (
                    seed, what, kept, problem)
            return problem
        checks.append(("generated map, seed %d" % seed, check))
    if only_seed is None:
        for number, size in enumerate(LARGE_SIZES):
            seeds_large = 100001 + number
            def check(seed=seeds_large, size=size):
                text, what = generate(seed, size)
                path = os.path.join(tmp, "large-%d.bridgemap" % seed)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
                problem = compare_file(path)
                if problem:
                    os.makedirs(failures_dir, exist_ok=True)
                    kept = os.path.join(failures_dir, "large-%d.bridgemap" % seed)
                    shutil.copy(path, kept)
                    problem = "large map, seed %d size %d (%s), kept as %s\n%s" % (
                        seed, size, what, kept, problem)
                return problem
            checks.append(("generated map of %d actors, seed %d"
                           % (size, seeds_large), check))

        def check_threaded(seed=100100):
            size, core = THREADED
            text, what = generate(seed, size, core)
            path = os.path.join(tmp, "threaded.bridgemap")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            problem = compare_file(path)
            if problem:
                os.makedirs(failures_dir, exist_ok=True)
                kept = os.path.join(failures_dir, "threaded-%d.bridgemap" % seed)
                shutil.copy(path, kept)
                problem = "seed %d, %d actors, core %d (%s), kept as %s\n%s" % (
                    seed, size, core, what, kept, problem)
            return problem
        checks.append(("generated map of %d actors around a core of %d"
                       % THREADED, check_threaded))

    print("1..%d" % len(checks))
    failed = 0
    for number, (name, check) in enumerate(checks, 1):
        try:
            problem = check()
        except Exception as e:  # a crash or a bad exit is a failure too
            problem = "%s: %s" % (type(e).__name__, e)
        if problem:
            failed += 1
            print("not ok %d %s" % (number, name))
            for line in problem.splitlines():
                print("# " + line)
        else:
            print("ok %d %s" % (number, name))
        sys.stdout.flush()
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
