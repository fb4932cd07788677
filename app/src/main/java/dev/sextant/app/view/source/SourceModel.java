package dev.sextant.app.view.source;

import dev.sextant.app.action.SourceActions;
import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.SourceText;
import dev.sextant.engine.api.StackFrame;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * What the Source view shows: the current frame's file (asked of the engine once per file and
 * kept), its line, the lines where frames of the thread are, and the breakpoints of the file.
 */
public final class SourceModel {
    /** One state of the view. {@code text} empty while loading or when missing; {@code line} 1-based, 0 for none. */
    public record Display(String title, Optional<SourceText.Found> text, Optional<SourceText.NotFound> missing, String message,
                          int line, Map<Integer, Boolean> pcLines, Map<Integer, Integer> breakpoints, long stopId) {
        public Display {
            pcLines = Map.copyOf(pcLines);
            breakpoints = Map.copyOf(breakpoints);
        }

        static Display empty(String message) {
            return new Display("Source", Optional.empty(), Optional.empty(), message, 0, Map.of(), Map.of(), -1);
        }
    }

    private final SourceActions actions;
    private final Map<String, SourceText> files = new HashMap<>();
    private final Map<Integer, Breakpoint> breakpoints = new LinkedHashMap<>();
    private final ReadOnlyObjectWrapper<Display> display = new ReadOnlyObjectWrapper<>(Display.empty("No frame selected"));
    private Optional<CurrentFrame.Selection> selection = Optional.empty();
    private Cancellation loading = new Cancellation();

    private final java.util.function.BiConsumer<String, Runnable> busy;
    private final java.util.function.Consumer<String> idle;
    private boolean downloading;

    /**
     * @param busy shows a download in progress with a Cancel (the status bar's); {@code idle} ends it
     */
    public SourceModel(SourceActions actions, CurrentFrame frames, java.util.function.BiConsumer<String, Runnable> busy,
                       java.util.function.Consumer<String> idle) {
        this.actions = actions;
        this.busy = busy;
        this.idle = idle;
        frames.current().addListener((o, a, now) -> show(now));
    }

    public ReadOnlyObjectProperty<Display> display() { return display.getReadOnlyProperty(); }

    public SourceActions actions() { return actions; }

