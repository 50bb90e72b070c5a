/* test-deflate.c: the PNG export's deflate encoder, checked by zlib
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every picture is encoded in strips, as the exporter does, the strips
 * joined into one zlib stream and inflated by zlib, which also checks the
 * Adler-32 sum: what comes out must be exactly the picture's scanlines.
 */
#include "config.h"

#include <string.h>
#include <zlib.h>

#include "bm-deflate.h"

typedef struct
{
  guint    width;
  guint    height;
  gsize    stride;
  guint32 *data;
} Picture;

static Picture *
picture_new (guint width,
             guint height)
{
  Picture *p = g_new0 (Picture, 1);

  p->width = width;
  p->height = height;
  /* A little slack at each row's end, as cairo may have */
  p->stride = ((gsize) width + 3) * 4;
  p->data = g_new0 (guint32, p->stride / 4 * height);
  return p;
}

static void
picture_free (Picture *p)
{
  g_free (p->data);
  g_free (p);
}

static guint32 *
row_of (Picture *p,
        guint    y)
{
  return p->data + y * (p->stride / 4);
}

/* What a PNG decoder must get back: filter byte 0, then RGB */
static guint8 *
expected_scanlines (Picture *p,
                    gsize   *length)
{
  gsize line = bm_deflate_scanline_length (p->width);
  guint8 *out = g_malloc (line * p->height), *o = out;

  for (guint y = 0; y < p->height; y++)
    {
      const guint32 *row = row_of (p, y);

      *o++ = 0;
      for (guint x = 0; x < p->width; x++)
        {
          *o++ = row[x] >> 16;
          *o++ = row[x] >> 8;
          *o++ = row[x];
        }
    }
  *length = line * p->height;
  return out;
}

/* Encodes @p in strips of @strip_rows rows (the first strip with no row
 * above, as at a band's start), inflates the result with zlib and
 * compares; returns the compressed size */
static gsize
check_round_trip (Picture *p,
                  guint    strip_rows)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autofree guint8 *expected = NULL;
  g_autofree guint8 *inflated = NULL;
  static const guint8 header[2] = { 0x78, 0x01 };
  guint8 trailer[4];
  uLong adler = adler32 (0, NULL, 0);
  gsize length;
  uLongf inflated_length;
  int ret;

  g_byte_array_append (stream, header, 2);
  for (guint y = 0; y < p->height; y += strip_rows)
    {
      guint rows = MIN (strip_rows, p->height - y);
      guint32 strip_adler = 0;

      g_assert_true (bm_deflate_rgb_rows (stream, (const guint8 *) row_of (p, y), p->stride,
                                          p->width, rows, y > 0, y + rows >= p->height,
                                          &strip_adler));
      adler = adler32_combine (adler, strip_adler,
                               (z_off_t) (rows * bm_deflate_scanline_length (p->width)));
    }
  trailer[0] = adler >> 24;
  trailer[1] = adler >> 16;
  trailer[2] = adler >> 8;
  trailer[3] = adler;
  g_byte_array_append (stream, trailer, 4);

  expected = expected_scanlines (p, &length);
  /* One byte more than needed: a stream that decodes too long shows */
  inflated_length = length + 1;
  inflated = g_malloc (inflated_length);
  ret = uncompress (inflated, &inflated_length, stream->data, stream->len);
  g_assert_cmpint (ret, ==, Z_OK);
  g_assert_cmpuint (inflated_length, ==, length);
  g_assert_true (memcmp (inflated, expected, length) == 0);
  return stream->len;
}

static guint32
random_pixel (GRand *rand)
{
  /* Garbage in the unused top byte must not matter */
  return g_rand_int (rand);
}

static void
test_flat (void)
{
  Picture *p = picture_new (2658, 300);
  gsize size;

  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      row_of (p, y)[x] = 0xffffff;
  size = check_round_trip (p, 64);
  /* White paper costs next to nothing */
  g_assert_cmpuint (size, <, 8 * 1024);
  picture_free (p);
}

static void
test_noise (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  Picture *p = picture_new (401, 333);

  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      row_of (p, y)[x] = random_pixel (rand);
  /* More tokens than one block holds, in one call and in several */
  check_round_trip (p, p->height);
  check_round_trip (p, 7);
  picture_free (p);
}

