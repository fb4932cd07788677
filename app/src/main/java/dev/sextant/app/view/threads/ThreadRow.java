package dev.sextant.app.view.threads;

import dev.sextant.engine.api.Tid;

/** One row of the Threads table. Immutable: updates replace the row. */
public record ThreadRow(Tid tid, String name, boolean crashed, String signal, String location, String source, int frames, String state) {
    String searchText() {
        return tid + " " + name + " " + signal + " " + location + " " + source + " " + state;
    }
}
