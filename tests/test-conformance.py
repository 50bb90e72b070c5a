#!/usr/bin/env python3
# test-conformance.py: the file format and the command line checked from the
# outside, case by case, against docs/format.md alone.
#
# Each case is a small document and what `bridgemap` must make of it:
#  - valid: `--validate` prints nothing and exits 0, and
#    `--export=OUT.bridgemap` writes exactly the bytes given here, derived by
#    hand from "How a file is written"; writing those bytes again gives them
#    back, and the RELAX NG schema accepts them;
#  - invalid: `--validate` and `--export` exit 1, print nothing on stdout,
#    write no file, and every line on stderr is `FILE:LINE: message` (or
#    `FILE: message` where no line applies) with exactly the expected LINEs:
#    the line where the start tag of the element concerned ends.
#
# Then the command line itself: several files at once, missing files,
# directories, and where and how `--export=OUT.bridgemap` writes.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Needs BRIDGEMAP (the executable); BRIDGEMAP_SOURCE_ROOT for the schema
# check (skipped without xmllint).  Prints TAP.

import concurrent.futures
import gzip
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback

BRIDGEMAP = os.environ["BRIDGEMAP"]
SOURCE_ROOT = os.environ.get("BRIDGEMAP_SOURCE_ROOT")
SCHEMA = os.path.join(SOURCE_ROOT, "data", "bridgemap.rng") if SOURCE_ROOT else None
XMLLINT = shutil.which("xmllint")

# The command line must work without a display
ENV = dict(os.environ)
for var in ("DISPLAY", "WAYLAND_DISPLAY"):
    ENV.pop(var, None)
ENV["LC_ALL"] = "C.UTF-8"

NS = "http://bridgemap.github.io/ns/1"
DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
ROOT = '<bridgemap xmlns="%s" version="1">' % NS
EMPTY = DECL + '<bridgemap xmlns="%s" version="1"/>\n' % NS
SAME = object()          # the canonical output is the input itself
NOLINE = None            # an error reported as `FILE: message`


def doc(*lines, root=ROOT, decl=DECL):
    """A document: the declaration on line 1, the root's start tag on line 2,
    LINES from line 3 on, then the root's end tag"""
    return decl + root + "\n" + "".join(line + "\n" for line in lines) + "</bridgemap>\n"


# A party and two actors to refer to, lines 3 to 10 of a doc()
BASE = (
    '  <parties>',                                                           # 3
    '    <party id="p" name="P"/>',                                          # 4
    '    <party id="q" name="Q"/>',                                          # 5
    '  </parties>',                                                          # 6
    '  <actors>',                                                            # 7
    '    <actor id="a" name="A" kind="person" party="p" level="top" track="1" influence="3"/>',  # 8
    '    <actor id="b" name="B" kind="person" party="q" level="top" track="1" influence="3"/>',  # 9
    '  </actors>',                                                           # 10
)

# An actor as a file may give it, and as Bridgemap writes it
ACTOR = 'id="a" name="A" level="top" track="1"'
CANON = 'id="a" name="A" kind="organization" level="top" track="1" influence="3"'


def with_ties(*ties):
    return doc(*BASE, '  <ties>', *ties, '  </ties>')      # ties from line 12


def one_actor(attrs, note=None):
    """An actor alone: its start tag on line 4"""
    if note is None:
        return doc('  <actors>', '    <actor %s/>' % attrs, '  </actors>')
    return doc('  <actors>', '    <actor %s>' % attrs, '      <note>%s</note>' % note,
               '    </actor>', '  </actors>')


def one_party(attrs):
    """A party alone: its start tag on line 4"""
    return doc('  <parties>', '    <party %s/>' % attrs, '  </parties>')


cases = []


def valid(name, data, out=SAME):
    cases.append((name, data, out, None, None))


def invalid(name, data, *lines, says=None):
    """LINES: the expected error lines (NOLINE for `FILE: message`).
    SAYS: a word the message must contain (messages are in English here)."""
    cases.append((name, data, None, list(lines), says))


# --- The declaration, the byte-order mark, the encoding ---------------------

valid("empty map", EMPTY)
valid("empty map written long", DECL + ROOT + "\n</bridgemap>\n", EMPTY)
valid("no declaration", '<bridgemap xmlns="%s" version="1"/>' % NS, EMPTY)
valid("declaration without encoding",
      '<?xml version="1.0"?>\n<bridgemap xmlns="%s" version="1"/>\n' % NS, EMPTY)
valid("byte-order mark", "\ufeff" + EMPTY, EMPTY)
valid("byte-order mark, no declaration",
      "\ufeff" + '<bridgemap xmlns="%s" version="1"/>' % NS, EMPTY)
for enc in ("utf-8", "Utf-8", "uTF-8"):
    valid("encoding %s" % enc,
          '<?xml version="1.0" encoding="%s"?>\n<bridgemap xmlns="%s" version="1"/>\n'
          % (enc, NS), EMPTY)
valid("standalone yes",
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
      '<bridgemap xmlns="%s" version="1"/>\n' % NS, EMPTY)
valid("standalone no, single quotes",
      "<?xml version='1.0' encoding='UTF-8' standalone='no'?>\n"
      '<bridgemap xmlns="%s" version="1"/>\n' % NS, EMPTY)
valid("CRLF line ends", (DECL + ROOT + "\n" + "\n".join(BASE) + "\n</bridgemap>\n")
      .replace("\n", "\r\n"), doc(*BASE))
for enc in ("ISO-8859-1", "US-ASCII", "UTF8", "UTF-16", "windows-1252"):
    invalid("encoding %s refused" % enc,
            '<?xml version="1.0" encoding="%s"?>\n<bridgemap xmlns="%s" version="1"/>\n'
            % (enc, NS), 1)
invalid("Latin-1 declaration after a byte-order mark",
        "\ufeff" + '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<bridgemap xmlns="%s" version="1"/>\n' % NS, 1)
invalid("XML 1.1", '<?xml version="1.1" encoding="UTF-8"?>\n'
        '<bridgemap xmlns="%s" version="1"/>\n' % NS, 1)
invalid("declaration not at the start", "\n" + EMPTY, 2)
invalid("bytes that are not UTF-8",
        doc('  <parties>', '    <party id="p" name="caf\udce9"/>', '  </parties>'), 4)
# UTF-16 is refused whatever it says: the file is not UTF-8
cases.append(("UTF-16 with a byte-order mark",
              ("\ufeff" + EMPTY.replace("UTF-8", "UTF-16")).encode("utf-16-le"),
              None, ["any"], None))

# A compressed map is never decompressed
cases.append(("gzip-compressed map", gzip.compress(EMPTY.encode("utf-8"), mtime=0),
              None, ["any"], None))

# --- DOCTYPEs, comments, processing instructions -----------------------------

