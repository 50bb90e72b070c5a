/* bm-deflate.c: a fast deflate encoder for PNG rows of a diagram
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written from RFC 1951.  Each call turns its rows into tokens (literal
 * bytes, or matches: 3 bytes back, one scanline back, or where a hash of
 * two pixels was last seen), a block at a time, counting how often each
 * symbol occurs; then builds the block's Huffman codes, length-limited,
 * and writes the block.
 */
#include "config.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bm-deflate.h"

#define MAX_MATCH    258
#define WINDOW       32768
#define N_LITLEN     286     /* 0-255 bytes, 256 end of block, 257-285 lengths */
#define N_DIST       30
#define N_CLEN       19      /* the alphabet of code lengths */
#define END_OF_BLOCK 256
#define MAX_BITS     15
#define MAX_CLEN_BITS 7
/* Tokens in a block (the last row may add one row more): the buffer
 * stays in the processor's cache, and the codes follow the picture */
#define BLOCK_TOKENS (48 * 1024)

/* A token is a literal byte (below 256) or a match: the flag, the
 * distance (1-32768) shifted by 9, the length (3-258) */
#define MATCH_FLAG   0x80000000u
#define MATCH_DISTANCE_SHIFT 9
/* Where a pair of pixels was last seen, to find repeats anywhere in the
 * window: one entry per hash, the newest */
#define HASH_BITS    12
#define NO_PIXEL     0xffffffffu

