/* test-analysis.c: the gap analysis of domain.md, section 4
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each fixture tests/data/analysis/NAME.bridgemap comes with the report
 * NAME.json worked out by hand from the definitions (the reasoning is in a
 * comment at the top of each fixture).  The other tests build small maps
 * in code.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

#include "bm-analysis.h"
#include "bm-generate.h"
#include "bm-map-io.h"

/* ---- building maps in code ---- */

static void
add_party (BmMap *map, const char *id, const char *name)
{
  bm_map_insert_party (map, -1, bm_party_new (id, name));
}

static void
add_actor (BmMap *map, const char *id, const char *name, const char *party,
           BmLevel level, BmTrack track)
{
  BmActor *actor = bm_actor_new (id, name, level, track);
  actor->party = g_strdup (party);
  bm_map_insert_actor (map, -1, actor);
}

static void
add_tie (BmMap *map, const char *from, const char *to, BmTieKind kind)
{
  g_autofree char *id = bm_map_new_id (map, "t");
  bm_map_insert_tie (map, -1, bm_tie_new (id, from, to, kind));
}

/* ---- comparing JSON ---- */

/* Structural equality that also checks the order of object members
 * (format.md fixes it) */
static gboolean
json_same (JsonNode *a, JsonNode *b, GString *where)
{
  if (JSON_NODE_TYPE (a) != JSON_NODE_TYPE (b))
    {
      g_string_append (where, ": different types");
      return FALSE;
    }

  switch (JSON_NODE_TYPE (a))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *oa = json_node_get_object (a), *ob = json_node_get_object (b);
        g_autoptr(GList) ma = json_object_get_members (oa);
        g_autoptr(GList) mb = json_object_get_members (ob);
        GList *la, *lb;

        for (la = ma, lb = mb; la != NULL && lb != NULL; la = la->next, lb = lb->next)
          {
            if (strcmp (la->data, lb->data) != 0)
              {
                g_string_append_printf (where, ": member \"%s\" where \"%s\" was expected",
                                        (char *) la->data, (char *) lb->data);
                return FALSE;
              }
            g_string_append_printf (where, ".%s", (char *) la->data);
            if (!json_same (json_object_get_member (oa, la->data),
                            json_object_get_member (ob, lb->data), where))
              return FALSE;
            g_string_truncate (where, where->len - strlen (la->data) - 1);
          }
        if (la != NULL || lb != NULL)
          {
            g_string_append (where, ": different members");
            return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a), *ab = json_node_get_array (b);
        guint n = json_array_get_length (aa);

        if (n != json_array_get_length (ab))
          {
            g_string_append_printf (where, ": %u items where %u were expected",
                                    n, json_array_get_length (ab));
            return FALSE;
          }
        for (guint i = 0; i < n; i++)
          {
            gsize len = where->len;
            g_string_append_printf (where, "[%u]", i);
            if (!json_same (json_array_get_element (aa, i), json_array_get_element (ab, i), where))
              return FALSE;
            g_string_truncate (where, len);
          }
        return TRUE;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        {
          g_string_append (where, ": different value types");
          return FALSE;
        }
      if (json_node_get_value_type (a) == G_TYPE_STRING)
        {
          if (g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) != 0)
            {
              g_string_append_printf (where, ": \"%s\" where \"%s\" was expected",
                                      json_node_get_string (a), json_node_get_string (b));
              return FALSE;
            }
          return TRUE;
        }
      if (json_node_get_int (a) != json_node_get_int (b))
        {
          g_string_append_printf (where, ": %" G_GINT64_FORMAT " where %" G_GINT64_FORMAT " was expected",
                                  json_node_get_int (a), json_node_get_int (b));
          return FALSE;
        }
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_report (BmAnalysis *analysis, const char *expected_json)
{
  g_autofree char *json = bm_analysis_to_json (analysis);
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) want = NULL;
  g_autoptr(GString) where = g_string_new ("report");

  g_assert_true (g_str_has_suffix (json, "}\n"));
  got = parse_json (json);
  want = parse_json (expected_json);
  if (!json_same (got, want, where))
    {
      g_test_message ("got:\n%s", json);
      g_test_message ("expected:\n%s", expected_json);
      g_test_fail_printf ("%s", where->str);
    }
}

/* ---- fixtures ---- */

