/* bm-map-save.c: the canonical writer and the safe save path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The writer follows format.md, "How a file is written": the output depends
 * only on the model, so the same model always gives the same bytes and a
 * small edit gives a small diff.  The XML is written by hand into a GString
 * (a 10,000-actor map takes a few milliseconds); every value goes through
 * the escaping below.
 *
 * Saving follows reliability.md: serialise to memory, then
 * g_file_set_contents_full() with CONSISTENT | DURABLE (temporary file in the
 * same folder, fsync, rename), never g_file_replace_contents(), which can
 * truncate the original on a full disk.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bm-map-io.h"

/* ---- escaping ------------------------------------------------------------ */

/* A character XML 1.0 cannot hold at all, not even as a reference: C0
 * controls other than tab, LF and CR, and U+FFFE / U+FFFF.  The model should
 * never contain one, but if it does the writer drops it rather than produce
 * a file that cannot be opened again. */
static inline gboolean
is_forbidden_char (gunichar c)
{
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
         c == 0xFFFE || c == 0xFFFF;
}

/* Slow path for a string that is not valid UTF-8 or holds a forbidden
 * character: invalid bytes become U+FFFD, forbidden characters vanish. */
static char *
sanitize_text (const char *str)
{
  GString *out = g_string_sized_new (strlen (str));
  const char *p = str;

  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_unichar (out, 0xFFFD);
          p++;
          continue;
        }
      if (!is_forbidden_char (c))
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
needs_sanitizing (const char *str)
{
  const char *end;

  if (!g_utf8_validate (str, -1, &end))
    return TRUE;
  for (const guchar *p = (const guchar *) str; *p != '\0'; p++)
    {
      if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
        return TRUE;
      /* U+FFFE and U+FFFF are EF BF BE / EF BF BF */
      if (p[0] == 0xEF && p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF))
        return TRUE;
    }
  return FALSE;
}

/* Appends @str escaped for an attribute value (in_attr) or for text.
 * Attribute: &amp; &lt; &gt; &quot; &#9; &#10; &#13;, ' as itself.
 * Text:      &amp; &lt; &gt; &#13;, quotes as themselves. */
static void
append_escaped (GString *out, const char *str, gboolean in_attr)
{
  g_autofree char *clean = NULL;
  const char *run;
  const char *p;

  if (needs_sanitizing (str))
    str = clean = sanitize_text (str);

  run = str;
  for (p = str; *p != '\0'; p++)
    {
      const char *entity;

      switch (*p)
        {
        case '&': entity = "&amp;"; break;
        case '<': entity = "&lt;"; break;
        case '>': entity = "&gt;"; break;
        case '\r': entity = "&#13;"; break;
        case '"': entity = in_attr ? "&quot;" : NULL; break;
        case '\t': entity = in_attr ? "&#9;" : NULL; break;
        case '\n': entity = in_attr ? "&#10;" : NULL; break;
        default: entity = NULL; break;
        }
      if (entity == NULL)
        continue;
      g_string_append_len (out, run, p - run);
      g_string_append (out, entity);
      run = p + 1;
    }
  g_string_append_len (out, run, p - run);
}

static inline void
append_indent (GString *out, guint depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append_len (out, "  ", 2);
}

/* ` name="value"` */
static void
append_attr (GString *out, const char *name, const char *value)
{
  g_string_append_c (out, ' ');
  g_string_append (out, name);
  g_string_append_len (out, "=\"", 2);
  append_escaped (out, value, TRUE);
  g_string_append_c (out, '"');
}

/* A coordinate: rounded to 0.01, "%.2f" in the C locale, trailing zeros and
 * point removed, -0 written 0.  The loader refuses values beyond
 * ±1,000,000,000 and non-numbers, so the writer keeps within that range
 * rather than write a file that cannot be opened again (a correct model never
 * holds such a value). */
#define BM_COORD_LIMIT 1e9

static void
format_coord (char *buf, gsize size, double v)
{
  gsize len;

  if (isnan (v))
    v = 0.0;
  v = CLAMP (v, -BM_COORD_LIMIT, BM_COORD_LIMIT);
  v = bm_round_position (v);

  g_ascii_formatd (buf, size, "%.2f", v);
  len = strlen (buf);
  if (memchr (buf, '.', len) != NULL)
    {
      while (len > 0 && buf[len - 1] == '0')
        len--;
      if (len > 0 && buf[len - 1] == '.')
        len--;
      buf[len] = '\0';
    }
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
}

