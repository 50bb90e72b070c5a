/* bm-window.h: a Bridgemap window, showing one map or the start page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bm-canvas.h"
#include "bm-document.h"
#include "bm-gap-panel.h"
#include "bm-inspector.h"

G_BEGIN_DECLS

#define BM_TYPE_WINDOW (bm_window_get_type ())
G_DECLARE_FINAL_TYPE (BmWindow, bm_window, BM, WINDOW, AdwApplicationWindow)

BmWindow    *bm_window_new              (GtkApplication *application);

/* The map on show; NULL while the start page shows */
BmDocument  *bm_window_get_document     (BmWindow       *self);
/* Shows @document (NULL: the start page) */
void         bm_window_set_document     (BmWindow       *self,
                                         BmDocument     *document);
/* The start page, or a new map nobody touched: opening a file here
 * replaces it instead of opening another window */
gboolean     bm_window_is_reusable      (BmWindow       *self);

/* A new map here when reusable, else in a new window */
void         bm_window_new_map          (BmWindow       *self);

/* Reads @file in the background, then shows it here (when reusable) or in
 * a new window, or brings forward the window that already has it.  A file
 * that cannot be read leaves every window as it was and shows why. */
void         bm_window_open_file        (BmWindow       *self,
                                         GFile          *file);
/* What dropping files on the window does: @value holds a GdkFileList or a
 * GFile.  Returns FALSE when it holds no file. */
gboolean     bm_window_handle_drop      (BmWindow       *self,
                                         const GValue   *value);

/* Saves the map to @file (NULL: its own file); on failure says why in a
 * dialog, keeps the map open and unsaved, and returns FALSE */
gboolean     bm_window_save_to          (BmWindow       *self,
                                         GFile          *file);

/* Find: selects and frames the next actor whose name contains @text
 * (case-insensitive), after the current match when @next.  Returns FALSE
 * when none matches. */
gboolean     bm_window_find             (BmWindow       *self,
                                         const char     *text,
                                         gboolean        next);

/* The current analysis (NULL without a map); re-made after each change */
BmAnalysis  *bm_window_get_analysis     (BmWindow       *self);
/* Runs a pending re-analysis now (tests) */
void         bm_window_flush_analysis   (BmWindow       *self);
/* TRUE when the analysis shown is that of the map as it is */
gboolean     bm_window_is_analysis_current (BmWindow    *self);

BmCanvas    *bm_window_get_canvas       (BmWindow       *self);
BmInspector *bm_window_get_inspector    (BmWindow       *self);
BmGapPanel  *bm_window_get_gap_panel    (BmWindow       *self);

/* Shows a short message at the bottom of the window */
void         bm_window_toast            (BmWindow       *self,
                                         const char     *message);

G_END_DECLS