    /** The frame shown now, if any. */
    public Optional<StackFrame> frame() { return selection.flatMap(CurrentFrame.Selection::frame); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        boolean changed = false;
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened || e instanceof DebugEvent.TargetClosed) {
                files.clear();
                breakpoints.clear();
                changed = true;
            } else if (e instanceof DebugEvent.ProgressReported p && p.task().startsWith("Downloading ") && !downloading
                    && !loading.isCancelled()) {
                // The engine found no local copy and asks debuginfod: the status bar shows it, Esc cancels.
                downloading = true;
                Cancellation c = loading;
                busy.accept(p.task() + " from debuginfod…", c::cancel);
            } else if (e instanceof DebugEvent.BreakpointChanged b) {
                if (b.removed()) breakpoints.remove(b.breakpoint().id());
                else breakpoints.put(b.breakpoint().id(), b.breakpoint());
                changed = true;
            } else if (e instanceof DebugEvent.SymbolStateChanged c && (c.flags() & EngineListener.DEBUG_CSS_PATHS) != 0) {
                // New substitutions or symbol path: files not found before may be found now.
                files.values().removeIf(t -> t instanceof SourceText.NotFound);
                changed = true;
            }
        }
        if (changed) show(selection);
    }

    private SourceText.Found split;
    private String[] splitLines = new String[0];

    /** Line {@code line} (1-based) of {@code file} (as the line table names it) when this view has read that file. */
    public Optional<String> lineText(String file, int line) {
        for (Map.Entry<String, SourceText> e : files.entrySet()) {
            if (!e.getKey().startsWith(file + "\0") || !(e.getValue() instanceof SourceText.Found found)) continue;
            if (found != split) {
                split = found;
                splitLines = found.text().split("\n", -1);
            }
            return line >= 1 && line <= splitLines.length ? Optional.of(splitLines[line - 1]) : Optional.empty();
        }
        return Optional.empty();
    }

    /** Forgets what was found for {@code file} and looks again (after "Locate…"). */
    public void relocate() {
        frame().flatMap(StackFrame::file).ifPresent(f -> files.keySet().removeIf(k -> k.startsWith(f + "\0")));
        show(selection);
    }

    private static String baseName(String path) { return path.substring(path.lastIndexOf('/') + 1); }

    private static String key(StackFrame f) { return f.file().orElse("") + "\0" + f.module().orElse(""); }

    private void show(Optional<CurrentFrame.Selection> now) {
        selection = now;
        if (now.isEmpty() || now.get().frame().isEmpty()) {
            display.set(Display.empty(now.isEmpty() ? "No frame selected" : "Waiting for the stack of thread " + now.get().tid()));
            return;
        }
        CurrentFrame.Selection s = now.get();
        StackFrame f = s.frame().get();
        String title = "Frame " + s.index() + " · " + f.function().orElse(f.pc().toString()) + " · thread " + s.tid();
        if (f.file().isEmpty()) {
            display.set(new Display(title, Optional.empty(), Optional.empty(), "No source line for " + f.location()
                    + f.module().map(m -> " in " + m).orElse("") + ": its module has no line information here (load its symbols, or its debug file is missing).",
                    0, Map.of(), Map.of(), s.stopId()));
            return;
        }
        SourceText t = files.get(key(f));
        if (t == null) {
            display.set(new Display(title, Optional.empty(), Optional.empty(), "Looking for " + f.file().get() + "…", 0, Map.of(), Map.of(), s.stopId()));
            request(f);
            return;
        }
        int line = f.line().orElse(0);
        if (t instanceof SourceText.Found found) {
            // The file's name, not its path, so that the title fits its pane; the path is the title's tooltip.
            display.set(new Display(title + " · " + baseName(f.file().get()) + (line > 0 ? ":" + line : ""), Optional.of(found), Optional.empty(),
                    "", line, pcLines(s, f.file().get()), breakpointLines(f.file().get()), s.stopId()));
        } else {
            display.set(new Display(title, Optional.empty(), Optional.of((SourceText.NotFound) t), "", line, Map.of(), Map.of(), s.stopId()));
        }
    }

    private void request(StackFrame f) {
        loading.cancel();
        Cancellation c = loading = new Cancellation();
        String k = key(f);
        // A caller's pc is a return address: the call instruction before it is in the frame's own code.
        Address at = f.index() == 0 ? f.pc() : Address.of(f.pc().value() - 1);
        actions.locate(at, f.file().get(), c, text -> {
            endDownload(text instanceof SourceText.Found found ? "Source " + found.location() + " (" + found.how() + ")" : f.file().get() + " not found");
            files.put(k, text);
            if (frame().map(SourceModel::key).equals(Optional.of(k))) show(selection);
        }, err -> {
            endDownload(c.isCancelled() ? "Source download cancelled" : "Source lookup failed: " + err.getMessage());
            if (c.isCancelled()) return;
            files.put(k, new SourceText.NotFound(f.file().get(), List.of("the engine could not look: " + err.getMessage())));
            if (frame().map(SourceModel::key).equals(Optional.of(k))) show(selection);
        });
    }

    private void endDownload(String text) {
        if (!downloading) return;
        downloading = false;
        idle.accept(text);
    }

    /** Lines of {@code file} where a frame of the thread is: true for the current frame's. */
    private static Map<Integer, Boolean> pcLines(CurrentFrame.Selection s, String file) {
        Map<Integer, Boolean> out = new TreeMap<>();
        for (StackFrame f : s.frames()) {
            if (f.file().equals(Optional.of(file)) && f.line().isPresent()) out.merge(f.line().getAsInt(), f.index() == s.index(), Boolean::logicalOr);
        }
        return out;
    }

    /** Breakpoints whose line is in {@code file} (matched by file name, as the engine reports them): line to id. */
    private Map<Integer, Integer> breakpointLines(String file) {
        String base = file.substring(file.lastIndexOf('/') + 1);
        Map<Integer, Integer> out = new TreeMap<>();
        for (Breakpoint b : breakpoints.values()) {
            if (b.sourceLine().isEmpty()) continue;
            String sl = b.sourceLine().get();
            int colon = sl.lastIndexOf(':');
            if (colon > 0 && sl.substring(0, colon).equals(base)) {
                try {
                    out.put(Integer.parseInt(sl.substring(colon + 1)), b.id());
                } catch (NumberFormatException ignored) {
                    // not a line number: not shown in the gutter
                }
            }
        }
        return out;
    }
}
