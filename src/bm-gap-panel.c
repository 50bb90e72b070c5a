/* bm-gap-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "bm-gap-panel.h"

struct _BmGapPanel
{
  GtkWidget   parent_instance;

  GtkLabel   *summary;
  GtkStack   *stack;
  GtkListBox *list;
  GtkWidget  *empty_page;

  BmMap      *map;
  BmAnalysis *analysis;
  /* Identity of the chosen gap, to keep it chosen across analyses */
  char       *active_key;
  /* What the rows show, to skip rebuilding them when an edit (a move, say)
   * left the gaps as they were */
  char       *shown;
  gboolean    updating;
};

G_DEFINE_FINAL_TYPE (BmGapPanel, bm_gap_panel, GTK_TYPE_WIDGET)

enum {
  GAP_ACTIVATED,
  GAP_CLEARED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
gap_key (const BmGap *gap)
{
  g_autofree char *parties = gap->parties ? g_strjoinv ("\x1f", gap->parties) : NULL;

  return g_strdup_printf ("%d\x1e%s\x1e%s", gap->kind,
                          parties ? parties : "", gap->actor ? gap->actor : "");
}

static void
add_unique (GPtrArray  *ids,
            GHashTable *seen,
            const char *id)
{
  if (id != NULL && g_hash_table_add (seen, (gpointer) id))
    g_ptr_array_add (ids, g_strdup (id));
}

char **
bm_gap_actors (BmMap       *map,
               const BmGap *gap)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *ids = g_ptr_array_new ();

  g_return_val_if_fail (BM_IS_MAP (map), NULL);
  g_return_val_if_fail (gap != NULL, NULL);

  add_unique (ids, seen, gap->actor);
  for (guint i = 0; gap->actors != NULL && gap->actors[i] != NULL; i++)
    add_unique (ids, seen, gap->actors[i]);
  for (guint i = 0; gap->candidates != NULL && gap->candidates[i] != NULL; i++)
    add_unique (ids, seen, gap->candidates[i]);
  if (ids->len == 0 && gap->parties != NULL)
    {
      /* A middle-range gap names only its party: point at its actors */
      for (guint i = 0; i < bm_map_get_n_actors (map); i++)
        {
          const BmActor *actor = bm_map_get_actor (map, i);

          if (actor->party != NULL && g_strv_contains ((const char * const *) gap->parties,
                                                       actor->party))
            add_unique (ids, seen, actor->id);
        }
    }
  g_ptr_array_add (ids, NULL);
  return (char **) g_ptr_array_free (ids, FALSE);
}

static const char *
severity_icon (BmSeverity severity)
{
  switch (severity)
    {
    case BM_SEVERITY_CRITICAL:
      return "dialog-error-symbolic";
    case BM_SEVERITY_WARNING:
      return "dialog-warning-symbolic";
    case BM_SEVERITY_INFO:
    default:
      return "dialog-information-symbolic";
    }
}

static const char *
severity_class (BmSeverity severity)
{
  switch (severity)
    {
    case BM_SEVERITY_CRITICAL:
      return "error";
    case BM_SEVERITY_WARNING:
      return "warning";
    case BM_SEVERITY_INFO:
    default:
      return "accent";
    }
}

static const char *
severity_name (BmSeverity severity)
{
  switch (severity)
    {
    case BM_SEVERITY_CRITICAL:
      /* Translators: severity of a gap */
      return C_("severity", "Critical");
    case BM_SEVERITY_WARNING:
      return C_("severity", "Warning");
    case BM_SEVERITY_INFO:
    default:
      return C_("severity", "Note");
    }
}

static char *
candidates_text (BmMap       *map,
                 const BmGap *gap)
{
  g_autoptr(GString) names = g_string_new (NULL);

  if (gap->candidates == NULL || gap->candidates[0] == NULL)
    return NULL;
  for (guint i = 0; gap->candidates[i] != NULL; i++)
    {
      const BmActor *actor = bm_map_lookup_actor (map, gap->candidates[i]);

      if (i > 0)
        /* Translators: separator between names in a list */
        g_string_append (names, _(", "));
      g_string_append (names, actor != NULL ? actor->name : gap->candidates[i]);
    }
  /* Translators: %s is a list of actor names */
  return g_strdup_printf (_("Could bridge it: %s"), names->str);
}

