#include "CGtkShim.h"

GtkWidget *dg_image_area_new(void) {
    return GTK_WIDGET(g_object_new(GTK_TYPE_DRAWING_AREA,
                                   "accessible-role", GTK_ACCESSIBLE_ROLE_IMG,
                                   NULL));
}

void dg_accessible_set_label(GtkWidget *widget, const char *label) {
    gtk_accessible_update_property(GTK_ACCESSIBLE(widget),
                                   GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

void dg_accessible_set_description(GtkWidget *widget, const char *description) {
    gtk_accessible_update_property(GTK_ACCESSIBLE(widget),
                                   GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

gboolean dg_is_editable(GtkWidget *widget) {
    return widget != NULL && GTK_IS_EDITABLE(widget);
}

void dg_accessible_set_value_text(GtkWidget *widget, const char *text) {
    gtk_accessible_update_property(GTK_ACCESSIBLE(widget),
                                   GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

gboolean dg_is_toggle_button(GtkWidget *widget) {
    return widget != NULL && GTK_IS_TOGGLE_BUTTON(widget);
}

gboolean dg_is_scale(GtkWidget *widget) {
    return widget != NULL && GTK_IS_SCALE(widget);
}

const char *dg_type_name(GtkWidget *widget) {
    return widget != NULL ? G_OBJECT_TYPE_NAME(widget) : "";
}

void dg_accessible_set_hidden(GtkWidget *widget, gboolean hidden) {
    gtk_accessible_update_state(GTK_ACCESSIBLE(widget), GTK_ACCESSIBLE_STATE_HIDDEN, hidden, -1);
}
