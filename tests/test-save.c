/* test-save.c: the canonical writer and the safe save path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Some tests mount small tmpfs file systems (a full disk, a read-only
 * folder) or drop privileges: they need root and skip with a message
 * elsewhere.
 */
#define _GNU_SOURCE 1 /* unshare() */
#include "config.h"

#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "bm-generate.h"
#include "bm-map-io.h"

#define HEADER "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
/* sha256 of the serialisation of bm_generate_map (1000, 3000, 42) */
#define GENERATOR_PINNED_SHA256 "ef882435c002d9e49c0f465cb9014d6c5332f71c078f51b05c2703815d123312"

#define ROOT "<bridgemap xmlns=\"http://bridgemap.github.io/ns/1\""

/* ---- helpers ------------------------------------------------------------- */

static char *
serialize_to_string (BmMap *map)
{
  g_autoptr(GBytes) bytes = bm_map_serialize (map);
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  /* no NUL inside, so the comparison as strings sees every byte */
  g_assert_null (memchr (data, '\0', len));
  return g_strndup (data, len);
}

static void
assert_serializes_to (BmMap *map, const char *expected)
{
  g_autofree char *got = serialize_to_string (map);
  g_assert_cmpstr (got, ==, expected);
}

static BmActor *
actor_at (const char *id, const char *name, BmLevel level, BmTrack track, double x, double y)
{
  BmActor *a = bm_actor_new (id, name, level, track);
  bm_actor_set_position (a, x, y);
  return a;
}