static gboolean
candidates_in_explanation (BmMap       *map,
                           const BmGap *gap)
{
  const BmActor *first;

  if (gap->candidates == NULL || gap->candidates[0] == NULL || gap->explanation == NULL)
    return FALSE;
  first = bm_map_lookup_actor (map, gap->candidates[0]);
  return first != NULL && strstr (gap->explanation, first->name) != NULL;
}

static GtkWidget *
new_label (GtkWidget  *box,
           const char *css_class,
           gboolean    wrap)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (wrap)
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
    }
  gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return label;
}

static void
set_label (GtkWidget  *label,
           const char *text)
{
  gtk_widget_set_visible (label, text != NULL);
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (label)), text ? text : "") != 0)
    gtk_label_set_label (GTK_LABEL (label), text ? text : "");
}

/* Shows @gap in @row (new or kept from the previous analysis): only what
 * changed is touched */
static void
update_row (BmGapPanel  *self,
            GtkWidget   *row,
            const BmGap *gap,
            guint        index)
{
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "bm-icon");
  GtkWidget *severity = g_object_get_data (G_OBJECT (row), "bm-severity");
  int shown = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "bm-severity-shown")) - 1;
  g_autofree char *candidates = candidates_text (self->map, gap);
  g_autofree char *accessible = NULL;

  if (shown != (int) gap->severity)
    {
      if (shown >= 0)
        {
          gtk_widget_remove_css_class (icon, severity_class (shown));
          gtk_widget_remove_css_class (severity, severity_class (shown));
        }
      gtk_image_set_from_icon_name (GTK_IMAGE (icon), severity_icon (gap->severity));
      gtk_widget_add_css_class (icon, severity_class (gap->severity));
      gtk_widget_add_css_class (severity, severity_class (gap->severity));
      gtk_label_set_label (GTK_LABEL (severity), severity_name (gap->severity));
      g_object_set_data (G_OBJECT (row), "bm-severity-shown", GINT_TO_POINTER (gap->severity + 1));
    }
  set_label (g_object_get_data (G_OBJECT (row), "bm-title"), gap->title);
  set_label (g_object_get_data (G_OBJECT (row), "bm-explanation"), gap->explanation);
  /* The explanation already says who could bridge the gap; a second line
   * only when it does not name the first candidate */
  set_label (g_object_get_data (G_OBJECT (row), "bm-candidates"),
             candidates_in_explanation (self->map, gap) ? NULL : candidates);

  accessible = g_strdup_printf ("%s: %s", severity_name (gap->severity), gap->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gap->explanation ? gap->explanation : "",
                                  -1);
  g_object_set_data (G_OBJECT (row), "bm-gap-index", GUINT_TO_POINTER (index));
}

static GtkWidget *
create_row (BmGapPanel  *self,
            const BmGap *gap,
            guint        index)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *icon = gtk_image_new ();

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (icon, 2);
  gtk_box_append (GTK_BOX (box), icon);
  g_object_set_data (G_OBJECT (row), "bm-icon", icon);
  g_object_set_data (G_OBJECT (row), "bm-severity", new_label (text, "caption-heading", FALSE));
  g_object_set_data (G_OBJECT (row), "bm-title", new_label (text, "heading", TRUE));
  g_object_set_data (G_OBJECT (row), "bm-explanation", new_label (text, "body", TRUE));
  gtk_widget_add_css_class (g_object_get_data (G_OBJECT (row), "bm-explanation"), "dim-label");
  g_object_set_data (G_OBJECT (row), "bm-candidates", new_label (text, "caption", TRUE));

  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);
  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "bm-gap-key", gap_key (gap), g_free);
  update_row (self, row, gap, index);
  return row;
}