static void
test_fixture (gconstpointer data)
{
  const char *name = data;
  g_autofree char *map_name = g_strconcat (name, ".bridgemap", NULL);
  g_autofree char *json_name = g_strconcat (name, ".json", NULL);
  g_autofree char *map_path = g_test_build_filename (G_TEST_DIST, "data", "analysis", map_name, NULL);
  g_autofree char *json_path = g_test_build_filename (G_TEST_DIST, "data", "analysis", json_name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (map_path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) map = NULL;
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *expected = NULL;

  map = bm_map_load_file (file, map_name, &error);
  g_assert_no_error (error);
  g_assert_nonnull (map);
  g_file_get_contents (json_path, &expected, NULL, &error);
  g_assert_no_error (error);

  analysis = bm_analysis_new (map);
  assert_report (analysis, expected);

  /* Every gap can be explained to a person */
  for (guint i = 0; i < bm_analysis_get_n_gaps (analysis); i++)
    {
      const BmGap *gap = bm_analysis_get_gap (analysis, i);
      g_assert_nonnull (gap->title);
      g_assert_nonnull (gap->explanation);
      g_assert_cmpuint (strlen (gap->title), >, 0);
      g_assert_cmpuint (strlen (gap->explanation), >, strlen (gap->title));
    }
}

static const char *fixtures[] = {
  "empty",
  "no-parties",
  "one-party",
  "not-opposed",
  "broken-only",
  "bridge-no-ties",
  "bridge-one-side",
  "several-bridges",
  "parallel-ties",
  "hostile-no-party",
  "officials-unofficials-only",
  "middle-other-party",
  "equal-betweenness",
  "many-candidates",
  "critical-vs-warning",
  "through-officials",
  "party-bridge",
  "mozambique",
};

/* ---- the command line ---- */

typedef struct
{
  int   status;
  char *out;
  char *err;
} RunResult;

static gboolean
run_bridgemap (const char *const *args, RunResult *result)
{
  const char *exe = g_getenv ("BRIDGEMAP");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  if (exe == NULL)
    {
      g_test_skip ("BRIDGEMAP is not set");
      return FALSE;
    }
  g_ptr_array_add (argv, (gpointer) exe);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &result->out, &result->err, &wait_status, &error);
  g_assert_no_error (error);
  result->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  return TRUE;
}

/* `bridgemap --analyze [--json] FILE` prints the report and nothing else */
static void
test_cli_reports (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "analysis",
                                                 "mozambique.bridgemap", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) map = bm_map_load_file (file, path, &error);
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  const char *json_args[] = { "--analyze", "--json", path, NULL };
  const char *text_args[] = { "--analyze", path, NULL };
  RunResult r = { 0, };

  g_assert_no_error (error);
  analysis = bm_analysis_new (map);
  json = bm_analysis_to_json (analysis);
  text = bm_analysis_to_text (analysis);

  if (!run_bridgemap (json_args, &r))
    return;
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, json);
  g_assert_cmpstr (r.err, ==, "");
  g_free (r.out);
  g_free (r.err);

  run_bridgemap (text_args, &r);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, text);
  g_assert_cmpstr (r.err, ==, "");
  g_free (r.out);
  g_free (r.err);
}

/* An invalid file: status 1, the problems on stderr, nothing on stdout */
static void
test_cli_invalid (void)
{
  g_autofree char *dir = g_dir_make_tmp ("bm-analysis-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.bridgemap", NULL);
  const char *args[] = { "--analyze", "--json", path, NULL };
  RunResult r = { 0, };

  g_assert_true (g_file_set_contents (path,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<bridgemap xmlns=\"http://bridgemap.github.io/ns/1\" version=\"1\">\n"
      "  <ties>\n"
      "    <tie id=\"t1\" from=\"a\" to=\"b\" kind=\"channel\"/>\n"
      "  </ties>\n"
      "</bridgemap>\n", -1, NULL));
  if (run_bridgemap (args, &r))
    {
      g_assert_cmpint (r.status, ==, 1);
      g_assert_cmpstr (r.out, ==, "");
      g_assert_true (g_str_has_prefix (r.err, path));
      g_free (r.out);
      g_free (r.err);
    }
  g_unlink (path);
  g_rmdir (dir);
}

/* ---- betweenness ---- */

/* a - b - c - d, a cycle w - x - y - z - w, a lone actor, a hostile tie
 * (not an edge) and a doubled tie (one edge) */