static void
append_coord_attr (GString *out, const char *name, double v)
{
  char buf[64];

  format_coord (buf, sizeof buf, v);
  g_string_append_c (out, ' ');
  g_string_append (out, name);
  g_string_append_len (out, "=\"", 2);
  g_string_append (out, buf);
  g_string_append_c (out, '"');
}

static void
append_int_attr (GString *out, const char *name, int v)
{
  g_string_append_printf (out, " %s=\"%d\"", name, v);
}

/* ---- foreign content ----------------------------------------------------- */

static void
append_ns_decls (GString *out, const BmExtra *extra)
{
  if (extra == NULL)
    return;
  for (guint i = 0; i < extra->ns_decls->len; i++)
    {
      const BmNsDecl *d = g_ptr_array_index (extra->ns_decls, i);

      g_string_append (out, " xmlns");
      if (d->prefix != NULL)
        {
          g_string_append_c (out, ':');
          g_string_append (out, d->prefix);
        }
      g_string_append_len (out, "=\"", 2);
      append_escaped (out, d->href != NULL ? d->href : "", TRUE);
      g_string_append_c (out, '"');
    }
}

static void
append_foreign_attrs (GString *out, const BmExtra *extra)
{
  if (extra == NULL)
    return;
  for (guint i = 0; i < extra->attrs->len; i++)
    {
      const BmForeignAttr *a = g_ptr_array_index (extra->attrs, i);

      g_string_append_c (out, ' ');
      if (a->prefix != NULL)
        {
          g_string_append (out, a->prefix);
          g_string_append_c (out, ':');
        }
      g_string_append (out, a->name);
      g_string_append_len (out, "=\"", 2);
      append_escaped (out, a->value != NULL ? a->value : "", TRUE);
      g_string_append_c (out, '"');
    }
}

static inline gboolean
has_foreign_children (const BmExtra *extra)
{
  return extra != NULL && extra->children->len > 0;
}

/* Each foreign child on its own line at @depth, its inside verbatim */
static void
append_foreign_children (GString *out, const BmExtra *extra, guint depth)
{
  if (extra == NULL)
    return;
  for (guint i = 0; i < extra->children->len; i++)
    {
      append_indent (out, depth);
      g_string_append (out, g_ptr_array_index (extra->children, i));
      g_string_append_c (out, '\n');
    }
}

/* ---- elements ------------------------------------------------------------ */

/* A text-only element (title, description, note).  Written when it has text
 * or foreign attributes; an empty one with attributes takes the short
 * form. */
static void
append_text_element (GString *out, guint depth, const char *name,
                     const char *text, const BmExtra *extra)
{
  gboolean has_text = text != NULL && *text != '\0';

  if (!has_text && bm_extra_is_empty (extra))
    return;

  append_indent (out, depth);
  g_string_append_c (out, '<');
  g_string_append (out, name);
  append_ns_decls (out, extra);
  append_foreign_attrs (out, extra);
  if (!has_text)
    {
      g_string_append_len (out, "/>\n", 3);
      return;
    }
  g_string_append_c (out, '>');
  append_escaped (out, text, FALSE);
  g_string_append_len (out, "</", 2);
  g_string_append (out, name);
  g_string_append_len (out, ">\n", 2);
}

/* Closes a start tag: "/>" when there is nothing inside, ">" otherwise */
static inline void
close_start_tag (GString *out, gboolean has_children)
{
  if (has_children)
    g_string_append_len (out, ">\n", 2);
  else
    g_string_append_len (out, "/>\n", 3);
}

static inline void
append_end_tag (GString *out, guint depth, const char *name)
{
  append_indent (out, depth);
  g_string_append_len (out, "</", 2);
  g_string_append (out, name);
  g_string_append_len (out, ">\n", 2);
}

static void
append_party (GString *out, const BmParty *party)
{
  gboolean children = has_foreign_children (party->extra);

  append_indent (out, 2);
  g_string_append (out, "<party");
  append_attr (out, "id", party->id);
  append_attr (out, "name", party->name);
  if (party->has_color)
    g_string_append_printf (out, " color=\"#%06x\"", (guint) (party->color & 0xFFFFFF));
  append_ns_decls (out, party->extra);
  append_foreign_attrs (out, party->extra);
  close_start_tag (out, children);
  if (children)
    {
      append_foreign_children (out, party->extra, 3);
      append_end_tag (out, 2, "party");
    }
}

static gboolean
has_note (const char *note, const BmExtra *note_extra)
{
  return (note != NULL && *note != '\0') || !bm_extra_is_empty (note_extra);
}

