package dev.sextant.engine.unwind;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Steps one x86-64 frame out to its caller with a CFI row: computes the CFA, then each register of
 * the caller by the row's rules; registers the row does not mention keep their value when the ABI
 * makes them callee-saved (rbx, rbp, r12–r15) and are unknown otherwise. The caller's stack pointer
 * is the CFA and its pc is the return-address register's recovered value. DWARF expressions are not
 * evaluated: a row that needs one for the CFA or the return address cannot step. Pure.
 */
public final class CfiStep {
    private CfiStep() {}

    /** DWARF numbers of x86-64 rsp and of the return-address column (rip). */
    public static final int RSP = 7, RIP = 16;
    private static final int[] CALLEE_SAVED = {3, 6, 12, 13, 14, 15};

    /** Why a step failed, or the caller's registers (DWARF number to value; {@link #RIP} is the caller's pc). */
    public sealed interface Result {
        record Caller(Map<Integer, Long> registers) implements Result {
            public Caller { registers = Map.copyOf(registers); }
            public long pc() { return registers.get(RIP); }
            public long sp() { return registers.get(RSP); }
        }
        record Failed(String reason) implements Result {}
    }

    /**
     * @param row       the row in force at the frame's pc (for a return address, at pc − 1)
     * @param registers the frame's registers by DWARF number, empty where unknown
     */
    public static Result step(CfiRow row, int returnAddressRegister, IntFunction<OptionalLong> registers, TargetMemory memory) {
        long cfa;
        if (row.cfa() instanceof CfaRule.RegisterOffset ro) {
            OptionalLong base = registers.apply(ro.register());
            if (base.isEmpty()) return new Result.Failed("the CFA register " + ro.register() + " is unknown in this frame");
            cfa = base.getAsLong() + ro.offset();
        } else {
            return new Result.Failed("the CFA is a DWARF expression, which Sextant does not evaluate");
        }
        Map<Integer, Long> caller = new TreeMap<>();
        for (int r : CALLEE_SAVED) registers.apply(r).ifPresent(v -> caller.put(r, v));
        for (RegisterRule rule : row.registers()) {
            int reg = rule.register();
            caller.remove(reg);
            OptionalLong value;
            if (rule instanceof RegisterRule.SameValue) value = registers.apply(reg);
            else if (rule instanceof RegisterRule.Offset o) value = memory.readWord(cfa + o.offset());
            else if (rule instanceof RegisterRule.ValOffset v) value = OptionalLong.of(cfa + v.offset());
            else if (rule instanceof RegisterRule.InRegister in) value = registers.apply(in.source());
            else value = OptionalLong.empty();     // undefined, or a DWARF expression
            if (value.isPresent()) caller.put(reg, value.getAsLong());
        }
        Long ra = caller.get(returnAddressRegister);
        if (ra == null) return new Result.Failed("the return address (register " + returnAddressRegister + ") cannot be recovered");
        caller.put(RIP, ra);
        caller.put(RSP, cfa);
        return new Result.Caller(caller);
    }

    /** The row in force at {@code pc}: the last whose location is not above it; empty before the first. */
    public static Optional<CfiRow> rowAt(java.util.List<CfiRow> rows, long pc) {
        CfiRow found = null;
        for (CfiRow r : rows) {
            if (Long.compareUnsigned(r.location(), pc) <= 0) found = r;
            else break;
        }
        return Optional.ofNullable(found);
    }
}
