package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.ThreadCallbacks;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A {@link ThreadSource} (cores, minidumps) or a {@link LiveProcess} as the callbacks libdwfl calls for thread state. */
final class ThreadServing {
    private ThreadServing() {}

    /** x86-64 DWARF registers 0..16 (rax, rdx, rcx, rbx, rsi, rdi, rbp, rsp, r8..r15, rip) as indexes into user_regs_struct. */
    private static final int[] DWARF_FROM_USER = {10, 12, 11, 5, 13, 14, 4, 19, 9, 8, 7, 6, 3, 2, 1, 0, 16};
    private static final int USER_RIP = 16;

    static ThreadCallbacks of(ThreadSource source) {
        int[] tids = source.threads();
        Map<Integer, Integer> index = new HashMap<>();
        for (int i = 0; i < tids.length; i++) index.putIfAbsent(tids[i], i);
        return new ThreadCallbacks() {
            @Override public int[] threads() { return tids; }
            @Override public Optional<InitialRegisters> registers(int tid) {
                Integer i = index.get(tid);
                return i == null ? Optional.empty() : Optional.of(new InitialRegisters(source.dwarfRegisters(i), source.pc(i),
                        source.moreRegisterNumbers(), source.moreRegisters(i)));
            }
            @Override public OptionalLong readWord(long address, int wordSize) { return source.readWord(address, wordSize); }
        };
    }

    static ThreadCallbacks of(LiveProcess process) {
        long[] word = new long[1];
        return new ThreadCallbacks() {
            @Override public int[] threads() { return process.threads(); }
            @Override public Optional<InitialRegisters> registers(int tid) {
                long[] user = process.userRegisters(tid);
                if (user == null) return Optional.empty();
                long[] dwarf = new long[DWARF_FROM_USER.length];
                for (int i = 0; i < dwarf.length; i++) dwarf[i] = user[DWARF_FROM_USER[i]];
                return Optional.of(new InitialRegisters(dwarf, user[USER_RIP]));
            }
            @Override public OptionalLong readWord(long address, int wordSize) {
                return process.readWord(address, word) ? OptionalLong.of(word[0]) : OptionalLong.empty();
            }
        };
    }
}