static const guint16 length_base[29] = {
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
  35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const guint8 length_extra[29] = {
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
  3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const guint16 distance_base[N_DIST] = {
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
  257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577
};
static const guint8 distance_extra[N_DIST] = {
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
  7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};
/* The order in which the code lengths of the code lengths are sent */
static const guint8 clen_order[N_CLEN] = {
  16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

/* For each match length, its symbol's index into length_base */
static guint8 length_code[MAX_MATCH + 1];
/* Distance codes for distances 1-512 by distance - 1, and for longer
 * ones by (distance - 1) >> 8 (their codes start at multiples of 256) */
static guint8 distance_code_near[512];
static guint8 distance_code_far[128];

static void
init_tables (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint c = 0; c < 29; c++)
        {
          guint end = c + 1 < 29 ? length_base[c + 1] : MAX_MATCH + 1;

          for (guint len = length_base[c]; len < end; len++)
            length_code[len] = c;
        }
      /* 258 has its own code, not 227 + 31 */
      length_code[MAX_MATCH] = 28;
      for (guint c = 0; c < N_DIST; c++)
        {
          guint end = c + 1 < N_DIST ? distance_base[c + 1] : WINDOW + 1;

          for (guint d = distance_base[c]; d < end; d++)
            {
              if (d <= 512)
                distance_code_near[d - 1] = c;
              else
                distance_code_far[(d - 1) >> 8] = c;
            }
        }
      g_once_init_leave (&done, 1);
    }
}

static inline guint
distance_code (guint distance)
{
  return distance <= 512 ? distance_code_near[distance - 1]
                         : distance_code_far[(distance - 1) >> 8];
}

/* ---- Huffman codes ------------------------------------------------------- */

typedef struct
{
  guint32 freq;
  guint16 symbol;
} Leaf;

static int
compare_leaves (const void *a,
                const void *b)
{
  const Leaf *x = a, *y = b;

  if (x->freq != y->freq)
    return x->freq < y->freq ? -1 : 1;
  return (int) x->symbol - (int) y->symbol;
}

/* Fills @lengths with the code lengths of an optimal prefix code for the
 * @n symbols of frequencies @freq (0 for unused ones), none longer than
 * @limit; returns the longest */
static guint
huffman_lengths (const guint32 *freq,
                 guint          n,
                 guint          limit,
                 guint8        *lengths)
{
  Leaf leaves[N_LITLEN];
  guint32 weight[2 * N_LITLEN];
  guint16 parent[2 * N_LITLEN];
  guint8 depth[2 * N_LITLEN];
  guint32 scaled[N_LITLEN];
  guint m = 0;

  g_assert (n <= N_LITLEN);
  memset (lengths, 0, n);
  for (guint s = 0; s < n; s++)
    scaled[s] = freq[s];

  for (;;)
    {
      guint next_leaf = 0, next_node, first_node, longest = 0;

      m = 0;
      for (guint s = 0; s < n; s++)
        if (scaled[s] > 0)
          leaves[m++] = (Leaf) { scaled[s], s };
      if (m == 0)
        return 0;
      if (m == 1)
        {
          lengths[leaves[0].symbol] = 1;
          return 1;
        }
      qsort (leaves, m, sizeof *leaves, compare_leaves);
      for (guint i = 0; i < m; i++)
        weight[i] = leaves[i].freq;

      /* Two queues: the sorted leaves, and the joined nodes, which are
       * made in order of weight */
      first_node = m;
      for (next_node = m; next_node < 2 * m - 1; next_node++)
        {
          guint pick[2];

          for (guint k = 0; k < 2; k++)
            {
              if (next_leaf < m &&
                  (first_node >= next_node || weight[next_leaf] <= weight[first_node]))
                pick[k] = next_leaf++;
              else
                pick[k] = first_node++;
            }
          weight[next_node] = weight[pick[0]] + weight[pick[1]];
          parent[pick[0]] = parent[pick[1]] = next_node;
        }

      /* Parents come after their children */
      depth[2 * m - 2] = 0;
      for (int i = (int) (2 * m) - 3; i >= 0; i--)
        {
          depth[i] = depth[parent[i]] + 1;
          if (i < (int) m)
            longest = MAX (longest, depth[i]);
        }

      if (longest <= limit)
        {
          for (guint i = 0; i < m; i++)
            lengths[leaves[i].symbol] = depth[i];
          return longest;
        }
      /* Too deep: flatten the frequencies and build again (at worst all
       * equal, a balanced tree, which fits) */
      for (guint s = 0; s < n; s++)
        if (scaled[s] > 0)
          scaled[s] = (scaled[s] >> 1) | 1;
    }
}

static guint32
reverse_bits (guint32 code,
              guint   length)
{
  guint32 r = 0;

  for (guint i = 0; i < length; i++)
    {
      r = (r << 1) | (code & 1);
      code >>= 1;
    }
  return r;
}

/* Canonical codes from lengths (RFC 1951, 3.2.2), bit-reversed because
 * deflate sends Huffman codes from their most significant bit into a
 * stream filled from the least significant one */
static void
canonical_codes (const guint8 *lengths,
                 guint         n,
                 guint16      *codes)
{
  guint count[MAX_BITS + 1] = { 0, };
  guint32 next[MAX_BITS + 2];
  guint32 code = 0;

  for (guint s = 0; s < n; s++)
    count[lengths[s]]++;
  count[0] = 0;
  for (guint bits = 1; bits <= MAX_BITS; bits++)
    {
      code = (code + count[bits - 1]) << 1;
      next[bits] = code;
    }
  for (guint s = 0; s < n; s++)
    if (lengths[s] > 0)
      codes[s] = reverse_bits (next[lengths[s]]++, lengths[s]);
}

/* ---- bits ---------------------------------------------------------------- */

typedef struct
{
  guint8  *out;      /* where the next whole bytes go */
  guint64  acc;
  guint    n_bits;
} Bits;

static inline void
put_bits (Bits    *b,
          guint32  value,
          guint    n)
{
  b->acc |= (guint64) value << b->n_bits;
  b->n_bits += n;
  if (b->n_bits >= 32)
    {
      guint32 word = GUINT32_TO_LE ((guint32) b->acc);

      memcpy (b->out, &word, 4);
      b->out += 4;
      b->acc >>= 32;
      b->n_bits -= 32;
    }
}

/* Writes out whole bytes, then pads the last one with zero bits */
static void
align_bits (Bits *b)
{
  while (b->n_bits > 0)
    {
      *b->out++ = (guint8) b->acc;
      b->acc >>= 8;
      b->n_bits = b->n_bits > 8 ? b->n_bits - 8 : 0;
    }
}

/* ---- one block ----------------------------------------------------------- */

typedef struct
{
  GByteArray   *out;
  guint32      *tokens;
  guint         n_tokens;
  guint32       lit_freq[N_LITLEN];
  guint32       dist_freq[N_DIST];
  /* The rows being encoded */
  const guint8 *pixels;
  gsize         stride;
  gsize         line;
  guint         y;
  guint32       recent[1 << HASH_BITS];  /* row << 16 | column, or NO_PIXEL */
  gboolean      failed;
} Encoder;

/* The sequence of code lengths, run-length coded with symbols 16-18 */
typedef struct
{
  guint8 symbol;
  guint8 extra;
} ClenItem;

static guint
run_length_code (const guint8 *lengths,
                 guint         n,
                 ClenItem     *items)
{
  guint k = 0;

  for (guint i = 0; i < n; )
    {
      guint8 v = lengths[i];
      guint run = 1;

      while (i + run < n && lengths[i + run] == v)
        run++;
      i += run;
      if (v == 0)
        {
          while (run >= 11)
            {
              guint r = MIN (run, 138);
              items[k++] = (ClenItem) { 18, r - 11 };
              run -= r;
            }
          if (run >= 3)
            {
              items[k++] = (ClenItem) { 17, run - 3 };
              run = 0;
            }
        }
      else
        {
          items[k++] = (ClenItem) { v, 0 };
          run--;
          while (run >= 3)
            {
              guint r = MIN (run, 6);
              items[k++] = (ClenItem) { 16, r - 3 };
              run -= r;
            }
        }
      while (run-- > 0)
        items[k++] = (ClenItem) { v, 0 };
    }
  return k;
}

static const guint8 clen_extra_bits[N_CLEN] = {
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7
};

/* Writes the tokens gathered so far as one block and starts a new one */
static void
flush_block (Encoder  *e,
             gboolean  final)
{
  guint8 lit_len[N_LITLEN], dist_len[N_DIST], lengths[N_LITLEN + N_DIST];
  guint16 lit_code[N_LITLEN], dist_code[N_DIST];
  guint32 clen_freq[N_CLEN] = { 0, };
  guint8 clen_len[N_CLEN];
  guint16 clen_code[N_CLEN];
  ClenItem items[N_LITLEN + N_DIST];
  guint n_lit = 257, n_dist = 1, n_clen = 4, n_items;
  guint64 bits;
  gsize used;
  Bits b;

  e->lit_freq[END_OF_BLOCK] = 1;
  /* At least two codes in each alphabet keeps every decoder happy */
  if (e->lit_freq[0] == 0)
    e->lit_freq[0] = 1;
  for (guint s = 0; s < 2; s++)
    if (e->dist_freq[s] == 0)
      e->dist_freq[s] = 1;

  huffman_lengths (e->lit_freq, N_LITLEN, MAX_BITS, lit_len);
  huffman_lengths (e->dist_freq, N_DIST, MAX_BITS, dist_len);
  canonical_codes (lit_len, N_LITLEN, lit_code);
  canonical_codes (dist_len, N_DIST, dist_code);
  for (guint s = 0; s < N_LITLEN; s++)
    if (lit_len[s] > 0)
      n_lit = MAX (n_lit, s + 1);
  for (guint s = 0; s < N_DIST; s++)
    if (dist_len[s] > 0)
      n_dist = MAX (n_dist, s + 1);

  /* Literal/length and distance lengths, as one sequence */
  memcpy (lengths, lit_len, n_lit);
  memcpy (lengths + n_lit, dist_len, n_dist);
  n_items = run_length_code (lengths, n_lit + n_dist, items);
  for (guint i = 0; i < n_items; i++)
    clen_freq[items[i].symbol]++;
  /* A lone code-length code would be an incomplete code, which decoders
   * refuse for this alphabet */
  if (clen_freq[0] == 0 || clen_freq[1] == 0)
    clen_freq[clen_freq[0] == 0 ? 0 : 1] = 1;
  huffman_lengths (clen_freq, N_CLEN, MAX_CLEN_BITS, clen_len);
  canonical_codes (clen_len, N_CLEN, clen_code);
  for (guint i = 0; i < N_CLEN; i++)
    if (clen_len[clen_order[i]] > 0)
      n_clen = MAX (n_clen, i + 1);

  /* The exact size, to grow the output once */
  bits = 3 + 5 + 5 + 4 + 3 * n_clen;
  for (guint i = 0; i < n_items; i++)
    bits += clen_len[items[i].symbol] + clen_extra_bits[items[i].symbol];
  for (guint s = 0; s < N_LITLEN; s++)
    bits += (guint64) e->lit_freq[s] *
            (lit_len[s] + (s > END_OF_BLOCK ? length_extra[s - 257] : 0));
  for (guint s = 0; s < N_DIST; s++)
    bits += (guint64) e->dist_freq[s] * (dist_len[s] + distance_extra[s]);
  bits += final ? 7 : 3 + 7 + 32;

  used = e->out->len;
  if (used + bits / 8 + 16 > G_MAXUINT)
    {
      e->failed = TRUE;
      return;
    }
  g_byte_array_set_size (e->out, used + bits / 8 + 16);
  b = (Bits) { e->out->data + used, 0, 0 };

  /* Header: final flag, type 2 (dynamic codes), the code sizes */
  put_bits (&b, final ? 1 : 0, 1);
  put_bits (&b, 2, 2);
  put_bits (&b, n_lit - 257, 5);
  put_bits (&b, n_dist - 1, 5);
  put_bits (&b, n_clen - 4, 4);
  for (guint i = 0; i < n_clen; i++)
    put_bits (&b, clen_len[clen_order[i]], 3);
  for (guint i = 0; i < n_items; i++)
    {
      put_bits (&b, clen_code[items[i].symbol], clen_len[items[i].symbol]);
      if (clen_extra_bits[items[i].symbol] > 0)
        put_bits (&b, items[i].extra, clen_extra_bits[items[i].symbol]);
    }

  for (guint i = 0; i < e->n_tokens; i++)
    {
      guint32 t = e->tokens[i];

      if (t < 256)
        put_bits (&b, lit_code[t], lit_len[t]);
      else
        {
          guint len = t & 0x1ff;
          guint distance = (t & ~MATCH_FLAG) >> MATCH_DISTANCE_SHIFT;
          guint c = length_code[len];
          guint s = 257 + c;
          guint d = distance_code (distance);

          put_bits (&b, lit_code[s] | ((len - length_base[c]) << lit_len[s]),
                    lit_len[s] + length_extra[c]);
          put_bits (&b, dist_code[d] | ((distance - distance_base[d]) << dist_len[d]),
                    dist_len[d] + distance_extra[d]);
        }
    }
  put_bits (&b, lit_code[END_OF_BLOCK], lit_len[END_OF_BLOCK]);

  if (!final)
    {
      /* An empty stored block brings the stream to a byte boundary */
      put_bits (&b, 0, 3);
      align_bits (&b);
      put_bits (&b, 0xffff0000u, 32);
    }
  align_bits (&b);
  g_assert ((gsize) (b.out - e->out->data) <= e->out->len);
  g_byte_array_set_size (e->out, b.out - e->out->data);

  e->n_tokens = 0;
  memset (e->lit_freq, 0, sizeof e->lit_freq);
  memset (e->dist_freq, 0, sizeof e->dist_freq);
}

/* ---- tokens -------------------------------------------------------------- */

#define RGB_MASK 0x00ffffffu

static inline void
add_literal (Encoder *e,
             guint8   byte)
{
  e->tokens[e->n_tokens++] = byte;
  e->lit_freq[byte]++;
}

/* @bytes (at least 3) repeated from @distance bytes back */
static inline void
add_match (Encoder *e,
           gsize    bytes,
           guint    distance)
{
  guint d = distance_code (distance);

  while (bytes > 0)
    {
      gsize n = MIN (bytes, MAX_MATCH);

      /* Never leave a tail shorter than a match */
      if (bytes - n > 0 && bytes - n < 3)
        n -= 3;
      e->tokens[e->n_tokens++] = MATCH_FLAG | (distance << MATCH_DISTANCE_SHIFT) | (guint32) n;
      e->lit_freq[257 + length_code[n]]++;
      e->dist_freq[d]++;
      bytes -= n;
    }
}

/* How many pixels from @x on equal those of @other */
static inline guint
same_as (const guint32 *row,
         const guint32 *other,
         guint          x,
         guint          width)
{
  guint n = x;

#if defined(__SSE2__)
  const __m128i mask = _mm_set1_epi32 (RGB_MASK);

  for (; n + 4 <= width; n += 4)
    {
      __m128i a = _mm_loadu_si128 ((const __m128i *) (row + n));
      __m128i b = _mm_loadu_si128 ((const __m128i *) (other + n));
      __m128i diff = _mm_and_si128 (_mm_xor_si128 (a, b), mask);
      int equal = _mm_movemask_ps (_mm_castsi128_ps (_mm_cmpeq_epi32 (diff, _mm_setzero_si128 ())));

      if (equal != 0xf)
        return n + __builtin_ctz (~equal) - x;
    }
#endif
  while (n < width && ((row[n] ^ other[n]) & RGB_MASK) == 0)
    n++;
  return n - x;
}

/* How many pixels from @x (at least 1) on equal the one before */
static inline guint
same_as_left (const guint32 *row,
              guint          x,
              guint          width)
{
  guint32 v = row[x - 1] & RGB_MASK;
  guint n = x;

#if defined(__SSE2__)
  const __m128i mask = _mm_set1_epi32 (RGB_MASK);
  const __m128i value = _mm_set1_epi32 (v);

  for (; n + 4 <= width; n += 4)
    {
      __m128i a = _mm_and_si128 (_mm_loadu_si128 ((const __m128i *) (row + n)), mask);
      int equal = _mm_movemask_ps (_mm_castsi128_ps (_mm_cmpeq_epi32 (a, value)));

      if (equal != 0xf)
        return n + __builtin_ctz (~equal) - x;
    }
#endif
  while (n < width && (row[n] & RGB_MASK) == v)
    n++;
  return n - x;
}

static inline guint
hash_pair (guint32 a,
           guint32 b)
{
  guint32 h = (a & RGB_MASK) * 0x9e3779b1u ^ (b & RGB_MASK) * 0x85ebca77u;

  return h >> (32 - HASH_BITS);
}

/* A repeat of the pixels from @x elsewhere in the rows of this call, at
 * least two pixels long and within the window; returns its length in
 * pixels (0 for none) and its distance in bytes at @distance.  Remembers
 * @x for the pixels after it. */
static guint
find_repeat (Encoder       *e,
             const guint32 *row,
             guint          x,
             guint          width,
             guint         *distance)
{
  guint h, cy, cx, n;
  guint32 seen;
  const guint32 *other;
  gsize back;

  if (x + 1 >= width)
    return 0;
  h = hash_pair (row[x], row[x + 1]);
  seen = e->recent[h];
  e->recent[h] = (guint32) e->y << 16 | x;
  if (seen == NO_PIXEL)
    return 0;
  cy = seen >> 16;
  cx = seen & 0xffff;
  back = (gsize) (e->y - cy) * e->line + 3 * (gssize) x - 3 * (gssize) cx;
  if (back == 0 || back > WINDOW)
    return 0;
  other = (const guint32 *) (e->pixels + cy * e->stride);
  for (n = 0; x + n < width && cx + n < width; n++)
    if (((row[x + n] ^ other[cx + n]) & RGB_MASK) != 0)
      break;
  if (n < 2)
    return 0;
  *distance = back;
  return n;
}

/* The tokens of row e->y */
static void
tokenize_row (Encoder       *e,
              const guint32 *row,
              const guint32 *above,
              guint          width)
{
  guint line = e->line;
  guint x = 0;

  /* The filter byte, the same as the one above: with the first pixel
   * when that is too (the rest of a run is cheaper as a short distance) */
  if (above != NULL && width > 0 && ((row[0] ^ above[0]) & RGB_MASK) == 0)
    {
      guint up = same_as (row, above, 1, width);

      x = 1 + (same_as_left (row, 1, width) >= up ? 0 : up);
      add_match (e, 1 + 3 * (gsize) x, line);
    }
  else
    add_literal (e, 0);

  while (x < width)
    {
      guint up = above != NULL ? same_as (row, above, x, width) : 0;
      guint left = x > 0 ? same_as_left (row, x, width) : 0;
      guint distance, n;

      if (left > 0 && left >= up)
        {
          add_match (e, 3 * (gsize) left, 3);
          x += left;
        }
      else if (up > 0)
        {
          add_match (e, 3 * (gsize) up, line);
          x += up;
        }
      else if ((n = find_repeat (e, row, x, width, &distance)) > 0)
        {
          add_match (e, 3 * (gsize) n, distance);
          x += n;
        }
      else
        {
          guint32 v = row[x++];

          add_literal (e, (v >> 16) & 0xff);
          add_literal (e, (v >> 8) & 0xff);
          add_literal (e, v & 0xff);
        }
    }
}

#define ADLER_BASE 65521

/* The scanline's bytes added to the Adler-32 sums */
static void
adler_row (const guint32 *row,
           guint          width,
           guint32       *s1_io,
           guint32       *s2_io)
{
  /* 64 bits never overflow within one row of at most 32767 pixels */
  guint64 s1 = *s1_io, s2 = *s2_io;

  s2 += s1;   /* the filter byte, 0 */
  for (guint x = 0; x < width; x++)
    {
      guint32 v = row[x];
      guint r = (v >> 16) & 0xff, g = (v >> 8) & 0xff, bl = v & 0xff;

      s2 += 3 * s1 + 3 * r + 2 * g + bl;
      s1 += r + g + bl;
      if (G_UNLIKELY ((x & 0x3fff) == 0x3fff))
        {
          s1 %= ADLER_BASE;
          s2 %= ADLER_BASE;
        }
    }
  *s1_io = s1 % ADLER_BASE;
  *s2_io = s2 % ADLER_BASE;
}

gboolean
bm_deflate_rgb_rows (GByteArray   *out,
                     const guint8 *pixels,
                     gsize         stride,
                     guint         width,
                     guint         rows,
                     gboolean      have_above,
                     gboolean      last,
                     guint32      *adler)
{
  gsize line = bm_deflate_scanline_length (width);
  /* The row above is in reach only when a scanline fits in the window */
  gboolean use_above = line <= WINDOW;
  guint32 s1 = 1, s2 = 0;
  Encoder *e;
  gboolean ok;

  g_return_val_if_fail (stride % 4 == 0, FALSE);
  /* Pixel positions are remembered in 16 bits each */
  g_return_val_if_fail (width <= G_MAXUINT16 && rows <= G_MAXUINT16, FALSE);
  init_tables ();

  e = g_try_new0 (Encoder, 1);
  if (e == NULL)
    return FALSE;
  e->out = out;
  e->tokens = g_try_new (guint32, BLOCK_TOKENS + line);
  if (e->tokens == NULL)
    {
      g_free (e);
      return FALSE;
    }
  e->pixels = pixels;
  e->stride = stride;
  e->line = line;
  memset (e->recent, 0xff, sizeof e->recent);

  for (guint y = 0; y < rows && !e->failed; y++)
    {
      const guint32 *row = (const guint32 *) (pixels + y * stride);
      const guint32 *above = NULL;

      e->y = y;
      if (use_above && (y > 0 || have_above))
        above = (const guint32 *) ((const guint8 *) row - stride);
      tokenize_row (e, row, above, width);
      adler_row (row, width, &s1, &s2);
      if (e->n_tokens >= BLOCK_TOKENS && y + 1 < rows)
        flush_block (e, FALSE);
    }
  if (!e->failed)
    flush_block (e, last);

  *adler = (s2 << 16) | s1;
  ok = !e->failed;
  g_free (e->tokens);
  g_free (e);
  return ok;
}