static void
rm_rf (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_chmod (path, 0755);
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bm-test-save-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
assert_file_is (const char *path, GBytes *expected)
{
  g_autoptr(GBytes) got = read_bytes (path);
  g_assert_true (g_bytes_equal (got, expected));
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static gboolean
save_path (BmMap *map, const char *path, const char *display, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  return bm_map_save_file (map, file, display, error);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* ---- the writer: exact bytes --------------------------------------------- */

/* The example document of format.md, built as a model */
static void
test_example (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmParty *p;
  BmActor *a;

  bm_map_set_title (map, "Mozambique peace process, 1990–1992");
  bm_map_set_description (map, "Who talked to whom before the Rome accords.");
  p = bm_party_new ("gov", "Government of Mozambique (FRELIMO)");
  p->has_color = TRUE;
  p->color = 0xB03A2E;
  bm_map_insert_party (map, -1, p);
  p = bm_party_new ("renamo", "RENAMO");
  p->has_color = TRUE;
  p->color = 0x1F618D;
  bm_map_insert_party (map, -1, p);

  a = actor_at ("chissano", "Joaquim Chissano", BM_LEVEL_TOP, BM_TRACK_1, 220, 90);
  a->kind = BM_ACTOR_PERSON;
  a->party = g_strdup ("gov");
  a->sector = BM_SECTOR_GOVERNMENT;
  a->influence = 5;
  a->note = g_strdup ("President from 1986.");
  bm_map_insert_actor (map, -1, a);
  a = actor_at ("santegidio", "Community of Sant'Egidio", BM_LEVEL_MIDDLE, BM_TRACK_1_5,
                520, 450.5);
  a->sector = BM_SECTOR_RELIGION;
  bm_map_insert_actor (map, -1, a);

  {
    BmTie *t = bm_tie_new ("t1", "santegidio", "chissano", BM_TIE_MEDIATION);
    t->strength = 3;
    bm_map_insert_tie (map, -1, t);
  }

  assert_serializes_to (map,
    HEADER
    ROOT " version=\"1\">\n"
    "  <meta>\n"
    "    <title>Mozambique peace process, 1990–1992</title>\n"
    "    <description>Who talked to whom before the Rome accords.</description>\n"
    "  </meta>\n"
    "  <parties>\n"
    "    <party id=\"gov\" name=\"Government of Mozambique (FRELIMO)\" color=\"#b03a2e\"/>\n"
    "    <party id=\"renamo\" name=\"RENAMO\" color=\"#1f618d\"/>\n"
    "  </parties>\n"
    "  <actors>\n"
    "    <actor id=\"chissano\" name=\"Joaquim Chissano\" kind=\"person\" party=\"gov\" level=\"top\" track=\"1\" sector=\"government\" influence=\"5\" x=\"220\" y=\"90\">\n"
    "      <note>President from 1986.</note>\n"
    "    </actor>\n"
    "    <actor id=\"santegidio\" name=\"Community of Sant'Egidio\" kind=\"organization\" level=\"middle\" track=\"1.5\" sector=\"religion\" influence=\"3\" x=\"520\" y=\"450.5\"/>\n"
    "  </actors>\n"
    "  <ties>\n"
    "    <tie id=\"t1\" from=\"santegidio\" to=\"chissano\" kind=\"mediation\" strength=\"3\"/>\n"
    "  </ties>\n"
    "</bridgemap>\n");
}

static void
test_empty (void)
{
  g_autoptr(BmMap) map = bm_map_new ();

  assert_serializes_to (map, HEADER ROOT " version=\"1\"/>\n");

  /* only a title */
  bm_map_set_title (map, "T");
  assert_serializes_to (map,
    HEADER ROOT " version=\"1\">\n"
    "  <meta>\n"
    "    <title>T</title>\n"
    "  </meta>\n"
    "</bridgemap>\n");
}

/* Sections without items are left out; the ones with items keep the order */
static void
test_sections (void)
{
  g_autoptr(BmMap) map = bm_map_new ();

  bm_map_insert_actor (map, -1, bm_actor_new ("a", "A", BM_LEVEL_GRASSROOTS, BM_TRACK_3));
  bm_map_set_description (map, "only a description");
  assert_serializes_to (map,
    HEADER ROOT " version=\"1\">\n"
    "  <meta>\n"
    "    <description>only a description</description>\n"
    "  </meta>\n"
    "  <actors>\n"
    "    <actor id=\"a\" name=\"A\" kind=\"organization\" level=\"grassroots\" track=\"3\" influence=\"3\"/>\n"
    "  </actors>\n"
    "</bridgemap>\n");
}

/* Required and defaulted attributes are always written, absent optional
 * ones never; every enumeration token comes out as the format spells it. */
static void
test_attributes (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmParty *p = bm_party_new ("p", "No colour");
  BmActor *a;
  BmTie *t;

  bm_map_insert_party (map, -1, p);
  p = bm_party_new ("q", "Upper");
  p->has_color = TRUE;
  p->color = 0x00ABCDEF;
  bm_map_insert_party (map, -1, p);
  p = bm_party_new ("z", "Black");
  p->has_color = TRUE;
  p->color = 0;
  bm_map_insert_party (map, -1, p);

  a = bm_actor_new ("g", "G", BM_LEVEL_MIDDLE, BM_TRACK_2);
  a->kind = BM_ACTOR_GROUP;
  a->sector = BM_SECTOR_CONFLICT_RESOLUTION;
  a->influence = 1;
  bm_map_insert_actor (map, -1, a);
  bm_map_insert_actor (map, -1, bm_actor_new ("h", "H", BM_LEVEL_TOP, BM_TRACK_1));

  t = bm_tie_new ("t1", "g", "h", BM_TIE_BROKEN);
  bm_map_insert_tie (map, -1, t);
  t = bm_tie_new ("t2", "h", "g", BM_TIE_FUNDING);
  t->strength = 1;
  bm_map_insert_tie (map, -1, t);

  assert_serializes_to (map,
    HEADER ROOT " version=\"1\">\n"
    "  <parties>\n"
    "    <party id=\"p\" name=\"No colour\"/>\n"
    "    <party id=\"q\" name=\"Upper\" color=\"#abcdef\"/>\n"
    "    <party id=\"z\" name=\"Black\" color=\"#000000\"/>\n"
    "  </parties>\n"
    "  <actors>\n"
    "    <actor id=\"g\" name=\"G\" kind=\"group\" level=\"middle\" track=\"2\" sector=\"conflict-resolution\" influence=\"1\"/>\n"
    "    <actor id=\"h\" name=\"H\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "  </actors>\n"
    "  <ties>\n"
    "    <tie id=\"t1\" from=\"g\" to=\"h\" kind=\"broken\" strength=\"2\"/>\n"
    "    <tie id=\"t2\" from=\"h\" to=\"g\" kind=\"funding\" strength=\"1\"/>\n"
    "  </ties>\n"
    "</bridgemap>\n");
}

static void
test_escaping (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmActor *a;
  BmTie *t;

  bm_map_set_title (map, "A & B <c> \"q\" 'a'\ttab\r\nnext");
  a = bm_actor_new ("a", "Tom & \"Jerry\" <x> 'y'\ttab\nlf\rcr", BM_LEVEL_TOP, BM_TRACK_1);
  a->note = g_strdup ("x < y && z > \"w\" 'v'\r\n\tend ]]>");
  bm_map_insert_actor (map, -1, a);
  bm_map_insert_actor (map, -1, bm_actor_new ("b", "B", BM_LEVEL_TOP, BM_TRACK_1));
  t = bm_tie_new ("t", "a", "b", BM_TIE_CHANNEL);
  t->note = g_strdup ("  spaces kept  ");
  bm_map_insert_tie (map, -1, t);

  assert_serializes_to (map,
    HEADER ROOT " version=\"1\">\n"
    "  <meta>\n"
    "    <title>A &amp; B &lt;c&gt; \"q\" 'a'\ttab&#13;\nnext</title>\n"
    "  </meta>\n"
    "  <actors>\n"
    "    <actor id=\"a\" name=\"Tom &amp; &quot;Jerry&quot; &lt;x&gt; 'y'&#9;tab&#10;lf&#13;cr\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\">\n"
    "      <note>x &lt; y &amp;&amp; z &gt; \"w\" 'v'&#13;\n\tend ]]&gt;</note>\n"
    "    </actor>\n"
    "    <actor id=\"b\" name=\"B\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "  </actors>\n"
    "  <ties>\n"
    "    <tie id=\"t\" from=\"a\" to=\"b\" kind=\"channel\" strength=\"2\">\n"
    "      <note>  spaces kept  </note>\n"
    "    </tie>\n"
    "  </ties>\n"
    "</bridgemap>\n");
}

/* Non-ASCII is written as itself; characters XML cannot hold are dropped
 * and invalid UTF-8 becomes U+FFFD, so the file always opens again. */
static void
test_unicode (void)
{
  g_autoptr(BmMap) map = bm_map_new ();

  bm_map_insert_actor (map, -1, bm_actor_new ("ar", "مجلس السلام", BM_LEVEL_TOP, BM_TRACK_1));
  bm_map_insert_actor (map, -1, bm_actor_new ("zh", "和平委员会", BM_LEVEL_TOP, BM_TRACK_1));
  bm_map_insert_actor (map, -1, bm_actor_new ("cy", "Cafe\xCC\x81 Совет", BM_LEVEL_TOP, BM_TRACK_1));
  bm_map_insert_actor (map, -1, bm_actor_new ("ctl", "a\x01" "b\x1f" "c\xEF\xBF\xBE" "d",
                                              BM_LEVEL_TOP, BM_TRACK_1));
  bm_map_insert_actor (map, -1, bm_actor_new ("bad", "x\xC3(y", BM_LEVEL_TOP, BM_TRACK_1));

  assert_serializes_to (map,
    HEADER ROOT " version=\"1\">\n"
    "  <actors>\n"
    "    <actor id=\"ar\" name=\"مجلس السلام\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "    <actor id=\"zh\" name=\"和平委员会\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "    <actor id=\"cy\" name=\"Cafe\xCC\x81 Совет\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "    <actor id=\"ctl\" name=\"abcd\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "    <actor id=\"bad\" name=\"x\xEF\xBF\xBD(y\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\"/>\n"
    "  </actors>\n"
    "</bridgemap>\n");
}

static void
test_coordinates (void)
{
  static const struct { double in; const char *out; } cases[] = {
    { 450.5, "450.5" },
    { 1e3, "1000" },
    { -0.004, "0" },     /* rounds to -0, written 0 */
    { 0.005, "0.01" },
    { -0.005, "-0.01" },
    { 0.1 + 0.2, "0.3" },
    { 100.10, "100.1" },
    { 7, "7" },
    { -12.5, "-12.5" },
    { 123.456, "123.46" },
    { 0.07, "0.07" },
    { 1e9, "1000000000" },
    { -1e9, "-1000000000" },
    { 999999999.99, "999999999.99" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(BmMap) map = bm_map_new ();
      g_autofree char *got = NULL;
      g_autofree char *expected = NULL;

      bm_map_insert_actor (map, -1, actor_at ("a", "A", BM_LEVEL_TOP, BM_TRACK_1,
                                              cases[i].in, cases[i].in));
      got = serialize_to_string (map);
      expected = g_strdup_printf ("x=\"%s\" y=\"%s\"/>", cases[i].out, cases[i].out);
      if (strstr (got, expected) == NULL)
        g_error ("%g: expected %s in\n%s", cases[i].in, expected, got);
    }
}

/* A value set directly (bypassing bm_actor_set_position) is still written
 * rounded, and one out of the loader's range is kept inside it. */
static void
test_coordinates_unrounded (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmActor *a = bm_actor_new ("a", "A", BM_LEVEL_TOP, BM_TRACK_1);
  g_autofree char *got = NULL;

  a->has_position = TRUE;
  a->x = 1.23999;
  a->y = -0.0;
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("b", "B", BM_LEVEL_TOP, BM_TRACK_1);
  a->has_position = TRUE;
  a->x = 3e12;
  a->y = -1e300;
  bm_map_insert_actor (map, -1, a);
  got = serialize_to_string (map);
  g_assert_nonnull (strstr (got, "x=\"1.24\" y=\"0\"/>"));
  g_assert_nonnull (strstr (got, "x=\"1000000000\" y=\"-1000000000\"/>"));
}

/* %.2f must not follow the user's locale (a decimal comma would make the
 * file invalid). */
static void
test_coordinates_locale (void)
{
  const char *locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "ru_RU.UTF-8" };
  g_autofree char *old = g_strdup (setlocale (LC_NUMERIC, NULL));
  gboolean tried = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (locales); i++)
    {
      g_autoptr(BmMap) map = bm_map_new ();
      g_autofree char *got = NULL;

      if (setlocale (LC_NUMERIC, locales[i]) == NULL)
        continue;
      tried = TRUE;
      bm_map_insert_actor (map, -1, actor_at ("a", "A", BM_LEVEL_TOP, BM_TRACK_1, 1234.5, 12.25));
      got = serialize_to_string (map);
      g_assert_nonnull (strstr (got, "x=\"1234.5\" y=\"12.25\"/>"));
    }
  setlocale (LC_NUMERIC, old);
  if (!tried)
    g_test_skip ("no locale with a decimal comma is installed");
}

static void
add_ns (BmExtra *e, const char *prefix, const char *href)
{
  bm_extra_add_ns_decl (e, prefix, href);
}

static BmExtra *
new_extra (void)
{
  return bm_extra_new ();
}

/* Foreign namespace declarations, attributes and elements go where
 * format.md puts them. */
static void
test_foreign (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmExtra *root = bm_map_get_extra (map, BM_EXTRA_ROOT);
  BmParty *p;
  BmActor *a;
  BmTie *t;

  add_ns (root, "geo", "urn:example:geo");
  add_ns (root, "app", "urn:example:app");
  bm_extra_add_attr (root, "app", "urn:example:app", "saved-by", "Tool & Co");
  bm_extra_add_attr (root, "geo", "urn:example:geo", "crs", "EPSG:4326");
  bm_extra_add_child (root, "<app:view zoom=\"2\"><app:center x=\"1\"/> text <![CDATA[<raw>]]></app:view>");
  bm_extra_add_child (root, "<geo:bbox/>");

  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_META), "app", "urn:example:app", "rev", "7");
  bm_extra_add_child (bm_map_get_extra (map, BM_EXTRA_META), "<app:author>Ana</app:author>");
  bm_map_set_title (map, "T");
  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_TITLE), "xml", "http://www.w3.org/XML/1998/namespace", "lang", "pt");
  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_DESCRIPTION), "app", "urn:example:app", "empty", "yes");

  p = bm_party_new ("p", "P");
  p->extra = new_extra ();
  bm_extra_add_child (p->extra, "<app:logo href=\"p.png\"/>");
  bm_map_insert_party (map, -1, p);

  a = actor_at ("a", "A", BM_LEVEL_TOP, BM_TRACK_1, 1, 2);
  a->extra = new_extra ();
  add_ns (a->extra, "x", "urn:example:x");
  bm_extra_add_attr (a->extra, "x", "urn:example:x", "tag", "v\"1\"");
  bm_extra_add_attr (a->extra, "geo", "urn:example:geo", "lat", "-25.9");
  bm_extra_add_child (a->extra, "<x:photo>\n  as written\n</x:photo>");
  a->note = g_strdup ("N");
  a->note_extra = new_extra ();
  bm_extra_add_attr (a->note_extra, "app", "urn:example:app", "by", "me");
  bm_map_insert_actor (map, -1, a);

  a = bm_actor_new ("b", "B", BM_LEVEL_TOP, BM_TRACK_1);
  a->note_extra = new_extra ();    /* empty note with a foreign attribute */
  bm_extra_add_attr (a->note_extra, "app", "urn:example:app", "draft", "1");
  bm_map_insert_actor (map, -1, a);

  t = bm_tie_new ("t", "a", "b", BM_TIE_ALLIANCE);
  t->extra = new_extra ();
  bm_extra_add_attr (t->extra, "app", "urn:example:app", "since", "1990");
  bm_map_insert_tie (map, -1, t);

  /* an empty section with only foreign content is still written */
  bm_extra_add_child (bm_map_get_extra (map, BM_EXTRA_TIES), "<app:legend/>");

  assert_serializes_to (map,
    HEADER
    ROOT " xmlns:geo=\"urn:example:geo\" xmlns:app=\"urn:example:app\" version=\"1\" app:saved-by=\"Tool &amp; Co\" geo:crs=\"EPSG:4326\">\n"
    "  <meta app:rev=\"7\">\n"
    "    <title xml:lang=\"pt\">T</title>\n"
    "    <description app:empty=\"yes\"/>\n"
    "    <app:author>Ana</app:author>\n"
    "  </meta>\n"
    "  <parties>\n"
    "    <party id=\"p\" name=\"P\">\n"
    "      <app:logo href=\"p.png\"/>\n"
    "    </party>\n"
    "  </parties>\n"
    "  <actors>\n"
    "    <actor id=\"a\" name=\"A\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\" x=\"1\" y=\"2\" xmlns:x=\"urn:example:x\" x:tag=\"v&quot;1&quot;\" geo:lat=\"-25.9\">\n"
    "      <note app:by=\"me\">N</note>\n"
    "      <x:photo>\n  as written\n</x:photo>\n"
    "    </actor>\n"
    "    <actor id=\"b\" name=\"B\" kind=\"organization\" level=\"top\" track=\"1\" influence=\"3\">\n"
    "      <note app:draft=\"1\"/>\n"
    "    </actor>\n"
    "  </actors>\n"
    "  <ties>\n"
    "    <tie id=\"t\" from=\"a\" to=\"b\" kind=\"alliance\" strength=\"2\" app:since=\"1990\"/>\n"
    "    <app:legend/>\n"
    "  </ties>\n"
    "  <app:view zoom=\"2\"><app:center x=\"1\"/> text <![CDATA[<raw>]]></app:view>\n"
    "  <geo:bbox/>\n"
    "</bridgemap>\n");
}

