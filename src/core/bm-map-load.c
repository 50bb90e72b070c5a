/* bm-map-load.c: reading .bridgemap files safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A map may come from anyone, so the loader trusts nothing:
 *
 *  - the bytes are read with GIO and never decompressed;
 *  - the encoding is checked before libxml2 sees the bytes (UTF-8 only);
 *  - libxml2 parses those bytes (handed over through a read callback) with
 *    no network, no DTD loading, no entity substitution, and a DOCTYPE
 *    stops the parser the moment it is seen, before any entity is
 *    declared, let alone expanded;
 *  - every rule of format.md's "What is valid" is checked on the tree, and
 *    every independent problem is reported with its line.
 *
 * A full tree of a big map costs far more than parsing it (10,000 actors
 * and 30,000 ties make 70 MB of nodes), so each party, actor and tie is
 * checked and taken into the model as soon as its end tag is parsed, and
 * its content freed.  The rest of the tree (the root, the sections, their
 * foreign elements) is checked once the document is complete.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "bm-map-io.h"

G_DEFINE_QUARK (bm-map-error-quark, bm_map_error)

/* Positions must lie within ±1e9 map units (format.md) */
#define MAX_COORDINATE 1e9

/* Larger files are refused before reading them into memory.  A map of
 * 10,000 actors and 30,000 ties takes about 4 MB. */
#define MAX_FILE_SIZE ((goffset) 256 * 1024 * 1024)

void
bm_problem_free (BmProblem *problem)
{
  if (problem == NULL)
    return;
  g_free (problem->message);
  g_free (problem);
}

/* ---- libxml2 setup --------------------------------------------------------- */

/* Set on this thread while the loader parses */
static __thread gboolean loading;
static xmlExternalEntityLoader previous_entity_loader;

/* libxml2's entity loader is process-wide: refuse everything while we
 * parse, leave other users of libxml2 in the process as they were. */
static xmlParserInputPtr
refusing_entity_loader (const char       *url,
                        const char       *id,
                        xmlParserCtxtPtr  ctxt)
{
  if (!loading && previous_entity_loader != NULL)
    return previous_entity_loader (url, id, ctxt);
  return NULL;
}

static void
ensure_libxml (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      xmlInitParser ();
      previous_entity_loader = xmlGetExternalEntityLoader ();
      xmlSetExternalEntityLoader (refusing_entity_loader);
      g_once_init_leave (&initialised, 1);
    }
}

/* ---- the loader's state ---------------------------------------------------- */

typedef enum
{
  ID_PARTY,
  ID_ACTOR,
  ID_TIE,
} IdKind;

typedef enum
{
  REF_PARTY,     /* actor → party */
  REF_FROM,      /* tie → actor */
  REF_TO,        /* tie → actor */
} RefKind;

typedef struct
{
  RefKind     kind;
  int         line;
  const char *owner;   /* the actor's or tie's id; may be NULL */
  const char *target;
} PendingRef;

typedef struct
{
  const char   *display_name;
  GPtrArray    *problems;       /* BmProblem* */
  BmMap        *map;
  GHashTable   *ids;            /* id → packed (line, kind) */
  GArray       *refs;           /* PendingRef */
  GStringChunk *chunk;          /* ids and references */
  GPtrArray    *strings;        /* strings owned for the duration of the load */

  /* from the parser */
  gboolean      doctype;
  int           doctype_line;
  gboolean      xml_failed;
  int           xml_error_line;
  char         *xml_error_message;

  /* the root: checked when its start tag is parsed */
  gboolean      root_checked;
  gboolean      root_refused;   /* not a Bridgemap map, or a newer one */
  gboolean      newer;
} Loader;

/* Marks an item element whose content was read and freed during parsing */
static char item_done;

static void
add_problem (Loader *self, int line, char *message)
{
  BmProblem *problem = g_new0 (BmProblem, 1);

  /* one line per problem, whatever the file holds */
  for (char *p = message; *p; p++)
    if ((guchar) *p < 0x20)
      *p = ' ';
  problem->line = line > 0 ? line : 0;
  problem->message = message;
  g_ptr_array_add (self->problems, problem);
}

static char *
format_problems (const char *display_name, GPtrArray *problems)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < problems->len; i++)
    {
      const BmProblem *p = g_ptr_array_index (problems, i);

      if (i > 0)
        g_string_append_c (out, '\n');
      if (p->line > 0)
        g_string_append_printf (out, "%s:%d: %s", display_name, p->line, p->message);
      else
        g_string_append_printf (out, "%s: %s", display_name, p->message);
    }
  return g_string_free (out, FALSE);
}

G_GNUC_PRINTF (3, 4)
static void
problem (Loader *self, int line, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  add_problem (self, line, g_strdup_vprintf (format, args));
  va_end (args);
}

/* The line of a node.  An element past line 65534 has its line in psvi
 * (see on_start_element): libxml2 caps an element's own line there, and
 * xmlGetLineNo then guesses from a neighbouring text node, which may end
 * on a later line than the start tag. */
static int
node_line (xmlNodePtr node)
{
  long line = 0;

  for (; node != NULL && line <= 0; node = node->parent)
    if (node->type == XML_ELEMENT_NODE && node->line == G_MAXUINT16 && node->psvi != NULL)
      line = GPOINTER_TO_INT (node->psvi);
    else if (node->type == XML_ELEMENT_NODE || node->type == XML_TEXT_NODE ||
             node->type == XML_CDATA_SECTION_NODE)
      line = xmlGetLineNo (node);
  return line > 0 && line < G_MAXINT ? (int) line : 0;
}

static inline gboolean
is_xml_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static gboolean
is_blank (const char *s)
{
  for (; s != NULL && *s; s++)
    if (!is_xml_space (*s))
      return FALSE;
  return TRUE;
}

static gboolean
is_bm_namespace (xmlNsPtr ns)
{
  return ns != NULL && ns->href != NULL &&
         strcmp ((const char *) ns->href, BM_NAMESPACE) == 0;
}

static gboolean
is_foreign_element (xmlNodePtr node)
{
  return node->ns != NULL && node->ns->href != NULL && node->ns->href[0] != '\0' &&
         !is_bm_namespace (node->ns);
}

static const char *
node_name (xmlNodePtr node)
{
  return (const char *) node->name;
}

/* The value of an attribute, valid until the load ends */
static const char *
attr_value (Loader *self, xmlAttrPtr attr)
{
  xmlChar *value;
  char *copy;

  if (attr->children == NULL)
    return "";
  if (attr->children->next == NULL && attr->children->type == XML_TEXT_NODE &&
      attr->children->content != NULL)
    return (const char *) attr->children->content;

  value = xmlNodeListGetString (attr->doc, attr->children, 1);
  copy = g_strdup (value != NULL ? (const char *) value : "");
  xmlFree (value);
  g_ptr_array_add (self->strings, copy);
  return copy;
}

/* The value of an unprefixed attribute, NULL when absent */
static const char *
unprefixed_attr (Loader *self, xmlNodePtr node, const char *name)
{
  xmlAttrPtr attr = xmlHasNsProp (node, (const xmlChar *) name, NULL);
  return attr != NULL && attr->ns == NULL ? attr_value (self, attr) : NULL;
}

/* A quotation of at most @max characters of some text, on one line */
static char *
excerpt_long (const char *text, guint max)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_new (NULL);
  const char *p = valid;
  guint n = 0;

  while (*p && is_xml_space (*p))
    p++;
  for (; *p && n < max; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        c = ' ';
      g_string_append_unichar (out, c);
    }
  while (out->len > 0 && out->str[out->len - 1] == ' ')
    g_string_truncate (out, out->len - 1);
  if (*p)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

/* A short quotation of some text for a message */
static char *
excerpt (const char *text)
{
  return excerpt_long (text, 30);
}

/* A value as a message shows it: exactly, but on one line and not too
 * long (control characters as character references).  Valid until the
 * load ends. */
static const char *
shown (Loader *self, const char *value)
{
  GString *out;
  const char *p;
  guint n = 0;

  if (value == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (p = value; *p && n < 60; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029)
        g_string_append_printf (out, "&#%u;", c);
      else
        g_string_append_unichar (out, c);
    }
  if (*p)
    g_string_append (out, "…");
  g_ptr_array_add (self->strings, out->str);
  return g_string_free (out, FALSE);
}

/* ---- suggestions for typos ------------------------------------------------- */

