#!/usr/bin/env python3
# test-export-cli.py: `bridgemap --export` as scripts use it, checked with
# the tools people open the files with (networkx, Python's csv module,
# xmllint, rsvg-convert, pdfinfo, pdftotext).
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs BRIDGEMAP (the executable) and G_TEST_SRCDIR (the tests folder).
# Prints TAP.

import csv
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback
import unicodedata
import xml.etree.ElementTree as ET
import zlib

BRIDGEMAP = os.environ["BRIDGEMAP"]
DATA = os.path.join(os.environ["G_TEST_SRCDIR"], "data", "export")
SAMPLE = os.path.join(DATA, "sample.bridgemap")
WIDE = os.path.join(DATA, "wide.bridgemap")
NS = "{http://bridgemap.github.io/ns/1}"

# The command line must work without a display
ENV = dict(os.environ)
for var in ("DISPLAY", "WAYLAND_DISPLAY"):
    ENV.pop(var, None)

tests = []


def test(function):
    tests.append(function)
    return function


def need(*programs):
    """The name of the first program missing from PATH, for a skip"""
    for program in programs:
        if shutil.which(program) is None:
            return "skip %s is not installed" % program
    return None


def run(*args):
    return subprocess.run([BRIDGEMAP, *args], env=ENV, capture_output=True, text=True)


def export(out, source=SAMPLE, *extra):
    result = run("--export=" + out, *extra, source)
    assert result.returncode == 0, (result.returncode, result.stderr)
    return result


def read_map(path):
    """The map as the file says, independently of the program"""
    root = ET.parse(path).getroot()
    parties = {p.get("id"): p.get("name") for p in root.iter(NS + "party")}
    actors = []
    for a in root.iter(NS + "actor"):
        note = a.find(NS + "note")
        actors.append(dict(a.attrib, note=note.text if note is not None else None,
                           party_name=parties.get(a.get("party"))))
    ties = []
    for t in root.iter(NS + "tie"):
        note = t.find(NS + "note")
        ties.append(dict(t.attrib, note=note.text if note is not None else None))
    title = root.find(NS + "meta/" + NS + "title")
    return {"actors": actors, "ties": ties, "title": title.text if title is not None else None}


DIRECTED = {"influence", "mediation", "funding"}


def png_size_and_rows(path):
    """Decode a non-interlaced 8-bit RGB/RGBA PNG enough to check it"""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        assert zlib.crc32(kind + chunk) == crc, "bad CRC in " + kind.decode()
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
        pos += 12 + length
    width, height, depth, colour = header[:4]
    assert depth == 8 and colour in (2, 6), header
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + width * channels), "truncated image data"
    return width, height


# ---- exit statuses and errors ---------------------------------------------


@test
def every_format_exits_0_without_display(tmp):
    for ext in ("png", "svg", "pdf", "graphml", "csv", "bridgemap"):
        out = os.path.join(tmp, "map." + ext)
        result = export(out)
        assert result.stderr == "", result.stderr
        assert os.path.getsize(out) > 0


@test
def unknown_extension_exits_1(tmp):
    out = os.path.join(tmp, "map.jpg")
    result = run("--export=" + out, SAMPLE)
    assert result.returncode == 1
    assert result.stderr.startswith(out + ": "), result.stderr
    assert not os.path.exists(out)


@test
def unreadable_input_exits_1(tmp):
    out = os.path.join(tmp, "map.png")
    result = run("--export=" + out, os.path.join(tmp, "missing.bridgemap"))
    assert result.returncode == 1
    assert "missing.bridgemap" in result.stderr
    assert not os.path.exists(out)


@test
def invalid_input_exits_1(tmp):
    bad = os.path.join(tmp, "bad.bridgemap")
    with open(bad, "w") as f:
        f.write('<bridgemap xmlns="http://bridgemap.github.io/ns/1" version="1"><actors>'
                '<actor id="a" name="A" level="nowhere" track="1"/></actors></bridgemap>')
    out = os.path.join(tmp, "map.csv")
    result = run("--export=" + out, bad)
    assert result.returncode == 1
    assert result.stderr.startswith(bad + ":1: "), result.stderr
    assert not os.path.exists(out)


