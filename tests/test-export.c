/* test-export.c: diagrams (PNG, SVG, PDF) and data (GraphML, CSV) exports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <math.h>
#include <string.h>

#include "bm-analysis.h"
#include "bm-export.h"
#include "bm-generate.h"
#include "bm-map-io.h"
#include "bm-render.h"

/* ---- helpers ------------------------------------------------------------- */

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("bm-export-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

static char *
read_file (const char *path, gsize *length)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

/* @needle in the first @length bytes of @data, which may hold NULs */
static gboolean
contains_bytes (const char *data, gsize length, const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;
  return FALSE;
}

static const char *
find_bytes (const char *from, const char *end, const char *needle)
{
  gsize n = strlen (needle);

  for (const char *p = from; p + n <= end; p++)
    if (memcmp (p, needle, n) == 0)
      return p;
  return NULL;
}

/* PDF 1.5 and later (cairo 1.18 writes 1.7) may keep the document
 * information inside a compressed object stream: look in the file and in
 * every stream once inflated */
static gboolean
pdf_contains (const char *data, gsize length, const char *needle)
{
  const char *end = data + length;
  const char *p = data;

  if (contains_bytes (data, length, needle))
    return TRUE;
  while ((p = find_bytes (p, end, "stream")) != NULL)
    {
      const char *start = p + strlen ("stream");
      const char *stop;
      g_autoptr(GZlibDecompressor) zlib = NULL;
      g_autoptr(GInputStream) raw = NULL;
      g_autoptr(GInputStream) in = NULL;
      g_autoptr(GOutputStream) out = NULL;
      g_autoptr(GBytes) inflated = NULL;

      if (p - data >= 3 && memcmp (p - 3, "end", 3) == 0)
        {
          p = start;
          continue;
        }
      if (start < end && *start == '\r')
        start++;
      if (start < end && *start == '\n')
        start++;
      stop = find_bytes (start, end, "endstream");
      if (stop == NULL)
        break;
      p = stop + strlen ("endstream");

      zlib = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB);
      raw = g_memory_input_stream_new_from_data (start, stop - start, NULL);
      in = g_converter_input_stream_new (raw, G_CONVERTER (zlib));
      out = g_memory_output_stream_new_resizable ();
      if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, NULL) < 0)
        continue;
      inflated = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
      if (contains_bytes (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated), needle))
        return TRUE;
    }
  return FALSE;
}

static gboolean
export_to (BmMap *map, const char *path, BmExportOptions *options, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  BmExportFormat format;

  g_assert_true (bm_export_format_from_path (path, &format));
  return bm_export_file (map, file, path, format, options, error);
}

static void
export_ok (BmMap *map, const char *path, BmExportOptions *options)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (export_to (map, path, options, &error));
  g_assert_no_error (error);
}

/* A small map with everything a data export must carry: non-Latin names,
 * separators and quotes in values, absent values, a directed tie, and an
 * actor without a position. */
static BmMap *
sample_map (void)
{
  BmMap *map = bm_map_new ();
  BmParty *party;
  BmActor *a;
  BmTie *t;

  bm_map_set_title (map, "Sample, \"export\" map");
  party = bm_party_new ("gov", "Government, \"interim\"");
  party->has_color = TRUE;
  party->color = 0xb03a2e;
  bm_map_insert_party (map, -1, party);
  bm_map_insert_party (map, -1, bm_party_new ("reb", "Rebels & Co <north>"));

  a = bm_actor_new ("a1", "Alpha", BM_LEVEL_TOP, BM_TRACK_1);
  a->kind = BM_ACTOR_PERSON;
  a->party = g_strdup ("gov");
  a->sector = BM_SECTOR_GOVERNMENT;
  a->influence = 5;
  bm_actor_set_position (a, 100, 120.5);
  a->note = g_strdup ("Line one\nline two, with a comma");
  bm_map_insert_actor (map, -1, a);

  a = bm_actor_new ("a2", "Ωμέγα Σύλλογος", BM_LEVEL_MIDDLE, BM_TRACK_1_5);
  a->party = g_strdup ("reb");
  a->sector = BM_SECTOR_RELIGION;
  bm_actor_set_position (a, -300.25, 450);
  bm_map_insert_actor (map, -1, a);

  a = bm_actor_new ("a3", "جمعية السلام", BM_LEVEL_GRASSROOTS, BM_TRACK_3);
  a->kind = BM_ACTOR_GROUP;
  a->influence = 1;
  a->note = g_strdup ("He said \"hi\"\r\nthen left");
  bm_map_insert_actor (map, -1, a);   /* no position */

  t = bm_tie_new ("t1", "a2", "a1", BM_TIE_MEDIATION);
  t->strength = 3;
  t->note = g_strdup ("a & b <c> \"d\"");
  bm_map_insert_tie (map, -1, t);
  t = bm_tie_new ("t2", "a2", "a3", BM_TIE_CHANNEL);
  t->strength = 1;
  bm_map_insert_tie (map, -1, t);
  bm_map_insert_tie (map, -1, bm_tie_new ("t3", "a1", "a3", BM_TIE_CONFLICT));
  return map;
}