static guint
edit_distance (const char *a, const char *b)
{
  guint la = strlen (a), lb = strlen (b);
  guint row[33];

  if (la > 32 || lb > 32)
    return G_MAXUINT;
  for (guint j = 0; j <= lb; j++)
    row[j] = j;
  for (guint i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = i;
      for (guint j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

/* The candidate closest to @word, if it is close enough to be a typo */
static const char *
suggest (const char *word, const char *const *candidates)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;
  gsize length = strlen (word);
  guint limit = length <= 2 ? 0 : length <= 4 ? 1 : 2;

  for (guint i = 0; candidates[i] != NULL; i++)
    {
      guint d = edit_distance (word, candidates[i]);
      if (d < best_distance)
        {
          best = candidates[i];
          best_distance = d;
        }
    }
  return best_distance <= limit ? best : NULL;
}

static char *
join_names (const char *const *names, const char *before, const char *after)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s%s%s", before, names[i], after);
    }
  return g_string_free (out, FALSE);
}

/* ---- the pieces of an element ------------------------------------------------ */

/* What an element is called in messages: 'actor "chissano"', '<meta>' */
static char *
item_subject (const char *element, const char *id)
{
  if (id == NULL)
    /* TRANSLATORS: %s is an element name such as "actor"; this starts a
     * sentence about an item that has no id */
    return g_strdup_printf (_("this %s"), element);
  /* TRANSLATORS: e.g. actor "chissano" */
  return g_strdup_printf (_("%s \"%s\""), element, id);
}

/* What a message calls an element, formatted only when a problem is
 * reported: 'actor "chissano"', 'this tie', '<actors>', 'the <note> of
 * actor "a"' */
typedef struct _Subject Subject;
struct _Subject
{
  const char    *element;
  const char    *id;      /* items: their id attribute, NULL when absent */
  gboolean       item;
  const Subject *owner;   /* the item a <note> belongs to */
  const char    *text;    /* once formatted, until the load ends */
};

static const char *
subject_text (Loader *self, Subject *subject)
{
  char *text;

  if (subject->text != NULL)
    return subject->text;
  if (subject->owner != NULL)
    /* TRANSLATORS: e.g. the <note> of actor "chissano" */
    text = g_strdup_printf (_("the <%s> of %s"), subject->element,
                            subject_text (self, (Subject *) subject->owner));
  else if (subject->item)
    text = item_subject (subject->element, shown (self, subject->id));
  else
    text = g_strdup_printf ("<%s>", subject->element);
  g_ptr_array_add (self->strings, text);
  subject->text = text;
  return text;
}

#define S(subject) subject_text (self, (subject))

static BmExtra *
ensure_extra (BmExtra **extra)
{
  if (*extra == NULL)
    *extra = bm_extra_new ();
  return *extra;
}

/* Namespace declarations on a Bridgemap element.  The writer declares the
 * Bridgemap namespace as the default on the root, so default declarations
 * are not kept (foreign children are made independent of them when they
 * are serialised); every prefixed declaration stays where it was. */
static void
collect_ns_decls (Loader *self, xmlNodePtr node, BmExtra **extra)
{
  for (xmlNsPtr ns = node->nsDef; ns != NULL; ns = ns->next)
    {
      if (ns->prefix == NULL)
        continue;
      bm_extra_add_ns_decl (ensure_extra (extra), (const char *) ns->prefix,
                            (const char *) ns->href);
    }
}

/* Checks the attributes of a Bridgemap element: the unprefixed ones must be
 * in @allowed (their values go to the same index of @values), prefixed ones
 * in the Bridgemap namespace are errors, the rest is kept in @extra. */
static void
collect_attributes (Loader             *self,
                    xmlNodePtr          node,
                    Subject            *subject,
                    const char *const  *allowed,
                    const char        **values,
                    BmExtra           **extra)
{
  for (xmlAttrPtr attr = node->properties; attr != NULL; attr = attr->next)
    {
      const char *name = (const char *) attr->name;

      if (attr->ns == NULL)
        {
          gboolean known = FALSE;

          for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
            if (strcmp (name, allowed[i]) == 0)
              {
                values[i] = attr_value (self, attr);
                known = TRUE;
                break;
              }
          if (!known)
            {
              const char *guess = allowed != NULL ? suggest (name, allowed) : NULL;
              g_autofree char *list = allowed != NULL && allowed[0] != NULL
                                      ? join_names (allowed, "", "") : NULL;

              if (guess != NULL)
                problem (self, node_line (node),
                         _("%s has an unknown attribute \"%s\" (did you mean \"%s\"?)"),
                         S (subject), name, guess);
              else if (list != NULL)
                problem (self, node_line (node),
                         _("%s has an unknown attribute \"%s\"; the attributes it may have are %s "
                           "(extensions must use a namespace of their own)"),
                         S (subject), name, list);
              else
                problem (self, node_line (node),
                         _("%s has an unknown attribute \"%s\"; it takes no attributes "
                           "(extensions must use a namespace of their own)"),
                         S (subject), name);
            }
        }
      else if (is_bm_namespace (attr->ns))
        {
          problem (self, node_line (node),
                   _("%s has the attribute \"%s:%s\" in the Bridgemap namespace; "
                     "Bridgemap attributes are written without a prefix"),
                   S (subject), attr->ns->prefix != NULL ? (const char *) attr->ns->prefix : "",
                   name);
        }
      else
        {
          bm_extra_add_attr (ensure_extra (extra),
                             (const char *) attr->ns->prefix,
                             (const char *) attr->ns->href,
                             name, attr_value (self, attr));
        }
    }
}

/* The default namespace in scope at @node, "" for none */
static const char *
default_namespace (xmlDocPtr doc, xmlNodePtr node)
{
  xmlNsPtr ns = xmlSearchNs (doc, node, NULL);
  return ns != NULL && ns->href != NULL ? (const char *) ns->href : "";
}

/* A foreign element as libxml2 serialises it, unformatted, in UTF-8 */
static char *
serialise_foreign (Loader *self, xmlNodePtr node)
{
  xmlBufferPtr buffer;
  xmlSaveCtxtPtr save;
  xmlNsPtr added = NULL;
  gboolean has_default = FALSE;
  const char *inherited;
  char *result;

  /* The file is written with the Bridgemap namespace as the default around
   * foreign elements.  If it was something else here, say so on the
   * element itself, or its unprefixed descendants would change namespace. */
  for (xmlNsPtr ns = node->nsDef; ns != NULL; ns = ns->next)
    if (ns->prefix == NULL)
      has_default = TRUE;
  inherited = default_namespace (node->doc, node->parent);
  if (!has_default && strcmp (inherited, BM_NAMESPACE) != 0)
    {
      added = xmlNewNs (NULL, (const xmlChar *) inherited, NULL);
      if (added != NULL)
        {
          added->next = node->nsDef;
          node->nsDef = added;
        }
    }

  buffer = xmlBufferCreate ();
  save = xmlSaveToBuffer (buffer, "UTF-8", 0);
  if (save != NULL)
    {
      xmlSaveTree (save, node);
      xmlSaveClose (save);
    }
  result = g_strndup ((const char *) xmlBufferContent (buffer), xmlBufferLength (buffer));
  xmlBufferFree (buffer);

  if (added != NULL)
    {
      node->nsDef = added->next;
      added->next = NULL;
      xmlFreeNs (added);
    }
  return result;
}

/* The line where the non-blank part of a text node starts.  libxml2 gives
 * a text node the line the parser had reached when it created the node,
 * which is at or after the text's start: count back the line ends that
 * follow the first non-blank character, but never before the previous
 * element. */
static int
text_line (xmlNodePtr text)
{
  const char *content = (const char *) text->content;
  const char *p = content;
  int line = node_line (text);
  int floor = 1;

  for (xmlNodePtr prev = text->prev; prev != NULL; prev = prev->prev)
    if (prev->type == XML_ELEMENT_NODE)
      {
        floor = node_line (prev);
        break;
      }
  if (text->prev == NULL && text->parent != NULL)
    floor = node_line (text->parent);

  while (p != NULL && *p && is_xml_space (*p))
    p++;
  for (; p != NULL && *p; p++)
    if (*p == '\n')
      line--;
  return MAX (line, floor);
}

/* Text that is not allowed in an element: report the first stray piece.
 * The error is on the element's line, as for every other problem with an
 * element (format.md: the line of the element concerned); the message
 * says where the text itself is when that is another line. */
static void
check_text (Loader *self, xmlNodePtr child, Subject *subject, gboolean *reported)
{
  const char *content = (const char *) child->content;
  g_autofree char *quote = NULL;
  int line, element_line;

  if (*reported || is_blank (content))
    return;
  *reported = TRUE;
  quote = excerpt (content);
  line = text_line (child);
  element_line = node_line (child->parent);
  if (line == element_line || line <= 0)
    problem (self, element_line,
             _("%s contains the text \"%s\"; text is not allowed there"),
             S (subject), quote);
  else
    problem (self, element_line,
             _("%s contains the text \"%s\" on line %d; text is not allowed there"),
             S (subject), quote, line);
}

