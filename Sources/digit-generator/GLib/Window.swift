import CGtk
import CGtkShim

/// An AdwApplicationWindow with its window actions.
final class Window: Widget {
    private var actions: [String: OpaquePointer] = [:]

    init(app: Application) {
        super.init(adw_application_window_new(app.raw.assumingMemoryBound(to: GtkApplication.self)))
    }

    func setContent(_ child: Widget) { adw_application_window_set_content(cast(widget), child.widget) }
    func setTitle(_ title: String) {
        if string(gtk_window_get_title(cast(widget))) != title { gtk_window_set_title(cast(widget), title) }
    }
    func setDefaultSize(width: Int, height: Int) { gtk_window_set_default_size(cast(widget), Int32(width), Int32(height)) }
    func setIconName(_ name: String) { gtk_window_set_icon_name(cast(widget), name) }
    func maximize() { gtk_window_maximize(cast(widget)) }
    func present() { gtk_window_present(cast(widget)) }
    func destroy() { gtk_window_destroy(cast(widget)) }
    var isMaximized: Bool { gtk_window_is_maximized(cast(widget)) != 0 }
    var isFullscreen: Bool { gtk_window_is_fullscreen(cast(widget)) != 0 }
    func toggleFullscreen() {
        if isFullscreen { gtk_window_unfullscreen(cast(widget)) } else { gtk_window_fullscreen(cast(widget)) }
    }
    /// The size the window has (GTK 4 keeps the default size equal to the current one).
    var size: (width: Int, height: Int) {
        var w: Int32 = 0, h: Int32 = 0
        gtk_window_get_default_size(cast(widget), &w, &h)
        return (Int(w), Int(h))
    }
    /// Called when the size or maximized state changes.
    func onResize(_ body: @escaping () -> Void) {
        onNotify("default-width", body)
        onNotify("default-height", body)
        onNotify("maximized", body)
    }
    func onDestroy(_ body: @escaping () -> Void) { on("destroy", body) }
    func setHelpOverlay(xml: String, id: String) {
        guard let overlay = Builder.object(xml: xml, id: id) else { return }
        gtk_application_window_set_help_overlay(cast(widget), opaque(overlay))
        g_object_unref(rawPointer(overlay))
    }

    // Actions ("win.NAME").

    func addAction(_ name: String, _ handler: @escaping () -> Void) {
        let action = g_simple_action_new(name, nil)!
        track(Signal.connectActivate(action) { _ in handler() }, on: rawPointer(action))
        insert(name, action)
    }

    /// A stateful action with an int32 parameter and state (radio-style "win.select-digit(3)").
    func addIntAction(_ name: String, state: Int, _ handler: @escaping (Int) -> Void) {
        let type = g_variant_type_new("i")
        defer { g_variant_type_free(type) }
        let action = g_simple_action_new_stateful(name, type, g_variant_new_int32(Int32(state)))!
        track(Signal.connectActivate(action) { parameter in
            guard let parameter else { return }
            handler(Int(g_variant_get_int32(parameter)))
        }, on: rawPointer(action))
        insert(name, action)
    }

    /// An action with a string parameter ("win.open-file('/tmp/x.png')").
    func addStringAction(_ name: String, _ handler: @escaping (String) -> Void) {
        let type = g_variant_type_new("s")
        defer { g_variant_type_free(type) }
        let action = g_simple_action_new(name, type)!
        track(Signal.connectActivate(action) { parameter in
            guard let parameter, let s = g_variant_get_string(parameter, nil) else { return }
            handler(String(cString: s))
        }, on: rawPointer(action))
        insert(name, action)
    }

    func setActionState(_ name: String, int value: Int) {
        guard let a = actions[name] else { return }
        if let state = g_action_get_state(a) {
            defer { g_variant_unref(state) }
            if g_variant_get_int32(state) == Int32(value) { return }
        }
        g_simple_action_set_state(a, g_variant_new_int32(Int32(value)))
    }

