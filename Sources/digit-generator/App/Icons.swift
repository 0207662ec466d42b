import DigitStudio
import CGtk
import DigitCore
import Foundation

/// Makes the app's icon findable when running from a checkout or a prefix that is not in
/// XDG_DATA_DIRS: adds `resources/icons` and `<prefix>/share/icons` to the icon theme.
enum Icons {
    static func addSearchPaths() {
        guard let display = gdk_display_get_default(), let theme = gtk_icon_theme_get_for_display(display) else { return }
        var seen = Set<String>()
        for dir in Resources.searchDirectories {
            for candidate in [dir + "/icons", (dir as NSString).deletingLastPathComponent + "/icons"] {
                let path = (candidate as NSString).standardizingPath
                var isDir: ObjCBool = false
                if seen.insert(path).inserted, FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
                    gtk_icon_theme_add_search_path(theme, path)
                }
            }
        }
    }
}