/* Flat areas with shapes, lines and a few noisy pixels, like a diagram */
static void
draw_diagram_like (Picture *p,
                   GRand   *rand)
{
  for (guint y = 0; y < p->height; y++)
    for (guint x = 0; x < p->width; x++)
      row_of (p, y)[x] = y < p->height / 3 ? 0xf4f0e8 : 0xffffff;
  for (guint k = 0; k < 40; k++)
    {
      guint x0 = g_rand_int_range (rand, 0, p->width), y0 = g_rand_int_range (rand, 0, p->height);
      guint w = g_rand_int_range (rand, 1, 300), h = g_rand_int_range (rand, 1, 90);
      guint32 colour = g_rand_int (rand) & 0xffffff;

      for (guint y = y0; y < MIN (p->height, y0 + h); y++)
        for (guint x = x0; x < MIN (p->width, x0 + w); x++)
          row_of (p, y)[x] = colour;
    }
  for (guint k = 0; k < 3000; k++)
    row_of (p, g_rand_int_range (rand, 0, p->height))[g_rand_int_range (rand, 0, p->width)] =
      random_pixel (rand);
}

static void
test_diagram_like (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  static const guint widths[] = { 1, 2, 3, 85, 86, 87, 172, 173, 1000, 2658 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      Picture *p = picture_new (widths[i], 150);

      draw_diagram_like (p, rand);
      check_round_trip (p, 64);
      check_round_trip (p, 1);
      picture_free (p);
    }
}

/* Rows at and past the largest a 32 KiB window reaches back over */
static void
test_wide_rows (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  static const guint widths[] = { 10922, 10923, 20000 };

  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    {
      Picture *p = picture_new (widths[i], 12);

      draw_diagram_like (p, rand);
      check_round_trip (p, 5);
      picture_free (p);
    }
}

/* Byte values in Fibonacci proportions, shuffled: an optimal code for
 * them is deeper than deflate's 15 bits, so the limit must be applied */
static void
test_skewed (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (8);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint a = 2, b = 3;   /* with the filter byte and the end of block, 1 1 2 3 5 … */
  Picture *p;

  for (guint v = 0; v < 22; v++)
    {
      for (guint k = 0; k < a; k++)
        g_byte_array_append (bytes, (guint8[]) { 7 * v + 1 }, 1);
      b += a;
      a = b - a;
    }
  for (guint i = bytes->len - 1; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      guint8 t = bytes->data[i];

      bytes->data[i] = bytes->data[j];
      bytes->data[j] = t;
    }
  /* One row, no pixel like the one before it: literals only */
  p = picture_new (bytes->len / 3, 1);
  for (guint x = 0; x < p->width; x++)
    {
      const guint8 *v = bytes->data + 3 * x;

      row_of (p, 0)[x] = v[0] << 16 | v[1] << 8 | v[2];
    }
  for (guint x = 1; x < p->width; x++)
    for (guint j = x + 1; j < p->width && row_of (p, 0)[x] == row_of (p, 0)[x - 1]; j++)
      {
        guint32 t = row_of (p, 0)[x];

        row_of (p, 0)[x] = row_of (p, 0)[j];
        row_of (p, 0)[j] = t;
      }
  check_round_trip (p, p->height);
  picture_free (p);
}

/* Random sizes, strips and content: runs, copies of earlier pixels at
 * every distance, and noise, mixed */
static void
test_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2024);

  for (guint round = 0; round < 40; round++)
    {
      Picture *p = picture_new (g_rand_int_range (rand, 1, 3000), g_rand_int_range (rand, 1, 60));
      guint n = p->width * p->height, i = 0;

      while (i < n)
        {
          guint want = g_rand_int_range (rand, 1, 400);
          guint len = MIN (n - i, want);
          guint kind = g_rand_int_range (rand, 0, 3);
          guint32 colour = g_rand_int (rand);

          for (guint k = 0; k < len; k++, i++)
            {
              guint32 *px = &row_of (p, i / p->width)[i % p->width];

              if (kind == 0)
                *px = colour;
              else if (kind == 1 && i > 0)
                {
                  /* A pixel from up to a few rows back */
                  guint back = 1 + (colour % MIN (i, 4 * p->width));
                  guint j = i - back;

                  *px = row_of (p, j / p->width)[j % p->width] ^ (k % 97 == 96 ? 1 : 0);
                }
              else
                *px = g_rand_int (rand);
            }
        }
      check_round_trip (p, g_rand_int_range (rand, 1, 70));
      picture_free (p);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/deflate/flat", test_flat);
  g_test_add_func ("/deflate/noise", test_noise);
  g_test_add_func ("/deflate/diagram-like", test_diagram_like);
  g_test_add_func ("/deflate/wide-rows", test_wide_rows);
  g_test_add_func ("/deflate/skewed", test_skewed);
  g_test_add_func ("/deflate/random", test_random);
  return g_test_run ();
}
