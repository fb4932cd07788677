package dev.sextant.engine.linux;

import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.linux.jna.Ptrace;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The four x86-64 data breakpoints (DR0-DR3 hold addresses, DR7 enables them with a length and
 * write or read/write condition each), the same in every thread: the kernel keeps debug registers
 * per thread and a new thread starts with none, so each new thread gets them at its first stop.
 * Engine thread only (ptrace).
 */
public final class DebugRegisters {
    /** One armed slot: {@code length} 1, 2, 4 or 8 bytes at {@code address} (aligned to it). */
    public record Slot(long address, int length, boolean readWrite) {}

    public static final int SLOTS = 4;
    private final Slot[] slots = new Slot[SLOTS];

    /** The first free slot for a watch of {@code length} bytes at {@code address}; a clear error when none is free or it cannot be watched. */
    int reserve(long address, int length, boolean readWrite) {
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            throw new TargetException("a data watchpoint covers 1, 2, 4 or 8 bytes, not " + length + ": watch a scalar or one member");
        }
        if (address % length != 0) {
            throw new TargetException("0x" + Long.toHexString(address) + " is not aligned to " + length
                    + " bytes: x86-64 debug registers watch aligned ranges only");
        }
        for (int i = 0; i < SLOTS; i++) {
            if (slots[i] == null) {
                slots[i] = new Slot(address, length, readWrite);
                return i;
            }
        }
        throw new TargetException("all 4 hardware watchpoints (x86-64 debug registers DR0-DR3) are in use: remove one first");
    }

    void release(int slot) { slots[slot] = null; }

    Optional<Slot> slot(int i) { return Optional.ofNullable(slots[i]); }

    boolean any() {
        for (Slot s : slots) if (s != null) return true;
        return false;
    }

    /** DR7: local enable, condition (01 write, 11 read/write) and length (00 1, 01 2, 11 4, 10 8 bytes) per slot. */
    long dr7() {
        long v = 0;
        for (int i = 0; i < SLOTS; i++) {
            Slot s = slots[i];
            if (s == null) continue;
            long rw = s.readWrite() ? 0b11 : 0b01;
            long len = switch (s.length()) { case 1 -> 0b00; case 2 -> 0b01; case 8 -> 0b10; default -> 0b11; };
            v |= 1L << (2 * i);
            v |= (rw | len << 2) << (16 + 4 * i);
        }
        return v;
    }

    /** Writes every slot and DR7 into stopped thread {@code tid}; false when the thread is gone. */
    boolean apply(int tid) {
        try {
            Ptrace.pokeDebugRegister(tid, 7, 0);          // disable while the addresses change
            for (int i = 0; i < SLOTS; i++) Ptrace.pokeDebugRegister(tid, i, slots[i] == null ? 0 : slots[i].address());
            Ptrace.pokeDebugRegister(tid, 7, dr7());
            return true;
        } catch (NativeCallException e) {
            if (e.code() == Ptrace.ESRCH) return false;
            throw new TargetException("thread " + tid + ": the kernel refused the debug registers (" + e.getMessage() + ")", e);
        }
    }

    /** Which slot trapped in stopped thread {@code tid} (DR6's B0-B3), clearing DR6; empty when none did. */
    OptionalInt triggered(int tid) {
        long dr6 = Ptrace.peekDebugRegister(tid, 6);
        if ((dr6 & 0xf) == 0) return OptionalInt.empty();
        Ptrace.pokeDebugRegister(tid, 6, 0);
        for (int i = 0; i < SLOTS; i++) if ((dr6 & (1L << i)) != 0 && slots[i] != null) return OptionalInt.of(i);
        return OptionalInt.empty();
    }
}
