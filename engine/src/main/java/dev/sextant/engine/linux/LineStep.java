package dev.sextant.engine.linux;

import dev.sextant.engine.elfutils.SourceLookup;
import java.util.Optional;

/**
 * Step over / step into one source line, as gdb does: single-step until the pc is at the start of
 * a line-table row for another line; a call is run through to its return address (over, or into
 * a function without line information), or entered and run to the end of its prologue (into);
 * returning from the function continues in the caller until a new line starts.
 */
final class LineStep implements Tracer.StepPlan {
    private enum Mode { STEPPING, TO_RETURN, TO_PROLOGUE_END }

    private final SourceLookup lookup;
    private final boolean into;
    private Mode mode = Mode.STEPPING;
    private SourceLookup.FunctionRange function;
    private SourceLookup.LineRow line;
    private long frameSp;

    private LineStep(SourceLookup lookup, boolean into, SourceLookup.FunctionRange function, SourceLookup.LineRow line, long sp) {
        this.lookup = lookup;
        this.into = into;
        this.function = function;
        this.line = line;
        this.frameSp = sp;
    }

    /** Empty when the pc has no line information (then only an instruction step makes sense). */
    static Optional<LineStep> at(Tracer tracer, SourceLookup lookup, int tid, boolean into) {
        long pc = tracer.pc(tid);
        Optional<SourceLookup.FunctionRange> fn = lookup.function(pc);
        Optional<SourceLookup.LineRow> row = lookup.lineAt(pc);
        if (fn.isEmpty() || row.isEmpty()) return Optional.empty();
        return Optional.of(new LineStep(lookup, into, fn.get(), row.get(), tracer.registers(tid)[Tracer.RSP]));
    }

    @Override public boolean stepped(Tracer tr, int tid) {
        tr.sites().clearStepTargets(tr, tid);
        long pc = tr.pc(tid);
        long sp = tr.registers(tid)[Tracer.RSP];
        if (mode == Mode.TO_PROLOGUE_END) return true;
        if (mode == Mode.TO_RETURN) {
            if (Long.compareUnsigned(sp, frameSp) < 0) return runTo(tr, tid, pc);   // a recursive call came back first
            mode = Mode.STEPPING;
        }
        if (function.start() <= pc && pc < function.end()) {
            Optional<SourceLookup.LineRow> row = lookup.lineAt(pc);
            if (row.isPresent() && row.get().address() == pc
                    && (row.get().line() != line.line() || !row.get().file().equals(line.file()))) {
                return true;
            }
            return singleStep(tr, tid);
        }
        if (Long.compareUnsigned(sp, frameSp) < 0) {              // a call: [sp] is the return address
            long[] ret = new long[1];
            if (!tr.readWord(sp, ret)) return true;
            Optional<SourceLookup.FunctionRange> callee = lookup.function(pc);
            if (into && callee.isPresent() && callee.get().start() == pc && lookup.lineAt(pc).isPresent()) {
                long body = lookup.afterPrologue(pc);
                if (body == pc) return true;
                mode = Mode.TO_PROLOGUE_END;
                return runTo(tr, tid, body);
            }
            mode = Mode.TO_RETURN;
            return runTo(tr, tid, ret[0]);
        }
        // Returned to the caller, in the middle of its line: go on to the start of a new line there.
        Optional<SourceLookup.FunctionRange> caller = lookup.function(pc);
        Optional<SourceLookup.LineRow> row = lookup.lineAt(pc);
        if (caller.isEmpty() || row.isEmpty()) return true;
        function = caller.get();
        line = row.get();
        frameSp = sp;
        return singleStep(tr, tid);
    }

    private static boolean singleStep(Tracer tr, int tid) {
        tr.singleStepTask(tr.task(tid));
        return false;
    }

    private static boolean runTo(Tracer tr, int tid, long address) {
        tr.sites().addStepTarget(tr, tid, address);
        tr.runThread(tid);
        return false;
    }
}