invalid("DOCTYPE", doc(decl=DECL + '<!DOCTYPE bridgemap>\n'), 2)
invalid("DOCTYPE with an empty internal subset", doc(decl=DECL + '<!DOCTYPE bridgemap []>\n'), 2)
invalid("DOCTYPE with an entity",
        DECL + '<!DOCTYPE bridgemap [<!ENTITY e "x">]>\n' + ROOT + '\n<meta><title>&e;</title></meta>\n</bridgemap>\n', 2)
invalid("DOCTYPE with an external entity",
        DECL + '<!DOCTYPE bridgemap [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n' + ROOT
        + '\n<meta><title>&e;</title></meta>\n</bridgemap>\n', 2)
invalid("undefined entity",
        doc('  <meta>', '    <title>&nbsp;</title>', '  </meta>'), 4)
valid("comments and PIs outside the root are dropped",
      DECL + '<!-- before -->\n<?xml-stylesheet href="a.css"?>\n' + ROOT + "\n</bridgemap>\n"
      "<!-- after -->\n<?after data?>\n", EMPTY)
valid("comments and PIs among Bridgemap elements are dropped",
      doc('  <!-- c1 -->', '  <?pi one?>', '  <parties>', '    <!-- c2 -->',
          '    <party id="p" name="P"><!-- c3 --><?pi two?></party>', '    <?pi three?>',
          '  </parties>', '  <actors>',
          '    <actor id="a" name="A" level="top" track="1"><?pi?><!--x--></actor>',
          '  </actors>', '  <!-- c4 -->'),
      doc('  <parties>', '    <party id="p" name="P"/>', '  </parties>', '  <actors>',
          '    <actor id="a" name="A" kind="organization" level="top" track="1" influence="3"/>',
          '  </actors>'))

# --- The root and its version -------------------------------------------------

invalid("version missing", DECL + '<bridgemap xmlns="%s"/>\n' % NS, 2)
invalid("version 2 comes from a newer Bridgemap",
        DECL + '<bridgemap xmlns="%s" version="2"/>\n' % NS, 2, says="newer")
invalid("version 10 comes from a newer Bridgemap",
        DECL + '<bridgemap xmlns="%s" version="10"/>\n' % NS, 2, says="newer")
invalid("a newer file is never half-read",
        DECL + '<bridgemap xmlns="%s" version="2">\n  <gadgets/>\n  <actors>\n'
        '    <actor id="1" level="space"/>\n  </actors>\n  <parties/>\n</bridgemap>\n' % NS,
        2, says="newer")
for v in ("1.0", " 1", "1 ", "01", "", "one", "0"):
    invalid("version %r" % v, DECL + '<bridgemap xmlns="%s" version="%s"/>\n' % (NS, v), 2)
invalid("root in another namespace",
        DECL + '<bridgemap xmlns="http://bridgemap.github.io/ns/2" version="1"/>\n', 2)
invalid("root in no namespace", DECL + '<bridgemap version="1"/>\n', 2)
invalid("root with another name", DECL + '<map xmlns="%s" version="1"/>\n' % NS, 2)
invalid("root start tag over three lines",
        DECL + '<bridgemap\n    xmlns="%s"\n    version="one"/>\n' % NS, 4)
invalid("root not closed", DECL + ROOT + "\n  <parties>\n  </parties>\n", "any")
invalid("mismatched end tag", doc('  <parties>', '  </actors>'), 4)
invalid("attribute given twice", doc('  <parties>', '    <party id="p" name="P" name="Q"/>',
                                     '  </parties>'), 4)
invalid("not XML", "This is not a map.\n", 1)
valid("prefixed Bridgemap elements",
      DECL + '<bm:bridgemap xmlns:bm="%s" version="1">\n  <bm:meta>\n'
      '    <bm:title>T</bm:title>\n  </bm:meta>\n  <bm:parties>\n'
      '    <bm:party id="p" name="P"/>\n  </bm:parties>\n</bm:bridgemap>\n' % NS,
      doc('  <meta>', '    <title>T</title>', '  </meta>', '  <parties>',
          '    <party id="p" name="P"/>', '  </parties>',
          root='<bridgemap xmlns="%s" xmlns:bm="%s" version="1">' % (NS, NS)))
valid("Bridgemap elements mixing a prefix and the default namespace",
      DECL + '<bm:bridgemap xmlns:bm="%s" version="1">\n  <parties xmlns="%s">\n'
      '    <bm:party id="p" name="P"/>\n  </parties>\n</bm:bridgemap>\n' % (NS, NS),
      doc('  <parties>', '    <party id="p" name="P"/>', '  </parties>',
          root='<bridgemap xmlns="%s" xmlns:bm="%s" version="1">' % (NS, NS)))
invalid("undeclared prefix", doc('  <x:ext/>'), 3)

# --- Sections ------------------------------------------------------------------

valid("empty sections are not written",
      doc('  <meta/>', '  <parties/>', '  <actors>', '  </actors>', '  <ties></ties>'), EMPTY)
valid("meta with title and description",
      doc('  <meta>', '    <title>T</title>', '    <description>D</description>', '  </meta>'))
valid("meta with description only",
      doc('  <meta>', '    <description>D</description>', '  </meta>'))
invalid("description before title",
        doc('  <meta>', '    <description>D</description>', '    <title>T</title>', '  </meta>'), 5)
invalid("two titles", doc('  <meta>', '    <title>T</title>', '    <title>U</title>', '  </meta>'), 5)
invalid("ties before actors", doc(*BASE[:4], '  <ties/>', *BASE[4:]), 8)
invalid("parties after actors", doc(*BASE[4:], *BASE[:4]), 7)
invalid("meta last", doc(*BASE, '  <meta/>'), 11)
invalid("parties twice", doc('  <parties/>', '  <parties/>'), 4)
invalid("actors twice", doc('  <actors/>', '  <actors/>'), 4)
invalid("unknown element in the root", doc('  <gadgets/>'), 3)
invalid("unknown element in no namespace", doc('  <gadgets xmlns=""/>'), 3)
invalid("known name in no namespace", doc('  <parties xmlns=""/>'), 3)
invalid("actor among parties", doc('  <parties>', '    <actor id="a" name="A" level="top" track="1"/>',
                                   '  </parties>'), 4)
invalid("party in the root", doc('  <party id="p" name="P"/>'), 3)
invalid("note in a party", doc('  <parties>', '    <party id="p" name="P">',
                               '      <note>n</note>', '    </party>', '  </parties>'), 5)
invalid("two notes", one_actor('id="a" name="A" level="top" track="1"', 'one</note><note>two'), 5)
invalid("title in the root", doc('  <title>T</title>'), 3)
invalid("text in the root", doc('  stray text'), 2)
invalid("text in a section", doc('  <parties>', '    stray', '    <party id="p" name="P"/>',
                                 '  </parties>'), 3)