@test
def unwritable_output_exits_1_with_a_clear_error(tmp):
    for ext in ("png", "svg", "pdf", "graphml", "csv", "bridgemap"):
        out = os.path.join(tmp, "no-such-folder", "map." + ext)
        result = run("--export=" + out, SAMPLE)
        assert result.returncode == 1, ext
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(out + ": "), result.stderr
        assert "folder" in lines[0], result.stderr


@test
def output_that_is_a_folder_exits_1_and_keeps_it(tmp):
    out = os.path.join(tmp, "map.png")
    os.mkdir(out)
    result = run("--export=" + out, SAMPLE)
    assert result.returncode == 1
    assert result.stderr.startswith(out + ": "), result.stderr
    assert os.path.isdir(out)


@test
def failed_csv_export_leaves_existing_files(tmp):
    out = os.path.join(tmp, "map.csv")
    with open(out, "w") as f:
        f.write("old actors\n")
    os.mkdir(os.path.join(tmp, "map-ties.csv"))
    result = run("--export=" + out, SAMPLE)
    assert result.returncode == 1
    assert result.stderr.startswith(os.path.join(tmp, "map-ties.csv") + ": "), result.stderr
    with open(out) as f:
        assert f.read() == "old actors\n"


@test
def read_only_folder_exits_1(tmp):
    if os.geteuid() == 0:
        return "skip root ignores permissions"
    folder = os.path.join(tmp, "locked")
    os.mkdir(folder, 0o555)
    out = os.path.join(folder, "map.pdf")
    result = run("--export=" + out, SAMPLE)
    assert result.returncode == 1
    assert result.stderr.startswith(out + ": "), result.stderr


# ---- diagrams -------------------------------------------------------------


@test
def png_decodes_and_follows_the_scale(tmp):
    sizes = {}
    for scale in ("1", "2", "0.5"):
        out = os.path.join(tmp, "map-%s.png" % scale)
        args = [] if scale == "2" else ["--scale=" + scale]
        export(out, SAMPLE, *args)
        sizes[scale] = png_size_and_rows(out)
    (w1, h1), (w2, h2), (wh, hh) = sizes["1"], sizes["2"], sizes["0.5"]
    assert w1 > 300 and h1 > 300, sizes
    # Each is the content's extents times the scale, rounded up
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2, sizes
    assert abs(2 * wh - w1) <= 2 and abs(2 * hh - h1) <= 2, sizes


@test
def png_too_large_is_downscaled_with_a_warning(tmp):
    out = os.path.join(tmp, "wide.png")
    result = export(out, WIDE)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(out + ": "), result.stderr
    assert "32767" in lines[0], result.stderr
    width, height = png_size_and_rows(out)
    assert 32766 <= width <= 32767, width
    assert height < 1000, height


@test
def png_within_limits_gives_no_warning(tmp):
    out = os.path.join(tmp, "map.png")
    result = export(out, SAMPLE, "--scale=4")
    assert result.stderr == ""