/* Sections and the root with only foreign attributes take the short form */
static void
test_foreign_short_forms (void)
{
  g_autoptr(BmMap) map = bm_map_new ();

  add_ns (bm_map_get_extra (map, BM_EXTRA_ROOT), "k", "urn:k");
  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_ROOT), "k", "urn:k", "a", "1");
  assert_serializes_to (map, HEADER ROOT " xmlns:k=\"urn:k\" version=\"1\" k:a=\"1\"/>\n");

  add_ns (bm_map_get_extra (map, BM_EXTRA_PARTIES), "m", "urn:m");
  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_ACTORS), "k", "urn:k", "b", "2");
  bm_extra_add_child (bm_map_get_extra (map, BM_EXTRA_META), "<k:c/>");
  assert_serializes_to (map,
    HEADER ROOT " xmlns:k=\"urn:k\" version=\"1\" k:a=\"1\">\n"
    "  <meta>\n"
    "    <k:c/>\n"
    "  </meta>\n"
    "  <parties xmlns:m=\"urn:m\"/>\n"
    "  <actors k:b=\"2\"/>\n"
    "</bridgemap>\n");
}

/* Same model, same bytes: twice, after a copy, and for generated maps */
static void
test_deterministic (void)
{
  g_autoptr(BmMap) a = bm_generate_map (300, 900, 7);
  g_autoptr(BmMap) b = bm_generate_map (300, 900, 7);
  g_autoptr(BmMap) c = bm_map_copy (a);
  g_autoptr(BmMap) other = bm_generate_map (300, 900, 8);
  g_autoptr(GBytes) sa = bm_map_serialize (a);
  g_autoptr(GBytes) sa2 = bm_map_serialize (a);
  g_autoptr(GBytes) sb = bm_map_serialize (b);
  g_autoptr(GBytes) sc = bm_map_serialize (c);
  g_autoptr(GBytes) so = bm_map_serialize (other);

  g_assert_true (g_bytes_equal (sa, sa2));
  g_assert_true (g_bytes_equal (sa, sb));
  g_assert_true (g_bytes_equal (sa, sc));
  g_assert_false (g_bytes_equal (sa, so));
}

