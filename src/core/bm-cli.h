/* bm-cli.h: the command-line paths that need no display
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each returns the process exit status and writes errors to stderr as
 * format.md's "Errors" section says. */
int bm_cli_validate (char **files);
int bm_cli_analyze  (const char *file, gboolean json);
int bm_cli_export   (const char *out, const char *file, double scale);
int bm_cli_report   (const char *out, const char *file);

G_END_DECLS
