import CGtk

// GAction helpers: actions are GSimpleActions added to a GActionMap (the application or a
// window); their handlers are Swift closures connected through `Signal`.

enum Actions {
    /// Adds a stateless action `name` without parameter.
    @discardableResult
    static func add(to map: UnsafeMutableRawPointer, _ name: String, _ handler: @escaping () -> Void) -> OpaquePointer {
        let action = g_simple_action_new(name, nil)!
        Signal.connectActivate(action) { _ in handler() }
        insert(action, into: map)
        return action
    }

    /// Adds a stateful action `name` with an int32 parameter and state (radio-style, as for
    /// `win.select-digit(3)`). The handler decides whether and how the state changes.
    @discardableResult
    static func addInt32(to map: UnsafeMutableRawPointer, _ name: String, state: Int32,
                         _ handler: @escaping (Int32) -> Void) -> OpaquePointer {
        let type = g_variant_type_new("i")
        defer { g_variant_type_free(type) }
        let action = g_simple_action_new_stateful(name, type, g_variant_new_int32(state))!
        Signal.connectActivate(action) { parameter in
            guard let parameter else { return }
            handler(g_variant_get_int32(parameter))
        }
        insert(action, into: map)
        return action
    }

    static func setState(_ action: OpaquePointer, int32 value: Int32) {
        g_simple_action_set_state(action, g_variant_new_int32(value))
    }

    static func setEnabled(_ action: OpaquePointer, _ enabled: Bool) {
        g_simple_action_set_enabled(action, enabled ? 1 : 0)
    }

    /// Keyboard accelerators for a detailed action name such as "app.quit" or "win.select-digit(3)".
    static func setAccels(_ app: UnsafeMutablePointer<GtkApplication>, _ detailedName: String, _ accels: [String]) {
        withCStringArray(accels) { gtk_application_set_accels_for_action(app, detailedName, $0) }
    }

    /// Activates an action of `widget`'s ancestors (window then application) by name.
    static func activate(_ widget: UnsafeMutablePointer<GtkWidget>, _ name: String, int32 value: Int32? = nil) {
        _ = gtk_widget_activate_action_variant(widget, name, value.map { g_variant_new_int32($0) })
    }

    private static func insert(_ action: OpaquePointer, into map: UnsafeMutableRawPointer) {
        g_action_map_add_action(OpaquePointer(map), action)
        g_object_unref(rawPointer(action))  // the map holds the reference now
    }
}
