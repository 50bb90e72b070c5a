/* bm-inspector.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <string.h>

#include "bm-dialogs.h"
#include "bm-edit.h"
#include "bm-inspector.h"
#include "bm-render.h"

struct _BmInspector
{
  GtkWidget            parent_instance;

  /* Template */
  GtkStack            *stack;
  AdwEntryRow         *title_row;
  GtkTextView         *description_view;
  GtkButton           *add_party_button;
  GtkListBox          *parties_list;
  AdwEntryRow         *actor_name_row;
  AdwComboRow         *actor_kind_row;
  AdwComboRow         *actor_party_row;
  AdwComboRow         *actor_level_row;
  AdwComboRow         *actor_track_row;
  AdwComboRow         *actor_sector_row;
  GtkSpinButton       *actor_influence_spin;
  GtkTextView         *actor_note_view;
  GtkWidget           *make_bridge_button;
  GtkListBox          *actor_ties_list;
  GtkMenuButton       *add_tie_button;
  GtkPopover          *add_tie_popover;
  GtkSearchEntry      *tie_search_entry;
  GtkListBox          *tie_target_list;
  AdwActionRow        *tie_from_row;
  AdwActionRow        *tie_to_row;
  AdwComboRow         *tie_kind_row;
  AdwComboRow         *tie_strength_row;
  GtkTextView         *tie_note_view;
  GtkWidget           *reverse_button;
  AdwPreferencesGroup *multi_group;
  AdwComboRow         *multi_party_row;
  AdwComboRow         *multi_level_row;
  AdwComboRow         *multi_track_row;

  /* Party choices: "No party", the parties, (actor only) "New party…" */
  GtkStringList       *party_model;
  GtkStringList       *multi_party_model;
  GPtrArray           *party_ids;
  char                *parties_signature;
  char                *ties_signature;

  BmMap               *map;
  BmHistory           *history;
  GStrv                actor_ids;
  GStrv                tie_ids;

  /* Writing model values into the widgets: ignore their signals */
  gboolean             updating;
  /* One of our own edits is being applied */
  gboolean             applying;
};

G_DEFINE_FINAL_TYPE (BmInspector, bm_inspector, GTK_TYPE_WIDGET)

enum {
  EDITING_DONE,
  SELECT_ITEM,
  N_SIGNALS
};

/* At most this many actors are listed when picking the other end of a tie */
#define MAX_TIE_TARGETS 40

static guint signals[N_SIGNALS];

/* Distinct colours for new parties (GNOME palette) */
static const guint32 party_palette[] = {
  0x1c71d8, 0xc01c28, 0x26a269, 0xe66100, 0x813d9c,
  0x986a44, 0xe5a50a, 0x2190a4, 0x63452c, 0x5e5c64,
};

static void refresh (BmInspector *self);
static void on_party_color_changed (GtkWidget   *button,
                                    GParamSpec  *pspec,
                                    BmInspector *self);

/* ---- helpers ---- */

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* A text field the user is typing in is not overwritten by the value our
 * own edit stored (it may be trimmed); undo and redo do overwrite it. */
static void
set_editable_text (BmInspector *self,
                   GtkEditable *editable,
                   const char  *text)
{
  if (self->applying && has_focus_within (GTK_WIDGET (editable)))
    return;
  if (g_strcmp0 (gtk_editable_get_text (editable), text ? text : "") != 0)
    gtk_editable_set_text (editable, text ? text : "");
}

static char *
get_buffer_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
set_view_text (BmInspector *self,
               GtkTextView *view,
               const char  *text)
{
  g_autofree char *current = NULL;

  if (self->applying && has_focus_within (GTK_WIDGET (view)))
    return;
  current = get_buffer_text (view);
  if (g_strcmp0 (current, text ? text : "") != 0)
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text ? text : "", -1);
}

static void
set_combo (AdwComboRow *row,
           guint        position)
{
  if (adw_combo_row_get_selected (row) != position)
    adw_combo_row_set_selected (row, position);
}

static GtkStringList *
string_list_for (const char *(*display_name) (int), int first, int n)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (int i = first; i < n; i++)
    gtk_string_list_append (list, display_name (i));
  return list;
}

static void
rgba_from_color (guint32  color,
                 GdkRGBA *rgba)
{
  rgba->red = ((color >> 16) & 0xff) / 255.0f;
  rgba->green = ((color >> 8) & 0xff) / 255.0f;
  rgba->blue = (color & 0xff) / 255.0f;
  rgba->alpha = 1.0f;
}

static guint32
color_from_rgba (const GdkRGBA *rgba)
{
  guint r = (guint) CLAMP (rgba->red * 255.0f + 0.5f, 0, 255);
  guint g = (guint) CLAMP (rgba->green * 255.0f + 0.5f, 0, 255);
  guint b = (guint) CLAMP (rgba->blue * 255.0f + 0.5f, 0, 255);

  return (r << 16) | (g << 8) | b;
}

/* Show on a party's colour button the colour the map draws the party
 * with: its own, or the palette colour the renderer gives a party that
 * has none.  Showing a colour is not choosing one: no edit is recorded. */
static void
show_party_color (BmInspector *self,
                  GtkWidget   *button,
                  const char  *party_id)
{
  GdkRGBA rgba, current;

  rgba_from_color (bm_render_party_color (self->map, party_id), &rgba);
  bm_color_button_get_rgba (button, &current);
  if (color_from_rgba (&current) == color_from_rgba (&rgba) && current.alpha == 1.0f)
    return;
  g_signal_handlers_block_by_func (button, on_party_color_changed, self);
  bm_color_button_set_rgba (button, &rgba);
  g_signal_handlers_unblock_by_func (button, on_party_color_changed, self);
}

static guint32
next_party_color (BmMap *map)
{
  guint n = bm_map_get_n_parties (map);

  for (guint c = 0; c < G_N_ELEMENTS (party_palette); c++)
    {
      gboolean used = FALSE;

      for (guint i = 0; i < n && !used; i++)
        {
          const BmParty *party = bm_map_get_party (map, i);

          used = party->has_color && party->color == party_palette[c];
        }
      if (!used)
        return party_palette[c];
    }
  return party_palette[n % G_N_ELEMENTS (party_palette)];
}