static char *
format_coord (double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *s = g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", v));
  gsize len = strlen (s);

  while (len > 0 && s[len - 1] == '0')
    s[--len] = '\0';
  if (len > 0 && s[len - 1] == '.')
    s[--len] = '\0';
  return s;
}

/* ---- names --------------------------------------------------------------- */

static void
test_format_from_path (void)
{
  static const struct { const char *path; gboolean ok; BmExportFormat format; } cases[] = {
    { "map.png", TRUE, BM_EXPORT_PNG },
    { "MAP.PNG", TRUE, BM_EXPORT_PNG },
    { "out.d/map.SvG", TRUE, BM_EXPORT_SVG },
    { "/tmp/report.pdf", TRUE, BM_EXPORT_PDF },
    { "net.graphml", TRUE, BM_EXPORT_GRAPHML },
    { "table.csv", TRUE, BM_EXPORT_CSV },
    { "copy.bridgemap", TRUE, BM_EXPORT_BRIDGEMAP },
    { "map.tar.csv", TRUE, BM_EXPORT_CSV },
    { "map", FALSE, 0 },
    { "map.jpg", FALSE, 0 },
    { "map.png.txt", FALSE, 0 },
    { "dir.png/map", FALSE, 0 },
    { "map.", FALSE, 0 },
    { "", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      BmExportFormat format = -1;
      gboolean ok = bm_export_format_from_path (cases[i].path, &format);

      g_test_message ("%s", cases[i].path);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_cmpint (format, ==, cases[i].format);
    }
}

static void
test_ties_name (void)
{
  static const char *cases[][2] = {
    { "map.csv", "map-ties.csv" },
    { "out/Map.CSV", "out/Map-ties.CSV" },
    { "a.b.csv", "a.b-ties.csv" },
    { "my.maps/data", "my.maps/data-ties" },
    { "/abs/path/x.csv", "/abs/path/x-ties.csv" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = bm_export_ties_name (cases[i][0]);
      g_assert_cmpstr (name, ==, cases[i][1]);
    }
}

static void
test_options_init (void)
{
  BmExportOptions options;

  memset (&options, 0xff, sizeof options);
  bm_export_options_init (&options);
  g_assert_cmpfloat (options.scale, ==, 2);
  g_assert_true (options.show_gaps);
}

/* ---- CSV ----------------------------------------------------------------- */

static void
test_csv_content (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.csv", NULL);
  g_autofree char *ties_path = g_build_filename (dir, "map-ties.csv", NULL);
  g_autofree BmPoint *pos = bm_layout_positions_array (map);
  g_autofree char *x3 = format_coord (pos[2].x);
  g_autofree char *y3 = format_coord (pos[2].y);
  g_autofree char *actors = NULL, *ties = NULL, *expected = NULL;

  export_ok (map, path, NULL);
  actors = read_file (path, NULL);
  ties = read_file (ties_path, NULL);

  expected = g_strdup_printf (
    "\xEF\xBB\xBF" "id,name,kind,party,party_name,level,track,sector,influence,x,y,note\r\n"
    "a1,Alpha,person,gov,\"Government, \"\"interim\"\"\",top,1,government,5,100,120.5,"
      "\"Line one\nline two, with a comma\"\r\n"
    "a2,Ωμέγα Σύλλογος,organization,reb,Rebels & Co <north>,middle,1.5,religion,3,-300.25,450,\r\n"
    "a3,جمعية السلام,group,,,grassroots,3,,1,%s,%s,\"He said \"\"hi\"\"\r\nthen left\"\r\n",
    x3, y3);
  g_assert_cmpstr (actors, ==, expected);

  g_assert_cmpstr (ties, ==,
    "\xEF\xBB\xBF" "id,from,to,kind,strength,directed,note\r\n"
    "t1,a2,a1,mediation,3,true,\"a & b <c> \"\"d\"\"\"\r\n"
    "t2,a2,a3,channel,1,false,\r\n"
    "t3,a1,a3,conflict,2,false,\r\n");

  remove_tree (dir);
}

static void
test_csv_empty_map (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "Empty.CSV", NULL);
  g_autofree char *ties_path = g_build_filename (dir, "Empty-ties.CSV", NULL);
  g_autofree char *actors = NULL, *ties = NULL;

  export_ok (map, path, NULL);
  actors = read_file (path, NULL);
  ties = read_file (ties_path, NULL);
  g_assert_cmpstr (actors, ==, "\xEF\xBB\xBF" "id,name,kind,party,party_name,level,track,sector,influence,x,y,note\r\n");
  g_assert_cmpstr (ties, ==, "\xEF\xBB\xBF" "id,from,to,kind,strength,directed,note\r\n");
  remove_tree (dir);
}

/* ---- GraphML ------------------------------------------------------------- */

static const char *
node_data (xmlNode *element, const char *key)
{
  for (xmlNode *c = element->children; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, "data") == 0)
      {
        g_autofree char *k = (char *) xmlGetProp (c, (const xmlChar *) "key");
        if (g_strcmp0 (k, key) == 0)
          {
            static char *last;
            g_free (last);
            xmlChar *content = xmlNodeGetContent (c);
            last = g_strdup ((const char *) content);
            xmlFree (content);
            return last;
          }
      }
  return NULL;
}