static BmMap *
shapes_map (void)
{
  BmMap *map = bm_map_new ();
  const char *ids[] = { "a", "b", "c", "d", "w", "x", "y", "z", "lone" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    add_actor (map, ids[i], ids[i], NULL, BM_LEVEL_MIDDLE, BM_TRACK_2);
  add_tie (map, "a", "b", BM_TIE_CHANNEL);
  add_tie (map, "b", "a", BM_TIE_FUNDING);
  add_tie (map, "b", "c", BM_TIE_INFLUENCE);
  add_tie (map, "c", "d", BM_TIE_ALLIANCE);
  add_tie (map, "a", "d", BM_TIE_CONFLICT);
  add_tie (map, "w", "x", BM_TIE_MEDIATION);
  add_tie (map, "x", "y", BM_TIE_CHANNEL);
  add_tie (map, "y", "z", BM_TIE_CHANNEL);
  add_tie (map, "z", "w", BM_TIE_CHANNEL);
  add_tie (map, "lone", "a", BM_TIE_BROKEN);
  return map;
}

static void
test_betweenness_shapes (void)
{
  g_autoptr(BmMap) map = shapes_map ();
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);
  /* path: b and c each sit between two pairs; cycle of four: each node
   * carries half of the one pair opposite it */
  const double expected[] = { 0, 2, 2, 0, 0.5, 0.5, 0.5, 0.5, 0 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (analysis, i), expected[i], 1e-12);
}

/* The analysis is a snapshot: editing the map afterwards changes nothing */
static void
test_betweenness_snapshot (void)
{
  g_autoptr(BmMap) map = shapes_map ();
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);

  bm_map_remove_actor (map, "b");
  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (analysis, 1), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (analysis, 2), 2.0, 1e-12);
}

/* The betweenness kept from the last graph is reused only when the graph
 * is the same: a move or a rename keeps it, a new tie does not. */
static void
test_betweenness_cache (void)
{
  g_autoptr(BmMap) map = shapes_map ();
  g_autoptr(BmAnalysis) before = bm_analysis_new (map);
  g_autoptr(BmAnalysis) moved = NULL;
  g_autoptr(BmAnalysis) closed = NULL;
  g_autoptr(BmActor) renamed = NULL;

  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (before, 1), 2.0, 1e-12);

  bm_map_move_actor (map, "b", 100, 450);
  renamed = bm_actor_copy (bm_map_lookup_actor (map, "c"));
  g_free (renamed->name);
  renamed->name = g_strdup ("Gamma");
  bm_map_replace_actor (map, g_steal_pointer (&renamed));
  moved = bm_analysis_new (map);
  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (moved, 1), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (moved, 2), 2.0, 1e-12);

  /* a - b - c - d becomes a cycle of four: each carries half a pair */
  add_tie (map, "d", "a", BM_TIE_CHANNEL);
  closed = bm_analysis_new (map);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (closed, i), 0.5, 1e-12);
  /* and the first analysis still holds its own values */
  g_assert_cmpfloat_with_epsilon (bm_analysis_get_betweenness (before, 1), 2.0, 1e-12);
}

/* Large enough to be shared between threads: the sums are still made in a
 * fixed order, so two runs agree bit for bit, and so do the reports. */
static void
test_betweenness_deterministic (void)
{
  g_autoptr(BmMap) map = bm_generate_map (1500, 4000, 7);
  g_autoptr(BmAnalysis) first = NULL;
  g_autoptr(BmAnalysis) second = NULL;
  g_autofree char *json1 = NULL;
  g_autofree char *json2 = NULL;
  guint n = bm_map_get_n_actors (map);
  double total = 0;

  /* Computed twice, not taken from the cache */
  bm_analysis_clear_cache ();
  first = bm_analysis_new (map);
  bm_analysis_get_betweenness (first, 0);
  bm_analysis_clear_cache ();
  second = bm_analysis_new (map);
  bm_analysis_get_betweenness (second, 0);
  json1 = bm_analysis_to_json (first);
  json2 = bm_analysis_to_json (second);

  for (guint i = 0; i < n; i++)
    {
      double a = bm_analysis_get_betweenness (first, i);
      double b = bm_analysis_get_betweenness (second, i);
      g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
      total += a;
    }
  g_assert_cmpfloat (total, >, 0);
  g_assert_cmpstr (json1, ==, json2);
}

/* ---- explanations ---- */

