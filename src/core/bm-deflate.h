/* bm-deflate.h: a fast deflate encoder for PNG rows of a diagram (private)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A diagram is mostly flat colour: white paper, bands, filled shapes,
 * crossed by antialiased lines and text.  Nearly every repeat in its PNG
 * scanlines is either "the same pixel as the one to the left" or "the
 * same pixels as the row above", so this encoder looks for those two
 * first (deflate distances 3 and one row); where neither holds, one
 * remembered position per hash of the next two pixels finds most other
 * repeats within reach.  It codes each run of rows as one block with
 * Huffman codes built for it (RFC 1951).  It
 * takes half the time of zlib's fastest level; its files are within a
 * tenth of that level's size (smaller for the examples at the default
 * scale).
 *
 * Rows are encoded as PNG scanlines of 8-bit RGB with filter type None:
 * a zero byte, then the red, green and blue bytes of each pixel, taken
 * from CAIRO_FORMAT_RGB24 pixels (the unused top byte is ignored).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends to @out the raw deflate data (no zlib header) of @rows
 * scanlines made from the pixels at @pixels, @stride bytes from one row
 * to the next, @width pixels each.  With @have_above, the row before
 * @pixels (at @pixels - @stride) is readable and is the scanline the
 * decoder saw just before these, so rows may repeat it.
 *
 * The data ends on a byte boundary: with @last, with the final block;
 * otherwise with an empty stored block (a "sync flush"), so that the
 * output of consecutive calls, concatenated, is one deflate stream.
 *
 * @width and @rows are at most 65535.  @adler receives the Adler-32
 * checksum of the scanlines.  Returns FALSE only when memory ran out (@out
 * is then incomplete). */
gboolean bm_deflate_rgb_rows (GByteArray   *out,
                              const guint8 *pixels,
                              gsize         stride,
                              guint         width,
                              guint         rows,
                              gboolean      have_above,
                              gboolean      last,
                              guint32      *adler);

/* The length of one scanline: filter byte and three bytes a pixel */
static inline gsize
bm_deflate_scanline_length (guint width)
{
  return 1 + (gsize) width * 3;
}

G_END_DECLS