/* An element in no namespace or in the Bridgemap namespace that is not
 * allowed where it is */
static void
unknown_element (Loader            *self,
                 xmlNodePtr         child,
                 Subject           *subject,
                 const char *const *allowed)
{
  const char *name = node_name (child);
  const char *guess = allowed != NULL ? suggest (name, allowed) : NULL;
  int line = node_line (child);

  if (child->ns == NULL || child->ns->href == NULL || child->ns->href[0] == '\0')
    {
      gboolean is_known = allowed != NULL && g_strv_contains (allowed, name);

      if (is_known)
        problem (self, line,
                 _("the element <%s> in %s has no namespace; Bridgemap elements belong to "
                   "the namespace \"%s\""),
                 name, S (subject), BM_NAMESPACE);
      else
        problem (self, line,
                 _("unknown element <%s> in %s: it has no namespace, so it is neither a "
                   "Bridgemap element nor an extension (extensions need a namespace of their own)"),
                 name, S (subject));
      return;
    }

  if (guess != NULL)
    problem (self, line, _("unknown element <%s> in %s (did you mean <%s>?)"),
             name, S (subject), guess);
  else if (allowed != NULL && allowed[0] != NULL)
    {
      g_autofree char *list = join_names (allowed, "<", ">");
      problem (self, line,
               _("unknown element <%s> in %s; the Bridgemap elements allowed there are %s "
                 "(extensions must use a namespace of their own)"),
               name, S (subject), list);
    }
  else
    problem (self, line,
             _("unknown element <%s> in %s; no Bridgemap element is allowed there "
               "(extensions must use a namespace of their own)"),
             name, S (subject));
}

/* Walks the children of a Bridgemap element that may hold elements.
 * Foreign elements go to @extra; text is an error; comments and processing
 * instructions are dropped.  Bridgemap children are returned in order. */
static GPtrArray *
walk_children (Loader            *self,
               xmlNodePtr         node,
               Subject           *subject,
               const char *const *allowed,
               BmExtra          **extra)
{
  GPtrArray *children = g_ptr_array_new ();
  gboolean text_reported = FALSE;

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      switch (child->type)
        {
        case XML_ELEMENT_NODE:
          if (is_foreign_element (child))
            {
              g_autofree char *xml = serialise_foreign (self, child);
              bm_extra_add_child (ensure_extra (extra), xml);
            }
          else if (is_bm_namespace (child->ns) && allowed != NULL &&
                   g_strv_contains (allowed, node_name (child)))
            g_ptr_array_add (children, child);
          else
            unknown_element (self, child, subject, allowed);
          break;

        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
          check_text (self, child, subject, &text_reported);
          break;

        case XML_ENTITY_REF_NODE:
          /* Cannot happen without a DTD, which is refused; be safe anyway */
          problem (self, node_line (node), _("%s contains an entity reference"), S (subject));
          break;

        default:
          /* comments, processing instructions: allowed, not kept */
          break;
        }
    }
  return children;
}

