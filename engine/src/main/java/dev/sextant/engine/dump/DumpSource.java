package dev.sextant.engine.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * What {@link DumpWriter} needs of a target: its threads with registers, its mappings and a
 * reader of their bytes, its auxiliary vector and process details. Served by an existing core
 * ({@link CoreDumpSource}) or a stopped live process ({@link ProcDumpSource}). Called only from
 * the writing thread; the target must not run while it is read.
 */
public interface DumpSource {

    /** ELF {@code e_machine} of the target ({@code EM_X86_64}). */
    int machine();

    ProcessDetails process();

    /** The threads, the one that stopped or crashed first. */
    List<ThreadState> threads();

    /** The raw {@code siginfo_t} (128 bytes) of the signal that stopped the process, if it was stopped by one. */
    Optional<byte[]> siginfo();

    /** The raw auxiliary vector ({@code /proc/PID/auxv}), possibly empty. */
    byte[] auxv();

    /** The mappings, sorted by start address, not overlapping. */
    List<Mapping> mappings();

    /**
     * The parts of {@code m} whose bytes {@link #read} can give (a core only stores some). The
     * default is the whole mapping.
     */
    default List<ReasonData.MemoryRange> readable(Mapping m) { return List.of(new ReasonData.MemoryRange(m.start(), m.end())); }

    /**
     * Reads the target's memory at {@code address} into {@code dst} from its position up to its
     * limit; returns how many bytes were read (fewer, or 0, where memory is not readable).
     */
    int read(long address, ByteBuffer dst) throws IOException;

    /**
     * Copies up to {@code length} bytes at {@code address} straight into {@code out} when the source
     * can do so without passing them through the JVM (a core file: file-to-file copy); returns how
     * many it copied. The default copies nothing, and the writer reads through {@link #read}.
     */
    default long transferTo(long address, long length, java.nio.channels.WritableByteChannel out) throws IOException { return 0; }

    /** Process-wide details for {@code NT_PRPSINFO}. {@code fname} is at most 16 bytes, {@code psargs} at most 80. */
    record ProcessDetails(int pid, int ppid, int pgrp, int sid, int uid, int gid, char state, String fname, String psargs) {}

    /**
     * One thread: id, current signal, signal masks, the general registers in the kernel's
     * {@code user_regs_struct} order (27 words on x86-64), and the raw floating-point
     * ({@code NT_FPREGSET}, 512 bytes) and extended ({@code NT_X86_XSTATE}) state when known.
     */
    record ThreadState(int tid, int cursig, long sigpend, long sighold, long[] regs,
                       Optional<byte[]> fpregs, Optional<byte[]> xstate) {}

    /**
     * One mapping [start, end) with ELF segment flags ({@code PF_R}=4, {@code PF_W}=2,
     * {@code PF_X}=1), and the file it maps from {@code fileOffset}, if any ({@code [stack]} and
     * other pseudo-paths are no file).
     */
    record Mapping(long start, long end, int flags, long fileOffset, Optional<String> path) {
        public static final int PF_X = 1, PF_W = 2, PF_R = 4;

        public long length() { return end - start; }

        public boolean writable() { return (flags & PF_W) != 0; }
    }
}