/* A small diff for a small edit: moving one actor changes one line */
static void
test_small_diff (void)
{
  g_autoptr(BmMap) map = bm_generate_map (50, 100, 3);
  g_autofree char *before = serialize_to_string (map);
  g_autofree char *after = NULL;
  g_auto(GStrv) lb = NULL;
  g_auto(GStrv) la = NULL;
  guint differing = 0;

  bm_map_move_actor (map, "a10", 12.5, bm_level_band_centre (bm_map_lookup_actor (map, "a10")->level));
  after = serialize_to_string (map);
  lb = g_strsplit (before, "\n", -1);
  la = g_strsplit (after, "\n", -1);
  g_assert_cmpuint (g_strv_length (lb), ==, g_strv_length (la));
  for (guint i = 0; lb[i] != NULL; i++)
    if (strcmp (lb[i], la[i]) != 0)
      {
        differing++;
        g_assert_nonnull (strstr (la[i], "id=\"a10\""));
        g_assert_nonnull (strstr (la[i], "x=\"12.5\""));
      }
  g_assert_cmpuint (differing, ==, 1);
}

/* ---- the generator ------------------------------------------------------- */

static void
test_generator (void)
{
  g_autoptr(BmMap) map = bm_generate_map (400, 1200, 1);
  gboolean levels[BM_N_LEVELS] = { 0 }, tracks[BM_N_TRACKS] = { 0 };
  gboolean sectors[BM_N_SECTORS] = { 0 }, kinds[BM_N_ACTOR_KINDS] = { 0 };
  gboolean tie_kinds[BM_N_TIE_KINDS] = { 0 };
  guint no_party = 0, no_position = 0, notes = 0, non_latin = 0;

  g_assert_cmpuint (bm_map_get_n_actors (map), ==, 400);
  g_assert_cmpuint (bm_map_get_n_ties (map), ==, 1200);
  g_assert_cmpuint (bm_map_get_n_parties (map), >=, 3);
  for (guint i = 0; i < bm_map_get_n_parties (map); i++)
    g_assert_true (bm_map_get_party (map, i)->has_color);

  for (guint i = 0; i < bm_map_get_n_actors (map); i++)
    {
      const BmActor *a = bm_map_get_actor (map, i);
      g_autofree char *id = g_strdup_printf ("a%u", i + 1);

      g_assert_cmpstr (a->id, ==, id);
      g_assert_true (bm_id_is_valid (a->id));
      g_assert_true (g_utf8_validate (a->name, -1, NULL));
      g_assert_false (g_ascii_isspace (a->name[0]));
      levels[a->level] = tracks[a->track] = sectors[a->sector] = kinds[a->kind] = TRUE;
      g_assert_cmpint (a->influence, >=, 1);
      g_assert_cmpint (a->influence, <=, 5);
      if (a->party == NULL)
        no_party++;
      else
        g_assert_nonnull (bm_map_lookup_party (map, a->party));
      if (!a->has_position)
        no_position++;
      else
        {
          g_assert_cmpint (bm_level_for_y (a->y), ==, a->level);
          g_assert_cmpfloat (a->y, >=, bm_level_band_top (a->level));
          g_assert_cmpfloat (a->y, <, bm_level_band_top (a->level) + BM_BAND_HEIGHT);
          g_assert_cmpfloat (a->x, ==, bm_round_position (a->x));
          g_assert_cmpfloat (a->y, ==, bm_round_position (a->y));
        }
      if (a->note != NULL)
        notes++;
      for (const char *p = a->name; *p; p = g_utf8_next_char (p))
        {
          GUnicodeScript s = g_unichar_get_script (g_utf8_get_char (p));
          if (s == G_UNICODE_SCRIPT_ARABIC || s == G_UNICODE_SCRIPT_HAN ||
              s == G_UNICODE_SCRIPT_CYRILLIC)
            {
              non_latin++;
              break;
            }
        }
    }
  for (guint i = 0; i < BM_N_LEVELS; i++)
    g_assert_true (levels[i]);
  for (guint i = 0; i < BM_N_TRACKS; i++)
    g_assert_true (tracks[i]);
  for (guint i = 0; i < BM_N_SECTORS; i++)
    g_assert_true (sectors[i]);
  for (guint i = 0; i < BM_N_ACTOR_KINDS; i++)
    g_assert_true (kinds[i]);
  g_assert_cmpuint (no_party, >, 0);
  g_assert_cmpuint (no_position, >, 0);
  g_assert_cmpuint (no_position, <, 400 / 5);
  g_assert_cmpuint (notes, >, 0);
  g_assert_cmpuint (non_latin, >, 0);

  for (guint i = 0; i < bm_map_get_n_ties (map); i++)
    {
      const BmTie *t = bm_map_get_tie (map, i);
      g_autofree char *id = g_strdup_printf ("t%u", i + 1);

      g_assert_cmpstr (t->id, ==, id);
      g_assert_cmpstr (t->from, !=, t->to);
      g_assert_nonnull (bm_map_lookup_actor (map, t->from));
      g_assert_nonnull (bm_map_lookup_actor (map, t->to));
      g_assert_cmpint (t->strength, >=, 1);
      g_assert_cmpint (t->strength, <=, 3);
      tie_kinds[t->kind] = TRUE;
    }
  for (guint i = 0; i < BM_N_TIE_KINDS; i++)
    g_assert_true (tie_kinds[i]);
}