static xmlNode *
child_with_id (xmlNode *parent, const char *element, const char *id)
{
  for (xmlNode *c = parent->children; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE && strcmp ((const char *) c->name, element) == 0)
      {
        g_autofree char *v = (char *) xmlGetProp (c, (const xmlChar *) "id");
        if (g_strcmp0 (v, id) == 0)
          return c;
      }
  return NULL;
}

static char *
prop (xmlNode *node, const char *name)
{
  xmlChar *v = xmlGetProp (node, (const xmlChar *) name);
  char *s = g_strdup ((const char *) v);
  xmlFree (v);
  return s;
}

static void
test_graphml_content (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.graphml", NULL);
  g_autofree BmPoint *pos = bm_layout_positions_array (map);
  g_autofree char *data = NULL;
  g_autoptr(GHashTable) key_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  xmlDoc *doc;
  xmlNode *root, *graph = NULL, *node, *edge;
  gsize length;
  guint n_nodes = 0, n_edges = 0;
  static const char *node_keys[] = { "name", "kind", "party", "party_name", "level", "track",
                                     "sector", "influence", "x", "y", "note" };

  export_ok (map, path, NULL);
  data = read_file (path, &length);
  g_assert_true (g_str_has_prefix (data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));

  doc = xmlReadMemory (data, length, path, NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  root = xmlDocGetRootElement (doc);
  g_assert_cmpstr ((const char *) root->name, ==, "graphml");
  g_assert_cmpstr ((const char *) root->ns->href, ==, "http://graphml.graphdrawing.org/xmlns");

  for (xmlNode *c = root->children; c != NULL; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (strcmp ((const char *) c->name, "key") == 0)
        {
          char *id = prop (c, "id");
          g_autofree char *domain = prop (c, "for");
          g_autofree char *name = prop (c, "attr.name");
          g_autofree char *type = prop (c, "attr.type");

          /* Key ids are unique in a GraphML document */
          g_assert_false (g_hash_table_contains (key_ids, id));
          g_hash_table_add (key_ids, id);
          g_hash_table_insert (names, g_strdup_printf ("%s:%s", domain, name), g_strdup (type));
          if (strcmp (domain, "node") == 0)
            g_assert_cmpstr (id, ==, name);
        }
      else if (strcmp ((const char *) c->name, "graph") == 0)
        {
          g_assert_null (graph);
          graph = c;
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (node_keys); i++)
    {
      g_autofree char *k = g_strdup_printf ("node:%s", node_keys[i]);
      const char *type = g_hash_table_lookup (names, k);
      const char *want = strcmp (node_keys[i], "influence") == 0 ? "int" :
                         (strcmp (node_keys[i], "x") == 0 || strcmp (node_keys[i], "y") == 0) ? "double" :
                         "string";
      g_assert_cmpstr (type, ==, want);
    }
  g_assert_cmpstr (g_hash_table_lookup (names, "edge:kind"), ==, "string");
  g_assert_cmpstr (g_hash_table_lookup (names, "edge:strength"), ==, "int");
  g_assert_cmpstr (g_hash_table_lookup (names, "edge:directed"), ==, "boolean");
  g_assert_cmpstr (g_hash_table_lookup (names, "edge:note"), ==, "string");
  g_assert_cmpuint (g_hash_table_size (names), ==, 15);

  g_assert_nonnull (graph);
  {
    g_autofree char *edgedefault = prop (graph, "edgedefault");
    g_assert_cmpstr (edgedefault, ==, "undirected");
  }
  for (xmlNode *c = graph->children; c != NULL; c = c->next)
    if (c->type == XML_ELEMENT_NODE)
      {
        if (strcmp ((const char *) c->name, "node") == 0)
          n_nodes++;
        else if (strcmp ((const char *) c->name, "edge") == 0)
          n_edges++;
      }
  g_assert_cmpuint (n_nodes, ==, 3);
  g_assert_cmpuint (n_edges, ==, 3);

  node = child_with_id (graph, "node", "a1");
  g_assert_nonnull (node);
  g_assert_cmpstr (node_data (node, "name"), ==, "Alpha");
  g_assert_cmpstr (node_data (node, "kind"), ==, "person");
  g_assert_cmpstr (node_data (node, "party"), ==, "gov");
  g_assert_cmpstr (node_data (node, "party_name"), ==, "Government, \"interim\"");
  g_assert_cmpstr (node_data (node, "level"), ==, "top");
  g_assert_cmpstr (node_data (node, "track"), ==, "1");
  g_assert_cmpstr (node_data (node, "sector"), ==, "government");
  g_assert_cmpstr (node_data (node, "influence"), ==, "5");
  g_assert_cmpstr (node_data (node, "x"), ==, "100");
  g_assert_cmpstr (node_data (node, "y"), ==, "120.5");
  g_assert_cmpstr (node_data (node, "note"), ==, "Line one\nline two, with a comma");

  node = child_with_id (graph, "node", "a2");
  g_assert_cmpstr (node_data (node, "name"), ==, "Ωμέγα Σύλλογος");
  g_assert_cmpstr (node_data (node, "party_name"), ==, "Rebels & Co <north>");
  g_assert_cmpstr (node_data (node, "x"), ==, "-300.25");
  g_assert_null (node_data (node, "note"));

  /* Absent values have no data; the unpositioned actor has its placement */
  node = child_with_id (graph, "node", "a3");
  g_assert_cmpstr (node_data (node, "name"), ==, "جمعية السلام");
  g_assert_null (node_data (node, "party"));
  g_assert_null (node_data (node, "party_name"));
  g_assert_null (node_data (node, "sector"));
  g_assert_cmpstr (node_data (node, "note"), ==, "He said \"hi\"\r\nthen left");
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (node_data (node, "x"), NULL), pos[2].x, 0.005);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (node_data (node, "y"), NULL), pos[2].y, 0.005);

  /* A directed tie keeps from → to */
  edge = child_with_id (graph, "edge", "t1");
  g_assert_nonnull (edge);
  {
    g_autofree char *source = prop (edge, "source");
    g_autofree char *target = prop (edge, "target");
    g_autofree char *directed = prop (edge, "directed");
    g_assert_cmpstr (source, ==, "a2");
    g_assert_cmpstr (target, ==, "a1");
    g_assert_null (directed);
  }
  g_assert_cmpstr (node_data (edge, "edge_kind"), ==, "mediation");
  g_assert_cmpstr (node_data (edge, "strength"), ==, "3");
  g_assert_cmpstr (node_data (edge, "directed"), ==, "true");
  g_assert_cmpstr (node_data (edge, "edge_note"), ==, "a & b <c> \"d\"");
  edge = child_with_id (graph, "edge", "t3");
  g_assert_cmpstr (node_data (edge, "directed"), ==, "false");
  g_assert_null (node_data (edge, "edge_note"));

  xmlFreeDoc (doc);
  remove_tree (dir);
}

