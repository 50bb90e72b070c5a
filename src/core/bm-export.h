/* bm-export.h: diagrams (PNG, SVG, PDF) and data (GraphML, CSV)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "bm-map.h"

G_BEGIN_DECLS

typedef enum
{
  BM_EXPORT_BRIDGEMAP,
  BM_EXPORT_PNG,
  BM_EXPORT_SVG,
  BM_EXPORT_PDF,
  BM_EXPORT_GRAPHML,
  BM_EXPORT_CSV,
  /* A briefing to print or send, as PDF: the diagram, the gaps in plain
   * words, the actors by level and track (never chosen by extension) */
  BM_EXPORT_REPORT,
} BmExportFormat;

/* The format from a file name's extension (case-insensitive); FALSE when
 * the extension is not one Bridgemap writes. */
gboolean bm_export_format_from_path (const char *path, BmExportFormat *format);

/* The name of the ties file that goes beside a CSV export: "-ties" before
 * the extension of the last component ("out/map.csv" → "out/map-ties.csv",
 * "map" → "map-ties").  Works on paths and display names alike. */
char    *bm_export_ties_name (const char *name);

typedef struct
{
  double   scale;        /* PNG pixels per map unit; default 2 */
  gboolean show_gaps;    /* draw the gap overlay (default TRUE) */
  /* Out: the scale the PNG was written at; smaller than @scale when the
   * image would have been more than 32767 pixels on a side */
  double   used_scale;
} BmExportOptions;

void     bm_export_options_init (BmExportOptions *options);

/* Writes @map to @file in @format, through the safe save path.  For CSV
 * the ties go beside it ("map.csv" → "map-ties.csv").  @display_name names
 * the output file in error messages.  The map is not changed (actors
 * without a position are placed for drawing only).  @options may be NULL
 * for the defaults.
 *
 * It only reads @map, so it may run in a worker thread while nothing edits
 * the map (give it a bm_map_copy() otherwise); a large map takes seconds.
 * The PNG export draws and compresses on every core. */
gboolean bm_export_file (BmMap                 *map,
                         GFile                 *file,
                         const char            *display_name,
                         BmExportFormat         format,
                         BmExportOptions       *options,
                         GError               **error);

G_END_DECLS
