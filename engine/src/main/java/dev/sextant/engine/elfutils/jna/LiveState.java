package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.Arrays;

/**
 * The {@code Dwfl_Thread_Callbacks} struct and its Java callbacks for one live session. The
 * struct and the callback objects are held here as long as the {@code Dwfl*}: libdwfl keeps
 * only their addresses. A callback that fails answers "no" to libdwfl (never throws into C).
 */
final class LiveState {
    /** x86-64 DWARF registers 0..16 (rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8..r15, rip) as indexes into user_regs_struct. */
    private static final int[] DWARF_FROM_USER = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
    private static final int USER_RIP = 16;

    final Memory struct;
    private final LiveProcess process;
    private final LibDw.NextThread nextThread;
    private final LibDw.GetThread getThread;
    private final LibDw.MemoryRead memoryRead;
    private final LibDw.SetInitialRegisters setInitialRegisters;
    private int[] listing = new int[0];
    private final long[] word = new long[1];

    LiveState(LiveProcess process, Dwfl session) {
        this.process = process;
        // *thread_argp starts NULL for each dwfl_getthreads walk; we keep the next index + 1 in it.
        this.nextThread = (dwfl, arg, threadArgp) -> {
            try {
                long i = Pointer.nativeValue(threadArgp.getPointer(0));
                if (i == 0) listing = process.threads();
                if (i >= listing.length) return 0;
                threadArgp.setPointer(0, new Pointer(i + 1));
                return listing[(int) i];
            } catch (RuntimeException e) {
                return -1;
            }
        };
        this.getThread = (dwfl, tid, arg, threadArgp) -> {
            try {
                boolean known = Arrays.stream(process.threads()).anyMatch(t -> t == tid);
                if (known) threadArgp.setPointer(0, new Pointer(1));
                return (byte) (known ? 1 : 0);
            } catch (RuntimeException e) {
                return 0;
            }
        };
        this.memoryRead = (dwfl, addr, result, arg) -> {
            try {
                if (!process.readWord(addr, word)) return 0;
                result.setLong(0, word[0]);
                return 1;
            } catch (RuntimeException e) {
                return 0;
            }
        };
        this.setInitialRegisters = (thread, arg) -> {
            try {
                if (session.restarting()) return session.setRestartRegisters(thread) ? (byte) 1 : 0;
                long[] user = process.userRegisters(LibDw.dwfl_thread_tid(thread));
                if (user == null) return 0;
                long[] dwarf = new long[DWARF_FROM_USER.length];
                for (int i = 0; i < dwarf.length; i++) dwarf[i] = user[DWARF_FROM_USER[i]];
                if (LibDw.dwfl_thread_state_registers(thread, 0, dwarf.length, dwarf) == 0) return 0;
                LibDw.dwfl_thread_state_register_pc(thread, user[USER_RIP]);
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
}