static void
append_actor (GString *out, const BmActor *actor)
{
  const char *sector = bm_sector_to_string (actor->sector);
  gboolean note = has_note (actor->note, actor->note_extra);
  gboolean children = note || has_foreign_children (actor->extra);

  append_indent (out, 2);
  g_string_append (out, "<actor");
  append_attr (out, "id", actor->id);
  append_attr (out, "name", actor->name);
  append_attr (out, "kind", bm_actor_kind_to_string (actor->kind));
  if (actor->party != NULL)
    append_attr (out, "party", actor->party);
  append_attr (out, "level", bm_level_to_string (actor->level));
  append_attr (out, "track", bm_track_to_string (actor->track));
  if (sector != NULL)
    append_attr (out, "sector", sector);
  append_int_attr (out, "influence", actor->influence);
  if (actor->has_position)
    {
      append_coord_attr (out, "x", actor->x);
      append_coord_attr (out, "y", actor->y);
    }
  append_ns_decls (out, actor->extra);
  append_foreign_attrs (out, actor->extra);
  close_start_tag (out, children);
  if (children)
    {
      append_text_element (out, 3, "note", actor->note, actor->note_extra);
      append_foreign_children (out, actor->extra, 3);
      append_end_tag (out, 2, "actor");
    }
}

static void
append_tie (GString *out, const BmTie *tie)
{
  gboolean note = has_note (tie->note, tie->note_extra);
  gboolean children = note || has_foreign_children (tie->extra);

  append_indent (out, 2);
  g_string_append (out, "<tie");
  append_attr (out, "id", tie->id);
  append_attr (out, "from", tie->from);
  append_attr (out, "to", tie->to);
  append_attr (out, "kind", bm_tie_kind_to_string (tie->kind));
  append_int_attr (out, "strength", tie->strength);
  append_ns_decls (out, tie->extra);
  append_foreign_attrs (out, tie->extra);
  close_start_tag (out, children);
  if (children)
    {
      append_text_element (out, 3, "note", tie->note, tie->note_extra);
      append_foreign_children (out, tie->extra, 3);
      append_end_tag (out, 2, "tie");
    }
}

/* Opens a section (<parties>, <actors>, <ties>, <meta>) when it has items or
 * foreign content.  Returns whether it was opened and whether a separate end
 * tag is needed (@open_out). */
static gboolean
begin_section (GString *out, const char *name, gboolean has_items,
               const BmExtra *extra, gboolean *open_out)
{
  gboolean children = has_items || has_foreign_children (extra);

  *open_out = FALSE;
  if (!children && bm_extra_is_empty (extra))
    return FALSE;

  append_indent (out, 1);
  g_string_append_c (out, '<');
  g_string_append (out, name);
  append_ns_decls (out, extra);
  append_foreign_attrs (out, extra);
  close_start_tag (out, children);
  *open_out = children;
  return TRUE;
}

static void
end_section (GString *out, const char *name, const BmExtra *extra, gboolean open)
{
  if (!open)
    return;
  append_foreign_children (out, extra, 2);
  append_end_tag (out, 1, name);
}

static gboolean
meta_has_content (BmMap *map)
{
  const char *title = bm_map_get_title (map);
  const char *description = bm_map_get_description (map);

  return (title != NULL && *title != '\0') ||
         (description != NULL && *description != '\0') ||
         !bm_extra_is_empty (bm_map_get_extra (map, BM_EXTRA_TITLE)) ||
         !bm_extra_is_empty (bm_map_get_extra (map, BM_EXTRA_DESCRIPTION));
}

static gsize
estimate_size (BmMap *map)
{
  return 256 +
         bm_map_get_n_parties (map) * 96 +
         bm_map_get_n_actors (map) * 200 +
         bm_map_get_n_ties (map) * 80;
}