invalid("text over several lines: one error line", doc('  <parties>one', 'two', '  three</parties>'), 3)
invalid("a value with a line end: one error line", one_party('id="a&#10;b" name="P"'), 4)
invalid("an enumerated value with line ends: one error line",
        one_actor('id="a" name="A" kind="per&#10;&#13;son" level="top" track="1"'), 4)
invalid("text in a party", doc('  <parties>', '    <party id="p" name="P">x</party>', '  </parties>'), 4)
invalid("text in an actor after its note",
        doc('  <actors>', '    <actor %s>' % ACTOR, '      <note>n</note>', '      x', '    </actor>',
            '  </actors>'), 4)
invalid("text in meta", doc('  <meta>x</meta>'), 3)
valid("CDATA of white space in a section is white space",
      doc('  <parties><![CDATA[  ]]></parties>'), EMPTY)
invalid("CDATA text in a section", doc('  <parties><![CDATA[x]]></parties>'), 3)

# --- Items, attributes, ids ----------------------------------------------------

valid("the example from the format",
      doc('  <meta>',
          '    <title>Mozambique peace process, 1990–1992</title>',
          '    <description>Who talked to whom before the Rome accords.</description>',
          '  </meta>',
          '  <parties>',
          '    <party id="gov" name="Government of Mozambique (FRELIMO)" color="#b03a2e"/>',
          '    <party id="renamo" name="RENAMO" color="#1f618d"/>',
          '  </parties>',
          '  <actors>',
          '    <actor id="chissano" name="Joaquim Chissano" kind="person" party="gov" level="top" track="1" sector="government" influence="5" x="220" y="90">',
          '      <note>President from 1986.</note>',
          '    </actor>',
          '    <actor id="santegidio" name="Community of Sant\'Egidio" kind="organization" level="middle" track="1.5" sector="religion" influence="3" x="520" y="450.5"/>',
          '  </actors>',
          '  <ties>',
          '    <tie id="t1" from="santegidio" to="chissano" kind="mediation" strength="3"/>',
          '  </ties>'))
valid("attributes put in order, defaults written",
      doc('  <parties>', "    <party color='#ABCDEF' name='P' id='p'/>", '  </parties>',
          '  <actors>',
          '    <actor y="10" x="5" sector="media" track="2" level="top" party="p" name="A" id="a"/>',
          '    <actor track="3" level="grassroots" name="B" id="b" influence="1" kind="group"/>',
          '  </actors>', '  <ties>', '    <tie kind="channel" to="b" from="a" id="t"/>',
          '  </ties>'),
      doc('  <parties>', '    <party id="p" name="P" color="#abcdef"/>', '  </parties>',
          '  <actors>',
          '    <actor id="a" name="A" kind="organization" party="p" level="top" track="2" sector="media" influence="3" x="5" y="10"/>',
          '    <actor id="b" name="B" kind="group" level="grassroots" track="3" influence="1"/>',
          '  </actors>', '  <ties>', '    <tie id="t" from="a" to="b" kind="channel" strength="2"/>',
          '  </ties>'))
valid("items keep their order",
      doc('  <parties>', '    <party id="z" name="Z"/>', '    <party id="a" name="A"/>',
          '    <party id="m" name="M"/>', '  </parties>'))
valid("every enumerated value",
      doc('  <actors>',
          '    <actor id="a1" name="A" kind="person" level="top" track="1" sector="government" influence="1"/>',
          '    <actor id="a2" name="A" kind="organization" level="middle" track="1.5" sector="conflict-resolution" influence="2"/>',
          '    <actor id="a3" name="A" kind="group" level="grassroots" track="2" sector="business" influence="3"/>',
          '    <actor id="a4" name="A" kind="group" level="grassroots" track="3" sector="citizen" influence="4"/>',
          '    <actor id="a5" name="A" kind="group" level="grassroots" track="3" sector="research" influence="5"/>',
          '    <actor id="a6" name="A" kind="group" level="grassroots" track="3" sector="activism" influence="5"/>',
          '    <actor id="a7" name="A" kind="group" level="grassroots" track="3" sector="religion" influence="5"/>',
          '    <actor id="a8" name="A" kind="group" level="grassroots" track="3" sector="funding" influence="5"/>',
          '    <actor id="a9" name="A" kind="group" level="grassroots" track="3" sector="media" influence="5"/>',
          '  </actors>', '  <ties>',
          '    <tie id="t1" from="a1" to="a2" kind="alliance" strength="1"/>',
          '    <tie id="t2" from="a1" to="a2" kind="channel" strength="2"/>',
          '    <tie id="t3" from="a1" to="a2" kind="influence" strength="3"/>',
          '    <tie id="t4" from="a2" to="a1" kind="mediation" strength="3"/>',
          '    <tie id="t5" from="a2" to="a1" kind="funding" strength="3"/>',
          '    <tie id="t6" from="a2" to="a1" kind="conflict" strength="3"/>',
          '    <tie id="t7" from="a2" to="a1" kind="broken" strength="3"/>',
          '  </ties>'))
for good in ("a", "_a", "a.b-c", "A_9.-", "_"):
    valid("id %r" % good, one_party('id="%s" name="P"' % good))
for bad in ("1a", "a b", "é", "", " a", "a ", "-a", ".a", "a:b", "a/b"):
    invalid("id %r" % bad, one_party('id="%s" name="P"' % bad), 4)
invalid("party without id", one_party('name="P"'), 4)
invalid("party without name", one_party('id="p"'), 4)
invalid("party start tag over three lines",
        doc('  <parties>', '    <party id="p"', '           name="P"', '           color="red"/>',
            '  </parties>'), 6)
invalid("duplicate party ids", doc('  <parties>', '    <party id="p" name="P"/>',
                                   '    <party id="p" name="Q"/>', '  </parties>'), 5)
invalid("actor id equal to a party id",
        doc(*BASE[:7], '    <actor id="p" name="A" level="top" track="1"/>', BASE[7]), 10)
invalid("tie id equal to an actor id", with_ties('    <tie id="a" from="a" to="b" kind="channel"/>'), 12)
invalid("unknown attribute on a party", one_party('id="p" name="P" colour="#000000"'), 4)
invalid("unknown attribute on the root", DECL + '<bridgemap xmlns="%s" version="1" lang="en"/>\n' % NS, 2)
invalid("unknown attribute on a section", doc('  <parties sorted="yes"/>'), 3)
invalid("unknown attribute on a note",
        doc('  <actors>', '    <actor id="a" name="A" level="top" track="1">',
            '      <note lang="en">n</note>', '    </actor>', '  </actors>'), 5)
