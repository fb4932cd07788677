package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code Dwfl_Thread_Callbacks} struct of one session and its Java callbacks, held as long as the
 * {@code Dwfl*}: libdwfl keeps only their addresses. A callback that fails answers "no" to libdwfl.
 * While {@link #restartRegisters} is set, {@code set_initial_registers} hands libdwfl those (a frame
 * Sextant stepped to) instead of the thread's own.
 */
final class ThreadState {
    final Memory struct;
    // Raw callbacks (pointers as longs): see LibDw.RawMemoryRead.
    private final LibDw.RawNextThread nextThread;
    private final LibDw.RawGetThread getThread;
    private final LibDw.RawMemoryRead memoryRead;
    private final LibDw.RawSetInitialRegisters setInitialRegisters;
    private int[] listing = new int[0];
    /** DWARF registers 0..16 (16 = pc) for the next {@code set_initial_registers}, or null for the thread's own. */
    Map<Integer, Long> restartRegisters;

    ThreadState(ThreadCallbacks source, int wordSize) {
        // *thread_argp starts NULL for each dwfl_getthreads walk; we keep the next index + 1 in it.
        this.nextThread = (dwfl, arg, threadArgp) -> {
            try {
                Pointer argp = new Pointer(threadArgp);
                long i = Pointer.nativeValue(argp.getPointer(0));
                if (i == 0) listing = source.threads();
                if (i >= listing.length) return 0;
                argp.setPointer(0, new Pointer(i + 1));
                return listing[(int) i];
            } catch (RuntimeException e) {
                return -1;
            }
        };
        this.getThread = (dwfl, tid, arg, threadArgp) -> {
            try {
                boolean known = Arrays.stream(source.threads()).anyMatch(t -> t == tid);
                if (known) new Pointer(threadArgp).setPointer(0, new Pointer(1));
                return (byte) (known ? 1 : 0);
            } catch (RuntimeException e) {
                return 0;
            }
        };
        this.memoryRead = (dwfl, addr, result, arg) -> {
            try {
                OptionalLong w = source.readWord(addr, wordSize);
                if (w.isEmpty()) return 0;
                new Pointer(result).setLong(0, w.getAsLong());
                return 1;
            } catch (RuntimeException e) {
                return 0;
            }
        };
        this.setInitialRegisters = (thread, arg) -> {
            try {
                if (restartRegisters != null) return setRestartRegisters(thread) ? (byte) 1 : 0;
                Optional<ThreadCallbacks.InitialRegisters> regs = source.registers(LibDw.dwfl_thread_tid(thread));
                if (regs.isEmpty()) return 0;
                long[] dwarf = regs.get().dwarf();
                if (LibDw.dwfl_thread_state_registers(thread, 0, dwarf.length, dwarf) == 0) return 0;
                int[] numbers = regs.get().moreNumbers();
                long[] one = new long[1];
                for (int i = 0; i < numbers.length; i++) {
                    one[0] = regs.get().more()[i];
                    if (LibDw.dwfl_thread_state_registers(thread, numbers[i], 1, one) == 0) return 0;
                }
                LibDw.dwfl_thread_state_register_pc(thread, regs.get().pc());
                return 1;
            } catch (RuntimeException e) {
                return 0;
            }
        };
        struct = new Memory(6L * Native.POINTER_SIZE);
        struct.clear();
        struct.setPointer(0, DirectCallbacks.pointer(nextThread));
        struct.setPointer(Native.POINTER_SIZE, DirectCallbacks.pointer(getThread));
        struct.setPointer(2L * Native.POINTER_SIZE, DirectCallbacks.pointer(memoryRead));
        struct.setPointer(3L * Native.POINTER_SIZE, DirectCallbacks.pointer(setInitialRegisters));
    }

    /** Hands libdwfl the registers of a frame Sextant stepped to; unknown registers stay undefined. */
    private boolean setRestartRegisters(long thread) {
        long[] one = new long[1];
        for (Map.Entry<Integer, Long> r : restartRegisters.entrySet()) {
            if (r.getKey() >= 16) continue;
            one[0] = r.getValue();
            if (LibDw.dwfl_thread_state_registers(thread, r.getKey(), 1, one) == 0) return false;
        }
        LibDw.dwfl_thread_state_register_pc(thread, restartRegisters.get(16));
        return true;
    }
}