@test
def svg_parses_and_renders(tmp):
    if need("xmllint", "rsvg-convert"):
        return need("xmllint", "rsvg-convert")
    out = os.path.join(tmp, "map.svg")
    export(out)
    lint = subprocess.run(["xmllint", "--noout", "--nonet", out], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stderr
    root = ET.parse(out).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
    width = float(re.match(r"[0-9.]+", root.get("width")).group(0))
    png = os.path.join(tmp, "svg.png")
    conv = subprocess.run(["rsvg-convert", "-o", png, out], env=ENV, capture_output=True, text=True)
    assert conv.returncode == 0, conv.stderr
    w, h = png_size_and_rows(png)
    assert abs(w - width) <= 1, (w, width)


@test
def pdf_is_one_page_with_selectable_names(tmp):
    if need("pdfinfo", "pdftotext"):
        return need("pdfinfo", "pdftotext")
    out = os.path.join(tmp, "map.pdf")
    export(out)
    info = subprocess.run(["pdfinfo", out], capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert fields["Pages"] == "1", fields
    assert fields["Title"] == read_map(SAMPLE)["title"], fields
    assert fields["Creator"] == "Bridgemap", fields
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", out, "-"],
                          capture_output=True, text=True).stdout
    # Latin, Greek, Cyrillic and Arabic names come out as text.  Depending
    # on the locale pdftotext gives Arabic as presentation forms and Latin
    # ligatures as one character: compare compatibility-normalised text.
    # (It also splits the lam-alef ligature, so only the first Arabic word
    # is checked.)
    text = unicodedata.normalize("NFKC", text)
    for name in ("Alpha Leader", "Ωμέγα Σύλλογος", "Сергей Мостов", "جمعية", "Peace, Now & Then"):
        assert name in text, (name, text)
    assert "Export sample" in text


SCRIPTS = os.path.join(DATA, "scripts.bridgemap")
NOTO_DIRS = ("/usr/share/fonts/truetype/noto", "/usr/share/fonts/opentype/noto")
NOTO_FILES = ("truetype/noto/NotoSans-Regular.ttf", "truetype/noto/NotoSansArabic-Regular.ttf",
              "truetype/noto/NotoSansHebrew-Regular.ttf", "opentype/noto/NotoSansCJK-Regular.ttc")
# What pdftotext adds around right-to-left lines
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                       "\u2066\u2067\u2068\u2069"))


def noto_only_env(tmp):
    """The environment for a system whose only fonts are Noto's (Debian 13
    without DejaVu, the GNOME runtime): Noto's joined Arabic letter forms
    have no character of their own, so only the text the program gives the
    PDF can say what they are.  None when the Noto fonts are missing."""
    for name in NOTO_FILES:
        if not os.path.exists(os.path.join("/usr/share/fonts", name)):
            return None
    conf = os.path.join(tmp, "fonts.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0"?>\n'
                '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n')
        for folder in NOTO_DIRS:
            f.write("  <dir>%s</dir>\n" % folder)
        # the system's rules (which family "Sans" is), but none of its folders
        f.write('  <include ignore_missing="yes">/etc/fonts/conf.d</include>\n')
        f.write("  <cachedir>%s</cachedir>\n</fontconfig>\n" % os.path.join(tmp, "fc-cache"))
    env = dict(ENV, FONTCONFIG_FILE=conf)
    env.pop("FONTCONFIG_PATH", None)
    return env


NO_NOTO = "skip the Noto fonts (fonts-noto-core, fonts-noto-cjk) are not installed"


def export_scripts(tmp, name, env, action="--export="):
    """Exports the map of names in five scripts to @name in @tmp (or
    writes its report there, with the action "--report=")"""
    out = os.path.join(tmp, name)
    result = subprocess.run([BRIDGEMAP, action + out, SCRIPTS], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, (result.returncode, result.stderr)
    return out


def names_in(text):
    """@text as a reader compares it: NFC, no bidi controls, one space"""
    text = unicodedata.normalize("NFC", text).translate(BIDI_CONTROLS)
    return " ".join(text.split())


def scripts_pdf_text(out, env, first=1):
    """The text of @out from page @first on, as a reader compares it, after
    checking that every name of the five-script map is in it"""
    raw = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(first), out, "-"], env=env,
                         capture_output=True, text=True).stdout
    text = names_in(raw)
    assert "\ufffd" not in text, text
    for actor in read_map(SCRIPTS)["actors"]:
        name = names_in(actor["name"])
        # pdftotext (poppler 22.12 to 25.03 at least) reverses the two
        # letters of the lam-alef ligature, one glyph for "\u0644\u0627",
        # in right-to-left text; the rest of the name must be exact
        assert name in text or name.replace("\u0644\u0627", "\u0627\u0644") in text, \
            (name, text)
    return text