invalid("directed on a tie", with_ties('    <tie id="t" from="a" to="b" kind="channel" directed="true"/>'), 12)
invalid("version on a section", doc('  <parties version="1"/>'), 3)
invalid("character reference to NUL", one_party('id="p" name="a&#0;"'), 4)
invalid("x on a party", one_party('id="p" name="P" x="1" y="1"'), 4)
invalid("prefixed attribute in the Bridgemap namespace",
        DECL + '<bridgemap xmlns="%s" xmlns:bm="%s" version="1">\n'
        '  <parties>\n    <party id="p" name="P" bm:color="#000000"/>\n  </parties>\n'
        '</bridgemap>\n' % (NS, NS), 4)
invalid("prefixed version on the root",
        DECL + '<bm:bridgemap xmlns:bm="%s" bm:version="1"/>\n' % NS, 2)

# --- Names ------------------------------------------------------------------------

valid("name trimmed", one_party('id="p" name="  P  "'), one_party('id="p" name="P"'))
valid("name trimmed of character references",
      one_party('id="p" name="&#10;&#9;&#13; P &#32;&#10;"'), one_party('id="p" name="P"'))
valid("literal tab and newline inside a name become spaces",
      one_party('id="p" name="a\tb\nc"'), one_party('id="p" name="a b c"'))
valid("tab, LF and CR references inside a name are kept",
      one_party('id="p" name="a&#9;b&#10;c&#13;d"'))
valid("quotes and markup characters in a name",
      one_party("id=\"p\" name='O&apos;Brien \"B\" &lt;&amp;&gt;'"),
      one_party('id="p" name="O\'Brien &quot;B&quot; &lt;&amp;&gt;"'))
valid("> in a name", one_party('id="p" name="a>b"'), one_party('id="p" name="a&gt;b"'))
valid("non-ASCII name written as itself",
      one_party('id="p" name="&#x62D;&#x645;&#x627;&#x633; Ωμέγα 😀"'),
      one_party('id="p" name="حماس Ωμέγα 😀"'))
valid("no-break space is not XML white space",
      one_party('id="p" name="&#xA0;"'), one_party('id="p" name="\u00a0"'))
for blank in ("", " ", "\t", "&#10;&#13;&#9; "):
    invalid("name %r" % blank, one_party('id="p" name="%s"' % blank), 4)
invalid("name of a tab and a line end: the start tag ends a line later",
        one_party('id="p" name="\t\n"'), 5)
invalid("actor name of spaces", one_actor('id="a" name="  " level="top" track="1"'), 4)

# --- Enumerations and digits -------------------------------------------------------

for attr, value in (("kind", "Person"), ("kind", " person"), ("kind", "person "), ("kind", ""),
                    ("kind", "individual"), ("sector", "Media"), ("sector", "conflict resolution"),
                    ("sector", ""), ("influence", "0"), ("influence", "6"), ("influence", "03"),
                    ("influence", "3 "), ("influence", " 3"), ("influence", "+3"),
                    ("influence", "3.0"), ("influence", ""), ("influence", "\uff13")):
    invalid("actor %s=%r" % (attr, value), one_actor('%s %s="%s"' % (ACTOR, attr, value)), 4)
for level in ("Top", "top ", "", "bottom"):
    invalid("level %r" % level, one_actor('id="a" name="A" level="%s" track="1"' % level), 4)
for track in ("1.0", "1.50", "4", "0", " 2", "", "1,5", "one"):
    invalid("track %r" % track, one_actor('id="a" name="A" level="top" track="%s"' % track), 4)
invalid("level missing", one_actor('id="a" name="A" track="1"'), 4)
invalid("track missing", one_actor('id="a" name="A" level="top"'), 4)
for influence in "12345":
    valid("influence %s" % influence, one_actor('%s influence="%s"' % (ACTOR, influence)),
          one_actor(CANON.replace('"3"', '"%s"' % influence)))
invalid("party=\"\"", doc(*BASE[:4], '  <actors>', '    <actor id="c" name="C" party="" level="top" track="1"/>',
                          '  </actors>'), 8)
invalid("unknown party", doc(*BASE[:4], '  <actors>',
                             '    <actor id="c" name="C" party="r" level="top" track="1"/>',
                             '  </actors>'), 8)
invalid("party reference with a space", doc(*BASE[:4], '  <actors>',
                                            '    <actor id="c" name="C" party="p " level="top" track="1"/>',
                                            '  </actors>'), 8)
invalid("party reference to an actor", doc(*BASE[:7], '    <actor id="c" name="C" party="a" level="top" track="1"/>',
                                           '  </actors>'), 10)
for strength in ("0", "4", "02", "2 ", ""):
    invalid("strength %r" % strength,
            with_ties('    <tie id="t" from="a" to="b" kind="channel" strength="%s"/>' % strength), 12)
for kind in ("Channel", "channel ", "", "peace"):
    invalid("tie kind %r" % kind, with_ties('    <tie id="t" from="a" to="b" kind="%s"/>' % kind), 12)
invalid("tie kind missing", with_ties('    <tie id="t" from="a" to="b"/>'), 12)
invalid("tie from missing", with_ties('    <tie id="t" to="b" kind="channel"/>'), 12)
invalid("tie without id", with_ties('    <tie from="a" to="b" kind="channel"/>'), 12)
invalid("tie to itself", with_ties('    <tie id="t" from="a" to="a" kind="channel"/>'), 12)
invalid("tie to an unknown actor", with_ties('    <tie id="t" from="a" to="x9" kind="channel"/>'), 12)
invalid("tie from an unknown actor", with_ties('    <tie id="t" from="x9" to="a" kind="channel"/>'), 12)
invalid("tie to a party", with_ties('    <tie id="t" from="a" to="p" kind="channel"/>'), 12)
invalid("tie to another tie", with_ties('    <tie id="t" from="a" to="b" kind="channel"/>',
                                        '    <tie id="u" from="a" to="t" kind="channel"/>'), 13)
invalid("tie reference with a space", with_ties('    <tie id="t" from="a" to=" b" kind="channel"/>'), 12)
for strength in "123":
    valid("strength %s" % strength,
          with_ties('    <tie id="t" from="a" to="b" kind="conflict" strength="%s"/>' % strength))
valid("two ties between the same actors",
      with_ties('    <tie id="t" from="a" to="b" kind="conflict" strength="2"/>',
                '    <tie id="u" from="b" to="a" kind="conflict" strength="2"/>'))

# --- Colours -----------------------------------------------------------------------

valid("colour written in lower case", one_party('id="p" name="P" color="#ABCDEF"'),
      one_party('id="p" name="P" color="#abcdef"'))
valid("colour in mixed case", one_party('id="p" name="P" color="#0aF9c3"'),
      one_party('id="p" name="P" color="#0af9c3"'))
for colour in ("#abc", "abcdef", "#abcdeg", "#ABCDEF ", " #abcdef", "", "red", "#abcdef00",
               "rgb(1,2,3)"):
    invalid("colour %r" % colour, one_party('id="p" name="P" color="%s"' % colour), 4)

