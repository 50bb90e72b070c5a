/* bm-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BM_TYPE_APPLICATION (bm_application_get_type ())
G_DECLARE_FINAL_TYPE (BmApplication, bm_application, BM, APPLICATION, AdwApplication)

/* Runs the application on @files (NULL-terminated, may be NULL) */
int bm_application_run (char **files);

G_END_DECLS