@test
def pdf_names_are_text_with_noto_fonts_only(tmp):
    if need("pdftotext", "pdffonts"):
        return need("pdftotext", "pdffonts")
    env = noto_only_env(tmp)
    if env is None:
        return NO_NOTO
    out = export_scripts(tmp, "scripts.pdf", env)
    fonts = subprocess.run(["pdffonts", out], capture_output=True, text=True).stdout
    assert "Noto" in fonts and "DejaVu" not in fonts, fonts
    text = scripts_pdf_text(out, env)
    # no presentation forms: the letters themselves
    assert not any(0xfb50 <= ord(c) <= 0xfdff or 0xfe70 <= ord(c) <= 0xfeff for c in text), text
    assert "Names in five scripts" in text


@test
def svg_names_are_invisible_text_over_the_outlines(tmp):
    if need("rsvg-convert"):
        return need("rsvg-convert")
    env = noto_only_env(tmp)
    if env is None:
        return NO_NOTO
    out = export_scripts(tmp, "scripts.svg", env)
    svg = "{http://www.w3.org/2000/svg}"
    tree = ET.parse(out)
    lines = ["".join(t.itertext()) for t in tree.getroot().iter(svg + "text")]
    # a long name may take two lines, each its own element
    text = names_in(" ".join(lines))
    for a in read_map(SCRIPTS)["actors"]:
        assert names_in(a["name"]) in text, (a["name"], lines)
    assert "Names in five scripts" in text
    # the text draws nothing: the picture is the same without it
    parent = {child: node for node in tree.iter() for child in node}
    for element in list(tree.getroot().iter(svg + "text")):
        parent[element].remove(element)
    bare = os.path.join(tmp, "bare.svg")
    tree.write(bare, encoding="utf-8", xml_declaration=True)
    images = []
    for name, source in (("with.png", out), ("without.png", bare)):
        png = os.path.join(tmp, name)
        conv = subprocess.run(["rsvg-convert", "-o", png, source], env=env,
                              capture_output=True, text=True)
        assert conv.returncode == 0, conv.stderr
        with open(png, "rb") as f:
            images.append(f.read())
    assert images[0] == images[1], "the SVG's text changes its picture"


# ---- data -----------------------------------------------------------------


@test
def graphml_reads_in_networkx_with_the_same_data(tmp):
    try:
        import networkx
    except ImportError:
        return "skip networkx is not installed"
    if need("xmllint"):
        return need("xmllint")

    out = os.path.join(tmp, "map.graphml")
    export(out)
    lint = subprocess.run(["xmllint", "--noout", "--nonet", out], capture_output=True, text=True)
    assert lint.returncode == 0, lint.stderr
    graph = networkx.read_graphml(out)
    assert not graph.is_directed()
    source = read_map(SAMPLE)

    assert set(graph.nodes) == {a["id"] for a in source["actors"]}
    for a in source["actors"]:
        node = graph.nodes[a["id"]]
        expected = {k: a.get(k) for k in ("name", "kind", "party", "party_name", "level",
                                          "track", "sector", "note")}
        expected["influence"] = int(a["influence"])
        for key, value in expected.items():
            if value is None:
                assert key not in node, (a["id"], key, node)
            else:
                assert node[key] == value, (a["id"], key, node.get(key), value)
        assert isinstance(node["x"], float) and isinstance(node["y"], float)
        if "x" in a:
            assert node["x"] == float(a["x"]) and node["y"] == float(a["y"]), (a, node)
        else:
            # Placed for the export inside its level's band
            assert 600 <= node["y"] < 900, node

    assert graph.number_of_edges() == len(source["ties"])
    edges = {d["id"]: (u, v, d) for u, v, d in graph.edges(data=True)}
    for t in source["ties"]:
        u, v, data = edges[t["id"]]
        assert {u, v} == {t["from"], t["to"]}
        assert data["kind"] == t["kind"]
        assert data["strength"] == int(t["strength"]) and isinstance(data["strength"], int)
        assert data["directed"] is (t["kind"] in DIRECTED)
        assert data.get("note") == t["note"], (data, t)

    # Directed kinds keep source = from, target = to in the file itself
    root = ET.parse(out).getroot()
    g = "{http://graphml.graphdrawing.org/xmlns}"
    for e in root.iter(g + "edge"):
        t = next(t for t in source["ties"] if t["id"] == e.get("id"))
        assert (e.get("source"), e.get("target")) == (t["from"], t["to"])
    ids = [k.get("id") for k in root.iter(g + "key")]
    assert len(ids) == len(set(ids)), ids