static const char *
single_actor (BmInspector *self)
{
  return self->actor_ids != NULL && self->actor_ids[0] != NULL ? self->actor_ids[0] : NULL;
}

static const char *
single_tie (BmInspector *self)
{
  return self->tie_ids != NULL && self->tie_ids[0] != NULL ? self->tie_ids[0] : NULL;
}

#define APPLY(self, expr) \
  G_STMT_START { (self)->applying = TRUE; (void) (expr); (self)->applying = FALSE; } G_STMT_END

/* ---- parties ---- */

static void
on_party_name_changed (GtkEditable *editable,
                       BmInspector *self)
{
  const char *id = g_object_get_data (G_OBJECT (editable), "bm-party-id");

  if (self->updating || self->history == NULL)
    return;
  APPLY (self, bm_edit_rename_party (self->history, id, gtk_editable_get_text (editable)));
}

static void
on_party_color_changed (GtkWidget   *button,
                        GParamSpec  *pspec,
                        BmInspector *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "bm-party-id");
  GdkRGBA rgba;

  if (self->updating || self->history == NULL)
    return;
  bm_color_button_get_rgba (button, &rgba);
  APPLY (self, bm_edit_set_party_color (self->history, id, TRUE, color_from_rgba (&rgba)));
}

static void
on_party_remove_clicked (GtkButton   *button,
                         BmInspector *self)
{
  bm_inspector_remove_party (self, g_object_get_data (G_OBJECT (button), "bm-party-id"));
}

static void
on_text_focus_changed (GtkEventControllerFocus *controller,
                       BmInspector             *self)
{
  /* Typing in one field is one undo step; a new visit is a new step */
  if (self->history != NULL)
    bm_history_break_coalescing (self->history);
  /* Show what was stored (trimmed, or the old name if left empty) */
  if (!gtk_event_controller_focus_contains_focus (controller))
    refresh (self);
}

/* A note's scrolled window takes the text's height, up to its maximum.
 * GTK 4.18 measures a text view before it has laid out its text and does
 * not ask again: when the text's height becomes known, ask again. */
static void
on_note_upper_changed (GtkAdjustment *adjustment,
                       GParamSpec    *pspec,
                       GtkWidget     *scrolled)
{
  gtk_widget_queue_resize (scrolled);
}

static void
follow_note_height (GtkTextView *view)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (view), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  g_assert (scrolled != NULL && adjustment != NULL);
  g_signal_connect_object (adjustment, "notify::upper",
                           G_CALLBACK (on_note_upper_changed), scrolled, 0);
}

static void
watch_focus (BmInspector *self,
             GtkWidget   *widget)
{
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_signal_connect (focus, "enter", G_CALLBACK (on_text_focus_changed), self);
  g_signal_connect (focus, "leave", G_CALLBACK (on_text_focus_changed), self);
  gtk_widget_add_controller (widget, focus);
}

static GtkWidget *
create_party_row (BmInspector   *self,
                  const BmParty *party)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *color = bm_color_button_new (_("Party Colour"));
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *color_label = g_strdup_printf (_("Colour of %s"), party->name);
  g_autofree char *remove_label = g_strdup_printf (_("Remove %s"), party->name);

  g_object_set_data_full (G_OBJECT (row), "bm-party-id", g_strdup (party->id), g_free);
  g_object_set_data_full (G_OBJECT (color), "bm-party-id", g_strdup (party->id), g_free);
  g_object_set_data_full (G_OBJECT (remove), "bm-party-id", g_strdup (party->id), g_free);
  g_object_set_data (G_OBJECT (row), "bm-color-button", color);

  /* An entry row keeps room for its title above the text: without a
   * title, the name sits low beside the swatch under an empty band */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Name"));
  gtk_editable_set_text (GTK_EDITABLE (row), party->name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Party name"), -1);
  g_signal_connect (row, "changed", G_CALLBACK (on_party_name_changed), self);
  watch_focus (self, row);

  gtk_widget_set_valign (color, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (color, _("Colour"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (color),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, color_label, -1);
  g_signal_connect (color, "notify::rgba", G_CALLBACK (on_party_color_changed), self);
  show_party_color (self, color, party->id);
  adw_entry_row_add_prefix (ADW_ENTRY_ROW (row), color);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove Party"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_party_remove_clicked), self);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);
  return row;
}

static char *
parties_signature (BmMap *map,
                   gboolean with_names)
{
  g_autoptr(GString) sig = g_string_new (NULL);

  for (guint i = 0; map != NULL && i < bm_map_get_n_parties (map); i++)
    {
      const BmParty *party = bm_map_get_party (map, i);

      g_string_append (sig, party->id);
      g_string_append_c (sig, '\x1f');
      if (with_names)
        {
          g_string_append (sig, party->name);
          g_string_append_printf (sig, "\x1f%d%06x", party->has_color, party->color);
        }
      g_string_append_c (sig, '\x1e');
    }
  return g_string_free (g_steal_pointer (&sig), FALSE);
}

/* Whether the rows on show are for the parties of @signature, in order */
static gboolean
same_party_ids (BmInspector *self,
                const char  *signature)
{
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint i = 0; i < self->party_ids->len; i++)
    g_string_append_printf (shown, "%s\x1f\x1e", (char *) g_ptr_array_index (self->party_ids, i));
  return g_str_equal (shown->str, signature);
}

static void
refresh_parties (BmInspector *self)
{
  g_autofree char *ids_signature = parties_signature (self->map, FALSE);
  g_autofree char *full_signature = parties_signature (self->map, TRUE);
  guint n = self->map != NULL ? bm_map_get_n_parties (self->map) : 0;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GtkWidget *child;

  if (g_strcmp0 (full_signature, self->parties_signature) == 0)
    return;

  /* Rows of the map page: rebuilt when parties come or go, else updated */
  if (self->parties_signature != NULL && self->party_ids->len == n
      && same_party_ids (self, ids_signature))
    {
      guint i = 0;

      for (child = gtk_widget_get_first_child (GTK_WIDGET (self->parties_list));
           child != NULL;
           child = gtk_widget_get_next_sibling (child), i++)
        {
          const BmParty *party = bm_map_get_party (self->map, i);
          GtkWidget *color = g_object_get_data (G_OBJECT (child), "bm-color-button");

          set_editable_text (self, GTK_EDITABLE (child), party->name);
          /* A party without a colour may change palette colour when
           * another party's colour changes: update every swatch */
          if (color != NULL)
            show_party_color (self, color, party->id);
        }
    }
  else
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->parties_list))) != NULL)
        gtk_list_box_remove (self->parties_list, child);
      for (guint i = 0; i < n; i++)
        gtk_list_box_append (self->parties_list,
                             create_party_row (self, bm_map_get_party (self->map, i)));
      if (n == 0)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No parties yet"));
          gtk_widget_add_css_class (row, "dim-label");
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
          gtk_list_box_append (self->parties_list, row);
        }
    }

  /* The party choices of the actor and multi pages */
  g_ptr_array_set_size (self->party_ids, 0);
  g_ptr_array_add (names, (gpointer) _("No party (third party)"));
  for (guint i = 0; i < n; i++)
    {
      const BmParty *party = bm_map_get_party (self->map, i);

      g_ptr_array_add (self->party_ids, g_strdup (party->id));
      g_ptr_array_add (names, party->name);
    }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->multi_party_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->multi_party_model)),
                          (const char * const *) names->pdata);
  g_ptr_array_remove_index (names, names->len - 1);
  g_ptr_array_add (names, (gpointer) _("New Party…"));
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->party_model, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->party_model)),
                          (const char * const *) names->pdata);

  g_free (self->parties_signature);
  self->parties_signature = g_steal_pointer (&full_signature);
}