# --- Positions -----------------------------------------------------------------------


def position(x, y, level="top"):
    return one_actor('id="a" name="A" level="%s" track="1" x="%s" y="%s"' % (level, x, y))


def placed(x, y, level="top"):
    return one_actor('id="a" name="A" kind="organization" level="%s" track="1" influence="3" x="%s" y="%s"'
                     % (level, x, y))


for x, written in (("1e3", "1000"), ("1E-2", "0.01"), ("-0", "0"), ("-0.004", "0"),
                   ("-0.005", "-0.01"), ("0.004", "0"), ("1e-400", "0"), ("-1e-400", "0"),
                   ("1000000000", "1000000000"), ("-1000000000", "-1000000000"),
                   ("1e9", "1000000000"), ("-999999999.995", "-1000000000"),
                   ("0.005", "0.01"), ("0.015", "0.02"), ("2.675", "2.68"),
                   ("-2.675", "-2.68"), ("1.005", "1"), ("1.115", "1.12"), ("10.10", "10.1"),
                   ("100", "100"), ("0100", "100"), ("1.5e+2", "150"), ("12.3456", "12.35"),
                   ("0.0000000001", "0"), ("-12.5", "-12.5"), ("20.50", "20.5")):
    valid("x=%r" % x, position(x, 100), placed(written, 100))
for x in ("+1", ".5", "5.", "-.5", "1e400", "-1e400", "1000000000.01", "1000000000.004",
          "-1000000000.01", "1e10", "0x10", "NaN", "nan", "INF", "inf", "-Infinity", "1,5",
          "1 ", " 1", "", "1e", "1e+", "1.2.3", "--1", "1_000", "١"):
    invalid("x=%r" % x, position(x, 100), 4)
invalid("y='+1'", position(1, "+1"), 4)
invalid("only x", one_actor('%s x="1"' % ACTOR), 4)
invalid("only y", one_actor('%s y="1"' % ACTOR), 4)
valid("no position stays without one", one_actor(ACTOR), one_actor(CANON))
for level, y, written in (("top", "0", "0"), ("top", "-0.004", "0"), ("top", "-0.005", "150"),
                          ("top", "-0", "0"), ("top", "299.99", "299.99"),
                          ("top", "299.994", "299.99"), ("top", "299.995", "150"),
                          ("top", "300", "150"), ("top", "1e6", "150"),
                          ("middle", "300", "300"), ("middle", "299.999", "300"), ("middle", "299.994", "450"),
                          ("middle", "599.994", "599.99"), ("middle", "599.996", "450"),
                          ("middle", "600", "450"), ("middle", "0", "450"),
                          ("grassroots", "600", "600"), ("grassroots", "899.99", "899.99"),
                          ("grassroots", "900", "750"), ("grassroots", "-5", "750"),
                          ("grassroots", "750.125", "750.13")):
    valid("%s y=%s" % (level, y), position("1234.567", y, level), placed("1234.57", written, level))

# --- Text: notes, title, description ---------------------------------------------------

valid("note kept exactly, white space included",
      one_actor(ACTOR, '  two  spaces\n\tand a tab\n'), one_actor(CANON, '  two  spaces\n\tand a tab\n'))
valid("note of one space is not empty", one_actor(ACTOR, ' '), one_actor(CANON, ' '))
valid("empty note is absent", one_actor(ACTOR, ''), one_actor(CANON))
valid("self-closed note is absent",
      doc('  <actors>', '    <actor %s>' % ACTOR, '      <note/>', '    </actor>', '  </actors>'),
      one_actor(CANON))
valid("note escaping", one_actor(ACTOR, '"q" \'a\' &amp; &lt;x&gt; a>b'),
      one_actor(CANON, '"q" \'a\' &amp; &lt;x&gt; a&gt;b'))
valid("CR in a note written as a reference", one_actor(ACTOR, 'a&#13;b&#13;&#10;c'),
      one_actor(CANON, 'a&#13;b&#13;\nc'))
valid("CDATA in a note is text", one_actor(ACTOR, '<![CDATA[a<b & c]]>'),
      one_actor(CANON, 'a&lt;b &amp; c'))
valid("comment inside a note is dropped", one_actor(ACTOR, 'a<!-- c -->b<?pi x?>c'),
      one_actor(CANON, 'abc'))
valid("non-ASCII note", one_actor(ACTOR, '&#xE9;té – ✓'), one_actor(CANON, 'été – ✓'))
invalid("element in a note", one_actor(ACTOR, 'a<b>bold</b>'), 5)
invalid("foreign element in a note",
        one_actor(ACTOR, 'a<x:b xmlns:x="urn:x">bold</x:b>'), 5)
valid("note on a tie", with_ties('    <tie id="t" from="a" to="b" kind="channel" strength="2">',
                                 '      <note>n</note>', '    </tie>'))
valid("title kept exactly",
      doc('  <meta>', '    <title>  Title\n  over lines  </title>', '  </meta>'))
valid("empty title is absent",
      doc('  <meta>', '    <title></title>', '    <description>D</description>', '  </meta>'),
      doc('  <meta>', '    <description>D</description>', '  </meta>'))
valid("empty title and description: no meta",
      doc('  <meta>', '    <title/>', '    <description></description>', '  </meta>'), EMPTY)
valid("]]> and tab in text",
      doc('  <meta>', '    <title>a]]&gt;b&#9;c&#10;d</title>', '  </meta>'),
      doc('  <meta>', '    <title>a]]&gt;b\tc\nd</title>', '  </meta>'))
invalid("element in a title", doc('  <meta>', '    <title>a<b/></title>', '  </meta>'), 4)
invalid("foreign element in a description",
        doc('  <meta>', '    <description><x:b xmlns:x="urn:x"/></description>', '  </meta>'), 4)

# --- Foreign content ------------------------------------------------------------------

FOREIGN_ROOT = '<bridgemap xmlns="%s" xmlns:x="urn:x" version="1" x:root="r">' % NS
valid("foreign content kept, inside untouched",
      doc("  <x:first a='1'>  mixed <x:b>bold</x:b> text &amp; &lt;tag&gt; &#xE9;<![CDATA[<cdata & stuff>]]><!-- comment --><?target data?>",
          '    <x:deep xmlns:y="urn:y"><y:z y:attr="&quot;q&quot; \'a\'"/><empty></empty></x:deep>',
          '        odd   indentation',
          '  </x:first>',
          '  <parties>',
          '    <party id="p" name="P"/>',
          '  </parties>',
          root=FOREIGN_ROOT),
      doc('  <parties>',
          '    <party id="p" name="P"/>',
          '  </parties>',
          '  <x:first a="1">  mixed <x:b>bold</x:b> text &amp; &lt;tag&gt; é<![CDATA[<cdata & stuff>]]><!-- comment --><?target data?>',
          '    <x:deep xmlns:y="urn:y"><y:z y:attr="&quot;q&quot; \'a\'"/><empty/></x:deep>',
          '        odd   indentation',
          '  </x:first>',
          root=FOREIGN_ROOT))