static void
update_summary (BmGapPanel *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint counts[3] = { 0, 0, 0 };

  if (self->analysis == NULL)
    {
      gtk_label_set_label (self->summary, "");
      return;
    }
  counts[0] = bm_analysis_count_severity (self->analysis, BM_SEVERITY_CRITICAL);
  counts[1] = bm_analysis_count_severity (self->analysis, BM_SEVERITY_WARNING);
  counts[2] = bm_analysis_count_severity (self->analysis, BM_SEVERITY_INFO);
  if (counts[0] + counts[1] + counts[2] == 0)
    {
      gtk_label_set_label (self->summary, _("No gaps found"));
      return;
    }
  if (counts[0] > 0)
    g_string_append_printf (text, ngettext ("%u critical", "%u critical", counts[0]), counts[0]);
  if (counts[1] > 0)
    {
      if (text->len > 0)
        g_string_append (text, _(", "));
      g_string_append_printf (text, ngettext ("%u warning", "%u warnings", counts[1]), counts[1]);
    }
  if (counts[2] > 0)
    {
      if (text->len > 0)
        g_string_append (text, _(", "));
      g_string_append_printf (text, ngettext ("%u note", "%u notes", counts[2]), counts[2]);
    }
  gtk_label_set_label (self->summary, text->str);
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  BmGapPanel    *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "bm-gap-index"));
  const BmGap *gap;
  g_auto(GStrv) ids = NULL;

  if (self->updating || self->analysis == NULL || index >= bm_analysis_get_n_gaps (self->analysis))
    return;
  gap = bm_analysis_get_gap (self->analysis, index);
  g_free (self->active_key);
  self->active_key = g_strdup (g_object_get_data (G_OBJECT (row), "bm-gap-key"));
  gtk_list_box_select_row (list, row);
  ids = bm_gap_actors (self->map, gap);
  g_signal_emit (self, signals[GAP_ACTIVATED], 0, ids, TRUE);
}

static void
clear_active (BmGapPanel *self)
{
  if (self->active_key == NULL)
    return;
  g_clear_pointer (&self->active_key, g_free);
  self->updating = TRUE;
  gtk_list_box_unselect_all (self->list);
  self->updating = FALSE;
  g_signal_emit (self, signals[GAP_CLEARED], 0);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                BmGapPanel            *self)
{
  if (keyval == GDK_KEY_Escape && self->active_key != NULL)
    {
      clear_active (self);
      return TRUE;
    }
  return FALSE;
}

static void
bm_gap_panel_dispose (GObject *object)
{
  BmGapPanel *self = BM_GAP_PANEL (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_GAP_PANEL);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->map);
  self->analysis = NULL;
  g_clear_pointer (&self->active_key, g_free);
  g_clear_pointer (&self->shown, g_free);
  G_OBJECT_CLASS (bm_gap_panel_parent_class)->dispose (object);
}

static void
bm_gap_panel_class_init (BmGapPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_gap_panel_dispose;

  signals[GAP_ACTIVATED] =
    g_signal_new ("gap-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRV, G_TYPE_BOOLEAN);
  signals[GAP_CLEARED] =
    g_signal_new ("gap-cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bridgemap/Bridgemap/bm-gap-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, BmGapPanel, summary);
  gtk_widget_class_bind_template_child (widget_class, BmGapPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, BmGapPanel, list);
  gtk_widget_class_bind_template_child (widget_class, BmGapPanel, empty_page);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bmgappanel");
}

static void
bm_gap_panel_init (BmGapPanel *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->list, "row-activated", G_CALLBACK (on_row_activated), self);
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->list), keys);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

GtkWidget *
bm_gap_panel_new (void)
{
  return g_object_new (BM_TYPE_GAP_PANEL, NULL);
}

/* Everything the rows would show (and the actors a chosen gap points at) */
static char *
describe_rows (BmGapPanel *self)
{
  GString *text = g_string_new (NULL);
  guint n = self->analysis != NULL ? bm_analysis_get_n_gaps (self->analysis) : 0;

  g_string_append_printf (text, "%u\x1d", n);
  for (guint i = 0; i < n; i++)
    {
      const BmGap *gap = bm_analysis_get_gap (self->analysis, i);
      g_autofree char *key = gap_key (gap);
      g_autofree char *candidates = candidates_text (self->map, gap);
      g_auto(GStrv) actors = bm_gap_actors (self->map, gap);
      g_autofree char *joined = g_strjoinv ("\x1f", actors);

      g_string_append_printf (text, "%s\x1e%d\x1e%s\x1e%s\x1e%s\x1e%s\x1d", key, gap->severity,
                              gap->title, gap->explanation ? gap->explanation : "",
                              candidates ? candidates : "", joined);
    }
  return g_string_free (text, FALSE);
}