/* Position of a party in the party choices (0: no party) */
static guint
party_position (BmInspector *self,
                const char  *party_id)
{
  if (party_id == NULL)
    return 0;
  for (guint i = 0; i < self->party_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->party_ids, i), party_id))
      return i + 1;
  return 0;
}

/* ---- refreshing the pages ---- */

static void
filter_selection (BmInspector *self)
{
  g_autoptr(GPtrArray) actors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ties = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; self->actor_ids != NULL && self->actor_ids[i] != NULL; i++)
    if (self->map != NULL && bm_map_lookup_actor (self->map, self->actor_ids[i]) != NULL)
      g_ptr_array_add (actors, g_strdup (self->actor_ids[i]));
  for (guint i = 0; self->tie_ids != NULL && self->tie_ids[i] != NULL; i++)
    if (self->map != NULL && bm_map_lookup_tie (self->map, self->tie_ids[i]) != NULL)
      g_ptr_array_add (ties, g_strdup (self->tie_ids[i]));
  g_ptr_array_add (actors, NULL);
  g_ptr_array_add (ties, NULL);
  g_strfreev (self->actor_ids);
  g_strfreev (self->tie_ids);
  self->actor_ids = (GStrv) g_ptr_array_steal (actors, NULL);
  self->tie_ids = (GStrv) g_ptr_array_steal (ties, NULL);
}

static void
refresh_map_page (BmInspector *self)
{
  set_editable_text (self, GTK_EDITABLE (self->title_row), bm_map_get_title (self->map));
  set_view_text (self, self->description_view, bm_map_get_description (self->map));
}

static const char *
actor_name (BmMap      *map,
            const char *id)
{
  const BmActor *actor = bm_map_lookup_actor (map, id);

  return actor != NULL ? actor->name : id;
}

/* How a tie looks from one of its ends: "Mediation, to this actor" */
static char *
tie_description (const BmTie *tie,
                 const char  *actor_id)
{
  const char *kind = bm_tie_kind_display_name (tie->kind);

  if (!bm_tie_kind_is_directed (tie->kind))
    return g_strdup (kind);
  if (g_str_equal (tie->from, actor_id))
    /* Translators: %s is a kind of tie, e.g. "Mediation, from this actor" */
    return g_strdup_printf (_("%s, from this actor"), kind);
  /* Translators: %s is a kind of tie, e.g. "Funding, to this actor" */
  return g_strdup_printf (_("%s, to this actor"), kind);
}

static void
refresh_actor_ties (BmInspector   *self,
                    const BmActor *actor)
{
  g_autoptr(GString) signature = g_string_new (actor->id);
  g_autoptr(GPtrArray) ties = g_ptr_array_new ();
  GtkWidget *child;

  for (guint i = 0; i < bm_map_get_n_ties (self->map); i++)
    {
      const BmTie *tie = bm_map_get_tie (self->map, i);
      const char *other;

      if (!g_str_equal (tie->from, actor->id) && !g_str_equal (tie->to, actor->id))
        continue;
      other = g_str_equal (tie->from, actor->id) ? tie->to : tie->from;
      g_ptr_array_add (ties, (gpointer) tie);
      g_string_append_printf (signature, "\x1e%s\x1f%s\x1f%d\x1f%s", tie->id, tie->from,
                              tie->kind, actor_name (self->map, other));
    }
  if (g_strcmp0 (signature->str, self->ties_signature) == 0)
    return;
  g_free (self->ties_signature);
  self->ties_signature = g_strdup (signature->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->actor_ties_list))) != NULL)
    gtk_list_box_remove (self->actor_ties_list, child);
  for (guint i = 0; i < ties->len; i++)
    {
      const BmTie *tie = g_ptr_array_index (ties, i);
      const char *other = g_str_equal (tie->from, actor->id) ? tie->to : tie->from;
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *description = tie_description (tie, actor->id);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), actor_name (self->map, other));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "bm-tie-id", g_strdup (tie->id), g_free);
      gtk_list_box_append (self->actor_ties_list, row);
    }
  if (ties->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No ties yet"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->actor_ties_list, row);
    }
}