valid("foreign elements go after the element's own children, in order",
      doc('  <x:one/>', '  <meta>', '    <x:seven/>', '    <title>T</title>', '  </meta>',
          '  <actors>', '    <x:two/>', '    <actor %s>' % ACTOR, '      <x:three/>',
          '      <note>n</note>', '      <x:four/>', '    </actor>', '    <x:five/>', '  </actors>',
          '  <x:six/>', root=FOREIGN_ROOT),
      doc('  <meta>', '    <title>T</title>', '    <x:seven/>', '  </meta>', '  <actors>',
          '    <actor %s>' % CANON, '      <note>n</note>', '      <x:three/>', '      <x:four/>',
          '    </actor>', '    <x:two/>', '    <x:five/>', '  </actors>', '  <x:one/>', '  <x:six/>',
          root=FOREIGN_ROOT))
valid("a section with only foreign content is written",
      doc('  <parties>', '    <x:e/>', '  </parties>', '  <ties x:a="1"/>', root=FOREIGN_ROOT))
valid("foreign element declaring its default namespace",
      doc('  <ext xmlns="urn:y" a="1"><inner>t</inner></ext>'))
valid("foreign attributes kept in order after the element's own",
      doc('  <parties>', '    <party x:b="2" name="P" x:a="1" id="p" x:c="3"/>', '  </parties>',
          root=FOREIGN_ROOT),
      doc('  <parties>', '    <party id="p" name="P" x:b="2" x:a="1" x:c="3"/>', '  </parties>',
          root=FOREIGN_ROOT))
valid("namespace declarations stay where they were",
      doc('  <parties xmlns:z="urn:z">',
          '    <party z:k="v" xmlns:y="urn:y" id="p" y:k="w" name="P"/>',
          '  </parties>', '  <actors>', '    <actor xmlns:u="urn:u" %s>' % ACTOR, '      <u:e/>',
          '    </actor>', '  </actors>'),
      doc('  <parties xmlns:z="urn:z">',
          '    <party id="p" name="P" xmlns:y="urn:y" z:k="v" y:k="w"/>',
          '  </parties>', '  <actors>', '    <actor %s xmlns:u="urn:u">' % CANON, '      <u:e/>',
          '    </actor>', '  </actors>'))
valid("root namespace declarations in order, root foreign attributes after version",
      DECL + '<bridgemap x:b="1" xmlns:y="urn:y" version="1" xmlns="%s" y:a="2" xmlns:x="urn:x"/>\n' % NS,
      DECL + '<bridgemap xmlns="%s" xmlns:y="urn:y" xmlns:x="urn:x" version="1" x:b="1" y:a="2"/>\n' % NS)
valid("an unused declaration is kept",
      doc('  <parties>', '    <party id="p" name="P" xmlns:z="urn:z"/>', '  </parties>'))
valid("foreign attributes on every Bridgemap element",
      doc('  <meta x:m="1">', '    <title x:t="2">T</title>', '    <description x:d="3">D</description>',
          '  </meta>', '  <parties x:ps="4">', '    <party id="p" name="P" x:p="5"/>', '  </parties>',
          '  <actors x:as="6">', '    <actor %s x:a="7">' % CANON, '      <note x:n="8">N</note>',
          '    </actor>', '  </actors>', root=FOREIGN_ROOT))
valid("xml:lang and xml:space are foreign attributes, kept",
      doc('  <meta>', '    <title xml:lang="fr">Paix</title>', '  </meta>', '  <parties>',
          '    <party id="p" name="P" xml:lang="en"/>', '  </parties>', '  <actors>',
          '    <actor %s>' % CANON, '      <note xml:space="preserve" xml:lang="ar">ن</note>',
          '    </actor>', '  </actors>',
          root='<bridgemap xmlns="%s" version="1" xml:lang="en">' % NS))
valid("foreign text escaping and non-ASCII kept as libxml2 writes it",
      doc('  <x:e x:a="tab&#9;lf&#10;cr&#13;&lt;&gt;&amp;">a&#13;b > c "d" \'e\' ü</x:e>',
          root='<bridgemap xmlns="%s" xmlns:x="urn:x" version="1">' % NS),
      doc('  <x:e x:a="tab&#9;lf&#10;cr&#13;&lt;&gt;&amp;">a&#13;b &gt; c "d" \'e\' ü</x:e>',
          root='<bridgemap xmlns="%s" xmlns:x="urn:x" version="1">' % NS))
valid("foreign element with Bridgemap elements inside is opaque",
      doc('  <x:e><actor id="1" level="space"/><bridgemap/></x:e>',
          root='<bridgemap xmlns="%s" xmlns:x="urn:x" version="1">' % NS))
valid("foreign content is not counted for ids",
      doc('  <x:e id="p"/>', '  <parties>', '    <party id="p" name="P"/>', '  </parties>',
          root='<bridgemap xmlns="%s" xmlns:x="urn:x" version="1">' % NS),
      doc('  <parties>', '    <party id="p" name="P"/>', '  </parties>', '  <x:e id="p"/>',
          root='<bridgemap xmlns="%s" xmlns:x="urn:x" version="1">' % NS))

valid("a default declaration that foreign content relies on moves onto it",
      DECL + '<bm:bridgemap xmlns:bm="%s" xmlns="urn:x" version="1">\n  <ext><in/></ext>\n</bm:bridgemap>\n' % NS,
      doc('  <ext xmlns="urn:x"><in/></ext>',
          root='<bridgemap xmlns="%s" xmlns:bm="%s" version="1">' % (NS, NS)))
valid("elements in no namespace inside foreign content stay in no namespace",
      DECL + '<bm:bridgemap xmlns:bm="%s" version="1">\n  <x:e xmlns:x="urn:x"><plain a="1"/></x:e>\n</bm:bridgemap>\n' % NS,
      doc('  <x:e xmlns="" xmlns:x="urn:x"><plain a="1"/></x:e>',
          root='<bridgemap xmlns="%s" xmlns:bm="%s" version="1">' % (NS, NS)))
valid("unprefixed elements inside foreign content inherit the Bridgemap namespace, as written",
      doc('  <x:e xmlns:x="urn:x"><plain/></x:e>'))
valid("xsi:schemaLocation on the root is a foreign attribute",
      doc(root='<bridgemap xmlns="%s" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1" '
          'xsi:schemaLocation="%s bridgemap.xsd">' % (NS, NS)).replace(">\n</bridgemap>", "/>"))

# --- Many problems in one file ---------------------------------------------------------