/* Ids unlike the names, so the text can be checked for names only */
static BmMap *
named_map (void)
{
  BmMap *map = bm_map_new ();

  add_party (map, "p_gov", "Government of Lirania");
  add_party (map, "p_nlf", "National Liberation Front");
  add_actor (map, "a_pres", "President Adaeze Nwosu", "p_gov", BM_LEVEL_TOP, BM_TRACK_1);
  add_actor (map, "a_cmdr", "Commander Tomas Vell", "p_nlf", BM_LEVEL_TOP, BM_TRACK_1);
  add_actor (map, "a_ngo", "Women for Peace", "p_gov", BM_LEVEL_GRASSROOTS, BM_TRACK_2);
  add_actor (map, "a_bishop", "Bishop Amara Ode", NULL, BM_LEVEL_MIDDLE, BM_TRACK_2);
  add_actor (map, "a_swiss", "Swiss envoy", NULL, BM_LEVEL_MIDDLE, BM_TRACK_1_5);
  add_tie (map, "a_pres", "a_cmdr", BM_TIE_CONFLICT);
  add_tie (map, "a_bishop", "a_pres", BM_TIE_CHANNEL);
  add_tie (map, "a_bishop", "a_cmdr", BM_TIE_CHANNEL);
  add_tie (map, "a_swiss", "a_pres", BM_TIE_MEDIATION);
  return map;
}

static void
test_text_names (void)
{
  g_autoptr(BmMap) map = named_map ();
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);
  g_autofree char *text = bm_analysis_to_text (analysis);
  const char *ids[] = { "p_gov", "p_nlf", "a_pres", "a_cmdr", "a_ngo", "a_bishop", "a_swiss" };
  const char *names[] = { "Government of Lirania", "National Liberation Front",
                          "President Adaeze Nwosu", "Commander Tomas Vell",
                          "Women for Peace", "Bishop Amara Ode", "Swiss envoy" };

  g_test_message ("%s", text);

  /* backchannel (critical), transfer (gov), one-sided (swiss),
   * middle-range (gov) */
  g_assert_cmpuint (bm_analysis_get_n_gaps (analysis), ==, 4);
  g_assert_cmpuint (bm_analysis_count_severity (analysis, BM_SEVERITY_CRITICAL), ==, 1);
  g_assert_cmpuint (bm_analysis_count_severity (analysis, BM_SEVERITY_WARNING), ==, 2);
  g_assert_cmpuint (bm_analysis_count_severity (analysis, BM_SEVERITY_INFO), ==, 1);

  g_assert_true (g_str_has_prefix (text, "5 actors, 4 ties, 2 parties."));
  g_assert_nonnull (strstr (text, "1 critical, 2 warnings and 1 note"));
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_assert_null (strstr (text, ids[i]));
      g_assert_nonnull (strstr (text, names[i]));
    }
  g_assert_true (g_str_has_suffix (text, "\n"));

  {
    const BmGap *gap = bm_analysis_get_gap (analysis, 0);
    g_assert_cmpint (gap->kind, ==, BM_GAP_BACKCHANNEL);
    g_assert_cmpint (gap->severity, ==, BM_SEVERITY_CRITICAL);
    /* The mediator's question: who could carry a message? */
    g_assert_nonnull (strstr (gap->explanation, "Bishop Amara Ode"));
    g_assert_nonnull (strstr (gap->title, "Government of Lirania"));
    g_assert_nonnull (strstr (gap->title, "National Liberation Front"));
    g_assert_cmpstr (gap->candidates[0], ==, "a_bishop");
    g_assert_null (gap->candidates[1]);
  }
  {
    const BmGap *gap = bm_analysis_get_gap (analysis, 2);
    g_assert_cmpint (gap->kind, ==, BM_GAP_ONE_SIDED_BRIDGE);
    g_assert_cmpstr (gap->actor, ==, "a_swiss");
    g_assert_cmpstr (gap->parties[0], ==, "p_gov");
    g_assert_null (gap->parties[1]);
    g_assert_nonnull (strstr (gap->explanation, "Government of Lirania"));
  }
  {
    const BmGap *gap = bm_analysis_get_gap (analysis, 3);
    g_assert_cmpint (gap->kind, ==, BM_GAP_MIDDLE_RANGE);
    g_assert_nonnull (strstr (gap->explanation, "Lederach"));
  }
}

/* Names written right to left go into English sentences isolated, so
 * that they cannot reorder the words around them; others go in as they are */