static void
refresh_actor_page (BmInspector   *self,
                    const BmActor *actor)
{
  set_editable_text (self, GTK_EDITABLE (self->actor_name_row), actor->name);
  set_combo (self->actor_kind_row, actor->kind);
  set_combo (self->actor_party_row, party_position (self, actor->party));
  set_combo (self->actor_level_row, actor->level);
  set_combo (self->actor_track_row, actor->track);
  set_combo (self->actor_sector_row, actor->sector);
  if ((int) gtk_spin_button_get_value (self->actor_influence_spin) != actor->influence)
    gtk_spin_button_set_value (self->actor_influence_spin, actor->influence);
  set_view_text (self, self->actor_note_view, actor->note);
  gtk_widget_set_visible (self->make_bridge_button, actor->track != BM_TRACK_1_5);
  refresh_actor_ties (self, actor);
}

static void
refresh_tie_page (BmInspector *self,
                  const BmTie *tie)
{
  gboolean directed = bm_tie_kind_is_directed (tie->kind);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tie_from_row),
                                 directed ? _("From") : _("Between"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tie_to_row),
                                 directed ? _("To") : _("And"));
  adw_action_row_set_subtitle (self->tie_from_row, actor_name (self->map, tie->from));
  adw_action_row_set_subtitle (self->tie_to_row, actor_name (self->map, tie->to));
  set_combo (self->tie_kind_row, tie->kind);
  set_combo (self->tie_strength_row, (guint) CLAMP (tie->strength, 1, 3) - 1);
  set_view_text (self, self->tie_note_view, tie->note);
  gtk_widget_set_visible (self->reverse_button, directed);
}

static void
refresh_multi_page (BmInspector *self)
{
  guint n_actors = self->actor_ids ? g_strv_length (self->actor_ids) : 0;
  guint n_ties = self->tie_ids ? g_strv_length (self->tie_ids) : 0;
  g_autofree char *actors_text = NULL;
  g_autofree char *ties_text = NULL;
  g_autofree char *title = NULL;
  gboolean same_level = TRUE, same_track = TRUE, same_party = TRUE;
  const BmActor *first = n_actors > 0 ? bm_map_lookup_actor (self->map, self->actor_ids[0]) : NULL;

  actors_text = g_strdup_printf (ngettext ("%u actor", "%u actors", n_actors), n_actors);
  ties_text = g_strdup_printf (ngettext ("%u tie", "%u ties", n_ties), n_ties);
  if (n_actors > 0 && n_ties > 0)
    /* Translators: "3 actors and 2 ties selected" */
    title = g_strdup_printf (_("%s and %s selected"), actors_text, ties_text);
  else
    /* Translators: "3 actors selected" */
    title = g_strdup_printf (_("%s selected"), n_actors > 0 ? actors_text : ties_text);
  adw_preferences_group_set_title (self->multi_group, title);
  adw_preferences_group_set_description (self->multi_group,
                                         n_actors > 0
                                         ? _("A change here applies to every selected actor.")
                                         : NULL);

  for (guint i = 1; first != NULL && i < n_actors; i++)
    {
      const BmActor *actor = bm_map_lookup_actor (self->map, self->actor_ids[i]);

      same_level = same_level && actor->level == first->level;
      same_track = same_track && actor->track == first->track;
      same_party = same_party && g_strcmp0 (actor->party, first->party) == 0;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->multi_party_row), n_actors > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->multi_level_row), n_actors > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->multi_track_row), n_actors > 0);
  if (first == NULL)
    return;
  set_combo (self->multi_level_row, same_level ? (guint) first->level : GTK_INVALID_LIST_POSITION);
  set_combo (self->multi_track_row, same_track ? (guint) first->track : GTK_INVALID_LIST_POSITION);
  set_combo (self->multi_party_row,
             same_party ? party_position (self, first->party) : GTK_INVALID_LIST_POSITION);
}

static void
show_page (BmInspector *self,
           const char  *name)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) != 0)
    gtk_stack_set_visible_child_name (self->stack, name);
}

static void
refresh (BmInspector *self)
{
  guint n_actors, n_ties;

  self->updating = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), self->map != NULL);
  filter_selection (self);
  refresh_parties (self);
  n_actors = g_strv_length (self->actor_ids);
  n_ties = g_strv_length (self->tie_ids);

  if (self->map == NULL || n_actors + n_ties == 0)
    {
      if (self->map != NULL)
        refresh_map_page (self);
      show_page (self, "map");
    }
  else if (n_actors == 1 && n_ties == 0)
    {
      refresh_actor_page (self, bm_map_lookup_actor (self->map, self->actor_ids[0]));
      show_page (self, "actor");
    }
  else if (n_actors == 0 && n_ties == 1)
    {
      refresh_tie_page (self, bm_map_lookup_tie (self->map, self->tie_ids[0]));
      show_page (self, "tie");
    }
  else
    {
      refresh_multi_page (self);
      show_page (self, "multi");
    }
  self->updating = FALSE;
}

static void
on_map_changed (BmMap       *map,
                BmInspector *self)
{
  refresh (self);
}

/* ---- widget → model ---- */

static void
on_title_changed (GtkEditable *editable,
                  BmInspector *self)
{
  if (self->updating || self->history == NULL)
    return;
  APPLY (self, bm_edit_set_title (self->history, gtk_editable_get_text (editable)));
}

static void
on_description_changed (GtkTextBuffer *buffer,
                        BmInspector   *self)
{
  g_autofree char *text = NULL;

  if (self->updating || self->history == NULL)
    return;
  text = get_buffer_text (self->description_view);
  APPLY (self, bm_edit_set_description (self->history, text));
}

static void
on_actor_name_changed (GtkEditable *editable,
                       BmInspector *self)
{
  if (self->updating || self->history == NULL || single_actor (self) == NULL)
    return;
  APPLY (self, bm_edit_set_actor_name (self->history, single_actor (self),
                                       gtk_editable_get_text (editable)));
}

static void
on_actor_name_activated (AdwEntryRow *row,
                         BmInspector *self)
{
  g_signal_emit (self, signals[EDITING_DONE], 0);
}