GBytes *
bm_map_serialize (BmMap *map)
{
  GString *out;
  BmExtra *root;
  gboolean root_children;
  gboolean meta_items;
  guint n_parties, n_actors, n_ties;
  gboolean open;

  g_return_val_if_fail (BM_IS_MAP (map), NULL);

  out = g_string_sized_new (estimate_size (map));
  root = bm_map_get_extra (map, BM_EXTRA_ROOT);
  n_parties = bm_map_get_n_parties (map);
  n_actors = bm_map_get_n_actors (map);
  n_ties = bm_map_get_n_ties (map);
  meta_items = meta_has_content (map);

  g_string_append (out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append (out, "<bridgemap xmlns=\"" BM_NAMESPACE "\"");
  append_ns_decls (out, root);
  g_string_append (out, " version=\"" BM_FORMAT_VERSION "\"");
  append_foreign_attrs (out, root);

  root_children = meta_items || n_parties > 0 || n_actors > 0 || n_ties > 0 ||
                  has_foreign_children (root);
  for (guint slot = BM_EXTRA_META; slot < BM_N_EXTRA_SLOTS && !root_children; slot++)
    if (slot != BM_EXTRA_TITLE && slot != BM_EXTRA_DESCRIPTION &&
        !bm_extra_is_empty (bm_map_get_extra (map, slot)))
      root_children = TRUE;
  close_start_tag (out, root_children);
  if (!root_children)
    return g_string_free_to_bytes (out);

  if (begin_section (out, "meta", meta_items, bm_map_get_extra (map, BM_EXTRA_META), &open))
    {
      append_text_element (out, 2, "title", bm_map_get_title (map),
                           bm_map_get_extra (map, BM_EXTRA_TITLE));
      append_text_element (out, 2, "description", bm_map_get_description (map),
                           bm_map_get_extra (map, BM_EXTRA_DESCRIPTION));
      end_section (out, "meta", bm_map_get_extra (map, BM_EXTRA_META), open);
    }

  if (begin_section (out, "parties", n_parties > 0,
                     bm_map_get_extra (map, BM_EXTRA_PARTIES), &open))
    {
      for (guint i = 0; i < n_parties; i++)
        append_party (out, bm_map_get_party (map, i));
      end_section (out, "parties", bm_map_get_extra (map, BM_EXTRA_PARTIES), open);
    }

  if (begin_section (out, "actors", n_actors > 0,
                     bm_map_get_extra (map, BM_EXTRA_ACTORS), &open))
    {
      for (guint i = 0; i < n_actors; i++)
        append_actor (out, bm_map_get_actor (map, i));
      end_section (out, "actors", bm_map_get_extra (map, BM_EXTRA_ACTORS), open);
    }

  if (begin_section (out, "ties", n_ties > 0,
                     bm_map_get_extra (map, BM_EXTRA_TIES), &open))
    {
      for (guint i = 0; i < n_ties; i++)
        append_tie (out, bm_map_get_tie (map, i));
      end_section (out, "ties", bm_map_get_extra (map, BM_EXTRA_TIES), open);
    }

  append_foreign_children (out, root, 1);
  g_string_append (out, "</bridgemap>\n");

  return g_string_free_to_bytes (out);
}

/* ---- safe saving --------------------------------------------------------- */

/* Symbolic links followed before giving up (as the kernel's limit) */
#define MAX_LINK_DEPTH 40

static void
set_write_error (GError **error, const char *display_name, const char *reason)
{
  g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_WRITE,
               /* Translators: "FILE: cannot save: REASON" */
               _("%s: cannot save: %s"), display_name, reason);
}

static const char *
reason_for_errno (int err)
{
  switch (err)
    {
    case ENOSPC:
      return _("the disk is full");
#ifdef EDQUOT
    case EDQUOT:
      return _("the disk quota is exceeded");
#endif
    case EROFS:
      return _("the folder is read-only");
    case EACCES:
    case EPERM:
      return _("permission denied");
    case ENOENT:
      return _("the folder does not exist");
    case ENOTDIR:
      return _("a part of the path is not a folder");
    case EISDIR:
      return _("it is a folder");
    case ENAMETOOLONG:
      return _("the name is too long");
    case ELOOP:
      return _("too many symbolic links");
    case EIO:
      return _("the disk reported an input/output error");
    case EFBIG:
      return _("the file is too large for this disk");
    case ETXTBSY:
      return _("the file is busy");
    default:
      return NULL;
    }
}

static const char *
reason_for_file_error (int code)
{
  switch (code)
    {
    case G_FILE_ERROR_NOSPC: return reason_for_errno (ENOSPC);
    case G_FILE_ERROR_ROFS: return reason_for_errno (EROFS);
    case G_FILE_ERROR_ACCES:
    case G_FILE_ERROR_PERM: return reason_for_errno (EACCES);
    case G_FILE_ERROR_NOENT: return reason_for_errno (ENOENT);
    case G_FILE_ERROR_NOTDIR: return reason_for_errno (ENOTDIR);
    case G_FILE_ERROR_ISDIR: return reason_for_errno (EISDIR);
    case G_FILE_ERROR_NAMETOOLONG: return reason_for_errno (ENAMETOOLONG);
    case G_FILE_ERROR_LOOP: return reason_for_errno (ELOOP);
    case G_FILE_ERROR_IO: return reason_for_errno (EIO);
    case G_FILE_ERROR_TXTBSY: return reason_for_errno (ETXTBSY);
    case G_FILE_ERROR_FAILED:
    default: return NULL;
    }
}