invalid("every independent problem is reported",
        doc('  <parties>',                                                  # 3
            '    <party id="p" name="P" color="red"/>',                     # 4
            '    <party id="q" name=" "/>',                                 # 5
            '  </parties>',                                                 # 6
            '  <actors>',                                                   # 7
            '    <actor id="a" name="A" level="top" track="1" influence="9"/>',   # 8
            '    <actor id="b" name="B" level="Middle" track="2"/>',        # 9
            '    <actor id="c" name="C" level="top" track="1" x="1"/>',     # 10
            '    <actor id="d" name="D" level="top" track="1"/>',           # 11
            '  </actors>',                                                  # 12
            '  <ties>',                                                     # 13
            '    <tie id="t1" from="a" to="x9" kind="channel"/>',           # 14
            '    <tie id="t2" from="d" to="d" kind="channel"/>',            # 15
            '    <tie id="t3" from="a" to="d" kind="channel" strength="5"/>',     # 16
            '    <gadget/>',                                                # 17
            '  </ties>'),
        4, 5, 8, 9, 10, 14, 15, 16, 17)
invalid("line numbers past 65535",
        doc(*([""] * 70000), '  <gadgets/>'), 70003)


def case_test(name, data, out, lines, says):
    def run_case(tmp):
        path = os.path.join(tmp, "case.bridgemap")
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape"))
        result = run(tmp, "--validate", "case.bridgemap")
        exported = os.path.join(tmp, "out.bridgemap")
        saved = run(tmp, "--export=out.bridgemap", "case.bridgemap")
        if lines is None:
            assert result.returncode == 0 and result.stdout == "" and result.stderr == "", \
                ("--validate", result.returncode, result.stdout, result.stderr)
            assert saved.returncode == 0 and saved.stdout == "", ("--export", saved.returncode, saved.stderr)
            expected = data if out is SAME else out
            with open(exported, "rb") as f:
                written = f.read()
            assert written == expected.encode("utf-8"), \
                "written:\n%s\nexpected:\n%s" % (written.decode("utf-8", "replace"), expected)
            # Canonical is a fixed point
            again = run(tmp, "--export=again.bridgemap", "out.bridgemap")
            assert again.returncode == 0, again.stderr
            with open(os.path.join(tmp, "again.bridgemap"), "rb") as f:
                assert f.read() == written, "writing the output again changed it"
            if XMLLINT and SCHEMA:
                check = subprocess.run([XMLLINT, "--noout", "--nonet", "--relaxng", SCHEMA, exported],
                                       capture_output=True, text=True)
                assert check.returncode == 0, "schema refuses the output: " + check.stderr
        else:
            for what, r in (("--validate", result), ("--export", saved)):
                assert r.returncode == 1, (what, "exit status", r.returncode, r.stderr)
                assert r.stdout == "", (what, "stdout", r.stdout)
                check_errors(r.stderr, "case.bridgemap", lines, says)
            assert not os.path.exists(exported), "--export wrote a file for an invalid map"
    run_case.__name__ = name
    return run_case


def check_errors(stderr, file, lines, says=None):
    """Every line of STDERR is `FILE:LINE: message` or `FILE: message`, and
    the LINEs are exactly LINES (as a set; "any" accepts any line or none)"""
    got = []
    assert stderr.endswith("\n") and stderr.strip(), "no error printed: %r" % stderr
    for line in stderr.splitlines():
        m = re.match(re.escape(file) + r":(?:(\d+):)? (\S.*)$", line)
        assert m, "not an error line for %s: %r\n%s" % (file, line, stderr)
        got.append(int(m.group(1)) if m.group(1) else NOLINE)
    if lines != ["any"]:
        assert sorted(set(got), key=str) == sorted(set(lines), key=str), \
            "error lines %r, expected %r:\n%s" % (got, lines, stderr)
    if says:
        assert says in stderr, "%r not in %r" % (says, stderr)


def run(cwd, *args):
    return subprocess.run([BRIDGEMAP, *args], cwd=cwd, env=ENV, capture_output=True, text=True)


tests = [case_test(*case) for case in cases]


def test(function):
    tests.append(function)
    return function


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


GOOD = doc(*BASE)
BAD = one_party('id="1" name="P"')


# --- The command line ------------------------------------------------------------

@test
def validate_several_files(tmp):
    os.mkdir(os.path.join(tmp, "sub"))
    write(os.path.join(tmp, "good.bridgemap"), GOOD)
    write(os.path.join(tmp, "sub", "bad.bridgemap"), BAD)
    r = run(tmp, "--validate", "good.bridgemap", "sub/../sub/bad.bridgemap", "missing.bridgemap",
            "./good.bridgemap")
    assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stdout)
    errors = r.stderr.splitlines()
    assert len(errors) == 2, r.stderr
    assert errors[0].startswith("sub/../sub/bad.bridgemap:4: "), r.stderr
    assert re.match(r"missing\.bridgemap: \S", errors[1]), r.stderr


@test
def validate_all_valid(tmp):
    write(os.path.join(tmp, "a.bridgemap"), GOOD)
    write(os.path.join(tmp, "b.bridgemap"), EMPTY)
    r = run(tmp, "--validate", "a.bridgemap", "b.bridgemap", os.path.join(tmp, "a.bridgemap"))
    assert (r.returncode, r.stdout, r.stderr) == (0, "", ""), r


@test
def validate_missing_file(tmp):
    r = run(tmp, "--validate", "nowhere.bridgemap")
    assert r.returncode == 1 and r.stdout == ""
    check_errors(r.stderr, "nowhere.bridgemap", [NOLINE])


@test
def validate_empty_file(tmp):
    write(os.path.join(tmp, "empty.bridgemap"), "")
    r = run(tmp, "--validate", "empty.bridgemap")
    assert r.returncode == 1 and r.stdout == ""
    check_errors(r.stderr, "empty.bridgemap", [NOLINE])


@test
def validate_directory(tmp):
    os.mkdir(os.path.join(tmp, "dir.bridgemap"))
    r = run(tmp, "--validate", "dir.bridgemap")
    assert r.returncode == 1 and r.stdout == ""
    check_errors(r.stderr, "dir.bridgemap", [NOLINE])


@test
def analyze_invalid_and_missing(tmp):
    write(os.path.join(tmp, "bad.bridgemap"), BAD)
    for args in (["--analyze"], ["--analyze", "--json"]):
        r = run(tmp, *args, "bad.bridgemap")
        assert r.returncode == 1 and r.stdout == "", (args, r.returncode, r.stdout)
        check_errors(r.stderr, "bad.bridgemap", [4])
        r = run(tmp, *args, "nowhere.bridgemap")
        assert r.returncode == 1 and r.stdout == "", (args, r.returncode, r.stdout)
        check_errors(r.stderr, "nowhere.bridgemap", [NOLINE])