static void
test_text_isolates_names (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(BmAnalysis) analysis = NULL;
  const char *party = "\u062d\u0643\u0648\u0645\u0629";             /* Arabic */
  const char *bridge = "\u05e9\u05dc\u05d5\u05dd 7";                 /* Hebrew, a digit */
  const char *other = "Сергей Мостов";
  g_autofree char *isolated_party = g_strconcat ("\u2068", party, "\u2069", NULL);
  g_autofree char *isolated_bridge = g_strconcat ("\u2068", bridge, "\u2069", NULL);
  const BmGap *gap;

  g_assert_true (bm_name_needs_isolating (party));
  g_assert_true (bm_name_needs_isolating (bridge));
  g_assert_true (bm_name_needs_isolating ("PLO \u0641\u0644\u0633\u0637\u064a\u0646"));
  g_assert_false (bm_name_needs_isolating (other));
  g_assert_false (bm_name_needs_isolating ("\u548c\u5e73\u59d4\u5458\u4f1a"));
  g_assert_false (bm_name_needs_isolating ("132 (north)"));

  add_party (map, "p_a", party);
  add_party (map, "p_b", "Front");
  add_actor (map, "a_a", "Leader A", "p_a", BM_LEVEL_TOP, BM_TRACK_1);
  add_actor (map, "a_b", other, "p_b", BM_LEVEL_TOP, BM_TRACK_1);
  add_actor (map, "a_bridge", bridge, NULL, BM_LEVEL_MIDDLE, BM_TRACK_1_5);
  add_tie (map, "a_a", "a_b", BM_TIE_CONFLICT);
  add_tie (map, "a_bridge", "a_a", BM_TIE_CHANNEL);
  analysis = bm_analysis_new (map);

  gap = bm_analysis_get_gap (analysis, 0);
  g_assert_cmpint (gap->kind, ==, BM_GAP_BACKCHANNEL);
  g_assert_nonnull (strstr (gap->title, isolated_party));
  g_assert_nonnull (strstr (gap->explanation, other));
  g_assert_null (strstr (gap->explanation, "\u2068\u0421"));
  for (guint i = 0; i < bm_analysis_get_n_gaps (analysis); i++)
    {
      gap = bm_analysis_get_gap (analysis, i);
      if (gap->kind == BM_GAP_ONE_SIDED_BRIDGE)
        {
          g_assert_true (g_str_has_prefix (gap->title, isolated_bridge));
          g_assert_nonnull (strstr (gap->explanation, isolated_party));
          return;
        }
    }
  g_assert_not_reached ();
}

static void
test_text_no_gaps (void)
{
  g_autoptr(BmMap) map = named_map ();
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *text = NULL;

  /* The Swiss envoy now reaches both leaderships and the NGO; the bishop
   * (middle range) links the president to the NGO. */
  add_tie (map, "a_swiss", "a_cmdr", BM_TIE_MEDIATION);
  add_tie (map, "a_swiss", "a_ngo", BM_TIE_CHANNEL);
  add_tie (map, "a_bishop", "a_ngo", BM_TIE_CHANNEL);
  analysis = bm_analysis_new (map);
  text = bm_analysis_to_text (analysis);
  g_test_message ("%s", text);

  g_assert_cmpuint (bm_analysis_get_n_gaps (analysis), ==, 0);
  g_assert_nonnull (strstr (text, "No gaps found."));
  g_assert_nonnull (strstr (text, "opposed leaderships has a Track 1.5 back channel"));
  g_assert_nonnull (strstr (text, "middle-range figure linking them"));
  g_assert_nonnull (strstr (text, "The Track 1.5 actor reaches the officials of more than one party."));
  assert_report (analysis, "{\"actors\": 5, \"ties\": 7, \"parties\": 2, \"gaps\": []}");

  /* Two of a kind are "both", not "all 2" */
  g_clear_pointer (&analysis, bm_analysis_free);
  g_clear_pointer (&text, g_free);
  add_actor (map, "a_norway", "Norwegian facilitator", NULL, BM_LEVEL_MIDDLE, BM_TRACK_1_5);
  add_tie (map, "a_norway", "a_pres", BM_TIE_CHANNEL);
  add_tie (map, "a_norway", "a_cmdr", BM_TIE_CHANNEL);
  analysis = bm_analysis_new (map);
  text = bm_analysis_to_text (analysis);
  g_test_message ("%s", text);
  g_assert_cmpuint (bm_analysis_get_n_gaps (analysis), ==, 0);
  g_assert_nonnull (strstr (text, "Both Track 1.5 actors reach the officials of more than one party."));
  g_assert_null (strstr (text, "All 2"));
}

