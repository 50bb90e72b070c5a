/* bm-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "bm-recovery.h"

G_BEGIN_DECLS

#define BM_TYPE_APPLICATION (bm_application_get_type ())
G_DECLARE_FINAL_TYPE (BmApplication, bm_application, BM, APPLICATION, AdwApplication)

/* Runs the application on @files (NULL-terminated, may be NULL) */
int            bm_application_run           (char **files);

BmApplication *bm_application_new           (GApplicationFlags flags);

/* Where recovery copies go ($XDG_STATE_HOME/<app id>/recovery) */
BmRecovery    *bm_application_get_recovery  (BmApplication *self);
/* The app's settings, or NULL when the schema is not installed (running
 * from the build tree without GSETTINGS_SCHEMA_DIR) */
GSettings     *bm_application_get_settings  (BmApplication *self);

/* The bundled example maps: GFiles of the .bridgemap files, sorted */
GPtrArray     *bm_application_get_examples  (BmApplication *self);
/* The folder they come from, or NULL */
const char    *bm_application_get_examples_dir (BmApplication *self);

/* Remembers @file among the recent maps */
void           bm_application_add_recent    (BmApplication *self,
                                             GFile         *file);

/* Offers each recovered map (restore or discard), one dialog after the
 * other, over @parent (restored maps open in their own windows, @parent's
 * first when it is reusable).  Done once at start-up. */
void           bm_application_offer_recovery (BmApplication *self,
                                              GtkWindow     *parent);

G_END_DECLS