static void
on_actor_combo_changed (AdwComboRow *row,
                        GParamSpec  *pspec,
                        BmInspector *self)
{
  const char *id = single_actor (self);
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || self->history == NULL || id == NULL
      || selected == GTK_INVALID_LIST_POSITION)
    return;

  self->applying = TRUE;
  if (row == self->actor_kind_row)
    bm_edit_set_actor_kind (self->history, id, (BmActorKind) selected);
  else if (row == self->actor_level_row)
    bm_edit_set_actor_level (self->history, id, (BmLevel) selected);
  else if (row == self->actor_track_row)
    bm_edit_set_actor_track (self->history, id, (BmTrack) selected);
  else if (row == self->actor_sector_row)
    bm_edit_set_actor_sector (self->history, id, (BmSector) selected);
  else if (row == self->actor_party_row)
    {
      if (selected == 0)
        bm_edit_set_actor_party (self->history, id, NULL);
      else if (selected <= self->party_ids->len)
        bm_edit_set_actor_party (self->history, id, g_ptr_array_index (self->party_ids, selected - 1));
      else
        {
          /* "New Party…": put the choice back until the party exists */
          g_autofree char *actor_id = g_strdup (id);

          self->applying = FALSE;
          refresh (self);
          bm_inspector_new_party (self, actor_id);
        }
    }
  self->applying = FALSE;
}

static void
on_influence_changed (GtkSpinButton *spin,
                      BmInspector   *self)
{
  if (self->updating || self->history == NULL || single_actor (self) == NULL)
    return;
  APPLY (self, bm_edit_set_actor_influence (self->history, single_actor (self),
                                            gtk_spin_button_get_value_as_int (spin)));
}

static void
on_actor_note_changed (GtkTextBuffer *buffer,
                       BmInspector   *self)
{
  g_autofree char *text = NULL;

  if (self->updating || self->history == NULL || single_actor (self) == NULL)
    return;
  text = get_buffer_text (self->actor_note_view);
  APPLY (self, bm_edit_set_actor_note (self->history, single_actor (self), text));
}

static void
on_tie_combo_changed (AdwComboRow *row,
                      GParamSpec  *pspec,
                      BmInspector *self)
{
  const char *id = single_tie (self);
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating || self->history == NULL || id == NULL
      || selected == GTK_INVALID_LIST_POSITION)
    return;
  if (row == self->tie_kind_row)
    APPLY (self, bm_edit_set_tie_kind (self->history, id, (BmTieKind) selected));
  else
    APPLY (self, bm_edit_set_tie_strength (self->history, id, (int) selected + 1));
}

static void
on_tie_note_changed (GtkTextBuffer *buffer,
                     BmInspector   *self)
{
  g_autofree char *text = NULL;

  if (self->updating || self->history == NULL || single_tie (self) == NULL)
    return;
  text = get_buffer_text (self->tie_note_view);
  APPLY (self, bm_edit_set_tie_note (self->history, single_tie (self), text));
}

static void
on_multi_combo_changed (AdwComboRow *row,
                        GParamSpec  *pspec,
                        BmInspector *self)
{
  guint selected = adw_combo_row_get_selected (row);
  const char *label;

  if (self->updating || self->history == NULL || selected == GTK_INVALID_LIST_POSITION)
    return;

  if (row == self->multi_level_row)
    label = _("Change Level");
  else if (row == self->multi_track_row)
    label = _("Change Track");
  else
    label = _("Change Party");

  self->applying = TRUE;
  bm_history_begin_group (self->history, label);
  for (guint i = 0; self->actor_ids[i] != NULL; i++)
    {
      const char *id = self->actor_ids[i];

      if (row == self->multi_level_row)
        bm_edit_set_actor_level (self->history, id, (BmLevel) selected);
      else if (row == self->multi_track_row)
        bm_edit_set_actor_track (self->history, id, (BmTrack) selected);
      else
        bm_edit_set_actor_party (self->history, id,
                                 selected == 0 ? NULL
                                 : g_ptr_array_index (self->party_ids, selected - 1));
    }
  bm_history_end_group (self->history);
  self->applying = FALSE;
  refresh (self);
}

static void
on_add_party_clicked (GtkButton   *button,
                      BmInspector *self)
{
  bm_inspector_new_party (self, NULL);
}

/* ---- moving between an actor and its ties ---- */

static void
on_actor_tie_activated (GtkListBox    *list,
                        GtkListBoxRow *row,
                        BmInspector   *self)
{
  const char *tie_id = g_object_get_data (G_OBJECT (row), "bm-tie-id");

  if (tie_id != NULL)
    g_signal_emit (self, signals[SELECT_ITEM], 0, NULL, tie_id);
}

static void
on_tie_end_activated (AdwActionRow *row,
                      BmInspector  *self)
{
  const BmTie *tie;
  g_autofree char *actor_id = NULL;

  if (self->map == NULL || single_tie (self) == NULL
      || (tie = bm_map_lookup_tie (self->map, single_tie (self))) == NULL)
    return;
  actor_id = g_strdup (row == self->tie_from_row ? tie->from : tie->to);
  g_signal_emit (self, signals[SELECT_ITEM], 0, actor_id, NULL);
}

static void
fill_tie_targets (BmInspector *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->tie_search_entry));
  g_autofree char *needle = g_utf8_casefold (text, -1);
  const char *self_id = single_actor (self);
  GtkWidget *child;
  guint shown = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tie_target_list))) != NULL)
    gtk_list_box_remove (self->tie_target_list, child);
  for (guint i = 0; self->map != NULL && i < bm_map_get_n_actors (self->map); i++)
    {
      const BmActor *actor = bm_map_get_actor (self->map, i);
      g_autofree char *name = NULL;
      GtkWidget *row, *label;

      if (self_id != NULL && g_str_equal (actor->id, self_id))
        continue;
      name = g_utf8_casefold (actor->name, -1);
      if (*needle != '\0' && strstr (name, needle) == NULL)
        continue;
      if (shown++ == MAX_TIE_TARGETS)
        break;
      label = gtk_label_new (actor->name);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 32);
      row = gtk_list_box_row_new ();
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data_full (G_OBJECT (row), "bm-actor-id", g_strdup (actor->id), g_free);
      gtk_list_box_append (self->tie_target_list, row);
    }
  if (shown == 0)
    {
      GtkWidget *label = gtk_label_new (_("No other actor has that name"));

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_list_box_append (self->tie_target_list, label);
      gtk_list_box_row_set_activatable (gtk_list_box_get_row_at_index (self->tie_target_list, 0),
                                        FALSE);
    }
  else
    gtk_list_box_select_row (self->tie_target_list,
                             gtk_list_box_get_row_at_index (self->tie_target_list, 0));
}