static void
test_text_title (void)
{
  g_autoptr(BmMap) map = named_map ();
  g_autoptr(BmAnalysis) analysis = NULL;
  g_autofree char *text = NULL;

  bm_map_set_title (map, "Lirania, spring talks");
  analysis = bm_analysis_new (map);
  text = bm_analysis_to_text (analysis);
  g_assert_true (g_str_has_prefix (text, "Lirania, spring talks\n5 actors"));
}

/* More than six names: the list is cut short and says how many more */
static void
test_text_long_lists (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autoptr(BmAnalysis) analysis = NULL;
  const BmGap *gap;

  add_party (map, "p", "Plains");
  add_party (map, "q", "Hills");
  add_actor (map, "q1", "Hill chief", "q", BM_LEVEL_TOP, BM_TRACK_1);
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *id = g_strdup_printf ("p%u", i);
      g_autofree char *name = g_strdup_printf ("Plains minister %u", i);
      add_actor (map, id, name, "p", BM_LEVEL_TOP, BM_TRACK_1);
    }
  add_tie (map, "p0", "q1", BM_TIE_CONFLICT);
  analysis = bm_analysis_new (map);

  g_assert_cmpuint (bm_analysis_get_n_gaps (analysis), ==, 1);
  gap = bm_analysis_get_gap (analysis, 0);
  g_assert_cmpuint (g_strv_length (gap->actors), ==, 10);
  g_assert_nonnull (strstr (gap->explanation, "Plains minister 5 and 3 others"));
  g_assert_null (strstr (gap->explanation, "Plains minister 6"));
}

/* An actor whose party was removed from the map counts as having none */
static void
test_removed_party (void)
{
  g_autoptr(BmMap) map = named_map ();
  g_autoptr(BmAnalysis) analysis = NULL;

  bm_map_remove_party (map, "p_nlf");
  analysis = bm_analysis_new (map);
  /* no opposition left: transfer and middle-range for the government */
  assert_report (analysis,
                 "{\"actors\": 5, \"ties\": 4, \"parties\": 1, \"gaps\": ["
                 "{\"kind\": \"transfer\", \"severity\": \"warning\", \"party\": \"p_gov\", \"actors\": [\"a_ngo\"]},"
                 "{\"kind\": \"middle-range\", \"severity\": \"info\", \"party\": \"p_gov\"}]}");
}

static void
test_kind_strings (void)
{
  g_assert_cmpstr (bm_gap_kind_to_string (BM_GAP_BACKCHANNEL), ==, "backchannel");
  g_assert_cmpstr (bm_gap_kind_to_string (BM_GAP_TRANSFER), ==, "transfer");
  g_assert_cmpstr (bm_gap_kind_to_string (BM_GAP_ONE_SIDED_BRIDGE), ==, "one-sided-bridge");
  g_assert_cmpstr (bm_gap_kind_to_string (BM_GAP_MIDDLE_RANGE), ==, "middle-range");
  g_assert_cmpstr (bm_severity_to_string (BM_SEVERITY_CRITICAL), ==, "critical");
  g_assert_cmpstr (bm_severity_to_string (BM_SEVERITY_WARNING), ==, "warning");
  g_assert_cmpstr (bm_severity_to_string (BM_SEVERITY_INFO), ==, "info");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_strconcat ("/analysis/fixture/", fixtures[i], NULL);
      g_test_add_data_func (path, fixtures[i], test_fixture);
    }
  g_test_add_func ("/analysis/betweenness/shapes", test_betweenness_shapes);
  g_test_add_func ("/analysis/betweenness/snapshot", test_betweenness_snapshot);
  g_test_add_func ("/analysis/betweenness/cache", test_betweenness_cache);
  g_test_add_func ("/analysis/betweenness/deterministic", test_betweenness_deterministic);
  g_test_add_func ("/analysis/text/names", test_text_names);
  g_test_add_func ("/analysis/text/no-gaps", test_text_no_gaps);
  g_test_add_func ("/analysis/text/title", test_text_title);
  g_test_add_func ("/analysis/text/long-lists", test_text_long_lists);
  g_test_add_func ("/analysis/text/isolates-names", test_text_isolates_names);
  g_test_add_func ("/analysis/removed-party", test_removed_party);
  g_test_add_func ("/analysis/kind-strings", test_kind_strings);
  g_test_add_func ("/analysis/cli/reports", test_cli_reports);
  g_test_add_func ("/analysis/cli/invalid", test_cli_invalid);

  return g_test_run ();
}