/* ---- .bridgemap and the map left alone ---------------------------------- */

static void
count_changes (BmMap *map, gpointer user_data)
{
  (*(guint *) user_data)++;
}

static void
test_bridgemap_is_save (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "copy.bridgemap", NULL);
  g_autoptr(GBytes) expected = bm_map_serialize (map);
  g_autofree char *data = NULL;
  gsize length;

  export_ok (map, path, NULL);
  data = read_file (path, &length);
  g_assert_cmpmem (data, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  remove_tree (dir);
}

static void
test_map_unchanged (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autoptr(BmMap) before = bm_map_copy (map);
  g_autofree char *dir = make_temp_dir ();
  static const char *names[] = { "m.csv", "m.graphml", "m.png", "m.svg", "m.pdf", "m.bridgemap" };
  guint changes = 0;

  g_signal_connect (map, "changed", G_CALLBACK (count_changes), &changes);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      export_ok (map, path, NULL);
    }
  g_assert_cmpuint (changes, ==, 0);
  g_assert_true (bm_map_equal (map, before));
  g_assert_false (bm_map_get_actor (map, 2)->has_position);
  remove_tree (dir);
}

/* ---- diagrams ------------------------------------------------------------ */

/* The content's extents, computed as an export must: with the automatic
 * placement and the gap overlay */
