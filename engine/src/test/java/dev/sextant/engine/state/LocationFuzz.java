package dev.sextant.engine.state;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Op;
import dev.sextant.engine.testing.FuzzContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The DWARF location-expression evaluator of {@code locals} and the Variables view: any operation list
 * (as libdw decodes it: atom, operands, block), any value size, a frame whose frame base and CFA are
 * expressions themselves, registers of which some were not recovered, and a memory of 64 KiB.
 * Contract: a place, or {@link EvaluationException} for unreadable memory; reads never ask for a
 * negative or huge length; a result's bytes are no more than the value's size where one was given.
 */
class LocationFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("LocationFuzz", EvaluationException.class);
    private static final long MEMORY_START = 0x1000, MEMORY_SIZE = 0x10000;

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 2) return;
        long size = switch (data[0] & 3) { case 0 -> 8; case 1 -> data[1] & 0xff; case 2 -> (data[1] & 0xffL) << 24; default -> -1; };
        List<Op> ops = ops(data, 2);
        List<Op> frameBase = (data[1] & 1) != 0 ? ops : List.of(new Op(0x76, 16, 0, null));   // itself, or DW_OP_breg6 +16
        LocationEvaluator.Frame frame = new LocationEvaluator.Frame() {
            @Override public OptionalLong register(int regno) {
                return regno % 5 == 4 ? OptionalLong.empty() : OptionalLong.of(MEMORY_START + 0x100L * (regno & 0x3f));
            }
            @Override public Optional<List<Op>> frameBase() { return Optional.of(frameBase); }
            @Override public Optional<List<Op>> cfa() { return (data[1] & 2) != 0 ? Optional.of(ops) : Optional.empty(); }
            @Override public long bias() { return 0x400000; }
            @Override public byte[] read(long address, int length) {
                if (length < 0 || length > (1 << 20)) throw new AssertionError("read of " + length + " bytes");
                if (address < MEMORY_START || address + length > MEMORY_START + MEMORY_SIZE) throw EvaluationException.unreadable(address);
                byte[] b = new byte[length];
                Arrays.fill(b, (byte) address);
                return b;
            }
            @Override public OptionalLong entryValue(int regno) { return regno == 5 ? OptionalLong.of(42) : OptionalLong.empty(); }
        };
        CONTRACT.check(data.length, () -> {
            Value.Place p = LocationEvaluator.place(ops, size, frame);
            if (p == null) throw new AssertionError("no place");
            LocationEvaluator.valueOf(ops, frame);
        });
    }

    /** Operations from bytes: an atom, then a one-byte signed operand or (high bit) an eight-byte one, blocks for the block ops. */
    static List<Op> ops(byte[] d, int from) {
        List<Op> out = new ArrayList<>();
        int i = from;
        while (i < d.length && out.size() < 64) {
            int atom = d[i++] & 0xff;
            long number = 0, number2 = 0;
            byte[] block = null;
            if (i < d.length) {
                if ((d[i] & 0x80) != 0 && i + 9 <= d.length) { number = le(d, i + 1); i += 9; }
                else number = d[i++];
            }
            if (atom == 0x92 && i < d.length) number2 = d[i++];
            if ((atom == 0x9e || atom == 0xa3 || atom == 0xf3) && i < d.length) {
                int n = Math.min(d[i++] & 0x0f, d.length - i);
                block = Arrays.copyOfRange(d, i, i + n);
                i += n;
            }
            out.add(new Op(atom, number, number2, block));
        }
        return out;
    }

    private static long le(byte[] d, int at) {
        long v = 0;
        for (int k = 7; k >= 0; k--) v = v << 8 | (d[at + k] & 0xff);
        return v;
    }
}
