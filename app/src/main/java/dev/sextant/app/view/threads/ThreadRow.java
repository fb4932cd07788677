package dev.sextant.app.view.threads;

import dev.sextant.engine.api.Tid;

/**
 * One row of the Threads table. Immutable: updates replace the row. {@code crashed}: the thread took a
 * fatal signal (red marker); {@code stopped}: the thread that stopped a live process (breakpoint, step,
 * break: a plain marker, no crash).
 */
public record ThreadRow(Tid tid, String name, boolean crashed, String signal, String location, String source, int frames, String state,
                        boolean stopped) {
    public ThreadRow(Tid tid, String name, boolean crashed, String signal, String location, String source, int frames, String state) {
        this(tid, name, crashed, signal, location, source, frames, state, crashed);
    }

    String searchText() {
        return tid + " " + name + " " + signal + " " + location + " " + source + " " + state;
    }
}
