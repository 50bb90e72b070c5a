/* bm-report.h: the briefing pages of a report (private to the core)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A report is one PDF to attach to an e-mail or print: the diagram on the
 * first page (drawn by bm-export.c), then pages in the size of the user's
 * paper with the map's title and description, the gaps in plain words,
 * and the actors by level and track.
 */
#pragma once

#include <cairo.h>

#include "bm-analysis.h"
#include "bm-map.h"

G_BEGIN_DECLS

/* The paper of the user's region (LC_PAPER), in points, portrait; A4
 * where the system does not say */
void bm_report_paper_size  (double *width,
                            double *height);

/* Ends the page @cr is on and adds the briefing pages of @map to the PDF
 * surface @cr draws on.  @first_page is the number of the first of them. */
void bm_report_draw_pages  (cairo_t    *cr,
                            BmMap      *map,
                            BmAnalysis *analysis,
                            guint       first_page);

G_END_DECLS
