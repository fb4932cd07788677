package dev.sextant.app.view.stack;

/** One row of the Call stack table. Immutable. */
public record FrameRow(int index, String pc, String function, String module, String source, boolean inline, String how) {
    String searchText() {
        return pc + " " + function + " " + module + " " + source + " " + how;
    }
}