static void
expected_extents (BmMap *map, BmRect *extents)
{
  BmRenderOptions options;
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);

  bm_render_options_init (&options);
  options.positions = positions;
  options.analysis = analysis;
  bm_render_get_extents (map, &options, extents);
}

static guint32
pixel_at (cairo_surface_t *surface, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  return ((const guint32 *) (data + (gsize) y * stride))[x] & 0xffffff;
}

static void
test_png_size (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.png", NULL);
  BmRect extents;
  BmExportOptions options;
  double scales[] = { 2, 1, 0.5 };

  expected_extents (map, &extents);
  g_assert_cmpfloat (extents.width, >, 0);
  g_assert_cmpfloat (extents.height, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      cairo_surface_t *image;
      int width, height;
      guint non_white = 0;

      bm_export_options_init (&options);
      options.scale = scales[i];
      export_ok (map, path, &options);
      g_assert_cmpfloat (options.used_scale, ==, scales[i]);

      image = cairo_image_surface_create_from_png (path);
      g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
      width = cairo_image_surface_get_width (image);
      height = cairo_image_surface_get_height (image);
      /* The size is the extents times the scale, rounded up */
      g_assert_cmpint (width, ==, (int) ceil (extents.width * scales[i] - 1e-6));
      g_assert_cmpint (height, ==, (int) ceil (extents.height * scales[i] - 1e-6));

      /* Something is drawn, on an opaque white background */
      g_assert_cmphex (pixel_at (image, 0, 0), ==, 0xffffff);
      for (int y = 0; y < height; y += 3)
        for (int x = 0; x < width; x += 3)
          if (pixel_at (image, x, y) != 0xffffff)
            non_white++;
      g_assert_cmpuint (non_white, >, 100 / scales[i]);
      cairo_surface_destroy (image);
    }
  remove_tree (dir);
}

/* The PNG is drawn in bands of rows (as tall as memory allows) and
 * compressed in strips, in parallel: it must show what one drawing of the
 * whole map on one surface shows, without a seam (rounding may move an
 * antialiased edge pixel by a shade, no more), whether it took one band
 * or several */
