package dev.sextant.app.view.source;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.Tid;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * The current frame, the one every view shows (source, registers, and the variables and watches
 * of other views): a thread and a Call-stack row. It follows the stops (frame 0 of the thread that
 * stopped, as gdb does) and the user (a row picked in the Call stack, up and down); each change the
 * user makes is told to the engine as its scope ({@code Command.SetScope}) through {@code scope}.
 */
public final class CurrentFrame {
    /** A thread's frame: {@code index} is the Call-stack row; {@code frames} the thread's whole stack. */
    public record Selection(Tid tid, int index, List<StackFrame> frames, long stopId) {
        public Selection { frames = List.copyOf(frames); }

        public Optional<StackFrame> frame() { return index < frames.size() ? Optional.of(frames.get(index)) : Optional.empty(); }

        /** {@code "frame 1: middle at src/srcview.c:14"}. */
        public String describe() {
            return frame().map(f -> "frame " + index + ": " + f.function().orElse(f.pc().toString())
                    + f.sourceLine().map(s -> " at " + s).orElse("")).orElse("frame " + index);
        }
    }

    private final Map<Tid, List<StackFrame>> stacks = new HashMap<>();
    private final ReadOnlyObjectWrapper<Optional<Selection>> current = new ReadOnlyObjectWrapper<>(Optional.empty());
    private final BiConsumer<Tid, Integer> scope;
    private long stopId = -1;

    /** @param scope tells the engine the user's choice of thread and frame (FX thread; must not block) */
    public CurrentFrame(BiConsumer<Tid, Integer> scope) { this.scope = scope; }

    public ReadOnlyObjectProperty<Optional<Selection>> current() { return current.getReadOnlyProperty(); }

    /** The thread chosen in Threads: its innermost frame. */
    public void selectThread(Tid tid) {
        FxThread.check();
        if (current.get().map(s -> s.tid().equals(tid)).orElse(false)) return;
        set(tid, 0, true);
    }

    /** A Call-stack row of {@code tid} chosen by the user. */
    public void select(Tid tid, int index) {
        FxThread.check();
        Optional<Selection> now = current.get();
        if (now.isPresent() && now.get().tid().equals(tid) && now.get().index() == index) return;
        set(tid, index, true);
    }

    /** gdb's {@code up}: towards the caller (the next row). Answers whether it moved. */
    public boolean up() { return move(1); }

    /** gdb's {@code down}: towards the callee. Answers whether it moved. */
    public boolean down() { return move(-1); }

    private boolean move(int delta) {
        FxThread.check();
        Optional<Selection> now = current.get();
        if (now.isEmpty()) return false;
        int to = now.get().index() + delta;
        if (to < 0 || to >= now.get().frames().size()) return false;
        set(now.get().tid(), to, true);
        return true;
    }

    private void set(Tid tid, int index, boolean byUser) {
        current.set(Optional.of(new Selection(tid, index, stacks.getOrDefault(tid, List.of()), stopId)));
        if (byUser) scope.accept(tid, index);
    }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.TargetOpened o) {
                stacks.clear();
                stopId = o.stopId();
                current.set(Optional.empty());
            } else if (e instanceof DebugEvent.ProcessStopped s) {
                // gdb selects frame 0 of the stopping thread at every stop; the engine's scope does the same.
                stopId = s.stopId();
                stacks.remove(s.tid());
                set(s.tid(), 0, false);
            } else if (e instanceof DebugEvent.StackWalked w && w.stopId() >= stopId) {
                stopId = w.stopId();
                stacks.put(w.stack().tid(), w.stack().frames());
                current.get().filter(c -> c.tid().equals(w.stack().tid())).ifPresent(c ->
                        set(c.tid(), Math.min(c.index(), Math.max(0, w.stack().frames().size() - 1)), false));
            } else if (e instanceof DebugEvent.TargetClosed) {
                stacks.clear();
                current.set(Optional.empty());
            }
        }
    }
}
