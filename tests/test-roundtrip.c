/* test-roundtrip.c: what is saved opens again as the same map
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loader and the writer must agree: load → save → load gives an equal
 * model, a canonical file comes back byte for byte, and saving twice gives
 * the same bytes.  Fixtures are in tests/data/save/.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "bm-generate.h"
#include "bm-map-io.h"

/* ---- helpers ------------------------------------------------------------- */

static char *
fixture_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", "save", name, NULL);
}

static GBytes *
read_fixture (const char *name)
{
  g_autofree char *path = fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *data;
  gsize len;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static BmMap *
load_bytes (GBytes *bytes, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  BmMap *map;

  map = bm_map_load_from_data (data, len, name, &problems, &error);
  if (map == NULL)
    g_error ("%s does not load:\n%s", name, error->message);
  return map;
}

static char *
bytes_to_string (GBytes *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  return g_strndup (data, len);
}

static void
assert_same_bytes (GBytes *got, GBytes *expected, const char *what)
{
  if (!g_bytes_equal (got, expected))
    {
      g_autofree char *g = bytes_to_string (got);
      g_autofree char *e = bytes_to_string (expected);

      g_test_message ("%s: expected\n%s\n---- got\n%s", what, e, g);
      g_assert_cmpstr (g, ==, e);
      g_assert_true (g_bytes_equal (got, expected));  /* a difference after a NUL */
    }
}

/* load(bytes) = map; serialize(map) = s1; load(s1) equals map;
 * serialize(load(s1)) = s1.  Returns s1. */
static GBytes *
check_round_trip (BmMap *map, const char *what)
{
  g_autoptr(GBytes) s1 = bm_map_serialize (map);
  g_autoptr(GBytes) s1_again = bm_map_serialize (map);
  g_autoptr(BmMap) reloaded = load_bytes (s1, what);
  g_autoptr(GBytes) s2 = NULL;

  assert_same_bytes (s1_again, s1, what);
  if (!bm_map_equal (map, reloaded))
    g_error ("%s: the reloaded map differs from the saved one", what);
  s2 = bm_map_serialize (reloaded);
  assert_same_bytes (s2, s1, what);
  return g_steal_pointer (&s1);
}

/* A canonical file comes out exactly as it went in */
static void
check_canonical_fixture (const char *name)
{
  g_autoptr(GBytes) in = read_fixture (name);
  g_autoptr(BmMap) map = load_bytes (in, name);
  g_autoptr(GBytes) out = check_round_trip (map, name);

  assert_same_bytes (out, in, name);
}

/* ---- fixtures ------------------------------------------------------------ */

static const char format_example[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<bridgemap xmlns=\"http://bridgemap.github.io/ns/1\" version=\"1\">\n"
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
  "</bridgemap>\n";

static void
test_format_example (void)
{
  g_autoptr(GBytes) in = g_bytes_new_static (format_example, strlen (format_example));
  g_autoptr(BmMap) map = load_bytes (in, "example.bridgemap");
  g_autoptr(GBytes) out = check_round_trip (map, "example.bridgemap");

  assert_same_bytes (out, in, "format.md example");
}

static void
test_empty (void)
{
  static const char empty[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<bridgemap xmlns=\"http://bridgemap.github.io/ns/1\" version=\"1\"/>\n";
  g_autoptr(GBytes) in = g_bytes_new_static (empty, strlen (empty));
  g_autoptr(BmMap) map = load_bytes (in, "empty.bridgemap");
  g_autoptr(GBytes) out = check_round_trip (map, "empty.bridgemap");

  assert_same_bytes (out, in, "empty map");
}

/* Foreign namespaces: declarations, attributes and elements (with nested
 * elements, mixed text, comments, processing instructions and CDATA) */
static void
test_foreign (void)
{
  check_canonical_fixture ("foreign.bridgemap");
}

/* Empty text elements and sections kept for their foreign content alone */
static void
test_foreign_empty (void)
{
  check_canonical_fixture ("foreign-empty.bridgemap");
}

/* Arabic, Chinese, Cyrillic, combining characters, characters outside the
 * Basic Multilingual Plane */
static void
test_unicode (void)
{
  check_canonical_fixture ("unicode.bridgemap");
}

/* Any valid input is written in the one canonical form */
static void
test_noncanonical (void)
{
  g_autoptr(GBytes) in = read_fixture ("noncanonical-in.bridgemap");
  g_autoptr(GBytes) expected = read_fixture ("noncanonical-out.bridgemap");
  g_autoptr(BmMap) map = load_bytes (in, "noncanonical-in.bridgemap");
  g_autoptr(GBytes) out = check_round_trip (map, "noncanonical-in.bridgemap");

  assert_same_bytes (out, expected, "noncanonical-in.bridgemap");
}

/* Every example shipped with the application survives a round trip */
static void
test_examples (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "..", "data", "examples", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  if (dir == NULL)
    {
      g_test_skip ("no data/examples folder");
      return;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr(GBytes) in = NULL;
      g_autoptr(BmMap) map = NULL;
      g_autoptr(GBytes) out = NULL;
      char *data;
      gsize len;

      if (!g_str_has_suffix (name, ".bridgemap"))
        continue;
      path = g_build_filename (dir_path, name, NULL);
      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      in = g_bytes_new_take (data, len);
      map = load_bytes (in, name);
      out = check_round_trip (map, name);
      n++;
    }
  g_test_message ("%u example maps", n);
}

/* ---- hand-built models --------------------------------------------------- */

/* Foreign content built in the model survives save and load */
static void
test_model_foreign (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  BmExtra *root = bm_map_get_extra (map, BM_EXTRA_ROOT);
  BmActor *a;
  BmTie *t;

  bm_extra_add_ns_decl (root, "k", "urn:example:k");
  bm_extra_add_attr (root, "k", "urn:example:k", "a", "1 & 2\t<x>");
  bm_extra_add_child (root, "<k:settings><k:grid size=\"10\"/></k:settings>");
  bm_extra_add_child (bm_map_get_extra (map, BM_EXTRA_PARTIES), "<k:note>text</k:note>");
  bm_extra_add_attr (bm_map_get_extra (map, BM_EXTRA_ACTORS), "k", "urn:example:k", "sort", "name");

  a = bm_actor_new ("a", "A", BM_LEVEL_TOP, BM_TRACK_1);
  a->extra = bm_extra_new ();
  bm_extra_add_ns_decl (a->extra, "m", "urn:example:m");
  bm_extra_add_attr (a->extra, "m", "urn:example:m", "id", "42");
  bm_extra_add_child (a->extra, "<m:photo src=\"a.jpg\"/>");
  a->note = g_strdup ("n");
  a->note_extra = bm_extra_new ();
  bm_extra_add_attr (a->note_extra, "k", "urn:example:k", "lang", "en");
  bm_map_insert_actor (map, -1, a);
  bm_map_insert_actor (map, -1, bm_actor_new ("b", "B", BM_LEVEL_TOP, BM_TRACK_2));
  t = bm_tie_new ("t", "a", "b", BM_TIE_CHANNEL);
  t->extra = bm_extra_new ();
  bm_extra_add_child (t->extra, "<k:evidence>minutes, 12 May</k:evidence>");
  bm_map_insert_tie (map, -1, t);

  g_bytes_unref (check_round_trip (map, "model-foreign"));
}

/* ---- randomised ---------------------------------------------------------- */

/* Generated maps of several sizes and seeds */
static void
test_generated (void)
{
  static const struct { guint actors, ties; } sizes[] = {
    { 0, 0 }, { 1, 0 }, { 2, 5 }, { 12, 30 }, { 200, 600 }, { 2000, 6000 },
  };
  guint32 base = 1;
  guint rounds = g_test_slow () ? 40 : 8;

  if (g_getenv ("BM_TEST_SEED") != NULL)
    base = (guint32) g_ascii_strtoull (g_getenv ("BM_TEST_SEED"), NULL, 10);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (guint r = 0; r < (sizes[s].actors >= 2000 ? 2 : rounds); r++)
      {
        guint32 seed = base + r;
        g_autoptr(BmMap) map = bm_generate_map (sizes[s].actors, sizes[s].ties, seed);
        g_autofree char *what = g_strdup_printf ("bm_generate_map (%u, %u, %u)",
                                                 sizes[s].actors, sizes[s].ties, seed);

        g_test_message ("%s", what);
        g_bytes_unref (check_round_trip (map, what));
      }
}

/* Random text: everything XML 1.0 can hold, including what needs escaping,
 * white space at the ends, CR, and characters outside the BMP. */
static char *
random_text (GRand *rand, gboolean for_name)
{
  static const char *pieces[] = {
    "a", "Z", "0", " ", "  ", "\t", "\n", "\r", "\r\n", "&", "<", ">", "\"", "'",
    "&amp;", "]]>", "é", "e\xCC\x81", "ß", "س", "ل", "م", "和", "平", "Д", "я",
    "😀", "𝄞", "\xE2\x80\x8F", "\xC2\xA0", "--", "<!--", "?>", "%", ";", "#",
  };
  GString *s = g_string_new (NULL);
  guint n = g_rand_int_range (rand, 1, 24);

  for (guint i = 0; i < n; i++)
    g_string_append (s, pieces[g_rand_int_range (rand, 0, G_N_ELEMENTS (pieces))]);
  if (for_name)
    {
      /* a name is trimmed of XML white space on load and must not be empty */
      while (s->len > 0 && strchr (" \t\r\n", s->str[s->len - 1]) != NULL)
        g_string_truncate (s, s->len - 1);
      while (s->len > 0 && strchr (" \t\r\n", s->str[0]) != NULL)
        g_string_erase (s, 0, 1);
      if (s->len == 0)
        g_string_append (s, "x");
    }
  return g_string_free (s, FALSE);
}

static BmMap *
random_text_map (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  BmMap *map = bm_map_new ();
  g_autofree char *title = random_text (rand, FALSE);
  guint n = 30;

  bm_map_set_title (map, title);
  for (guint p = 0; p < 3; p++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", p);
      g_autofree char *name = random_text (rand, TRUE);
      BmParty *party = bm_party_new (id, name);

      party->has_color = g_rand_boolean (rand);
      party->color = g_rand_int (rand) & 0xFFFFFF;
      bm_map_insert_party (map, -1, party);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("a%u", i);
      g_autofree char *name = random_text (rand, TRUE);
      BmLevel level = g_rand_int_range (rand, 0, BM_N_LEVELS);
      BmActor *a = bm_actor_new (id, name, level, g_rand_int_range (rand, 0, BM_N_TRACKS));

      a->kind = g_rand_int_range (rand, 0, BM_N_ACTOR_KINDS);
      a->sector = g_rand_int_range (rand, 0, BM_N_SECTORS);
      a->influence = g_rand_int_range (rand, 1, 6);
      if (g_rand_boolean (rand))
        a->party = g_strdup_printf ("p%d", g_rand_int_range (rand, 0, 3));
      if (g_rand_int_range (rand, 0, 4) > 0)
        bm_actor_set_position (a, g_rand_double_range (rand, -1e6, 1e6),
                               bm_level_band_top (level) +
                               g_rand_double_range (rand, 0, BM_BAND_HEIGHT - 0.01));
      if (g_rand_boolean (rand))
        a->note = random_text (rand, FALSE);
      bm_map_insert_actor (map, -1, a);
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", i);
      guint from = g_rand_int_range (rand, 0, n);
      guint to = (from + g_rand_int_range (rand, 1, n)) % n;
      BmTie *t = bm_tie_new (id, bm_map_get_actor (map, from)->id, bm_map_get_actor (map, to)->id,
                             g_rand_int_range (rand, 0, BM_N_TIE_KINDS));

      t->strength = g_rand_int_range (rand, 1, 4);
      if (g_rand_boolean (rand))
        t->note = random_text (rand, FALSE);
      bm_map_insert_tie (map, -1, t);
    }
  return map;
}

static void
test_random_text (void)
{
  guint32 base = 1000;
  guint rounds = g_test_slow () ? 500 : 60;

  if (g_getenv ("BM_TEST_SEED") != NULL)
    base = (guint32) g_ascii_strtoull (g_getenv ("BM_TEST_SEED"), NULL, 10);
  for (guint r = 0; r < rounds; r++)
    {
      guint32 seed = base + r;
      g_autoptr(BmMap) map = random_text_map (seed);
      g_autofree char *what = g_strdup_printf ("random text map, seed %u "
                                               "(BM_TEST_SEED=%u repeats it)", seed, seed);
      g_bytes_unref (check_round_trip (map, what));
    }
}

/* ---- through a file ------------------------------------------------------ */

static void
test_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("bm-test-roundtrip-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "map.bridgemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(BmMap) map = bm_generate_map (500, 1500, 77);
  g_autoptr(BmMap) loaded = NULL;

  g_assert_no_error (error);
  g_assert_true (bm_map_save_file (map, file, "map.bridgemap", &error));
  g_assert_no_error (error);
  loaded = bm_map_load_file (file, "map.bridgemap", &error);
  g_assert_no_error (error);
  g_assert_true (bm_map_equal (map, loaded));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/roundtrip/format-example", test_format_example);
  g_test_add_func ("/roundtrip/empty", test_empty);
  g_test_add_func ("/roundtrip/foreign", test_foreign);
  g_test_add_func ("/roundtrip/foreign-empty", test_foreign_empty);
  g_test_add_func ("/roundtrip/unicode", test_unicode);
  g_test_add_func ("/roundtrip/noncanonical", test_noncanonical);
  g_test_add_func ("/roundtrip/examples", test_examples);
  g_test_add_func ("/roundtrip/model-foreign", test_model_foreign);
  g_test_add_func ("/roundtrip/generated", test_generated);
  g_test_add_func ("/roundtrip/random-text", test_random_text);
  g_test_add_func ("/roundtrip/file", test_file);

  return g_test_run ();
}
