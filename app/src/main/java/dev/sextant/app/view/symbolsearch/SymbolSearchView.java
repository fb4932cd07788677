package dev.sextant.app.view.symbolsearch;

import dev.sextant.engine.api.Address;
import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import dev.sextant.engine.api.SymbolHit;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The "Symbol search" tab, WinDbg's {@code x module!pattern} and {@code ln} in the window: a pattern
 * box (Enter searches; a glob, {@code /regex/}, optionally after {@code module!}; or a hex address,
 * whose module!symbol+offset, source line and inlined calls the status line shows), the matches
 * with module, name, address and size, filter (Ctrl+F) and copy (Ctrl+C). The search runs on the engine's symbol
 * thread (it may load symbols); the box stays usable meanwhile and a newer search wins.
 */
public final class SymbolSearchView {
    private final ObservableList<SymbolHit> hits = FXCollections.observableArrayList();
    private final TableKit<SymbolHit> kit;
    private final TextField pattern = new TextField();
    private final Label status = new Label("Type a name or pattern (mem*, libc*!str*, /^_Z.*/), or an address (0x…), and press Enter");
    private final VBox node;
    private final Engine engine;
    private long searches;

    public SymbolSearchView(Engine engine) {
        this.engine = engine;
        kit = new TableKit<>("symbolsearch", hits, h -> h.module() + " " + h.name() + " " + h.address());
        kit.column("Module", SymbolHit::module, 180);
        kit.column("Name", SymbolHit::name, 420);
        kit.column("Address", h -> h.address().toString(), 150);
        kit.column("Size", h -> "0x" + Long.toHexString(h.size()), 80);
        pattern.setId("symbolsearch-pattern");
        pattern.setPromptText("Symbol pattern, e.g. libc*!mem* (Enter)");
        pattern.setOnAction(e -> search());
        Button find = new Button("Find");
        find.setOnAction(e -> search());
        status.setId("symbolsearch-status");
        HBox.setHgrow(pattern, Priority.ALWAYS);
        HBox bar = new HBox(6, pattern, find);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(kit.node(), Priority.ALWAYS);
        node = new VBox(4, bar, status, kit.node());
    }

    private void search() {
        String text = pattern.getText() == null ? "" : pattern.getText().strip();
        if (text.isEmpty()) {
            status.setText("Type a name or pattern first");
            return;
        }
        long id = ++searches;
        if (text.matches("(?i)0x[0-9a-f]{1,16}")) {                 // an address: ln, not x
            hits.clear();                                        // the results of the last pattern are not this address's
            status.setText("Looking up " + text + "…");
            FxThread.whenDone(engine.submit(new Command.DescribeAddress(Address.of(Long.parseUnsignedLong(text.substring(2), 16)))),
                    what -> { if (id == searches) status.setText(what); },
                    cause -> { if (id == searches) status.setText("Cannot look up " + text + ": " + cause.getMessage()); });
            return;
        }
        status.setText("Searching " + text + "…");
        FxThread.whenDone(engine.submit(new Command.FindSymbols(text)), found -> {
            if (id != searches) return;                     // a newer search was started
            hits.setAll(found);
            status.setText(found.isEmpty() ? "No symbol matches " + text
                    : found.size() + (found.size() >= Command.FindSymbols.MAX_HITS ? "+" : "") + " symbols match " + text);
        }, cause -> {
            if (id != searches) return;
            hits.clear();
            status.setText("Cannot search: " + cause.getMessage());
        });
    }

    /** Puts the caret in the pattern box (Ctrl+Shift+F). */
    public void focus() { pattern.requestFocus(); }

    public Node node() { return node; }

    public TableKit<SymbolHit> kit() { return kit; }
}