static void
on_add_tie_popover_shown (GtkPopover  *popover,
                          BmInspector *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->tie_search_entry), "");
  fill_tie_targets (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->tie_search_entry));
}

static void
on_tie_search_changed (GtkSearchEntry *entry,
                       BmInspector    *self)
{
  fill_tie_targets (self);
}

static void
add_tie_to (BmInspector *self,
            const char  *target_id)
{
  g_autofree char *from = g_strdup (single_actor (self));
  g_autofree char *tie_id = NULL;

  gtk_popover_popdown (self->add_tie_popover);
  if (self->history == NULL || from == NULL || target_id == NULL)
    return;
  APPLY (self, tie_id = bm_edit_add_tie (self->history, from, target_id));
  /* Show the new tie, so its kind can be chosen next */
  if (tie_id != NULL)
    g_signal_emit (self, signals[SELECT_ITEM], 0, NULL, tie_id);
}

static void
on_tie_target_activated (GtkListBox    *list,
                         GtkListBoxRow *row,
                         BmInspector   *self)
{
  g_autofree char *target = g_strdup (g_object_get_data (G_OBJECT (row), "bm-actor-id"));

  add_tie_to (self, target);
}

static void
on_tie_search_activate (GtkSearchEntry *entry,
                        BmInspector    *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->tie_target_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->tie_target_list, 0);
  if (row != NULL && g_object_get_data (G_OBJECT (row), "bm-actor-id") != NULL)
    on_tie_target_activated (self->tie_target_list, row, self);
}

static gboolean
on_tie_search_key (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   BmInspector           *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->tie_target_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  GtkListBoxRow *next = NULL;

  /* Up and Down choose among the matches without leaving the entry */
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    next = gtk_list_box_get_row_at_index (self->tie_target_list, index + 1);
  else if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up) && index > 0)
    next = gtk_list_box_get_row_at_index (self->tie_target_list, index - 1);
  else
    return FALSE;
  if (next != NULL)
    gtk_list_box_select_row (self->tie_target_list, next);
  return TRUE;
}

/* ---- new party ---- */

typedef struct
{
  BmInspector *self;
  GtkWidget   *entry;
  char        *actor_id;
} NewPartyRequest;

static void
new_party_response (const char *response,
                    gpointer    data)
{
  NewPartyRequest *request = data;
  BmInspector *self = request->self;

  if (g_strcmp0 (response, "create") == 0 && self->history != NULL)
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (request->entry))));
      g_autofree char *id = NULL;

      if (*name == '\0')
        {
          g_free (name);
          name = g_strdup (_("New party"));
        }
      self->applying = TRUE;
      bm_history_begin_group (self->history, _("Add Party"));
      id = bm_edit_add_party (self->history, name, TRUE, next_party_color (self->map));
      if (id != NULL && request->actor_id != NULL)
        bm_edit_set_actor_party (self->history, request->actor_id, id);
      bm_history_end_group (self->history);
      self->applying = FALSE;
      refresh (self);
    }
  g_object_unref (request->self);
  g_object_unref (request->entry);
  g_free (request->actor_id);
  g_free (request);
}

void
bm_inspector_new_party (BmInspector *self,
                        const char  *actor_id)
{
  NewPartyRequest *request;
  BmDialog *dialog;
  GtkWidget *entry;

  g_return_if_fail (BM_IS_INSPECTOR (self));

  if (self->history == NULL)
    return;

  dialog = bm_dialog_new (_("New Party"),
                          actor_id != NULL
                          ? _("A side of the conflict. The selected actor will belong to it.")
                          : _("A side of the conflict, such as a government or an armed movement."));
  entry = gtk_entry_new ();
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Party name"), -1);
  bm_dialog_set_extra_child (dialog, entry);
  bm_dialog_add_response (dialog, "cancel", _("_Cancel"), BM_RESPONSE_DEFAULT);
  bm_dialog_add_response (dialog, "create", _("_Add"), BM_RESPONSE_SUGGESTED);
  bm_dialog_set_default (dialog, "create");
  bm_dialog_set_close (dialog, "cancel");

  request = g_new0 (NewPartyRequest, 1);
  request->self = g_object_ref (self);
  request->entry = g_object_ref (entry);
  request->actor_id = g_strdup (actor_id);
  bm_dialog_present (dialog, GTK_WIDGET (self), new_party_response, request);
}

/* ---- removing a party ---- */

typedef struct
{
  BmInspector *self;
  char        *party_id;
  GtkWidget   *choice;   /* drop-down: third parties, or another party */
  GPtrArray   *targets;  /* party ids for the choices after the first */
} RemovePartyRequest;

static void
remove_party_response (const char *response,
                       gpointer    data)
{
  RemovePartyRequest *request = data;
  BmInspector *self = request->self;

  if (g_strcmp0 (response, "remove") == 0 && self->history != NULL)
    {
      const char *target = NULL;

      if (request->choice != NULL)
        {
          guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (request->choice));

          if (selected != GTK_INVALID_LIST_POSITION && selected > 0
              && selected <= request->targets->len)
            target = g_ptr_array_index (request->targets, selected - 1);
        }
      APPLY (self, bm_edit_remove_party (self->history, request->party_id, target));
      refresh (self);
    }
  g_object_unref (request->self);
  g_clear_object (&request->choice);
  g_ptr_array_unref (request->targets);
  g_free (request->party_id);
  g_free (request);
}