@test
def csv_follows_rfc_4180(tmp):
    out = os.path.join(tmp, "map.csv")
    export(out)
    ties_out = os.path.join(tmp, "map-ties.csv")
    source = read_map(SAMPLE)

    for path in (out, ties_out):
        with open(path, "rb") as f:
            raw = f.read()
        assert raw.startswith(b"\xef\xbb\xbf"), path
        assert raw.endswith(b"\r\n"), path
        # Every record ends with CRLF: outside quoted fields no LF stands alone
        outside = re.sub(rb'"(?:[^"]|"")*"', b"", raw)
        assert b"\n" not in outside.replace(b"\r\n", b""), path
        assert b"\r" not in outside.replace(b"\r\n", b""), path

    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["id", "name", "kind", "party", "party_name", "level", "track",
                       "sector", "influence", "x", "y", "note"]
    assert len(rows) == 1 + len(source["actors"])
    for row, a in zip(rows[1:], source["actors"]):
        record = dict(zip(rows[0], row))
        for key in ("id", "name", "kind", "party", "party_name", "level", "track", "sector",
                    "influence", "note"):
            assert record[key] == (a.get(key) or ""), (key, record[key], a.get(key))
        if "x" in a:
            assert (record["x"], record["y"]) == (a["x"], a["y"]), (record, a)
        else:
            assert record["x"] and record["y"], record

    with open(ties_out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["id", "from", "to", "kind", "strength", "directed", "note"]
    assert len(rows) == 1 + len(source["ties"])
    for row, t in zip(rows[1:], source["ties"]):
        assert row == [t["id"], t["from"], t["to"], t["kind"], t["strength"],
                       "true" if t["kind"] in DIRECTED else "false", t["note"] or ""], row


@test
def csv_ties_file_name(tmp):
    for name, ties in (("map.csv", "map-ties.csv"), ("Report.v2.CSV", "Report.v2-ties.CSV")):
        export(os.path.join(tmp, name))
        assert os.path.isfile(os.path.join(tmp, ties)), ties


@test
def bridgemap_export_is_what_save_writes(tmp):
    # The fixture is written canonically, so Save gives the same bytes
    out = os.path.join(tmp, "copy.bridgemap")
    export(out)
    with open(out, "rb") as a, open(SAMPLE, "rb") as b:
        assert a.read() == b.read()


@test
def export_does_not_change_the_source(tmp):
    with open(SAMPLE, "rb") as f:
        before = f.read()
    export(os.path.join(tmp, "map.png"))
    with open(SAMPLE, "rb") as f:
        assert f.read() == before


# ---- report -----------------------------------------------------------------

EXAMPLES = os.path.join(os.environ.get("BRIDGEMAP_SOURCE_ROOT",
                                       os.path.join(os.environ["G_TEST_SRCDIR"], "..")),
                        "data", "examples")
TRACK_NAMES = {"1": "Track 1", "1.5": "Track 1.5", "2": "Track 2", "3": "Track 3"}
TRACK_ORDER = ["1", "1.5", "2", "3"]
LEVEL_HEADINGS = ["Top leadership", "Middle-range leadership", "Grassroots leadership"]
LEVELS = ["top", "middle", "grassroots"]


def report(out, source):
    result = run("--report=" + out, source)
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert result.stderr == "", result.stderr
    return result


def page_sizes(path):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "10000", path],
                          capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    sizes = re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info.stdout, re.M)
    return [(float(w), float(h)) for w, h in sizes]