@test
def export_missing_file(tmp):
    r = run(tmp, "--export=out.bridgemap", "nowhere.bridgemap")
    assert r.returncode == 1 and r.stdout == ""
    check_errors(r.stderr, "nowhere.bridgemap", [NOLINE])
    assert not os.path.exists(os.path.join(tmp, "out.bridgemap"))


def export_fails(tmp, out):
    write(os.path.join(tmp, "in.bridgemap"), GOOD)
    r = run(tmp, "--export=" + out, "in.bridgemap")
    assert r.returncode == 1 and r.stdout == "", (r.returncode, r.stderr)
    check_errors(r.stderr, out, [NOLINE])


@test
def export_into_missing_folder(tmp):
    export_fails(tmp, "nowhere/out.bridgemap")


@test
def export_under_a_file(tmp):
    write(os.path.join(tmp, "file"), "x")
    export_fails(tmp, "file/out.bridgemap")


@test
def export_into_read_only_folder(tmp):
    if os.geteuid() == 0:
        # root writes in any folder; /proc takes no new file from anyone
        return export_fails(tmp, "/proc/out.bridgemap")
    os.mkdir(os.path.join(tmp, "ro"))
    os.chmod(os.path.join(tmp, "ro"), 0o555)
    try:
        export_fails(tmp, "ro/out.bridgemap")
    finally:
        os.chmod(os.path.join(tmp, "ro"), 0o755)


@test
def export_onto_a_folder(tmp):
    os.mkdir(os.path.join(tmp, "dir.bridgemap"))
    export_fails(tmp, "dir.bridgemap")
    assert os.path.isdir(os.path.join(tmp, "dir.bridgemap"))


@test
def export_through_a_symbolic_link(tmp):
    os.mkdir(os.path.join(tmp, "real"))
    os.mkdir(os.path.join(tmp, "links"))
    target = os.path.join(tmp, "real", "map.bridgemap")
    write(target, EMPTY)
    os.chmod(target, 0o640)
    link = os.path.join(tmp, "links", "map.bridgemap")
    os.symlink("../real/map.bridgemap", link)
    write(os.path.join(tmp, "in.bridgemap"), GOOD)
    r = run(tmp, "--export=links/map.bridgemap", "in.bridgemap")
    assert r.returncode == 0, r.stderr
    assert os.path.islink(link) and os.readlink(link) == "../real/map.bridgemap"
    with open(target, encoding="utf-8") as f:
        assert f.read() == GOOD
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert sorted(os.listdir(os.path.join(tmp, "real"))) == ["map.bridgemap"]
    assert sorted(os.listdir(os.path.join(tmp, "links"))) == ["map.bridgemap"]


@test
def export_through_a_chain_of_links(tmp):
    target = os.path.join(tmp, "target.bridgemap")
    write(target, EMPTY)
    os.symlink("target.bridgemap", os.path.join(tmp, "one.bridgemap"))
    os.symlink(os.path.join(tmp, "one.bridgemap"), os.path.join(tmp, "two.bridgemap"))
    write(os.path.join(tmp, "in.bridgemap"), GOOD)
    r = run(tmp, "--export=two.bridgemap", "in.bridgemap")
    assert r.returncode == 0, r.stderr
    assert os.path.islink(os.path.join(tmp, "two.bridgemap"))
    assert os.path.islink(os.path.join(tmp, "one.bridgemap"))
    with open(target, encoding="utf-8") as f:
        assert f.read() == GOOD


@test
def export_through_a_dangling_link(tmp):
    os.mkdir(os.path.join(tmp, "real"))
    os.symlink("real/new.bridgemap", os.path.join(tmp, "link.bridgemap"))
    write(os.path.join(tmp, "in.bridgemap"), GOOD)
    r = run(tmp, "--export=link.bridgemap", "in.bridgemap")
    assert r.returncode == 0, r.stderr
    assert os.path.islink(os.path.join(tmp, "link.bridgemap"))
    with open(os.path.join(tmp, "real", "new.bridgemap"), encoding="utf-8") as f:
        assert f.read() == GOOD


@test
def export_keeps_permission_bits(tmp):
    write(os.path.join(tmp, "in.bridgemap"), GOOD)
    for mode in (0o600, 0o664, 0o444 if os.geteuid() == 0 else 0o644, 0o755):
        out = os.path.join(tmp, "out.bridgemap")
        write(out, "old")
        os.chmod(out, mode)
        r = subprocess.run(["sh", "-c", 'umask 077 && exec "$0" "$@"', BRIDGEMAP,
                            "--export=out.bridgemap", "in.bridgemap"],
                           cwd=tmp, env=ENV, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        assert stat.S_IMODE(os.stat(out).st_mode) == mode, (oct(mode), oct(os.stat(out).st_mode))
        with open(out, encoding="utf-8") as f:
            assert f.read() == GOOD
        os.chmod(out, 0o644)
        os.unlink(out)


@test
def export_replaces_an_existing_file_whole(tmp):
    write(os.path.join(tmp, "in.bridgemap"), EMPTY)
    write(os.path.join(tmp, "out.bridgemap"), GOOD * 3)
    r = run(tmp, "--export=out.bridgemap", "in.bridgemap")
    assert r.returncode == 0, r.stderr
    with open(os.path.join(tmp, "out.bridgemap"), encoding="utf-8") as f:
        assert f.read() == EMPTY
    assert sorted(os.listdir(tmp)) == ["in.bridgemap", "out.bridgemap"]


@test
def export_invalid_keeps_the_old_file(tmp):
    write(os.path.join(tmp, "in.bridgemap"), BAD)
    write(os.path.join(tmp, "out.bridgemap"), GOOD)
    r = run(tmp, "--export=out.bridgemap", "in.bridgemap")
    assert r.returncode == 1
    check_errors(r.stderr, "in.bridgemap", [4])
    with open(os.path.join(tmp, "out.bridgemap"), encoding="utf-8") as f:
        assert f.read() == GOOD


def run_one(function):
    """Runs one test in a folder of its own: (status, name, diagnostics)"""
    tmp = tempfile.mkdtemp(prefix="bm-conformance-")
    try:
        skip = function(tmp)
        if isinstance(skip, str) and skip.startswith("skip"):
            return "skip", function.__name__, [skip[5:]]
        return "ok", function.__name__, []
    except Exception:
        return "not ok", function.__name__, traceback.format_exc().splitlines()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    print("1..%d" % len(tests))
    failed = 0
    # The cases are independent and mostly wait for child processes: run a
    # few at a time, report in order
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        for number, (status, name, lines) in enumerate(pool.map(run_one, tests), 1):
            if status == "skip":
                print("ok %d %s # SKIP %s" % (number, name, lines[0]))
            elif status == "ok":
                print("ok %d %s" % (number, name))
            else:
                failed += 1
                print("not ok %d %s" % (number, name))
                for line in lines:
                    print("# " + line)
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