void
bm_gap_panel_set_analysis (BmGapPanel *self,
                           BmMap      *map,
                           BmAnalysis *analysis)
{
  GtkWidget *child;
  GtkListBoxRow *keep = NULL;
  guint n;

  g_return_if_fail (BM_IS_GAP_PANEL (self));

  g_set_object (&self->map, map);
  self->analysis = map != NULL ? analysis : NULL;

  {
    g_autofree char *shown = describe_rows (self);

    if (g_strcmp0 (shown, self->shown) == 0)
      return;
    g_free (self->shown);
    self->shown = g_steal_pointer (&shown);
  }

  self->updating = TRUE;

  /* Rows are kept by gap: an edit usually changes a few gaps, so most rows
   * stay as they are, or only their texts change */
  {
    g_autoptr(GHashTable) old_rows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            g_object_unref);
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
    gboolean same_order = TRUE;
    GtkWidget *existing = gtk_widget_get_first_child (GTK_WIDGET (self->list));

    for (child = existing; child != NULL; child = gtk_widget_get_next_sibling (child))
      g_hash_table_insert (old_rows, g_object_get_data (G_OBJECT (child), "bm-gap-key"),
                           g_object_ref (child));

    n = self->analysis != NULL ? bm_analysis_get_n_gaps (self->analysis) : 0;
    for (guint i = 0; i < n; i++)
      {
        const BmGap *gap = bm_analysis_get_gap (self->analysis, i);
        g_autofree char *key = gap_key (gap);
        GtkWidget *row = g_hash_table_lookup (old_rows, key);

        if (row != NULL)
          {
            g_object_ref (row);
            g_hash_table_remove (old_rows, key);
            update_row (self, row, gap, i);
          }
        else
          row = g_object_ref_sink (create_row (self, gap, i));
        g_ptr_array_add (rows, row);
        same_order = same_order && existing == row;
        if (existing != NULL)
          existing = gtk_widget_get_next_sibling (existing);
      }
    same_order = same_order && existing == NULL;

    if (!same_order)
      {
        while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
          gtk_list_box_remove (self->list, child);
        for (guint i = 0; i < rows->len; i++)
          gtk_list_box_append (self->list, g_ptr_array_index (rows, i));
      }
    for (guint i = 0; i < rows->len; i++)
      {
        GtkWidget *row = g_ptr_array_index (rows, i);

        if (self->active_key != NULL
            && g_strcmp0 (self->active_key, g_object_get_data (G_OBJECT (row), "bm-gap-key")) == 0)
          keep = GTK_LIST_BOX_ROW (row);
      }
  }
  if (keep != NULL)
    gtk_list_box_select_row (self->list, keep);
  self->updating = FALSE;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
  update_summary (self);

  if (keep != NULL)
    {
      /* The gap is still there: its actors may have changed */
      const BmGap *gap = bm_analysis_get_gap (self->analysis,
                                              GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (keep),
                                                                                   "bm-gap-index")));
      g_auto(GStrv) ids = bm_gap_actors (self->map, gap);

      g_signal_emit (self, signals[GAP_ACTIVATED], 0, ids, FALSE);
    }
  else if (self->active_key != NULL)
    clear_active (self);
}

guint
bm_gap_panel_get_n_gaps (BmGapPanel *self)
{
  g_return_val_if_fail (BM_IS_GAP_PANEL (self), 0);
  return self->analysis != NULL ? bm_analysis_get_n_gaps (self->analysis) : 0;
}

void
bm_gap_panel_activate_gap (BmGapPanel *self,
                           int         index)
{
  GtkListBoxRow *row;

  g_return_if_fail (BM_IS_GAP_PANEL (self));

  if (index < 0)
    {
      clear_active (self);
      return;
    }
  row = gtk_list_box_get_row_at_index (self->list, index);
  if (row != NULL)
    on_row_activated (self->list, row, self);
}

int
bm_gap_panel_get_active_gap (BmGapPanel *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (BM_IS_GAP_PANEL (self), -1);

  if (self->active_key == NULL)
    return -1;
  row = gtk_list_box_get_selected_row (self->list);
  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}