void
bm_inspector_remove_party (BmInspector *self,
                           const char  *party_id)
{
  const BmParty *party;
  RemovePartyRequest *request;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GtkStringList) choices = NULL;
  BmDialog *dialog;
  guint n_actors;

  g_return_if_fail (BM_IS_INSPECTOR (self));

  if (self->history == NULL || (party = bm_map_lookup_party (self->map, party_id)) == NULL)
    return;

  n_actors = bm_edit_count_party_actors (self->map, party_id);
  if (n_actors == 0)
    {
      APPLY (self, bm_edit_remove_party (self->history, party_id, NULL));
      refresh (self);
      return;
    }

  request = g_new0 (RemovePartyRequest, 1);
  request->self = g_object_ref (self);
  request->party_id = g_strdup (party_id);
  request->targets = g_ptr_array_new_with_free_func (g_free);

  heading = g_strdup_printf (_("Remove “%s”?"), party->name);
  body = g_strdup_printf (ngettext ("%u actor belongs to this party. What should become of it?",
                                    "%u actors belong to this party. What should become of them?",
                                    n_actors), n_actors);
  dialog = bm_dialog_new (heading, body);

  choices = gtk_string_list_new (NULL);
  gtk_string_list_append (choices, _("Make them third parties"));
  for (guint i = 0; i < bm_map_get_n_parties (self->map); i++)
    {
      const BmParty *other = bm_map_get_party (self->map, i);
      g_autofree char *label = NULL;

      if (g_str_equal (other->id, party_id))
        continue;
      /* Translators: %s is a party's name */
      label = g_strdup_printf (_("Move them to %s"), other->name);
      gtk_string_list_append (choices, label);
      g_ptr_array_add (request->targets, g_strdup (other->id));
    }
  request->choice = g_object_ref (gtk_drop_down_new (G_LIST_MODEL (g_object_ref (choices)), NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (request->choice),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Its actors"), -1);
  bm_dialog_set_extra_child (dialog, request->choice);

  bm_dialog_add_response (dialog, "cancel", _("_Cancel"), BM_RESPONSE_DEFAULT);
  bm_dialog_add_response (dialog, "remove", _("_Remove"), BM_RESPONSE_DESTRUCTIVE);
  bm_dialog_set_default (dialog, "cancel");
  bm_dialog_set_close (dialog, "cancel");
  bm_dialog_present (dialog, GTK_WIDGET (self), remove_party_response, request);
}

/* ---- GObject ---- */

static void
bm_inspector_dispose (GObject *object)
{
  BmInspector *self = BM_INSPECTOR (object);

  bm_inspector_set_document (self, NULL, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), BM_TYPE_INSPECTOR);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  G_OBJECT_CLASS (bm_inspector_parent_class)->dispose (object);
}

static void
bm_inspector_finalize (GObject *object)
{
  BmInspector *self = BM_INSPECTOR (object);

  g_clear_object (&self->party_model);
  g_clear_object (&self->multi_party_model);
  g_clear_pointer (&self->party_ids, g_ptr_array_unref);
  g_free (self->parties_signature);
  g_free (self->ties_signature);
  g_strfreev (self->actor_ids);
  g_strfreev (self->tie_ids);
  G_OBJECT_CLASS (bm_inspector_parent_class)->finalize (object);
}

