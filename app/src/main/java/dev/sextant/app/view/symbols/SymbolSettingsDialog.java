package dev.sextant.app.view.symbols;

import dev.sextant.engine.api.SymbolOption;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Symbol settings: the symbol path as an ordered list (add, remove, move up/down, edit in place), the
 * Breakpad stores minidumps are symbolized from as another (each checked as it is added or edited:
 * an existing directory or an http(s) URL), and the options as checkboxes. The result goes to the engine (which raises {@code PATHS} and
 * {@code SYMBOL_OPTIONS}); the dialog itself changes nothing.
 */
public final class SymbolSettingsDialog {
    /** What the user chose: the path in its text form and the options. */
    public record Settings(String path, Set<SymbolOption> options) {}

    private static final Map<SymbolOption, String> LABELS = new EnumMap<>(Map.of(
            SymbolOption.DEFERRED_LOADS, "Deferred loads: load a module's symbols when first needed",
            SymbolOption.LOAD_LINES, "Load line info (DWARF), not only the symbol table",
            SymbolOption.PREFER_LOCAL, "Search local places before debuginfod servers",
            SymbolOption.DEBUGINFOD, "Ask debuginfod servers",
            SymbolOption.LOAD_ANYTHING, "Accept a debuglink file whose CRC does not match (partial)",
            SymbolOption.DEBUG, "Log every search step (the Symbol load log, as !sym noisy)"));

    /** The prefix of a Breakpad store entry of the symbol path. */
    static final String BREAKPAD = "breakpad=";

    private final Dialog<ButtonType> dialog = new Dialog<>();
    private final OrderedEntries symbolPath;
    private final OrderedEntries stores;
    private final Map<SymbolOption, CheckBox> boxes = new EnumMap<>(SymbolOption.class);

    public SymbolSettingsDialog(Window owner, String path, Set<SymbolOption> options) {
        dialog.initOwner(owner);
        dialog.setTitle("Symbol settings");
        dialog.setHeaderText("Where symbols are looked for, in order, and how they load");
        // The Breakpad stores are entries of the one symbol path (breakpad=DIR|URL; a bare URL is one too): a list of their own here.
        List<String> elf = new ArrayList<>(), breakpad = new ArrayList<>();
        for (String raw : path.split(";")) {
            String e = raw.strip();
            if (e.isEmpty()) continue;
            if (e.regionMatches(true, 0, BREAKPAD, 0, BREAKPAD.length())) breakpad.add(e.substring(BREAKPAD.length()).strip());
            else if (e.startsWith("http://") || e.startsWith("https://")) breakpad.add(e);
            else elf.add(e);
        }
        symbolPath = new OrderedEntries("symbol-path", elf, "own · debuglink · build-id[=ROOT] · DIR · debuginfod*CACHE*URL — Enter adds",
                140, e -> Optional.empty());     // the engine checks these, and says which entry is wrong
        stores = new OrderedEntries("breakpad-store", breakpad, "/path/to/store · https://symbols.example.org/ — Enter adds",
                90, SymbolSettingsDialog::storeProblem);
        VBox opts = new VBox(4);
        for (SymbolOption o : SymbolOption.values()) {
            CheckBox b = new CheckBox(LABELS.getOrDefault(o, o.name()));
            b.setId("symbol-option-" + o.name());
            b.setSelected(options.contains(o));
            boxes.put(o, b);
            opts.getChildren().add(b);
        }
        Label storesLabel = new Label("Breakpad symbol stores, for minidumps (first place first; the next dump opened uses them):"
                + " a directory laid out NAME/ID/NAME.sym, or an http(s) symbol server of that layout");
        storesLabel.setWrapText(true);
        VBox content = new VBox(8, new Label("Symbol path (first place first):"), symbolPath.node(), storesLabel, stores.node(),
                new Label("Options:"), opts);
        content.setPrefWidth(620);
        dialog.getDialogPane().setContent(content);
        dialog.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
    }

    /**
     * Why {@code entry} is no Breakpad store, or empty: a URL must be http(s) with a host; anything else
     * is a directory, which must exist. (A stat of the one path typed, on the FX thread.)
     */
    static Optional<String> storeProblem(String entry) {
        if (entry.contains("://") || entry.startsWith("http:") || entry.startsWith("https:")) {
            try {
                URI u = new URI(entry);
                boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                if (http && u.getHost() != null) return Optional.empty();
            } catch (URISyntaxException bad) {
                // said below
            }
            return Optional.of("'" + entry + "' is not an http(s) URL: a symbol server's address starts with http:// or https:// and names a host");
        }
        try {
            if (Files.isDirectory(Path.of(entry))) return Optional.empty();
        } catch (InvalidPathException bad) {
            // said below
        }
        return Optional.of("no directory " + entry + ": a store is a directory laid out NAME/ID/NAME.sym, or an http(s) URL");
    }

    /** The settings as the form shows them now. */
    public Settings current() {
        EnumSet<SymbolOption> on = EnumSet.noneOf(SymbolOption.class);
        boxes.forEach((o, b) -> { if (b.isSelected()) on.add(o); });
        List<String> all = new ArrayList<>(symbolPath.entries());
        stores.entries().forEach(e -> all.add(BREAKPAD + e));
        return new Settings(String.join(";", all), Set.copyOf(on));
    }

    public Dialog<ButtonType> dialog() { return dialog; }

    /** Shows the dialog and waits (FX thread); empty when cancelled. */
    public Optional<Settings> showAndWait() {
        return dialog.showAndWait().filter(b -> b == ButtonType.OK).map(b -> current());
    }

    /** The path entries (Breakpad stores not included), for tests. */
    public List<String> entries() { return symbolPath.entries(); }

    /** The Breakpad stores, for tests. */
    public List<String> stores() { return stores.entries(); }
}