def pdf_text(path, first=1, layout=False, env=ENV):
    args = ["pdftotext", "-enc", "UTF-8", "-f", str(first)]
    if layout:
        args.append("-layout")
    text = subprocess.run(args + [path, "-"], env=env, capture_output=True, text=True).stdout
    return unicodedata.normalize("NFKC", text)


def table_rows(text):
    """The lines after the heading of the actors' tables"""
    start = text.index("Actors by level and track")
    return text[start:].splitlines()


@test
def report_is_the_diagram_then_the_briefing(tmp):
    if need("pdfinfo", "pdftotext"):
        return need("pdfinfo", "pdftotext")
    source = os.path.join(EXAMPLES, "oslo-1993.bridgemap")
    out = os.path.join(tmp, "briefing.pdf")
    report(out, source)
    the_map = read_map(source)

    # The diagram on a landscape page, the briefing on portrait A4 (the
    # paper of the C locale)
    sizes = page_sizes(out)
    assert len(sizes) >= 2, sizes
    assert sizes[0][0] > sizes[0][1], sizes
    assert sizes[0] == (sizes[1][1], sizes[1][0]), sizes
    for w, h in sizes[1:]:
        assert abs(w - 595.28) < 1 and abs(h - 841.89) < 1, sizes
    diagram = pdf_text(out)[:pdf_text(out).index("\f")]
    assert the_map["title"] in diagram and "Tracks (shape)" in diagram, diagram

    # The gaps in the words of --analyze, headline and explanation
    text = pdf_text(out, first=2)
    flat = " ".join(text.split())
    briefing = run("--analyze", source).stdout.split("\n\n")
    gaps = json.loads(run("--analyze", "--json", source).stdout)["gaps"]
    assert len(gaps) == len(briefing) - 1 > 0, briefing
    assert the_map["title"] in flat
    assert briefing[0].splitlines()[1] in flat, (briefing[0], flat)
    for block in briefing[1:]:
        headline, explanation = block.strip().split("\n")
        assert headline in flat, (headline, flat)
        assert explanation in flat, (explanation, flat)

    # Every actor in a row with its party and track, levels in order, and
    # within a level by track
    rows = table_rows(pdf_text(out, first=2, layout=True))
    positions = [i for heading in LEVEL_HEADINGS
                 for i, line in enumerate(rows) if line.strip() == heading]
    assert positions == sorted(positions) and len(positions) == 3, positions
    for actor in the_map["actors"]:
        lines = [i for i, line in enumerate(rows) if actor["name"] in line]
        assert len(lines) == 1, (actor["name"], lines)
        line = rows[lines[0]]
        assert TRACK_NAMES[actor["track"]] in line, line
        party = actor["party_name"] or "Third party"
        assert party.split()[0] in line, (party, line)
        level = sum(1 for p in positions if p < lines[0]) - 1
        assert LEVELS[level] == actor["level"], (actor["name"], level)


