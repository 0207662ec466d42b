import CGtk

// GTK's C cast macros (GTK_WINDOW(w), G_ACTION_MAP(w), ...) do not import into Swift.
// A GObject instance struct starts with its parent's instance struct, so a pointer to an
// object is also a pointer to each of its ancestors (and GLib checks interface casts at
// run time in the callee). These helpers reinterpret such pointers. GTK's final types
// (GtkDropDown, GtkSpinButton, ...) import as OpaquePointer, the others as typed pointers.

/// Reinterprets a GObject pointer as one of its ancestor or interface types.
@inline(__always)
func cast<T, U>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}

/// Reinterprets an opaque GObject pointer (a final type) as a typed one.
@inline(__always)
func cast<U>(_ p: OpaquePointer) -> UnsafeMutablePointer<U> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}

/// A typed GObject pointer as an opaque one (for final types and interfaces).
@inline(__always)
func opaque<T>(_ p: UnsafeMutablePointer<T>) -> OpaquePointer { OpaquePointer(p) }

/// Any GObject pointer as GLib's untyped `gpointer`.
@inline(__always)
func rawPointer<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(p) }

@inline(__always)
func rawPointer(_ p: OpaquePointer) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(p) }

/// Calls `body` with a NULL-terminated C array of C strings, as GTK takes string lists.
func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    var array: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) }
    array.append(nil)
    return array.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// A Swift string from a GLib-owned C string (not freed).
func string(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
