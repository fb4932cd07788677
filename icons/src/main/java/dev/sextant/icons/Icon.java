package dev.sextant.icons;

import javafx.scene.Node;
import org.kordamp.ikonli.Ikon;
import org.kordamp.ikonli.codicons.Codicons;
import org.kordamp.ikonli.javafx.FontIcon;

/**
 * Every glyph Sextant shows, named by what it means in the debugger. Backed by the VS Code
 * codicons (Ikonli pack), the glyphs native developers already know; views ask for a meaning
 * and never name a glyph, so a new pack or our own SVGs replace this one file.
 */
public enum Icon {
    OPEN_DUMP(Codicons.FOLDER_OPENED),
    CLOSE_TARGET(Codicons.CLOSE),
    CANCEL(Codicons.DEBUG_STOP),
    CRASHED_THREAD(Codicons.ERROR),
    STOPPED_THREAD(Codicons.DEBUG_STACKFRAME_ACTIVE),
    THREAD(Codicons.DEBUG_ALT_SMALL),
    STACK_FRAME(Codicons.DEBUG_STACKFRAME),
    INLINE_FRAME(Codicons.DEBUG_STACKFRAME_DOT),
    MODULE(Codicons.LIBRARY),
    MODULE_MISSING(Codicons.WARNING),
    SIGNAL(Codicons.SYMBOL_EVENT),
    COPY(Codicons.CLIPPY),
    FILTER(Codicons.FILTER),
    THEME(Codicons.COLOR_MODE),
    WARNING(Codicons.WARNING),
    INFO(Codicons.INFO),
    BREAKPOINT(Codicons.CIRCLE_FILLED),
    DETACH(Codicons.DEBUG_DISCONNECT),
    CONTINUE(Codicons.DEBUG_CONTINUE),
    PAUSE(Codicons.DEBUG_PAUSE),
    STEP_OVER(Codicons.DEBUG_STEP_OVER),
    STEP_INTO(Codicons.DEBUG_STEP_INTO),
    STEP_OUT(Codicons.DEBUG_STEP_OUT),
    /** Frame provenance, from most to least trusted: the thread's registers, CFI, a dynamic table (JIT), frame pointer, stack scan. */
    FRAME_FROM_REGISTERS(Codicons.CIRCUIT_BOARD),
    FRAME_FROM_CFI(Codicons.CHECK),
    FRAME_FROM_DYNAMIC_TABLE(Codicons.FLAME),
    FRAME_FROM_FRAME_POINTER(Codicons.LINK),
    FRAME_FROM_STACK_SCAN(Codicons.QUESTION),
    /** An unwind table (static, of a module, or dynamic, of generated code). */
    UNWIND_TABLE(Codicons.SYMBOL_RULER);

    private final Ikon glyph;

    Icon(Ikon glyph) { this.glyph = glyph; }

    /** A new node for this icon (a node can have one parent, so each use gets its own). */
    public Node graphic() {
        FontIcon icon = new FontIcon(glyph);
        icon.getStyleClass().add("sextant-icon");
        icon.setIconSize(16);
        return icon;
    }

    /** The same icon at another size, in pixels. */
    public Node graphic(int size) {
        FontIcon icon = new FontIcon(glyph);
        icon.getStyleClass().add("sextant-icon");
        icon.setIconSize(size);
        return icon;
    }
}