@test
def report_tables_go_on_over_pages(tmp):
    if need("pdfinfo", "pdftotext"):
        return need("pdfinfo", "pdftotext")
    source = os.path.join(tmp, "many.bridgemap")
    actors = []
    for i in range(150):
        actors.append('<actor id="a%d" name="Actor %03d" kind="person" party="p%d" level="%s" '
                      'track="%s"/>' % (i, i, i % 2, LEVELS[min(i // 20, 2)],
                                        TRACK_ORDER[(i * 7) % 4]))
    with open(source, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<bridgemap xmlns="http://bridgemap.github.io/ns/1" version="1">'
                "<meta><title>Many actors</title></meta><parties>"
                '<party id="p0" name="North"/><party id="p1" name="South"/></parties>'
                "<actors>%s</actors><ties/></bridgemap>\n" % "".join(actors))
    out = os.path.join(tmp, "many.pdf")
    report(out, source)
    assert len(page_sizes(out)) >= 4, page_sizes(out)
    text = pdf_text(out, first=2, layout=True)
    assert "Grassroots leadership (continued)" in text, text
    # The column names again on every page the table goes on to
    pages = text.split("\f")[1:]
    assert all(re.search(r"Name +Party +Track +Sector +Kind", page) for page in pages if page.strip())
    rows = table_rows(text)
    found = [(int(m.group(1)), m.group(2)) for line in rows
             for m in [re.search(r"Actor (\d{3}) .*(Track [\d.]+)", line)] if m]
    assert sorted(n for n, _ in found) == list(range(150)), found
    # Each level's rows by track (the levels hold actors 0-19, 20-39, 40-)
    for first, last in ((0, 19), (20, 39), (40, 149)):
        tracks = [TRACK_ORDER.index(t.split()[1]) for n, t in found if first <= n <= last]
        assert tracks == sorted(tracks), tracks
        assert len(tracks) == last - first + 1


@test
def report_text_keeps_its_colour_over_pages(tmp):
    if need("pdfinfo", "pdftoppm"):
        return need("pdfinfo", "pdftoppm")
    source = os.path.join(tmp, "long.bridgemap")
    words = " ".join("Sentence %d of a long account of the conflict." % i for i in range(700))
    with open(source, "w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<bridgemap xmlns="http://bridgemap.github.io/ns/1" version="1">'
                "<meta><title>Long</title><description>%s</description></meta>"
                '<actors><actor id="a" name="A" level="top" track="1"/></actors>'
                "</bridgemap>\n" % words)
    out = os.path.join(tmp, "long.pdf")
    report(out, source)
    assert len(page_sizes(out)) >= 4, page_sizes(out)
    # The description goes on over page 3 in the colour it began in
    # (15% grey), darker than the grey of the footer (40%)
    prefix = os.path.join(tmp, "page3")
    subprocess.run(["pdftoppm", "-gray", "-r", "150", "-f", "3", "-l", "3", "-singlefile",
                    out, prefix], check=True)
    with open(prefix + ".pgm", "rb") as f:
        magic, size, depth, pixels = f.read().split(b"\n", 3)
    width, height = map(int, size.split())
    # the top half: text, not the footer
    darkest = min(pixels[:width * height // 2])
    assert darkest < 75, darkest


@test
def report_names_are_text_with_noto_fonts_only(tmp):
    if need("pdftotext"):
        return need("pdftotext")
    env = noto_only_env(tmp)
    if env is None:
        return NO_NOTO
    out = export_scripts(tmp, "scripts.pdf", env, "--report=")
    scripts_pdf_text(out, env, first=2)


@test
def report_that_cannot_be_written_exits_1_and_keeps_the_old_file(tmp):
    out = os.path.join(tmp, "no-such-folder", "briefing.pdf")
    result = run("--report=" + out, SAMPLE)
    assert result.returncode == 1
    assert result.stderr.startswith(out + ": "), result.stderr
    # An existing report is replaced whole or not at all
    out = os.path.join(tmp, "briefing.pdf")
    with open(out, "w") as f:
        f.write("old report\n")
    result = run("--report=" + out, os.path.join(tmp, "missing.bridgemap"))
    assert result.returncode == 1
    with open(out) as f:
        assert f.read() == "old report\n"
    report(out, SAMPLE)
    with open(out, "rb") as f:
        assert f.read(5) == b"%PDF-"
    # One action at a time
    result = run("--report=" + out, "--export=" + out + ".png", SAMPLE)
    assert result.returncode == 1 and "only one" in result.stderr, result.stderr


def main():
    print("1..%d" % len(tests))
    failed = 0
    for number, function in enumerate(tests, 1):
        tmp = tempfile.mkdtemp(prefix="bm-export-cli-")
        try:
            skip = function(tmp)
            if isinstance(skip, str) and skip.startswith("skip"):
                print("ok %d %s # SKIP %s" % (number, function.__name__, skip[5:]))
            else:
                print("ok %d %s" % (number, function.__name__))
        except Exception:
            failed += 1
            print("not ok %d %s" % (number, function.__name__))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