static void
check_png_same_as_one_drawing (const char *band_bytes)
{
  g_autoptr(BmMap) map = bm_generate_map (80, 240, 7);
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.png", NULL);
  g_autoptr(GHashTable) positions = bm_layout_positions (map);
  g_autoptr(BmAnalysis) analysis = bm_analysis_new (map);
  BmExportOptions options;
  BmRenderOptions render;
  BmRect extents;
  cairo_surface_t *image, *reference;
  cairo_t *cr;
  double scale = 1.5;
  int width, height;
  guint shaded = 0, stray = 0;

  bm_export_options_init (&options);
  options.scale = scale;
  if (band_bytes != NULL)
    g_setenv ("BRIDGEMAP_PNG_BAND_BYTES", band_bytes, TRUE);
  export_ok (map, path, &options);
  g_unsetenv ("BRIDGEMAP_PNG_BAND_BYTES");
  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  /* Tall enough for several strips */
  g_assert_cmpint (height, >, 4 * 32);
  /* and, with the smaller bands, for several of those */
  if (band_bytes != NULL)
    g_assert_cmpint (height, >, 3 * ((int) g_ascii_strtoull (band_bytes, NULL, 10) / (4 * width)));

  bm_render_options_init (&render);
  render.positions = positions;
  render.analysis = analysis;
  render.pixels_per_unit = scale;
  bm_render_get_extents (map, &render, &extents);
  reference = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (reference);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  cairo_translate (cr, -extents.x, -extents.y);
  bm_render_draw (cr, map, &render);
  cairo_destroy (cr);
  cairo_surface_flush (reference);

  for (int y = 0; y < height; y++)
    {
      guint stray_in_row = 0;

      for (int x = 0; x < width; x++)
        {
          guint32 a = pixel_at (image, x, y), b = pixel_at (reference, x, y);

          for (int shift = 0; shift < 24; shift += 8)
            {
              int d = ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff));
              if (d > 24)
                {
                  g_test_message ("pixel (%d, %d) is %06x, drawn directly %06x", x, y, a, b);
                  stray_in_row++;
                  break;
                }
            }
          if (a != b)
            shaded++;
        }
      /* A seam would be a row, or most of one, drawn wrong */
      g_assert_cmpuint (stray_in_row, <=, 16);
      stray += stray_in_row;
    }
  /* cairo 1.18 places glyphs at quarter pixels, so that a label drawn on a
   * band of its own can shade a few of its edge pixels differently: short
   * specks, scattered, a few per label */
  g_assert_cmpuint (stray, <=, (guint) width / 8);
  g_assert_cmpuint (shaded, <, (guint) width);

  cairo_surface_destroy (image);
  cairo_surface_destroy (reference);
  remove_tree (dir);
}

static void
test_png_same_as_one_drawing (void)
{
  check_png_same_as_one_drawing (NULL);
}

static void
test_png_bands_same_as_one_drawing (void)
{
  /* Bands of about 40 rows */
  check_png_same_as_one_drawing ("300000");
}

static void
test_png_downscale (void)
{
  g_autoptr(BmMap) map = bm_map_new ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "wide.png", NULL);
  BmExportOptions options;
  BmActor *a;
  BmRect extents;
  cairo_surface_t *image;
  int width, height;

  /* Two actors 100,000 map units apart: at scale 1 far beyond 32767 px */
  a = bm_actor_new ("w", "West", BM_LEVEL_TOP, BM_TRACK_1);
  bm_actor_set_position (a, 0, 150);
  bm_map_insert_actor (map, -1, a);
  a = bm_actor_new ("e", "East", BM_LEVEL_TOP, BM_TRACK_1);
  bm_actor_set_position (a, 100000, 150);
  bm_map_insert_actor (map, -1, a);
  expected_extents (map, &extents);
  g_assert_cmpfloat (extents.width, >, 100000);

  bm_export_options_init (&options);
  options.scale = 1;
  export_ok (map, path, &options);
  g_assert_cmpfloat (options.used_scale, <, 1);
  g_assert_cmpfloat (options.used_scale, >, 0.9 * 32767 / extents.width);

  image = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  width = cairo_image_surface_get_width (image);
  height = cairo_image_surface_get_height (image);
  g_assert_cmpint (width, <=, 32767);
  g_assert_cmpint (width, >=, 32767 - 1);
  g_assert_cmpint (height, ==, (int) ceil (extents.height * options.used_scale - 1e-6));
  cairo_surface_destroy (image);
  remove_tree (dir);
}

