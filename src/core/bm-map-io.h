/* bm-map-io.h: reading and writing .bridgemap files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bm-map.h"

G_BEGIN_DECLS

#define BM_MAP_ERROR (bm_map_error_quark ())
GQuark bm_map_error_quark (void);

typedef enum
{
  BM_MAP_ERROR_READ,        /* the file could not be read (missing, empty, permission) */
  BM_MAP_ERROR_INVALID,     /* the document breaks the format; message lists every problem */
  BM_MAP_ERROR_NEWER,       /* version greater than this program knows */
  BM_MAP_ERROR_WRITE,       /* the file could not be written; the old one is intact */
} BmMapError;

/* One problem found in a document */
typedef struct
{
  int   line;     /* 0 where no line applies */
  char *message;  /* plain words, translated, no file or line prefix */
} BmProblem;

void bm_problem_free (BmProblem *problem);

/* Parse a document from memory.  @display_name is what the user knows the
 * file as (the path they gave) and prefixes each message.
 *
 * On failure returns NULL and sets @error (BM_MAP_ERROR_INVALID or
 * BM_MAP_ERROR_NEWER) whose message holds one line per problem,
 * "FILE:LINE: message" or "FILE: message".  When @problems is not NULL it
 * receives a GPtrArray of BmProblem (also on success: empty). */
BmMap *bm_map_load_from_data (const char  *data,
                              gsize        length,
                              const char  *display_name,
                              GPtrArray  **problems,
                              GError     **error);

/* Reads the bytes through GIO (never decompressing), then as above. */
BmMap *bm_map_load_file      (GFile       *file,
                              const char  *display_name,
                              GError     **error);

/* The canonical serialisation of format.md, "How a file is written". */
GBytes *bm_map_serialize     (BmMap *map);

/* Serialise, then write atomically and durably: temporary file in the same
 * folder, fsync, rename.  A symbolic link (or a chain of them) is followed
 * and its target replaced, the link kept.  An existing file keeps its
 * permission bits exactly, whatever the umask (and, when saving as root, its
 * owner); a new file gets 0644 narrowed by the umask, like any new file.  An
 * existing file we may not write is refused.  Only local files (with a
 * path).  On failure the old file is byte-identical and @error
 * (BM_MAP_ERROR_WRITE) says why in one line, "FILE: cannot save: REASON",
 * FILE being @display_name (the path when NULL). */
gboolean bm_map_save_file    (BmMap       *map,
                              GFile       *file,
                              const char  *display_name,
                              GError     **error);

/* Same write path for arbitrary bytes (used by exports and recovery) */
gboolean bm_write_file_safely (GFile       *file,
                               const char  *display_name,
                               const void  *data,
                               gsize        length,
                               GError     **error);

G_END_DECLS
