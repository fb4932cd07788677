package dev.sextant.app.view.disassembly;

import dev.sextant.app.action.DebugActions;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.scene.control.MenuItem;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Window;

/**
 * Instruction-level control from the window (Debug menu): step one instruction into or over calls,
 * run to cursor and set next statement at the cursor of the code view that had the focus last (a
 * Source line, or a Disassembly row); set next statement asks first.
 */
public final class CodeControl implements DisassemblyView.Intents {
    private final DebugActions debug;
    private final Supplier<Window> owner;
    private DisassemblyView disassembly;
    private Node sourceArea;
    private Supplier<Optional<String>> sourceCursor = Optional::empty;
    private boolean sourceLast;

    public CodeControl(DebugActions debug, Supplier<Window> owner) {
        this.debug = debug;
        this.owner = owner;
    }

    /** The code views whose cursor run-to-cursor uses; {@code sourceCursor} answers {@code file:line} of the Source caret. */
    public void watch(DisassemblyView view, Node source, Supplier<Optional<String>> sourceCursor) {
        this.disassembly = view;
        this.sourceArea = source;
        this.sourceCursor = sourceCursor;
    }

    /** Follows which code view had the focus last. */
    public void track(Scene scene) {
        scene.focusOwnerProperty().addListener((o, a, now) -> {
            if (now == null) return;
            if (now == sourceArea) sourceLast = true;
            else if (disassembly != null && now == disassembly.list()) sourceLast = false;
        });
    }

    /** The cursor of the code view focused last: {@code file:line} or {@code 0xADDRESS}. */
    public Optional<String> cursor() {
        if (sourceLast || disassembly == null) return sourceCursor.get();
        return disassembly.cursorLocation();
    }

    public List<MenuItem> menuItems() {
        MenuItem stepi = item("Step one instruction", new KeyCodeCombination(KeyCode.F11, KeyCombination.ALT_DOWN), this::stepInstruction);
        stepi.setId("menu-stepi");
        MenuItem nexti = item("Step one instruction over calls", new KeyCodeCombination(KeyCode.F10, KeyCombination.ALT_DOWN), this::stepOverInstruction);
        nexti.setId("menu-nexti");
        MenuItem runTo = item("Run to cursor", new KeyCodeCombination(KeyCode.F10, KeyCombination.SHORTCUT_DOWN),
                () -> cursor().ifPresent(this::runTo));
        runTo.setId("menu-run-to-cursor");
        MenuItem next = item("Set next statement…", new KeyCodeCombination(KeyCode.F10, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> cursor().ifPresent(this::setNextStatement));
        next.setId("menu-set-next");
        for (MenuItem m : List.of(stepi, nexti, runTo, next)) m.disableProperty().bind(debug.live().not().or(debug.running()));
        return List.of(stepi, nexti, runTo, next);
    }

    private static MenuItem item(String text, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setAccelerator(key);
        m.setOnAction(e -> action.run());
        return m;
    }

    @Override public void setBreakpoint(String location) { debug.breakpoint(location); }

    @Override public void removeBreakpoint(int id) { debug.removeBreakpoint(id); }

    @Override public void stepInstruction() { if (canStep()) debug.stepInstruction(); }

    @Override public void stepOverInstruction() { if (canStep()) debug.stepOverInstruction(); }

    @Override public void runTo(String location) { if (canStep()) debug.runTo(location); }

    /** Asks first: skipping or repeating code changes the program's course. */
    @Override public void setNextStatement(String location) {
        if (!canStep()) return;
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, "Move the current thread's program counter to " + location
                + "?\n\nThe code between is skipped (or run again); the registers and memory stay as they are.",
                ButtonType.OK, ButtonType.CANCEL);
        ask.setTitle("Set next statement");
        ask.setHeaderText("Set next statement: " + location);
        ask.initOwner(owner.get());
        ask.getDialogPane().setId("set-next-dialog");
        ask.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> debug.setNextStatement(location));
    }

    private boolean canStep() { return debug.live().get() && !debug.running().get(); }
}
