/* fuzz-load.c: libFuzzer harness around the loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input must be either refused with one "fuzz:LINE: message" line per
 * reported problem, or loaded into a map that the writer saves and the
 * loader reads back unchanged.  Anything else aborts: a crash, a leak or
 * undefined behaviour is caught by the sanitizers.
 *
 * Built by -Dfuzzing=true with clang (see meson.build here); the regular
 * build links the same function into test-fuzz-replay, which replays the
 * corpus.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bm-map-io.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define DISPLAY_NAME "fuzz"

G_GNUC_NORETURN static void
fail (const char *what, const char *detail)
{
  fprintf (stderr, "fuzz-load: %s\n%s\n", what, detail != NULL ? detail : "");
  abort ();
}

static void
check_refusal (const GError *error, GPtrArray *problems)
{
  g_auto(GStrv) lines = NULL;

  if (error == NULL)
    fail ("no error for a refused input", NULL);
  if (error->domain != BM_MAP_ERROR ||
      (error->code != BM_MAP_ERROR_INVALID && error->code != BM_MAP_ERROR_NEWER))
    fail ("unexpected error code", error->message);
  if (problems == NULL || problems->len == 0)
    fail ("refused without a problem", error->message);
  if (!g_utf8_validate (error->message, -1, NULL))
    fail ("message is not UTF-8", NULL);

  lines = g_strsplit (error->message, "\n", -1);
  if (g_strv_length (lines) != problems->len)
    fail ("not one line per problem", error->message);
  for (guint i = 0; i < problems->len; i++)
    {
      const BmProblem *p = g_ptr_array_index (problems, i);
      g_autofree char *expected = p->line > 0
        ? g_strdup_printf (DISPLAY_NAME ":%d: %s", p->line, p->message)
        : g_strdup_printf (DISPLAY_NAME ": %s", p->message);

      if (p->message == NULL || p->message[0] == '\0' || strchr (p->message, '\n') != NULL)
        fail ("empty or multi-line problem", error->message);
      if (strcmp (lines[i], expected) != 0)
        fail ("line does not match its problem", error->message);
      if (i > 0 && p->line < ((const BmProblem *) g_ptr_array_index (problems, i - 1))->line)
        fail ("problems not in line order", error->message);
    }
}

static void
check_round_trip (BmMap *map)
{
  g_autoptr(GBytes) bytes = bm_map_serialize (map);
  g_autoptr(GBytes) bytes_again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BmMap) again = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  again = bm_map_load_from_data (data, length, DISPLAY_NAME, NULL, &error);
  if (again == NULL)
    {
      g_autofree char *written = g_strndup (data, length);
      fprintf (stderr, "%s\n", written);
      fail ("the writer's output does not load", error->message);
    }
  if (!bm_map_equal (map, again))
    fail ("the map changed on a round trip", NULL);

  bytes_again = bm_map_serialize (again);
  if (!g_bytes_equal (bytes, bytes_again))
    fail ("saving a reloaded map changed its bytes", NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(BmMap) map = NULL;

  map = bm_map_load_from_data ((const char *) data, size, DISPLAY_NAME, &problems, &error);
  if (problems == NULL)
    fail ("no problem list", NULL);

  if (map == NULL)
    check_refusal (error, problems);
  else
    {
      if (error != NULL || problems->len != 0)
        fail ("a loaded map with problems", NULL);
      check_round_trip (map);
    }
  return 0;
}