static void
bm_inspector_class_init (BmInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = bm_inspector_dispose;
  object_class->finalize = bm_inspector_finalize;

  signals[EDITING_DONE] =
    g_signal_new ("editing-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SELECT_ITEM] =
    g_signal_new ("select-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/bridgemap/Bridgemap/bm-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, BmInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, title_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, description_view);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, add_party_button);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, parties_list);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_name_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_kind_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_party_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_level_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_track_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_sector_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_influence_spin);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_note_view);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, make_bridge_button);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, actor_ties_list);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, add_tie_button);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, add_tie_popover);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_search_entry);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_target_list);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_from_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_to_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_kind_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_strength_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, tie_note_view);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, reverse_button);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, multi_group);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, multi_party_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, multi_level_row);
  gtk_widget_class_bind_template_child (widget_class, BmInspector, multi_track_row);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "bminspector");
}

static const char *level_name (int i) { return bm_level_display_name ((BmLevel) i); }
static const char *track_name (int i) { return bm_track_display_name ((BmTrack) i); }
static const char *sector_name (int i) { return bm_sector_display_name ((BmSector) i); }
static const char *kind_name (int i) { return bm_actor_kind_display_name ((BmActorKind) i); }
static const char *tie_kind_name (int i) { return bm_tie_kind_display_name ((BmTieKind) i); }

static void
connect_combo (AdwComboRow *row,
               GListModel  *model,
               GCallback    callback,
               BmInspector *self)
{
  adw_combo_row_set_model (row, model);
  g_object_unref (model);
  g_signal_connect (row, "notify::selected", callback, self);
}

static void
bm_inspector_init (BmInspector *self)
{
  const char *strengths[] = {
    C_("tie strength", "1 · Weak or intermittent"),
    C_("tie strength", "2 · Regular"),
    C_("tie strength", "3 · Strong"),
    NULL
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->party_ids = g_ptr_array_new_with_free_func (g_free);
  self->party_model = gtk_string_list_new (NULL);
  self->multi_party_model = gtk_string_list_new (NULL);
  self->actor_ids = g_new0 (char *, 1);
  self->tie_ids = g_new0 (char *, 1);

  g_signal_connect (self->title_row, "changed", G_CALLBACK (on_title_changed), self);
  g_signal_connect (gtk_text_view_get_buffer (self->description_view), "changed",
                    G_CALLBACK (on_description_changed), self);
  g_signal_connect (self->add_party_button, "clicked", G_CALLBACK (on_add_party_clicked), self);

  g_signal_connect (self->actor_name_row, "changed", G_CALLBACK (on_actor_name_changed), self);
  g_signal_connect (self->actor_name_row, "entry-activated",
                    G_CALLBACK (on_actor_name_activated), self);
  connect_combo (self->actor_kind_row,
                 G_LIST_MODEL (string_list_for (kind_name, 0, BM_N_ACTOR_KINDS)),
                 G_CALLBACK (on_actor_combo_changed), self);
  connect_combo (self->actor_party_row, G_LIST_MODEL (g_object_ref (self->party_model)),
                 G_CALLBACK (on_actor_combo_changed), self);
  connect_combo (self->actor_level_row,
                 G_LIST_MODEL (string_list_for (level_name, 0, BM_N_LEVELS)),
                 G_CALLBACK (on_actor_combo_changed), self);
  connect_combo (self->actor_track_row,
                 G_LIST_MODEL (string_list_for (track_name, 0, BM_N_TRACKS)),
                 G_CALLBACK (on_actor_combo_changed), self);
  connect_combo (self->actor_sector_row,
                 G_LIST_MODEL (string_list_for (sector_name, 0, BM_N_SECTORS)),
                 G_CALLBACK (on_actor_combo_changed), self);
  g_signal_connect (self->actor_influence_spin, "value-changed",
                    G_CALLBACK (on_influence_changed), self);
  g_signal_connect (gtk_text_view_get_buffer (self->actor_note_view), "changed",
                    G_CALLBACK (on_actor_note_changed), self);
  g_signal_connect (self->actor_ties_list, "row-activated",
                    G_CALLBACK (on_actor_tie_activated), self);
  g_signal_connect (self->add_tie_popover, "show", G_CALLBACK (on_add_tie_popover_shown), self);
  g_signal_connect (self->tie_search_entry, "search-changed",
                    G_CALLBACK (on_tie_search_changed), self);
  g_signal_connect (self->tie_search_entry, "activate",
                    G_CALLBACK (on_tie_search_activate), self);
  g_signal_connect (self->tie_target_list, "row-activated",
                    G_CALLBACK (on_tie_target_activated), self);
  {
    GtkEventController *keys = gtk_event_controller_key_new ();

    g_signal_connect (keys, "key-pressed", G_CALLBACK (on_tie_search_key), self);
    gtk_widget_add_controller (GTK_WIDGET (self->tie_search_entry), keys);
  }
  g_signal_connect (self->tie_from_row, "activated", G_CALLBACK (on_tie_end_activated), self);
  g_signal_connect (self->tie_to_row, "activated", G_CALLBACK (on_tie_end_activated), self);

  connect_combo (self->tie_kind_row,
                 G_LIST_MODEL (string_list_for (tie_kind_name, 0, BM_N_TIE_KINDS)),
                 G_CALLBACK (on_tie_combo_changed), self);
  connect_combo (self->tie_strength_row, G_LIST_MODEL (gtk_string_list_new (strengths)),
                 G_CALLBACK (on_tie_combo_changed), self);
  g_signal_connect (gtk_text_view_get_buffer (self->tie_note_view), "changed",
                    G_CALLBACK (on_tie_note_changed), self);

  connect_combo (self->multi_party_row, G_LIST_MODEL (g_object_ref (self->multi_party_model)),
                 G_CALLBACK (on_multi_combo_changed), self);
  connect_combo (self->multi_level_row,
                 G_LIST_MODEL (string_list_for (level_name, 0, BM_N_LEVELS)),
                 G_CALLBACK (on_multi_combo_changed), self);
  connect_combo (self->multi_track_row,
                 G_LIST_MODEL (string_list_for (track_name, 0, BM_N_TRACKS)),
                 G_CALLBACK (on_multi_combo_changed), self);

  watch_focus (self, GTK_WIDGET (self->title_row));
  watch_focus (self, GTK_WIDGET (self->description_view));
  watch_focus (self, GTK_WIDGET (self->actor_name_row));
  watch_focus (self, GTK_WIDGET (self->actor_note_view));
  watch_focus (self, GTK_WIDGET (self->tie_note_view));
  follow_note_height (self->description_view);
  follow_note_height (self->actor_note_view);
  follow_note_height (self->tie_note_view);

  refresh (self);
}

GtkWidget *
bm_inspector_new (void)
{
  return g_object_new (BM_TYPE_INSPECTOR, NULL);
}

void
bm_inspector_set_document (BmInspector *self,
                           BmMap       *map,
                           BmHistory   *history)
{
  g_return_if_fail (BM_IS_INSPECTOR (self));

  if (self->map != NULL)
    g_signal_handlers_disconnect_by_data (self->map, self);
  g_set_object (&self->map, map);
  g_set_object (&self->history, history);
  if (self->map != NULL)
    g_signal_connect (self->map, "changed", G_CALLBACK (on_map_changed), self);
  g_clear_pointer (&self->parties_signature, g_free);
  g_clear_pointer (&self->ties_signature, g_free);
  g_strfreev (self->actor_ids);
  g_strfreev (self->tie_ids);
  self->actor_ids = g_new0 (char *, 1);
  self->tie_ids = g_new0 (char *, 1);
  if (self->stack != NULL)
    refresh (self);
}

void
bm_inspector_set_selection (BmInspector        *self,
                            const char * const *actor_ids,
                            const char * const *tie_ids)
{
  const char *none[] = { NULL };

  g_return_if_fail (BM_IS_INSPECTOR (self));

  g_strfreev (self->actor_ids);
  g_strfreev (self->tie_ids);
  self->actor_ids = g_strdupv ((char **) (actor_ids ? actor_ids : none));
  self->tie_ids = g_strdupv ((char **) (tie_ids ? tie_ids : none));
  refresh (self);
}

const char *
bm_inspector_get_page (BmInspector *self)
{
  g_return_val_if_fail (BM_IS_INSPECTOR (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

void
bm_inspector_focus_name (BmInspector *self)
{
  g_return_if_fail (BM_IS_INSPECTOR (self));

  if (g_strcmp0 (bm_inspector_get_page (self), "actor") != 0)
    return;
  gtk_widget_grab_focus (GTK_WIDGET (self->actor_name_row));
  gtk_editable_select_region (GTK_EDITABLE (self->actor_name_row), 0, -1);
}