/* note, title, description: text only, kept exactly */
static char *
read_text_element (Loader     *self,
                   xmlNodePtr  node,
                   Subject    *subject,
                   BmExtra   **extra)
{
  GString *text = g_string_new (NULL);
  gboolean element_reported = FALSE;

  collect_ns_decls (self, node, extra);
  collect_attributes (self, node, subject, NULL, NULL, extra);

  for (xmlNodePtr child = node->children; child != NULL; child = child->next)
    {
      switch (child->type)
        {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
          if (child->content != NULL)
            g_string_append (text, (const char *) child->content);
          break;

        case XML_ELEMENT_NODE:
          if (!element_reported)
            problem (self, node_line (child),
                     _("%s holds text only, but contains the element <%s>"),
                     S (subject), node_name (child));
          element_reported = TRUE;
          break;

        case XML_ENTITY_REF_NODE:
          problem (self, node_line (node), _("%s contains an entity reference"), S (subject));
          break;

        default:
          break;
        }
    }

  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

/* Checks that @children come in the order of @order, each at most once */
static void
check_order (Loader            *self,
             GPtrArray         *children,
             Subject           *subject,
             const char *const *order)
{
  int first_line[8] = { 0 };
  guint n = g_strv_length ((char **) order);

  g_assert (n <= G_N_ELEMENTS (first_line));

  for (guint i = 0; i < children->len; i++)
    {
      xmlNodePtr child = g_ptr_array_index (children, i);
      guint rank = 0;
      int line = node_line (child);

      while (rank < n && strcmp (order[rank], node_name (child)) != 0)
        rank++;
      g_assert (rank < n);

      if (first_line[rank] != 0)
        {
          problem (self, line,
                   _("%s has a second <%s> element; only one is allowed (the first is on line %d)"),
                   S (subject), order[rank], first_line[rank]);
          continue;
        }
      for (guint later = rank + 1; later < n; later++)
        if (first_line[later] != 0)
          {
            problem (self, line,
                     _("<%s> must come before <%s> in %s (the <%s> is on line %d)"),
                     order[rank], order[later], S (subject), order[later], first_line[later]);
            break;
          }
      first_line[rank] = line;
    }
}

/* ---- ids and references -------------------------------------------------------- */

static const char *
id_kind_name (IdKind kind)
{
  switch (kind)
    {
    case ID_PARTY:
      return _("party");
    case ID_ACTOR:
      return _("actor");
    case ID_TIE:
    default:
      return _("tie");
    }
}

/* The id table's values: the line and kind of the first item with the id,
 * never NULL */
static gpointer
pack_id (int line, IdKind kind)
{
  return GSIZE_TO_POINTER (((gsize) line << 3) | ((gsize) kind << 1) | 1);
}

static void
unpack_id (gpointer value, int *line, IdKind *kind)
{
  gsize v = GPOINTER_TO_SIZE (value);
  *line = (int) (v >> 3);
  *kind = (IdKind) ((v >> 1) & 3);
}

/* Checks an item's id; returns TRUE when it is valid and new */
static gboolean
register_id (Loader *self, const char *id, int line, IdKind kind, Subject *subject)
{
  gpointer existing;

  if (id == NULL)
    return FALSE;
  existing = g_hash_table_lookup (self->ids, id);
  if (!bm_id_is_valid (id))
    {
      problem (self, line,
               _("%s has an id that is not valid; an id starts with a letter or \"_\" "
                 "and goes on with letters, digits, \"_\", \".\" or \"-\""),
               S (subject));
      /* still known, so that references to it do not add noise */
      if (existing == NULL)
        g_hash_table_insert (self->ids, g_string_chunk_insert (self->chunk, id),
                             pack_id (line, kind));
      return FALSE;
    }
  if (existing != NULL)
    {
      int first_line;
      IdKind first_kind;

      unpack_id (existing, &first_line, &first_kind);
      problem (self, line,
               _("duplicate id \"%s\": the %s on line %d already has it; "
                 "ids must be unique in the file"),
               shown (self, id), id_kind_name (first_kind), first_line);
      return FALSE;
    }
  g_hash_table_insert (self->ids, g_string_chunk_insert (self->chunk, id),
                       pack_id (line, kind));
  return TRUE;
}

static void
add_ref (Loader *self, RefKind kind, int line, const char *owner, const char *target)
{
  PendingRef ref = {
    kind, line,
    owner != NULL ? g_string_chunk_insert (self->chunk, owner) : NULL,
    g_string_chunk_insert (self->chunk, target),
  };
  g_array_append_val (self->refs, ref);
}

static void
resolve_refs (Loader *self)
{
  for (guint i = 0; i < self->refs->len; i++)
    {
      PendingRef *ref = &g_array_index (self->refs, PendingRef, i);
      g_autofree char *subject = NULL;
      gpointer found = g_hash_table_lookup (self->ids, ref->target);
      IdKind want = ref->kind == REF_PARTY ? ID_PARTY : ID_ACTOR;
      int line = 0;
      IdKind kind = ID_PARTY;

      if (found != NULL)
        unpack_id (found, &line, &kind);
      if (found != NULL && kind == want)
        continue;

      subject = item_subject (ref->kind == REF_PARTY ? "actor" : "tie",
                              shown (self, ref->owner));

      if (found != NULL)
        {
          const char *what = id_kind_name (kind);
          switch (ref->kind)
            {
            case REF_PARTY:
              problem (self, ref->line,
                       _("%s belongs to \"%s\", which is not a party but the %s on line %d"),
                       subject, shown (self, ref->target), what, line);
              break;
            case REF_FROM:
              problem (self, ref->line,
                       _("%s comes from \"%s\", which is not an actor but the %s on line %d"),
                       subject, shown (self, ref->target), what, line);
              break;
            case REF_TO:
            default:
              problem (self, ref->line,
                       _("%s points to \"%s\", which is not an actor but the %s on line %d"),
                       subject, shown (self, ref->target), what, line);
              break;
            }
          continue;
        }

      switch (ref->kind)
        {
        case REF_PARTY:
          problem (self, ref->line, _("%s belongs to a party \"%s\" that does not exist"),
                   subject, shown (self, ref->target));
          break;
        case REF_FROM:
          problem (self, ref->line, _("%s comes from an actor \"%s\" that does not exist"),
                   subject, shown (self, ref->target));
          break;
        case REF_TO:
        default:
          problem (self, ref->line, _("%s points to an actor \"%s\" that does not exist"),
                   subject, shown (self, ref->target));
          break;
        }
    }
}

/* ---- attribute values ---------------------------------------------------------- */

static void
missing (Loader *self, int line, Subject *subject, const char *attribute)
{
  problem (self, line, _("%s has no \"%s\" attribute, which is required"), S (subject), attribute);
}

static void
bad_enum (Loader            *self,
          int                line,
          Subject           *subject,
          const char        *attribute,
          const char        *value,
          const char *const *allowed)
{
  g_autofree char *list = join_names (allowed, "", "");
  const char *guess = suggest (value, allowed);

  if (guess != NULL)
    problem (self, line,
             _("%s has %s=\"%s\", which is not allowed (did you mean \"%s\"?); "
               "the values allowed are %s"),
             S (subject), attribute, shown (self, value), guess, list);
  else
    problem (self, line, _("%s has %s=\"%s\", which is not allowed; the values allowed are %s"),
             S (subject), attribute, shown (self, value), list);
}

/* Fills a NULL-terminated list with the file tokens of an enumeration */
#define ENUM_TOKENS(list, n, to_string, first) \
  G_STMT_START { \
    guint k_ = 0; \
    for (guint v_ = (first); v_ < (n); v_++) \
      (list)[k_++] = to_string (v_); \
    (list)[k_] = NULL; \
  } G_STMT_END

static gboolean
parse_digit (Loader     *self,
             int         line,
             Subject    *subject,
             const char *attribute,
             const char *value,
             int         max,
             int        *out)
{
  if (value[0] >= '1' && value[0] <= '0' + max && value[1] == '\0')
    {
      *out = value[0] - '0';
      return TRUE;
    }
  problem (self, line,
           _("%s has %s=\"%s\"; it must be a single digit from 1 to %d"),
           S (subject), attribute, shown (self, value), max);
  return FALSE;
}

static gboolean
parse_color (Loader *self, int line, Subject *subject, const char *value, guint32 *out)
{
  guint32 color = 0;
  gboolean ok = value[0] == '#' && strlen (value) == 7;

  for (guint i = 1; ok && i < 7; i++)
    {
      if (!g_ascii_isxdigit (value[i]))
        ok = FALSE;
      else
        color = (color << 4) | (guint32) g_ascii_xdigit_value (value[i]);
    }
  if (!ok)
    {
      problem (self, line,
               _("%s has color=\"%s\"; a color is written as # and six hexadecimal digits, "
                 "like \"#b03a2e\""),
               S (subject), shown (self, value));
      return FALSE;
    }
  *out = color;
  return TRUE;
}

/* -?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)? */
static gboolean
is_number_syntax (const char *s)
{
  const char *p = s;

  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p == 'e' || *p == 'E')
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

static gboolean
parse_coordinate (Loader     *self,
                  int         line,
                  Subject    *subject,
                  const char *attribute,
                  const char *value,
                  double     *out)
{
  double v;

  if (!is_number_syntax (value))
    {
      problem (self, line,
               _("%s has %s=\"%s\", which is not a number as Bridgemap writes them "
                 "(digits with an optional \"-\", \".\" and exponent, like \"-12.5\")"),
               S (subject), attribute, shown (self, value));
      return FALSE;
    }
  errno = 0;
  v = g_ascii_strtod (value, NULL);
  if (errno == ERANGE && fabs (v) < 1.0)
    v = 0.0;   /* too small to represent */
  if (!isfinite (v) || fabs (v) > MAX_COORDINATE)
    {
      problem (self, line,
               _("%s has %s=\"%s\", which is out of range; coordinates lie between "
                 "-1000000000 and 1000000000"),
               S (subject), attribute, shown (self, value));
      return FALSE;
    }
  *out = v;
  return TRUE;
}

/* name: trimmed of XML white space, must not be empty */
static char *
parse_name (Loader *self, int line, Subject *subject, const char *value)
{
  const char *start = value;
  const char *end = value + strlen (value);

  while (start < end && is_xml_space (*start))
    start++;
  while (end > start && is_xml_space (end[-1]))
    end--;
  if (start == end)
    {
      problem (self, line, _("%s has an empty name"), S (subject));
      return NULL;
    }
  return g_strndup (start, end - start);
}

/* ---- items ---------------------------------------------------------------------- */

static void
load_party (Loader *self, xmlNodePtr node)
{
  static const char *const allowed[] = { "id", "name", "color", NULL };
  enum { A_ID, A_NAME, A_COLOR, N_A };
  const char *values[N_A] = { NULL };
  g_autoptr(BmParty) party = g_new0 (BmParty, 1);
  Subject item = { "party", NULL, TRUE, NULL, NULL };
  Subject *subject = &item;
  g_autoptr(GPtrArray) children = NULL;
  guint before = self->problems->len;
  int line = node_line (node);
  gboolean id_ok;

  subject->id = unprefixed_attr (self, node, "id");
  collect_attributes (self, node, subject, allowed, values, &party->extra);
  collect_ns_decls (self, node, &party->extra);

  if (values[A_ID] == NULL)
    missing (self, line, subject, "id");
  id_ok = register_id (self, values[A_ID], line, ID_PARTY, subject);

  if (values[A_NAME] == NULL)
    missing (self, line, subject, "name");
  else
    party->name = parse_name (self, line, subject, values[A_NAME]);

  if (values[A_COLOR] != NULL)
    party->has_color = parse_color (self, line, subject, values[A_COLOR], &party->color);

  children = walk_children (self, node, subject, NULL, &party->extra);

  if (id_ok && self->problems->len == before)
    {
      party->id = g_strdup (values[A_ID]);
      bm_map_insert_party (self->map, -1, g_steal_pointer (&party));
    }
}

static void
load_note (Loader     *self,
           GPtrArray  *notes,
           Subject    *subject,
           char      **note,
           BmExtra   **note_extra)
{
  for (guint i = 0; i < notes->len; i++)
    {
      xmlNodePtr node = g_ptr_array_index (notes, i);
      Subject note_subject = { "note", NULL, FALSE, subject, NULL };

      if (i > 0)
        {
          problem (self, node_line (node),
                   _("%s has a second <note>; only one is allowed (the first is on line %d)"),
                   S (subject), node_line (g_ptr_array_index (notes, 0)));
          continue;
        }
      *note = read_text_element (self, node, &note_subject, note_extra);
    }
}

static void
load_actor (Loader *self, xmlNodePtr node)
{
  static const char *const allowed[] = {
    "id", "name", "kind", "party", "level", "track", "sector", "influence", "x", "y", NULL
  };
  static const char *const child_names[] = { "note", NULL };
  enum { A_ID, A_NAME, A_KIND, A_PARTY, A_LEVEL, A_TRACK, A_SECTOR, A_INFLUENCE, A_X, A_Y, N_A };
  const char *values[N_A] = { NULL };
  const char *tokens[BM_N_SECTORS + 1];
  g_autoptr(BmActor) actor = bm_actor_new (NULL, NULL, BM_LEVEL_TOP, BM_TRACK_1);
  Subject item = { "actor", NULL, TRUE, NULL, NULL };
  Subject *subject = &item;
  g_autoptr(GPtrArray) children = NULL;
  guint before = self->problems->len;
  int line = node_line (node);
  gboolean id_ok, level_ok = FALSE;
  double x = 0, y = 0;
  gboolean x_ok = FALSE, y_ok = FALSE;

  subject->id = unprefixed_attr (self, node, "id");
  collect_attributes (self, node, subject, allowed, values, &actor->extra);
  collect_ns_decls (self, node, &actor->extra);

  if (values[A_ID] == NULL)
    missing (self, line, subject, "id");
  id_ok = register_id (self, values[A_ID], line, ID_ACTOR, subject);

  if (values[A_NAME] == NULL)
    missing (self, line, subject, "name");
  else
    actor->name = parse_name (self, line, subject, values[A_NAME]);

  if (values[A_KIND] != NULL &&
      !bm_actor_kind_from_string (values[A_KIND], &actor->kind))
    {
      ENUM_TOKENS (tokens, BM_N_ACTOR_KINDS, bm_actor_kind_to_string, 0);
      bad_enum (self, line, subject, "kind", values[A_KIND], tokens);
    }

  if (values[A_PARTY] != NULL)
    {
      if (values[A_PARTY][0] == '\0')
        problem (self, line,
                 _("%s has an empty party attribute; leave it out for an actor "
                   "with no party (a third party)"),
                 S (subject));
      else
        {
          actor->party = g_strdup (values[A_PARTY]);
          add_ref (self, REF_PARTY, line, values[A_ID], values[A_PARTY]);
        }
    }

  if (values[A_LEVEL] == NULL)
    missing (self, line, subject, "level");
  else if (!bm_level_from_string (values[A_LEVEL], &actor->level))
    {
      ENUM_TOKENS (tokens, BM_N_LEVELS, bm_level_to_string, 0);
      bad_enum (self, line, subject, "level", values[A_LEVEL], tokens);
    }
  else
    level_ok = TRUE;

  if (values[A_TRACK] == NULL)
    missing (self, line, subject, "track");
  else if (!bm_track_from_string (values[A_TRACK], &actor->track))
    {
      ENUM_TOKENS (tokens, BM_N_TRACKS, bm_track_to_string, 0);
      bad_enum (self, line, subject, "track", values[A_TRACK], tokens);
    }

  if (values[A_SECTOR] != NULL &&
      !bm_sector_from_string (values[A_SECTOR], &actor->sector))
    {
      ENUM_TOKENS (tokens, BM_N_SECTORS, bm_sector_to_string, BM_SECTOR_NONE + 1);
      bad_enum (self, line, subject, "sector", values[A_SECTOR], tokens);
    }

  if (values[A_INFLUENCE] != NULL)
    parse_digit (self, line, subject, "influence", values[A_INFLUENCE], 5, &actor->influence);

  if (values[A_X] != NULL)
    x_ok = parse_coordinate (self, line, subject, "x", values[A_X], &x);
  if (values[A_Y] != NULL)
    y_ok = parse_coordinate (self, line, subject, "y", values[A_Y], &y);
  if ((values[A_X] == NULL) != (values[A_Y] == NULL))
    problem (self, line,
             values[A_X] != NULL
             ? _("%s has x but no y; give both coordinates or neither")
             : _("%s has y but no x; give both coordinates or neither"),
             S (subject));
  else if (x_ok && y_ok && level_ok)
    {
      double top = bm_level_band_top (actor->level);

      bm_actor_set_position (actor, x, y);
      /* level is authoritative: a position outside its band moves to the
       * band's centre line, x unchanged */
      if (!(actor->y >= top && actor->y < top + BM_BAND_HEIGHT))
        actor->y = bm_level_band_centre (actor->level);
    }

  children = walk_children (self, node, subject, child_names, &actor->extra);
  load_note (self, children, subject, &actor->note, &actor->note_extra);

  if (id_ok && self->problems->len == before)
    {
      actor->id = g_strdup (values[A_ID]);
      bm_map_insert_actor (self->map, -1, g_steal_pointer (&actor));
    }
}

static void
load_tie (Loader *self, xmlNodePtr node)
{
  static const char *const allowed[] = { "id", "from", "to", "kind", "strength", NULL };
  static const char *const child_names[] = { "note", NULL };
  enum { A_ID, A_FROM, A_TO, A_KIND, A_STRENGTH, N_A };
  const char *values[N_A] = { NULL };
  const char *tokens[BM_N_TIE_KINDS + 1];
  g_autoptr(BmTie) tie = bm_tie_new (NULL, NULL, NULL, BM_TIE_CHANNEL);
  Subject item = { "tie", NULL, TRUE, NULL, NULL };
  Subject *subject = &item;
  g_autoptr(GPtrArray) children = NULL;
  guint before = self->problems->len;
  int line = node_line (node);
  gboolean id_ok;

  subject->id = unprefixed_attr (self, node, "id");
  collect_attributes (self, node, subject, allowed, values, &tie->extra);
  collect_ns_decls (self, node, &tie->extra);

  if (values[A_ID] == NULL)
    missing (self, line, subject, "id");
  id_ok = register_id (self, values[A_ID], line, ID_TIE, subject);

  if (values[A_FROM] == NULL)
    missing (self, line, subject, "from");
  else
    add_ref (self, REF_FROM, line, values[A_ID], values[A_FROM]);

  if (values[A_TO] == NULL)
    missing (self, line, subject, "to");
  else
    add_ref (self, REF_TO, line, values[A_ID], values[A_TO]);

  if (values[A_FROM] != NULL && values[A_TO] != NULL &&
      strcmp (values[A_FROM], values[A_TO]) == 0)
    problem (self, line, _("%s connects the actor \"%s\" to itself"),
             S (subject), shown (self, values[A_FROM]));

  if (values[A_KIND] == NULL)
    missing (self, line, subject, "kind");
  else if (!bm_tie_kind_from_string (values[A_KIND], &tie->kind))
    {
      ENUM_TOKENS (tokens, BM_N_TIE_KINDS, bm_tie_kind_to_string, 0);
      bad_enum (self, line, subject, "kind", values[A_KIND], tokens);
    }

  if (values[A_STRENGTH] != NULL)
    parse_digit (self, line, subject, "strength", values[A_STRENGTH], 3, &tie->strength);

  children = walk_children (self, node, subject, child_names, &tie->extra);
  load_note (self, children, subject, &tie->note, &tie->note_extra);

  if (id_ok && self->problems->len == before)
    {
      tie->id = g_strdup (values[A_ID]);
      tie->from = g_strdup (values[A_FROM]);
      tie->to = g_strdup (values[A_TO]);
      bm_map_insert_tie (self->map, -1, g_steal_pointer (&tie));
    }
}

/* ---- sections ------------------------------------------------------------------ */

static void
load_meta (Loader *self, xmlNodePtr node)
{
  static const char *const child_names[] = { "title", "description", NULL };
  Subject section = { "meta", NULL, FALSE, NULL, NULL };
  Subject *subject = &section;
  BmExtra *extra = bm_map_get_extra (self->map, BM_EXTRA_META);
  g_autoptr(GPtrArray) children = NULL;

  collect_attributes (self, node, subject, NULL, NULL, &extra);
  collect_ns_decls (self, node, &extra);
  children = walk_children (self, node, subject, child_names, &extra);
  check_order (self, children, subject, child_names);

  for (guint i = 0; i < children->len; i++)
    {
      xmlNodePtr child = g_ptr_array_index (children, i);
      gboolean is_title = strcmp (node_name (child), "title") == 0;
      Subject child_subject = { node_name (child), NULL, FALSE, NULL, NULL };
      BmExtra *child_extra = bm_map_get_extra (self->map,
                                               is_title ? BM_EXTRA_TITLE : BM_EXTRA_DESCRIPTION);
      g_autofree char *text = read_text_element (self, child, &child_subject, &child_extra);

      if (is_title)
        bm_map_set_title (self->map, text);
      else
        bm_map_set_description (self->map, text);
    }
}

typedef void (*ItemLoader) (Loader *self, xmlNodePtr node);

static void
load_section (Loader      *self,
              xmlNodePtr   node,
              BmExtraSlot  slot,
              const char  *item_name,
              ItemLoader   load_item)
{
  const char *const child_names[] = { item_name, NULL };
  Subject section = { node_name (node), NULL, FALSE, NULL, NULL };
  Subject *subject = &section;
  BmExtra *extra = bm_map_get_extra (self->map, slot);
  g_autoptr(GPtrArray) children = NULL;

  collect_attributes (self, node, subject, NULL, NULL, &extra);
  collect_ns_decls (self, node, &extra);
  children = walk_children (self, node, subject, child_names, &extra);
  for (guint i = 0; i < children->len; i++)
    {
      xmlNodePtr child = g_ptr_array_index (children, i);

      /* items are normally read as soon as they are parsed */
      if (child->_private != &item_done)
        load_item (self, child);
    }
}

/* ---- the document --------------------------------------------------------------- */

/* Checks the root's name, namespace and version.  Returns FALSE when the
 * rest of the document must not be read. */
static gboolean
check_root (Loader *self, xmlNodePtr root)
{
  int line = node_line (root);
  xmlAttrPtr version;
  const char *value;

  if (strcmp (node_name (root), "bridgemap") != 0 || !is_bm_namespace (root->ns))
    {
      if (strcmp (node_name (root), "bridgemap") == 0 &&
          (root->ns == NULL || root->ns->href == NULL || root->ns->href[0] == '\0'))
        problem (self, line,
                 _("the <bridgemap> element has no namespace; it must be "
                   "<bridgemap xmlns=\"%s\" version=\"1\">"),
                 BM_NAMESPACE);
      else if (strcmp (node_name (root), "bridgemap") == 0)
        problem (self, line,
                 _("the <bridgemap> element is in the namespace \"%s\", not in the "
                   "Bridgemap namespace \"%s\""),
                 shown (self, (const char *) root->ns->href), BM_NAMESPACE);
      else
        problem (self, line,
                 _("this is not a Bridgemap map: the document's root element is <%s>, "
                   "not <bridgemap xmlns=\"%s\">"),
                 node_name (root), BM_NAMESPACE);
      return FALSE;
    }

  version = xmlHasNsProp (root, (const xmlChar *) "version", NULL);
  if (version == NULL || version->ns != NULL)
    {
      problem (self, line,
               _("the <bridgemap> element has no \"version\" attribute; "
                 "this version of Bridgemap reads version=\"1\""));
      return TRUE;
    }

  value = attr_value (self, version);
  if (strcmp (value, BM_FORMAT_VERSION) == 0)
    return TRUE;

  /* A later format version: refuse it whole, never half-read it */
  {
    const char *p = value;
    gboolean numeric = g_ascii_isdigit (*p);
    double number;

    while (g_ascii_isdigit (*p))
      p++;
    if (*p == '.')
      {
        p++;
        numeric = numeric && g_ascii_isdigit (*p);
        while (g_ascii_isdigit (*p))
          p++;
      }
    numeric = numeric && *p == '\0';
    number = numeric ? g_ascii_strtod (value, NULL) : 0;
    if (numeric && number > 1)
      {
        /* only this problem: the rest may well be valid in that version */
        g_ptr_array_set_size (self->problems, 0);
        problem (self, line,
                 _("this file comes from a newer Bridgemap (format version %s); this "
                   "version of Bridgemap reads format version 1 only, so it does not "
                   "open the file: please update Bridgemap"),
                 shown (self, value));
        self->newer = TRUE;
        return FALSE;
      }
  }

  problem (self, line,
           _("the <bridgemap> element has version=\"%s\"; this version of Bridgemap "
             "reads version=\"1\""),
           shown (self, value));
  return TRUE;
}

static void
load_root (Loader *self, xmlNodePtr root)
{
  static const char *const allowed[] = { "version", NULL };
  static const char *const sections[] = { "meta", "parties", "actors", "ties", NULL };
  const char *values[G_N_ELEMENTS (allowed)] = { NULL };
  Subject section = { "bridgemap", NULL, FALSE, NULL, NULL };
  Subject *subject = &section;
  BmExtra *extra = bm_map_get_extra (self->map, BM_EXTRA_ROOT);
  g_autoptr(GPtrArray) children = NULL;

  /* the root's prefixed declarations come first, in their order */
  collect_ns_decls (self, root, &extra);
  collect_attributes (self, root, subject, allowed, values, &extra);
  children = walk_children (self, root, subject, sections, &extra);
  check_order (self, children, subject, sections);

  for (guint i = 0; i < children->len; i++)
    {
      xmlNodePtr child = g_ptr_array_index (children, i);
      const char *name = node_name (child);

      if (strcmp (name, "meta") == 0)
        load_meta (self, child);
      else if (strcmp (name, "parties") == 0)
        load_section (self, child, BM_EXTRA_PARTIES, "party", load_party);
      else if (strcmp (name, "actors") == 0)
        load_section (self, child, BM_EXTRA_ACTORS, "actor", load_actor);
      else
        load_section (self, child, BM_EXTRA_TIES, "tie", load_tie);
    }

  resolve_refs (self);
}

/* ---- reading items while parsing ------------------------------------------------- */

/* The function that reads @node, if it is a party, an actor or a tie in
 * its section under the root */
static ItemLoader
item_loader (xmlNodePtr node)
{
  xmlNodePtr section = node->parent;
  xmlNodePtr root = section != NULL ? section->parent : NULL;
  const char *name = node_name (node);
  const char *section_name;

  if (node->type != XML_ELEMENT_NODE || !is_bm_namespace (node->ns) ||
      section == NULL || section->type != XML_ELEMENT_NODE || !is_bm_namespace (section->ns) ||
      root == NULL || root->type != XML_ELEMENT_NODE || root->parent == NULL ||
      root->parent->type != XML_DOCUMENT_NODE)
    return NULL;

  section_name = node_name (section);
  if (strcmp (section_name, "parties") == 0 && strcmp (name, "party") == 0)
    return load_party;
  if (strcmp (section_name, "actors") == 0 && strcmp (name, "actor") == 0)
    return load_actor;
  if (strcmp (section_name, "ties") == 0 && strcmp (name, "tie") == 0)
    return load_tie;
  return NULL;
}

/* Frees an item element once it is in the model, with the indentation
 * before it.
 *
 * libxml2 appends the next characters to the parent's last child when that
 * is a text node, trusting lengths it recorded when it made that node: the
 * parent's last child must therefore never become an older text node.
 * Blank text before the item goes with it (text nodes are never adjacent,
 * so what is left last is not text); text that is not blank stays, to be
 * reported, and then the item stays too, emptied, as the last child. */
static void
release_item (xmlNodePtr node)
{
  xmlNodePtr prev = node->prev;

  if (prev != NULL && prev->type == XML_TEXT_NODE && !is_blank ((const char *) prev->content))
    {
      xmlFreeNodeList (node->children);
      node->children = NULL;
      node->last = NULL;
      xmlFreePropList (node->properties);
      node->properties = NULL;
      node->_private = &item_done;
      return;
    }

  if (prev != NULL && prev->type == XML_TEXT_NODE)
    {
      xmlUnlinkNode (prev);
      xmlFreeNode (prev);
    }
  xmlUnlinkNode (node);
  xmlFreeNode (node);
}

static void
on_start_element (void           *data,
                  const xmlChar  *localname,
                  const xmlChar  *prefix,
                  const xmlChar  *uri,
                  int             nb_namespaces,
                  const xmlChar **namespaces,
                  int             nb_attributes,
                  int             nb_defaulted,
                  const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = data;
  Loader *self = ctxt->_private;
  xmlNodePtr node;

  xmlSAX2StartElementNs (data, localname, prefix, uri, nb_namespaces, namespaces,
                         nb_attributes, nb_defaulted, attributes);
  node = ctxt->node;

  /* libxml2 keeps an element's line in 16 bits: keep the line where the
   * start tag ends ourselves when it does not fit (psvi is unused without
   * schema validation) */
  if (node != NULL && node->line == G_MAXUINT16 && ctxt->input != NULL &&
      ctxt->input->line >= G_MAXUINT16)
    node->psvi = GINT_TO_POINTER (ctxt->input->line);

  /* the root decides whether to read on: never half-read a newer map */
  if (self == NULL || self->root_checked || node == NULL || node->parent == NULL ||
      node->parent->type != XML_DOCUMENT_NODE)
    return;
  self->root_checked = TRUE;
  if (!check_root (self, node))
    {
      self->root_refused = TRUE;
      xmlStopParser (ctxt);
    }
}

static void
on_end_element (void          *data,
                const xmlChar *localname,
                const xmlChar *prefix,
                const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = data;
  Loader *self = ctxt->_private;
  xmlNodePtr node = ctxt->node;
  ItemLoader load_item;

  xmlSAX2EndElementNs (data, localname, prefix, uri);

  if (self == NULL || node == NULL || !self->root_checked || self->root_refused ||
      self->xml_failed)
    return;
  load_item = item_loader (node);
  if (load_item != NULL)
    {
      load_item (self, node);
      release_item (node);
    }
}

/* ---- bytes and encoding ---------------------------------------------------------- */

static int
line_at (const char *data, gsize offset)
{
  int line = 1;
  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

/* Reads the pseudo-attributes of an XML declaration.  Returns FALSE and
 * records a problem when the declared version or encoding is not accepted;
 * a malformed declaration is left for the parser to report. */
static gboolean
check_xml_declaration (Loader *self, const char *data, gsize length, gsize start)
{
  gsize i = start + 5;

  while (i < length)
    {
      gsize name_start, name_end, value_start, value_end;
      char quote;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      while (i < length && is_xml_space (data[i]))
        i++;
      if (i >= length || !g_ascii_isalpha (data[i]))
        return TRUE;
      name_start = i;
      while (i < length && g_ascii_isalpha (data[i]))
        i++;
      name_end = i;
      while (i < length && is_xml_space (data[i]))
        i++;
      if (i >= length || data[i] != '=')
        return TRUE;
      i++;
      while (i < length && is_xml_space (data[i]))
        i++;
      if (i >= length || (data[i] != '"' && data[i] != '\''))
        return TRUE;
      quote = data[i++];
      value_start = i;
      while (i < length && data[i] != quote && data[i] != '<' && data[i] != '>' &&
             i - value_start < 64)
        i++;
      if (i >= length || data[i] != quote)
        return TRUE;
      value_end = i++;

      name = g_strndup (data + name_start, name_end - name_start);
      /* the encoding is not known yet: keep the message valid UTF-8 */
      {
        g_autofree char *raw = g_strndup (data + value_start, value_end - value_start);
        value = g_utf8_make_valid (raw, -1);
      }

      if (strcmp (name, "encoding") == 0 && g_ascii_strcasecmp (value, "UTF-8") != 0)
        {
          problem (self, line_at (data, name_start),
                   _("the file declares the encoding \"%s\"; Bridgemap files must be "
                     "in UTF-8 (encoding=\"UTF-8\")"),
                   shown (self, value));
          return FALSE;
        }
      if (strcmp (name, "version") == 0 && strcmp (value, "1.0") != 0)
        {
          problem (self, line_at (data, name_start),
                   _("the file declares XML version \"%s\"; Bridgemap files are XML 1.0"),
                   shown (self, value));
          return FALSE;
        }
    }
  return TRUE;
}

/* Everything that can be said about the bytes before parsing them.
 * Returns FALSE when a problem was recorded. */
static gboolean
check_bytes (Loader *self, const char *data, gsize length)
{
  const guchar *u = (const guchar *) data;
  gsize start = 0;
  const char *nul;
  const char *end = NULL;

  if (length == 0)
    {
      problem (self, 0, _("the file is empty"));
      return FALSE;
    }
  if (length > G_MAXINT)
    {
      problem (self, 0, _("the file is too large to be a Bridgemap map"));
      return FALSE;
    }

  if ((length >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xfe && u[3] == 0xff) ||
      (length >= 4 && u[0] == 0xff && u[1] == 0xfe && u[2] == 0 && u[3] == 0))
    {
      problem (self, 1, _("the file is in UTF-32; Bridgemap files must be in UTF-8"));
      return FALSE;
    }
  if ((length >= 2 && ((u[0] == 0xfe && u[1] == 0xff) || (u[0] == 0xff && u[1] == 0xfe))) ||
      (length >= 2 && ((u[0] == 0 && u[1] != 0) || (u[0] != 0 && u[1] == 0))))
    {
      problem (self, 1, _("the file is in UTF-16; Bridgemap files must be in UTF-8"));
      return FALSE;
    }
  if (length >= 2 && u[0] == 0x1f && u[1] == 0x8b)
    {
      problem (self, 1,
               _("the file is compressed (gzip); Bridgemap reads only uncompressed "
                 "files, so uncompress it first"));
      return FALSE;
    }
  if (length >= 6 && memcmp (data, "\xfd" "7zXZ\0", 6) == 0)
    {
      problem (self, 1,
               _("the file is compressed (xz); Bridgemap reads only uncompressed "
                 "files, so uncompress it first"));
      return FALSE;
    }
  if (length >= 4 && memcmp (data, "PK\3\4", 4) == 0)
    {
      problem (self, 1, _("the file is a ZIP archive, not a Bridgemap map"));
      return FALSE;
    }

  if (length >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
    start = 3;

  if (length - start >= 6 && memcmp (data + start, "<?xml", 5) == 0 &&
      is_xml_space (data[start + 5]) &&
      !check_xml_declaration (self, data, length, start))
    return FALSE;

  nul = memchr (data, '\0', length);
  if (nul != NULL)
    {
      problem (self, line_at (data, nul - data),
               _("the file contains a NUL byte, which XML does not allow "
                 "(is it a binary file?)"));
      return FALSE;
    }
  if (!g_utf8_validate_len (data, length, &end))
    {
      problem (self, line_at (data, end - data),
               _("the file is not valid UTF-8 text; Bridgemap files must be in UTF-8"));
      return FALSE;
    }
  return TRUE;
}

/* ---- parsing ---------------------------------------------------------------------- */

/* The parser's complaint in plain words.  Codes are stable across libxml2
 * versions; the parser's own wording is added as a hint where ours is
 * vague. */
static char *
describe_xml_error (const xmlError *error)
{
  const char *str1 = error->str1;
  g_autofree char *hint = NULL;
  const char *plain = NULL;

  /* the parser's own words, on one line and short: a hint only */
  if (error->message != NULL && g_utf8_validate (error->message, -1, NULL))
    hint = excerpt_long (error->message, 100);

  /* libxml2 refuses deeper nesting without XML_PARSE_HUGE; the code
   * differs between versions, the wording does not */
  if (error->message != NULL && strstr (error->message, "Excessive depth") != NULL)
    return g_strdup (_("the elements are nested too deeply for a map"));

  switch (error->code)
    {
    case XML_ERR_DOCUMENT_EMPTY:
    case XML_ERR_DOCUMENT_START:
      return g_strdup (_("this is not an XML document: there is no element in the file "
                         "(a Bridgemap map starts with <bridgemap …>)"));
    case XML_ERR_DOCUMENT_END:
      return g_strdup (_("there is more content after the end of the document's root element"));
    case XML_ERR_TAG_NOT_FINISHED:
      if (str1 != NULL)
        return g_strdup_printf (_("the file ends before the element <%s> is closed; "
                                  "it may be truncated"), str1);
      return g_strdup (_("the file ends before all its elements are closed; "
                         "it may be truncated"));
    case XML_ERR_TAG_NAME_MISMATCH:
      if (str1 != NULL && error->str2 != NULL)
        return g_strdup_printf (_("the end tag </%s> does not match the element <%s> "
                                  "it should close"), error->str2, str1);
      plain = _("an end tag does not match the element it should close");
      break;
    case XML_ERR_LTSLASH_REQUIRED:
      plain = _("an element is not closed properly");
      break;
    case XML_ERR_GT_REQUIRED:
      plain = _("a tag is not finished with \">\"");
      break;
    case XML_ERR_ATTRIBUTE_REDEFINED:
      if (str1 != NULL)
        return g_strdup_printf (_("the attribute \"%s\" is given twice on the same element"),
                                str1);
      plain = _("an attribute is given twice on the same element");
      break;
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
      plain = _("an attribute value is not enclosed in quotes");
      break;
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
      plain = _("an attribute has no value");
      break;
    case XML_ERR_LT_IN_ATTRIBUTE:
      plain = _("an attribute value contains \"<\"; write it as &lt;");
      break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
      if (str1 != NULL)
        return g_strdup_printf (_("\"&%s;\" is not a character XML knows; only &amp; &lt; "
                                  "&gt; &quot; &apos; and numeric references like &#233; "
                                  "are allowed (write a lone & as &amp;)"), str1);
      plain = _("an unknown entity reference; write a lone & as &amp;");
      break;
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
    case XML_ERR_ENTITYREF_NO_NAME:
      plain = _("a \"&\" does not start a character reference; write a lone & as &amp;");
      break;
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_HEX_CHARREF:
      plain = _("the file contains a character that XML does not allow");
      break;
    case XML_ERR_INVALID_ENCODING:
      return g_strdup (_("the file is not valid UTF-8 text; Bridgemap files must be in UTF-8"));
    case XML_ERR_RESERVED_XML_NAME:
      plain = _("the XML declaration (<?xml …?>) must be at the very start of the file");
      break;
    case XML_ERR_COMMENT_NOT_FINISHED:
      plain = _("a comment is not closed with \"-->\"");
      break;
    case XML_ERR_HYPHEN_IN_COMMENT:
      plain = _("a comment contains \"--\", which XML does not allow");
      break;
    case XML_ERR_CDATA_NOT_FINISHED:
      plain = _("a CDATA section is not closed with \"]]>\"");
      break;
    case XML_ERR_PI_NOT_FINISHED:
      plain = _("a processing instruction is not closed with \"?>\"");
      break;
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
      if (str1 != NULL)
        return g_strdup_printf (_("the namespace prefix \"%s\" is used but not declared; "
                                  "declare it with xmlns:%s=\"…\""), str1, str1);
      plain = _("a namespace prefix is used without being declared (xmlns:prefix=\"…\")");
      break;
    case XML_NS_ERR_EMPTY:
      plain = _("a namespace prefix is declared with an empty name");
      break;
    case XML_NS_ERR_ATTRIBUTE_REDEFINED:
      plain = _("an attribute is given twice on the same element");
      break;
    case XML_NS_ERR_QNAME:
    case XML_NS_ERR_COLON:
      plain = _("a name has a misplaced \":\"");
      break;
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_VERSION_MISSING:
      plain = _("the XML declaration (<?xml …?>) is malformed");
      break;
    default:
      break;
    }

  if (plain != NULL)
    return g_strdup (plain);
  plain = _("the file is not well-formed XML");
  if (hint != NULL && hint[0] != '\0')
    /* TRANSLATORS: the second %s is the XML parser's own (English) message */
    return g_strdup_printf (_("%s (the XML parser says: %s)"), plain, hint);
  return g_strdup (plain);
}

#if LIBXML_VERSION >= 21200
static void
on_xml_error (void *data, const xmlError *error)
#else
static void
on_xml_error (void *data, xmlErrorPtr error)
#endif
{
  xmlParserCtxtPtr ctxt = data;
  Loader *self = ctxt != NULL ? ctxt->_private : NULL;

  if (self == NULL || error == NULL || error->level < XML_ERR_ERROR || self->xml_failed)
    return;
  self->xml_failed = TRUE;
  self->xml_error_line = error->line;
  self->xml_error_message = describe_xml_error (error);
}

/* A DOCTYPE stops the parser before it reads the internal subset, so no
 * entity is ever declared, let alone expanded. */
static void
on_internal_subset (void          *data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = data;
  Loader *self = ctxt->_private;

  if (self != NULL && !self->doctype)
    {
      self->doctype = TRUE;
      self->doctype_line = ctxt->input != NULL ? ctxt->input->line : 1;
    }
  xmlStopParser (ctxt);
}

static void
on_external_subset (void          *data,
                    const xmlChar *name,
                    const xmlChar *external_id,
                    const xmlChar *system_id)
{
  xmlStopParser ((xmlParserCtxtPtr) data);
}

typedef struct
{
  const char *data;
  gsize       left;
} MemoryInput;

static int
read_memory (void *context, char *buffer, int length)
{
  MemoryInput *input = context;
  gsize n = MIN ((gsize) MAX (length, 0), input->left);

  memcpy (buffer, input->data, n);
  input->data += n;
  input->left -= n;
  return (int) n;
}

static xmlDocPtr
parse (Loader *self, const char *data, gsize length)
{
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  int options = XML_PARSE_NONET | XML_PARSE_BIG_LINES;

#if LIBXML_VERSION >= 21300
  options |= XML_PARSE_NO_XXE;
#endif

  ctxt = xmlNewParserCtxt ();
  if (ctxt == NULL)
    {
      problem (self, 0, _("out of memory while reading the file"));
      return NULL;
    }
  ctxt->_private = self;
  ctxt->sax->internalSubset = on_internal_subset;
  ctxt->sax->externalSubset = on_external_subset;
  ctxt->sax->startElementNs = on_start_element;
  ctxt->sax->endElementNs = on_end_element;
  ctxt->sax->serror = on_xml_error;
  ctxt->sax->error = NULL;
  ctxt->sax->warning = NULL;
  ctxt->vctxt.error = NULL;
  ctxt->vctxt.warning = NULL;

  loading = TRUE;
  /* through a callback, libxml2 holds a few kilobytes of the input at a
   * time instead of a copy of all of it */
  {
    MemoryInput input = { data, length };

    /* libxml2 does not skip the byte-order mark on this path when told
     * the encoding: the bytes are known to be UTF-8, skip it here */
    if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
      {
        input.data += 3;
        input.left -= 3;
      }
    doc = xmlCtxtReadIO (ctxt, read_memory, NULL, &input, NULL, "UTF-8", options);
  }
  loading = FALSE;

  if (self->doctype)
    {
      problem (self, self->doctype_line,
               _("the file has a DOCTYPE declaration; Bridgemap files must not have one "
                 "(it could make the reader fetch other files or expand text without limit)"));
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (self->root_refused)
    {
      /* the problem with the root is recorded; nothing else is read */
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (doc == NULL || self->xml_failed || !ctxt->wellFormed || !ctxt->nsWellFormed)
    {
      /* what was read before the XML broke means nothing */
      g_ptr_array_set_size (self->problems, 0);
      if (self->xml_error_message != NULL)
        add_problem (self, self->xml_error_line, g_steal_pointer (&self->xml_error_message));
      else
        problem (self, ctxt->input != NULL ? ctxt->input->line : 0,
                 _("the file is not well-formed XML"));
      g_clear_pointer (&doc, xmlFreeDoc);
    }
  else if (doc->intSubset != NULL || doc->extSubset != NULL)
    {
      problem (self, 1, _("the file has a DOCTYPE declaration; Bridgemap files must not have one"));
      g_clear_pointer (&doc, xmlFreeDoc);
    }

  ctxt->_private = NULL;
  xmlFreeParserCtxt (ctxt);
  return doc;
}

/* ---- entry points ------------------------------------------------------------------ */

static int
compare_problems (gconstpointer a, gconstpointer b)
{
  const BmProblem *pa = *(const BmProblem **) a;
  const BmProblem *pb = *(const BmProblem **) b;
  return (pa->line > pb->line) - (pa->line < pb->line);
}

BmMap *
bm_map_load_from_data (const char  *data,
                       gsize        length,
                       const char  *display_name,
                       GPtrArray  **problems,
                       GError     **error)
{
  Loader self = { 0 };
  BmMap *result = NULL;
  xmlDocPtr doc = NULL;
  xmlNodePtr root;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  ensure_libxml ();

  self.display_name = display_name != NULL ? display_name : _("(unnamed)");
  self.problems = g_ptr_array_new_with_free_func ((GDestroyNotify) bm_problem_free);
  self.ids = g_hash_table_new (g_str_hash, g_str_equal);
  self.refs = g_array_new (FALSE, TRUE, sizeof (PendingRef));
  self.chunk = g_string_chunk_new (4096);
  self.strings = g_ptr_array_new_with_free_func (g_free);
  self.map = bm_map_new ();

  bm_map_begin_batch (self.map);

  if (!check_bytes (&self, data, length))
    goto out;

  /* parties, actors and ties are read while parsing */
  doc = parse (&self, data, length);
  if (doc == NULL)
    goto out;

  root = xmlDocGetRootElement (doc);
  if (root == NULL)
    {
      problem (&self, 0, _("this is not an XML document: there is no element in the file"));
      goto out;
    }
  if (!self.root_checked && !check_root (&self, root))
    goto out;

  /* the rest of the document */
  load_root (&self, root);

out:
  bm_map_end_batch (self.map);

  if (self.problems->len > 0)
    {
      g_autofree char *message = NULL;

      g_ptr_array_sort (self.problems, compare_problems);
      message = format_problems (self.display_name, self.problems);
      g_set_error_literal (error, BM_MAP_ERROR,
                           self.newer ? BM_MAP_ERROR_NEWER : BM_MAP_ERROR_INVALID, message);
      g_clear_object (&self.map);
    }
  else
    result = g_steal_pointer (&self.map);

  if (problems != NULL)
    *problems = g_steal_pointer (&self.problems);
  else
    g_ptr_array_unref (self.problems);

  g_clear_pointer (&doc, xmlFreeDoc);
  g_hash_table_unref (self.ids);
  g_array_unref (self.refs);
  g_string_chunk_free (self.chunk);
  g_ptr_array_unref (self.strings);
  g_free (self.xml_error_message);
  return result;
}

BmMap *
bm_map_load_file (GFile       *file,
                  const char  *display_name,
                  GError     **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *parse_name = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (display_name == NULL)
    display_name = parse_name = g_file_get_parse_name (file);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: the file does not exist"), display_name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: you do not have permission to read this file"), display_name);
      else
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: the file cannot be read: %s"), display_name, local_error->message);
      return NULL;
    }

  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                   _("%s: this is a folder, not a map"), display_name);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR &&
      g_file_info_get_file_type (info) != G_FILE_TYPE_UNKNOWN)
    {
      g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                   _("%s: this is not a regular file"), display_name);
      return NULL;
    }
  if (g_file_info_get_size (info) > MAX_FILE_SIZE)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));

      /* Translators: the second %s is a size such as "300.0 MB" */
      g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                   _("%s: the file is too large to be a Bridgemap map (%s)"),
                   display_name, size);
      return NULL;
    }

  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: the file does not exist"), display_name);
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: you do not have permission to read this file"), display_name);
      else
        g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ,
                     _("%s: the file cannot be read: %s"), display_name, local_error->message);
      return NULL;
    }

  if (length == 0)
    {
      g_set_error (error, BM_MAP_ERROR, BM_MAP_ERROR_READ, _("%s: the file is empty"),
                   display_name);
      return NULL;
    }

  return bm_map_load_from_data (contents, length, display_name, NULL, error);
}