static void
test_svg (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.svg", NULL);
  g_autofree char *data = NULL;
  gsize length;
  xmlDoc *doc;
  xmlNode *root;
  BmRect extents;

  export_ok (map, path, NULL);
  data = read_file (path, &length);
  doc = xmlReadMemory (data, length, path, NULL, XML_PARSE_NONET);
  g_assert_nonnull (doc);
  root = xmlDocGetRootElement (doc);
  g_assert_cmpstr ((const char *) root->name, ==, "svg");

  expected_extents (map, &extents);
  {
    g_autofree char *width = prop (root, "width");
    g_autofree char *height = prop (root, "height");
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (width, NULL), extents.width, 0.5);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (height, NULL), extents.height, 0.5);
  }
  xmlFreeDoc (doc);
  remove_tree (dir);
}

static void
test_pdf (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.pdf", NULL);
  g_autofree char *data = NULL;
  gsize length;

  export_ok (map, path, NULL);
  data = read_file (path, &length);
  g_assert_true (g_str_has_prefix (data, "%PDF-"));
  g_assert_true (pdf_contains (data, length, "/Creator (Bridgemap)"));
  remove_tree (dir);
}

/* ---- failures ------------------------------------------------------------ */

static void
test_missing_folder (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  static const char *names[] = { "m.csv", "m.graphml", "m.png", "m.svg", "m.pdf", "m.bridgemap" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, "no-such-folder", names[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *prefix = g_strconcat (path, ": ", NULL);

      g_assert_false (export_to (map, path, NULL, &error));
      g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  remove_tree (dir);
}

/* When the ties file cannot be written, the actors file is not written
 * either, and an existing one is left as it was */
static void
test_csv_all_or_nothing (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.csv", NULL);
  g_autofree char *ties_path = g_build_filename (dir, "map-ties.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *prefix = g_strconcat (ties_path, ": ", NULL);

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_mkdir (ties_path, 0755), ==, 0);

  g_assert_false (export_to (map, path, NULL, &error));
  g_assert_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE);
  g_assert_true (g_str_has_prefix (error->message, prefix));
  data = read_file (path, NULL);
  g_assert_cmpstr (data, ==, "old");
  remove_tree (dir);
}

static void
test_existing_file_replaced (void)
{
  g_autoptr(BmMap) map = sample_map ();
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "map.graphml", NULL);
  g_autofree char *data = NULL;

  g_assert_true (g_file_set_contents (path, "old content that is longer than nothing", -1, NULL));
  export_ok (map, path, NULL);
  data = read_file (path, NULL);
  g_assert_true (g_str_has_prefix (data, "<?xml"));
  g_assert_true (g_str_has_suffix (data, "</graphml>\n"));
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export/format-from-path", test_format_from_path);
  g_test_add_func ("/export/ties-name", test_ties_name);
  g_test_add_func ("/export/options-init", test_options_init);
  g_test_add_func ("/export/csv/content", test_csv_content);
  g_test_add_func ("/export/csv/empty-map", test_csv_empty_map);
  g_test_add_func ("/export/csv/all-or-nothing", test_csv_all_or_nothing);
  g_test_add_func ("/export/graphml/content", test_graphml_content);
  g_test_add_func ("/export/bridgemap/is-save", test_bridgemap_is_save);
  g_test_add_func ("/export/map-unchanged", test_map_unchanged);
  g_test_add_func ("/export/png/size", test_png_size);
  g_test_add_func ("/export/png/downscale", test_png_downscale);
  g_test_add_func ("/export/png/same-as-one-drawing", test_png_same_as_one_drawing);
  g_test_add_func ("/export/png/bands-same-as-one-drawing", test_png_bands_same_as_one_drawing);
  g_test_add_func ("/export/svg", test_svg);
  g_test_add_func ("/export/pdf", test_pdf);
  g_test_add_func ("/export/missing-folder", test_missing_folder);
  g_test_add_func ("/export/existing-file-replaced", test_existing_file_replaced);

  return g_test_run ();
}