static void
set_errno_error (GError **error, const char *display_name, int err)
{
  const char *reason = reason_for_errno (err);

  if (reason != NULL)
    set_write_error (error, display_name, reason);
  else
    set_write_error (error, display_name, g_strerror (err));
}

/* Follows a chain of symbolic links to the file they point to.  A relative
 * link is relative to the folder holding the link.  The final target need
 * not exist (saving creates it). */
static char *
resolve_links (const char *path, const char *display_name, GError **error)
{
  g_autofree char *current = g_strdup (path);

  for (guint depth = 0; ; depth++)
    {
      GStatBuf st;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *target = NULL;

      if (g_lstat (current, &st) != 0)
        {
          int err = errno;

          if (err == ENOENT)
            return g_steal_pointer (&current);   /* a new file */
          set_errno_error (error, display_name, err);
          return NULL;
        }
      if (!S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);

      if (depth >= MAX_LINK_DEPTH)
        {
          set_errno_error (error, display_name, ELOOP);
          return NULL;
        }

      target = g_file_read_link (current, &local_error);
      if (target == NULL)
        {
          set_write_error (error, display_name, local_error->message);
          return NULL;
        }
      if (!g_path_is_absolute (target))
        {
          g_autofree char *folder = g_path_get_dirname (current);
          g_autofree char *joined = g_build_filename (folder, target, NULL);

          g_free (current);
          current = g_steal_pointer (&joined);
        }
      else
        {
          g_free (current);
          current = g_steal_pointer (&target);
        }
    }
}

gboolean
bm_write_file_safely (GFile       *file,
                      const char  *display_name,
                      const void  *data,
                      gsize        length,
                      GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GError) local_error = NULL;
  GStatBuf st;
  gboolean existed;
  int mode;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  path = g_file_get_path (file);
  if (display_name == NULL)
    display_name = path != NULL ? path : "?";
  if (path == NULL)
    {
      set_write_error (error, display_name,
                       _("only files on this computer can be saved; "
                         "choose a local folder"));
      return FALSE;
    }

  target = resolve_links (path, display_name, error);
  if (target == NULL)
    return FALSE;

  existed = g_stat (target, &st) == 0;
  if (existed)
    {
      if (S_ISDIR (st.st_mode))
        {
          set_errno_error (error, display_name, EISDIR);
          return FALSE;
        }
      if (!S_ISREG (st.st_mode))
        {
          set_write_error (error, display_name, _("it is not a regular file"));
          return FALSE;
        }
      /* Replacing goes through the folder, which would let us overwrite a
       * file we may not write: refuse, as GIO's replace does. */
      if (access (target, W_OK) != 0)
        {
          set_errno_error (error, display_name, errno);
          return FALSE;
        }
      mode = st.st_mode & 07777;
    }
  else
    {
      /* A new file: 0644, narrowed by the umask as any new file is (a user
       * with umask 077 keeps their maps private). */
      mode = 0644;
    }

  if (!g_file_set_contents_full (target, data, length,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_DURABLE,
                                 mode, &local_error))
    {
      const char *reason = NULL;

      if (local_error->domain == G_FILE_ERROR)
        reason = reason_for_file_error (local_error->code);
      if (reason != NULL)
        set_write_error (error, display_name, reason);
      else
        set_write_error (error, display_name, local_error->message);
      return FALSE;
    }

  if (existed)
    {
      /* The temporary file was created through open(), so the umask may
       * have narrowed the bits: set them exactly.  Keep the owner too where
       * we may (as root); a failure there only leaves us the owner. */
      if (geteuid () == 0 && (st.st_uid != 0 || st.st_gid != getegid ()) &&
          chown (target, st.st_uid, st.st_gid) != 0)
        g_debug ("Could not keep the owner of %s: %s", target, g_strerror (errno));
      if (g_chmod (target, mode) != 0)
        g_warning ("Could not keep the permissions of %s: %s", target, g_strerror (errno));
    }

  return TRUE;
}

gboolean
bm_map_save_file (BmMap       *map,
                  GFile       *file,
                  const char  *display_name,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gconstpointer data;
  gsize length;

  g_return_val_if_fail (BM_IS_MAP (map), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  bytes = bm_map_serialize (map);
  data = g_bytes_get_data (bytes, &length);
  return bm_write_file_safely (file, display_name, data, length, error);
}
