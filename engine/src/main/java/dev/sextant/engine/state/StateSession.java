package dev.sextant.engine.state;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.api.VariableKind;
import dev.sextant.engine.elfutils.DwarfVariables;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.UnwoundFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The program state of one stopped target (a core, or a live process at one stop): every thread's
 * frames with their unwound registers, and the frames' variables and expressions on demand. Frame
 * indexes are those of {@code api.StackFrame} (inlined calls count as frames). Engine thread only;
 * closes the libdwfl session it was given when it owns it.
 */
public final class StateSession implements AutoCloseable {
    private final ElfSession dwfl;
    private final boolean ownsDwfl;
    private final DwarfVariables scopes;
    private final TypeBuilder types;
    private final FrameContext.Memory memory;
    /** The threads walked so far: each on its first request (the Variables of a stop read one thread). */
    private final Map<Integer, List<UnwoundFrame>> threads = new HashMap<>();
    private final Map<Integer, List<int[]>> rows = new HashMap<>();

    private StateSession(ElfSession dwfl, boolean ownsDwfl, FrameContext.Memory memory) {
        this.dwfl = dwfl;
        this.ownsDwfl = ownsDwfl;
        this.scopes = dwfl.variables();
        this.types = new TypeBuilder(scopes);
        this.memory = memory;
        if (!ElfSession.canReadFrameRegisters()) {
            throw new TargetException("this libdw is older than elfutils 0.188 (no dwfl_frame_reg): variables cannot be read");
        }
    }

    /** Walks the threads of {@code dwfl} as they are asked for (a stop's views need one); closes {@code dwfl} on {@link #close} when {@code owns}. */
    public static StateSession open(ElfSession dwfl, boolean owns, FrameContext.Memory memory) {
        try {
            return new StateSession(dwfl, owns, memory);
        } catch (RuntimeException e) {
            if (owns) dwfl.close();
            throw e;
        }
    }

    /** The libdwfl session the state is read through (for naming code: the disassembly of a core). */
    public ElfSession dwfl() { return dwfl; }

    /** How many frames (inlined calls included) thread {@code tid} has. */
    public int frameCount(int tid) { return rows(tid).size(); }

    /** The context to evaluate expressions in frame {@code frame} of thread {@code tid}. */
    public FrameContext context(int tid, int frame) {
        List<int[]> r = rows(tid);
        if (frame < 0 || frame >= r.size()) {
            throw new TargetException("thread " + tid + " has no frame " + frame + " (frames 0 to " + (r.size() - 1) + ")");
        }
        int[] row = r.get(frame);
        return physical(tid, row[0], row[1]);
    }

    private List<UnwoundFrame> walked(int tid) {
        List<UnwoundFrame> frames = threads.get(tid);
        if (frames != null) return frames;
        frames = dwfl.walkRegisters(tid).orElseThrow(() -> new TargetException("no thread " + tid + " in this target"));
        threads.put(tid, frames);
        return frames;
    }

    private FrameContext physical(int tid, int index, int inlineDepth) {
        List<UnwoundFrame> frames = walked(tid);
        // entry values are found at the call site in the caller: the next physical frame
        return new FrameContext(scopes, types, memory, frames.get(index), inlineDepth,
                () -> index + 1 < frames.size() ? java.util.Optional.of(physical(tid, index + 1, 0)) : java.util.Optional.empty());
    }

    public List<Variable> variables(int tid, int frame, int elements) {
        return context(tid, frame).variables(elements);
    }

    /** One expression's value; a mistake in it or an unreadable address is the answer's error. */
    public Variable evaluate(int tid, int frame, String expression, int elements) {
        FrameContext ctx = context(tid, frame);
        try {
            Value v = Expression.parse(expression).evaluate(ctx);
            return VariableTree.of(expression, VariableKind.LOCAL, v, ctx, elements);
        } catch (EvaluationException e) {
            return VariableTree.failed(expression, VariableKind.LOCAL, e.getMessage());
        }
    }

    /** The write that gives {@code variable} of a frame the value of {@code value} (see {@link Assignment}). */
    public Assignment.Write assign(int tid, int frame, String variable, String value) {
        return Assignment.plan(variable, value, context(tid, frame));
    }

    /** Physical frame and inline depth of each api frame, as StackFrames numbers them. */
    private List<int[]> rows(int tid) {
        List<int[]> r = rows.get(tid);
        if (r != null) return r;
        List<UnwoundFrame> frames = walked(tid);
        r = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            int n = dwfl.symbolize(frames.get(i).pc(), frames.get(i).activation()).size();
            for (int k = 0; k < Math.max(1, n); k++) r.add(new int[] {i, k});
        }
        rows.put(tid, r);
        return r;
    }

    @Override public void close() {
        if (ownsDwfl) dwfl.close();
    }
}