/* Small and degenerate sizes */
static void
test_generator_small (void)
{
  g_autoptr(BmMap) none = bm_generate_map (0, 10, 5);
  g_autoptr(BmMap) one = bm_generate_map (1, 10, 5);
  g_autoptr(BmMap) two = bm_generate_map (2, 10, 5);

  g_assert_cmpuint (bm_map_get_n_actors (none), ==, 0);
  g_assert_cmpuint (bm_map_get_n_ties (none), ==, 0);
  g_assert_cmpuint (bm_map_get_n_actors (one), ==, 1);
  g_assert_cmpuint (bm_map_get_n_ties (one), ==, 0);
  g_assert_cmpuint (bm_map_get_n_ties (two), ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpstr (bm_map_get_tie (two, i)->from, !=, bm_map_get_tie (two, i)->to);
}

/* The generator's output is pinned: it must not drift between machines or
 * versions without anyone noticing (benchmarks compare figures over time). */
static void
test_generator_pinned (void)
{
  g_autoptr(BmMap) map = bm_generate_map (1000, 3000, 42);
  g_autoptr(GBytes) bytes = bm_map_serialize (map);
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  g_test_message ("bm_generate_map (1000, 3000, 42): %" G_GSIZE_FORMAT " bytes, sha256 %s",
                  g_bytes_get_size (bytes), sum);
  g_assert_cmpstr (sum, ==, GENERATOR_PINNED_SHA256);
}

/* ---- saving to files ----------------------------------------------------- */

static void
test_save_new_and_replace (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autoptr(BmMap) a = bm_generate_map (20, 40, 1);
  g_autoptr(BmMap) b = bm_generate_map (30, 60, 2);
  g_autoptr(GBytes) sa = bm_map_serialize (a);
  g_autoptr(GBytes) sb = bm_map_serialize (b);
  g_autoptr(GError) error = NULL;
  mode_t old_mask = umask (022);

  g_assert_true (save_path (a, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  assert_file_is (path, sa);
  g_assert_cmpuint (file_mode (path), ==, 0644);

  g_assert_true (save_path (b, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  assert_file_is (path, sb);
  g_assert_cmpuint (count_entries (dir), ==, 1);   /* no temporary left */

  umask (old_mask);
  rm_rf (dir);
}

/* Existing files keep their bits exactly, whatever the umask; new files get
 * 0644 narrowed by the umask. */
static void
test_save_permissions (void)
{
  static const mode_t masks[] = { 077, 000, 022 };
  static const guint modes[] = { 0600, 0640, 0644, 0660, 0755, 0666, 0400 };
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(BmMap) map = bm_generate_map (5, 5, 1);
  g_autoptr(GBytes) bytes = bm_map_serialize (map);

  for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
    {
      mode_t old_mask = umask (masks[m]);

      for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
        {
          g_autofree char *path = g_strdup_printf ("%s/m%o-%o.bridgemap", dir,
                                                   (guint) masks[m], modes[i]);
          g_autoptr(GError) error = NULL;
          gboolean ok;

          g_assert_true (g_file_set_contents (path, "old", -1, NULL));
          g_assert_cmpint (g_chmod (path, modes[i]), ==, 0);
          ok = save_path (map, path, "f", &error);
          if (!(modes[i] & 0200) && geteuid () != 0)
            {
              /* a read-only file is not replaced behind the user's back */
              g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
              g_assert_false (ok);
              continue;
            }
          g_assert_no_error (error);
          g_assert_true (ok);
          assert_file_is (path, bytes);
          if (file_mode (path) != modes[i])
            g_error ("umask %03o: mode %04o became %04o", (guint) masks[m],
                     modes[i], file_mode (path));
        }

      {
        g_autofree char *path = g_strdup_printf ("%s/new-%o.bridgemap", dir, (guint) masks[m]);
        g_autoptr(GError) error = NULL;

        g_assert_true (save_path (map, path, "f", &error));
        g_assert_no_error (error);
        g_assert_cmpuint (file_mode (path), ==, 0644 & ~masks[m]);
      }
      umask (old_mask);
    }
  rm_rf (dir);
}

/* Saving as root keeps the owner of the file (an administrator fixing a
 * user's map must not take it away from them) */
static void
test_save_owner (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(BmMap) map = bm_generate_map (5, 5, 1);
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (geteuid () != 0)
    {
      g_test_skip ("only root can save a file owned by someone else");
      return;
    }
  dir = make_tmp_dir ();
  path = g_build_filename (dir, "theirs.bridgemap", NULL);
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  g_assert_cmpint (g_chmod (path, 0604), ==, 0);
  g_assert_true (save_path (map, path, "theirs.bridgemap", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_uid, ==, 65534);
  g_assert_cmpuint (st.st_gid, ==, 65534);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0604);
  rm_rf (dir);
}

/* Saving through a link writes the file it points to and keeps the link,
 * along a chain of links, relative ones relative to their own folder. */
static void
test_save_symlink (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *real_dir = g_build_filename (dir, "real", NULL);
  g_autofree char *link_dir = g_build_filename (dir, "links", NULL);
  g_autofree char *real = g_build_filename (real_dir, "map.bridgemap", NULL);
  g_autofree char *rel_link = g_build_filename (link_dir, "rel.bridgemap", NULL);
  g_autofree char *abs_link = g_build_filename (dir, "abs.bridgemap", NULL);
  g_autofree char *dangling = g_build_filename (link_dir, "dangling.bridgemap", NULL);
  g_autofree char *dangling_target = g_build_filename (real_dir, "new.bridgemap", NULL);
  g_autoptr(BmMap) map = bm_generate_map (10, 10, 4);
  g_autoptr(GBytes) bytes = bm_map_serialize (map);
  g_autoptr(GError) error = NULL;
  g_autofree char *target = NULL;
  GStatBuf st;

  g_assert_cmpint (g_mkdir (real_dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (link_dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (real, "old", -1, NULL));
  g_assert_cmpint (g_chmod (real, 0640), ==, 0);
  /* links/rel.bridgemap -> ../real/map.bridgemap (relative to links/) */
  g_assert_cmpint (symlink ("../real/map.bridgemap", rel_link), ==, 0);
  /* abs.bridgemap -> DIR/links/rel.bridgemap (absolute, to another link) */
  g_assert_cmpint (symlink (rel_link, abs_link), ==, 0);

  g_assert_true (save_path (map, abs_link, "abs.bridgemap", &error));
  g_assert_no_error (error);
  assert_file_is (real, bytes);
  g_assert_cmpuint (file_mode (real), ==, 0640);
  g_assert_cmpint (g_lstat (abs_link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_lstat (rel_link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  target = g_file_read_link (rel_link, NULL);
  g_assert_cmpstr (target, ==, "../real/map.bridgemap");
  g_assert_cmpuint (count_entries (real_dir), ==, 1);
  g_assert_cmpuint (count_entries (link_dir), ==, 1);

  /* a dangling link: the file it names is created, the link kept */
  g_assert_cmpint (symlink ("../real/new.bridgemap", dangling), ==, 0);
  g_assert_true (save_path (map, dangling, "dangling.bridgemap", &error));
  g_assert_no_error (error);
  assert_file_is (dangling_target, bytes);
  g_assert_cmpint (g_lstat (dangling, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));

  rm_rf (dir);
}

static void
test_save_symlink_loop (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *a = g_build_filename (dir, "a.bridgemap", NULL);
  g_autofree char *b = g_build_filename (dir, "b.bridgemap", NULL);
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (symlink ("b.bridgemap", a), ==, 0);
  g_assert_cmpint (symlink ("a.bridgemap", b), ==, 0);
  g_assert_false (save_path (map, a, "a.bridgemap", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "a.bridgemap: cannot save: too many symbolic links");
  rm_rf (dir);
}

static void
test_save_errors (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "map.bridgemap", NULL);
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) remote = g_file_new_for_uri ("http://example.invalid/map.bridgemap");

  g_assert_false (save_path (map, missing, "no-such-folder/map.bridgemap", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==,
                   "no-such-folder/map.bridgemap: cannot save: the folder does not exist");
  g_clear_error (&error);

  g_assert_false (save_path (map, dir, "folder", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "folder: cannot save: it is a folder");
  g_clear_error (&error);

  g_assert_false (bm_map_save_file (map, remote, "http://example.invalid/map.bridgemap", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, "http://example.invalid/map.bridgemap: cannot save: "));
  g_clear_error (&error);

  /* without a display name, the path names the file */
  {
    g_autoptr(GFile) file = g_file_new_for_path (missing);
    g_assert_false (bm_write_file_safely (file, NULL, "x", 1, &error));
    g_assert_true (g_str_has_prefix (error->message, missing));
  }
  rm_rf (dir);
}

/* ---- a full disk and a read-only folder (tmpfs, needs root) -------------- */

/* Mounts go into a private mount namespace where the kernel allows it, so
 * a test that fails half-way leaves no mount behind on the machine. */
static void
enter_private_mount_namespace (void)
{
  static gboolean done = FALSE;

  if (done)
    return;
  done = TRUE;
  if (unshare (CLONE_NEWNS) != 0)
    return;
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_test_message ("mounts are not private: %s", g_strerror (errno));
}

static gboolean
mount_tmpfs (const char *dir, const char *options)
{
  enter_private_mount_namespace ();
  if (mount ("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, options) != 0)
    {
      g_autofree char *msg = g_strdup_printf ("cannot mount a tmpfs here (%s); run as root "
                                              "to test saving on a full or read-only disk",
                                              g_strerror (errno));
      g_test_skip (msg);
      return FALSE;
    }
  return TRUE;
}

static void
test_save_full_disk (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autofree char *filler = g_build_filename (dir, "filler", NULL);
  g_autoptr(BmMap) old_map = bm_generate_map (30, 60, 11);
  g_autoptr(BmMap) new_map = bm_generate_map (120, 300, 12);
  g_autoptr(GBytes) old_bytes = bm_map_serialize (old_map);
  g_autoptr(GError) error = NULL;
  char block[1024] = { 0 };
  gsize filled = 0;
  int fd;

  if (!mount_tmpfs (dir, "size=64k,mode=0755"))
    {
      rm_rf (dir);
      return;
    }
  g_assert_cmpuint (g_bytes_get_size (old_bytes), <, 32 * 1024);
  g_assert_true (save_path (old_map, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0640), ==, 0);

  /* fill the disk, then free 4 KiB: less than the new map needs */
  fd = g_open (filler, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  for (;;)
    {
      ssize_t n = write (fd, block, sizeof block);
      if (n < 0)
        break;
      filled += n;
    }
  g_assert_cmpint (errno, ==, ENOSPC);
  g_assert_cmpint (ftruncate (fd, filled - 4096), ==, 0);
  close (fd);

  g_assert_false (save_path (new_map, path, "map.bridgemap", &error));
  assert_file_is (path, old_bytes);
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "map.bridgemap: cannot save: the disk is full");
  g_assert_cmpuint (file_mode (path), ==, 0640);
  g_assert_cmpuint (count_entries (dir), ==, 2);   /* no temporary left */

  /* room again: the same save succeeds */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_clear_error (&error);
  g_assert_true (save_path (new_map, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) new_bytes = bm_map_serialize (new_map);
    assert_file_is (path, new_bytes);
  }
  g_assert_cmpuint (file_mode (path), ==, 0640);

  g_assert_cmpint (umount2 (dir, MNT_DETACH), ==, 0);
  rm_rf (dir);
}

static void
test_save_read_only (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autofree char *new_path = g_build_filename (dir, "new.bridgemap", NULL);
  g_autoptr(BmMap) old_map = bm_generate_map (10, 20, 21);
  g_autoptr(BmMap) new_map = bm_generate_map (10, 20, 22);
  g_autoptr(GBytes) old_bytes = bm_map_serialize (old_map);
  g_autoptr(GError) error = NULL;

  if (!mount_tmpfs (dir, "size=64k,mode=0755"))
    {
      rm_rf (dir);
      return;
    }
  g_assert_true (save_path (old_map, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  if (mount (NULL, dir, NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL) != 0)
    {
      g_test_skip ("cannot remount the tmpfs read-only");
      umount2 (dir, MNT_DETACH);
      rm_rf (dir);
      return;
    }

  g_assert_false (save_path (new_map, path, "map.bridgemap", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "map.bridgemap: cannot save: the folder is read-only");
  assert_file_is (path, old_bytes);
  g_clear_error (&error);

  g_assert_false (save_path (new_map, new_path, "new.bridgemap", &error));
  g_assert_cmpstr (error->message, ==, "new.bridgemap: cannot save: the folder is read-only");
  g_assert_false (g_file_test (new_path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (umount2 (dir, MNT_DETACH), ==, 0);
  rm_rf (dir);
}

/* A folder the user may not write to.  Root ignores permission bits, so as
 * root the save runs in a child process that became "nobody". */
static void
check_permission_denied (const char *dir, const char *path, GBytes *old_bytes)
{
  g_autoptr(BmMap) map = bm_generate_map (3, 3, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *new_path = g_build_filename (dir, "new.bridgemap", NULL);

  g_assert_false (save_path (map, path, "map.bridgemap", &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_cmpstr (error->message, ==, "map.bridgemap: cannot save: permission denied");
  assert_file_is (path, old_bytes);
  g_clear_error (&error);
  g_assert_false (save_path (map, new_path, "new.bridgemap", &error));
  g_assert_cmpstr (error->message, ==, "new.bridgemap: cannot save: permission denied");
}

static void
test_save_permission_denied (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autoptr(BmMap) old_map = bm_generate_map (10, 20, 31);
  g_autoptr(GBytes) old_bytes = bm_map_serialize (old_map);
  g_autoptr(GError) error = NULL;

  g_assert_true (save_path (old_map, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  /* writable file, read-only folder */
  g_assert_cmpint (g_chmod (path, 0666), ==, 0);
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);

  if (geteuid () != 0)
    check_permission_denied (dir, path, old_bytes);
  else
    {
      pid_t pid;
      int status;

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          if (setgid (65534) != 0 || setuid (65534) != 0)
            _exit (77);
          /* the folder must be reachable for "nobody" */
          if (access (dir, X_OK) != 0)
            _exit (78);
          check_permission_denied (dir, path, old_bytes);
          _exit (0);
        }
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      if (WIFEXITED (status) && (WEXITSTATUS (status) == 77 || WEXITSTATUS (status) == 78))
        g_test_skip ("cannot run as an unprivileged user to test a folder without write permission");
      else
        {
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
        }
    }
  assert_file_is (path, old_bytes);
  rm_rf (dir);
}

/* ---- killed while saving ------------------------------------------------- */

static gboolean
bytes_equal_file (const char *path, GBytes *a)
{
  g_autoptr(GBytes) got = read_bytes (path);
  return g_bytes_equal (got, a);
}

/* A child process saves two big maps over the same file in turn, and is
 * killed with SIGKILL at a seeded random moment, many times.  The file must
 * always be exactly one of the two documents. */
static void
test_save_killed (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autoptr(BmMap) map_a = bm_generate_map (2000, 6000, 101);
  g_autoptr(BmMap) map_b = bm_generate_map (2500, 7000, 102);
  g_autoptr(GBytes) bytes_a = bm_map_serialize (map_a);
  g_autoptr(GBytes) bytes_b = bm_map_serialize (map_b);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GError) error = NULL;
  guint32 seed = 20240501;
  guint rounds = g_test_slow () ? 200 : 40;
  guint seen_a = 0, seen_b = 0;
  gint64 t0, save_usec;

  if (g_getenv ("BM_TEST_SEED") != NULL)
    seed = (guint32) g_ascii_strtoull (g_getenv ("BM_TEST_SEED"), NULL, 10);
  rand = g_rand_new_with_seed (seed);
  g_test_message ("kill test seed %u (set BM_TEST_SEED to repeat)", seed);

  /* how long one save takes here, to spread the kills over it */
  t0 = g_get_monotonic_time ();
  g_assert_true (save_path (map_a, path, "map.bridgemap", &error));
  g_assert_no_error (error);
  save_usec = MAX (g_get_monotonic_time () - t0, 1000);
  g_test_message ("one save of %" G_GSIZE_FORMAT " bytes: %" G_GINT64_FORMAT " µs",
                  g_bytes_get_size (bytes_a), save_usec);

  for (guint round = 0; round < rounds; round++)
    {
      guint delay = g_rand_int_range (rand, 0, (gint32) MIN (save_usec * 3, G_MAXINT32 / 2));
      pid_t pid;
      int status;
      g_autoptr(GDir) d = NULL;
      const char *name;

      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          g_autoptr(GFile) file = g_file_new_for_path (path);
          for (;;)
            {
              bm_write_file_safely (file, "map.bridgemap", g_bytes_get_data (bytes_b, NULL),
                                    g_bytes_get_size (bytes_b), NULL);
              bm_write_file_safely (file, "map.bridgemap", g_bytes_get_data (bytes_a, NULL),
                                    g_bytes_get_size (bytes_a), NULL);
            }
        }
      g_usleep (delay);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));

      if (bytes_equal_file (path, bytes_a))
        seen_a++;
      else if (bytes_equal_file (path, bytes_b))
        seen_b++;
      else
        g_error ("round %u (seed %u, kill after %u µs): the file is neither the old "
                 "nor the new document", round, seed, delay);

      /* a killed save may leave its temporary file behind, never the map */
      d = g_dir_open (dir, 0, NULL);
      while ((name = g_dir_read_name (d)) != NULL)
        if (strcmp (name, "map.bridgemap") != 0)
          {
            g_autofree char *leftover = g_build_filename (dir, name, NULL);
            g_unlink (leftover);
          }
    }
  g_test_message ("after %u kills: %u times map A, %u times map B", rounds, seen_a, seen_b);

  /* each round found one of the two documents, byte for byte: both open
   * as the maps they were saved from, and so does the file left now */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(BmMap) loaded = bm_map_load_file (file, "map.bridgemap", &error);
    g_autoptr(BmMap) loaded_a = bm_map_load_from_data (g_bytes_get_data (bytes_a, NULL),
                                                       g_bytes_get_size (bytes_a), "a",
                                                       NULL, &error);
    g_autoptr(BmMap) loaded_b = bm_map_load_from_data (g_bytes_get_data (bytes_b, NULL),
                                                       g_bytes_get_size (bytes_b), "b",
                                                       NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (loaded);
    g_assert_true (bm_map_equal (loaded_a, map_a));
    g_assert_true (bm_map_equal (loaded_b, map_b));
    g_assert_true (bm_map_equal (loaded, map_a) || bm_map_equal (loaded, map_b));
  }
  rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/save/serialize/example", test_example);
  g_test_add_func ("/save/serialize/empty", test_empty);
  g_test_add_func ("/save/serialize/sections", test_sections);
  g_test_add_func ("/save/serialize/attributes", test_attributes);
  g_test_add_func ("/save/serialize/escaping", test_escaping);
  g_test_add_func ("/save/serialize/unicode", test_unicode);
  g_test_add_func ("/save/serialize/coordinates", test_coordinates);
  g_test_add_func ("/save/serialize/coordinates-unrounded", test_coordinates_unrounded);
  g_test_add_func ("/save/serialize/coordinates-locale", test_coordinates_locale);
  g_test_add_func ("/save/serialize/foreign", test_foreign);
  g_test_add_func ("/save/serialize/foreign-short-forms", test_foreign_short_forms);
  g_test_add_func ("/save/serialize/deterministic", test_deterministic);
  g_test_add_func ("/save/serialize/small-diff", test_small_diff);
  g_test_add_func ("/save/generate/coverage", test_generator);
  g_test_add_func ("/save/generate/small", test_generator_small);
  g_test_add_func ("/save/generate/pinned", test_generator_pinned);
  g_test_add_func ("/save/file/new-and-replace", test_save_new_and_replace);
  g_test_add_func ("/save/file/permissions", test_save_permissions);
  g_test_add_func ("/save/file/owner", test_save_owner);
  g_test_add_func ("/save/file/symlink", test_save_symlink);
  g_test_add_func ("/save/file/symlink-loop", test_save_symlink_loop);
  g_test_add_func ("/save/file/errors", test_save_errors);
  g_test_add_func ("/save/file/full-disk", test_save_full_disk);
  g_test_add_func ("/save/file/read-only", test_save_read_only);
  g_test_add_func ("/save/file/permission-denied", test_save_permission_denied);
  g_test_add_func ("/save/file/killed", test_save_killed);

  return g_test_run ();
}