    func setActionEnabled(_ name: String, _ on: Bool) {
        guard let a = actions[name] else { return }
        if (g_action_get_enabled(a) != 0) != on { g_simple_action_set_enabled(a, on ? 1 : 0) }
    }

    private func insert(_ name: String, _ action: OpaquePointer) {
        g_action_map_add_action(OpaquePointer(raw), action)
        g_object_unref(rawPointer(action))  // the map holds it
        actions[name] = action
    }

    /// Opens a file with the desktop's default application.
    func showFile(_ path: String) {
        guard let file = g_file_new_for_path(path), let uri = g_file_get_uri(file) else { return }
        defer { g_free(uri); g_object_unref(rawPointer(file)) }
        gtk_show_uri(cast(widget), uri, guint32(GDK_CURRENT_TIME))
    }
}

/// The AdwApplication.
final class Application: GObjectRef {
    init(id: String, unique: Bool) {
        super.init(rawPointer(adw_application_new(id, unique ? G_APPLICATION_DEFAULT_FLAGS : G_APPLICATION_NON_UNIQUE)))
    }

    func onStartup(_ body: @escaping () -> Void) { on("startup", body) }
    func onActivate(_ body: @escaping () -> Void) { on("activate", body) }
    func onShutdown(_ body: @escaping () -> Void) { on("shutdown", body) }

    func addAction(_ name: String, _ handler: @escaping () -> Void) {
        let action = g_simple_action_new(name, nil)!
        track(Signal.connectActivate(action) { _ in handler() }, on: rawPointer(action))
        g_action_map_add_action(OpaquePointer(raw), action)
        g_object_unref(rawPointer(action))
    }

    func setAccels(_ detailedName: String, _ accels: [String]) {
        withCStringArray(accels) { gtk_application_set_accels_for_action(raw.assumingMemoryBound(to: GtkApplication.self), detailedName, $0) }
    }

    func quit() { g_application_quit(raw.assumingMemoryBound(to: GApplication.self)) }

    /// Runs the main loop (GTK sees only argv[0]; the options were read before).
    func run(programName: String) -> Int32 {
        let name = strdup(programName)
        defer { free(name) }
        var argv: [UnsafeMutablePointer<CChar>?] = [name, nil]
        return argv.withUnsafeMutableBufferPointer { g_application_run(raw.assumingMemoryBound(to: GApplication.self), 1, $0.baseAddress) }
    }

    static func setName(_ name: String) { g_set_application_name(name) }
}

/// Display-wide pieces: the app's CSS and icon search paths.
enum Display {
    static func addCSS(_ css: String) {
        guard let display = gdk_display_get_default() else { return }
        let provider = gtk_css_provider_new()!
        gtk_css_provider_load_from_data(provider, css, -1)
        gtk_style_context_add_provider_for_display(display, opaque(provider), UInt32(GTK_STYLE_PROVIDER_PRIORITY_APPLICATION))
        g_object_unref(rawPointer(provider))
    }

    static func addIconSearchPath(_ path: String) {
        guard let display = gdk_display_get_default(), let theme = gtk_icon_theme_get_for_display(display) else { return }
        gtk_icon_theme_add_search_path(theme, path)
    }
}

/// The About window (AdwAboutWindow).
enum AboutDialog {
    static func present(parent: Window, name: String, icon: String, version: String, developer: String, comments: String) {
        let about = adw_about_window_new()!
        let a = opaque(about)
        adw_about_window_set_application_name(a, name)
        adw_about_window_set_application_icon(a, icon)
        adw_about_window_set_version(a, version)
        adw_about_window_set_developer_name(a, developer)
        adw_about_window_set_comments(a, comments)
        gtk_window_set_transient_for(cast(about), cast(parent.widget))
        gtk_window_set_modal(cast(about), 1)
        gtk_window_present(cast(about))
    }
}
