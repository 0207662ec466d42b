#ifndef CGTKSHIM_H
#define CGTKSHIM_H

// The few GTK entry points Swift cannot call directly: variadic functions
// (g_object_new with properties, gtk_accessible_update_property) and type-check macros.

#include <gtk/gtk.h>

/// A GtkDrawingArea whose accessible role is IMG (the role is construct-only).
GtkWidget *dg_image_area_new(void);

/// Sets GTK_ACCESSIBLE_PROPERTY_LABEL.
void dg_accessible_set_label(GtkWidget *widget, const char *label);

/// Sets GTK_ACCESSIBLE_PROPERTY_DESCRIPTION.
void dg_accessible_set_description(GtkWidget *widget, const char *description);

/// GTK_IS_EDITABLE(widget): whether typing goes into this widget as text.
gboolean dg_is_editable(GtkWidget *widget);

/// Sets GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT (aria-valuetext) of a range.
void dg_accessible_set_value_text(GtkWidget *widget, const char *text);

/// GTK_IS_TOGGLE_BUTTON(widget): the focusable part of a GtkDropDown or GtkMenuButton.
gboolean dg_is_toggle_button(GtkWidget *widget);

/// GTK_IS_SCALE(widget).
gboolean dg_is_scale(GtkWidget *widget);

/// G_OBJECT_TYPE_NAME(widget), e.g. "GtkScrolledWindow".
const char *dg_type_name(GtkWidget *widget);

/// Sets GTK_ACCESSIBLE_STATE_HIDDEN: the widget and its descendants are not presented to
/// assistive technologies (a page of a stack that is not shown: GTK 4.8 still reports it).
void dg_accessible_set_hidden(GtkWidget *widget, gboolean hidden);

#endif
