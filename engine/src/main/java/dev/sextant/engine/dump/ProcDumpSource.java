package dev.sextant.engine.dump;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.linux.DumpRegisters;
import dev.sextant.engine.linux.Tracer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A stopped live process as the source of a core: mappings from {@code /proc/PID/maps}, memory
 * from {@code /proc/PID/mem}, the auxiliary vector, process details from {@code stat},
 * {@code status} and {@code cmdline}; the threads' registers are supplied by the caller, who owns
 * the ptrace session and keeps every thread stopped while the core is written: {@link #open(Tracer)}
 * reads them through the tracer ({@link DumpRegisters}). x86-64 only. Owned by the engine thread.
 */
public final class ProcDumpSource implements DumpSource, AutoCloseable {
    private final int pid;
    private final List<ThreadState> threads;
    private final Optional<byte[]> siginfo;
    private final List<Mapping> mappings;
    private final java.util.Set<Long> unreadable;
    private final byte[] auxv;
    private final ProcessDetails process;
    private final FileChannel mem;

    private ProcDumpSource(int pid, List<ThreadState> threads, Optional<byte[]> siginfo) throws IOException {
        this.pid = pid;
        this.threads = List.copyOf(threads);
        this.siginfo = siginfo.map(byte[]::clone);
        Path proc = Path.of("/proc", Integer.toString(pid));
        String maps = Files.readString(proc.resolve("maps"));
        this.mappings = parseMaps(maps);
        this.unreadable = ioMappings(maps);
        this.auxv = Files.readAllBytes(proc.resolve("auxv"));
        this.process = details(pid, proc);
        this.mem = FileChannel.open(proc.resolve("mem"), StandardOpenOption.READ);
    }

    /** Opens process {@code pid} for reading; fails with a {@link TargetException} when it is gone or not accessible. */
    public static ProcDumpSource open(int pid, List<ThreadState> threads, Optional<byte[]> siginfo) {
        try {
            return new ProcDumpSource(pid, threads, siginfo);
        } catch (IOException e) {
            throw new TargetException("process " + pid + " cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Opens the process {@code tracer} holds stopped, with every thread's registers, FXSAVE and XSAVE
     * areas read through ptrace, and the stop signal's {@code siginfo_t} when a signal stopped it.
     * Engine thread only (the tracer's owner).
     */
    public static ProcDumpSource open(Tracer tracer) {
        List<DumpRegisters.Thread> read = DumpRegisters.read(tracer);
        if (read.isEmpty()) throw new TargetException("process " + tracer.pid() + " has no stopped thread to save");
        int signal = read.get(0).stopSignal();          // the kernel and gcore give every thread the process's signal
        List<ThreadState> threads = new ArrayList<>(read.size());
        for (DumpRegisters.Thread t : read) {
            long[] masks = signalMasks(tracer.pid(), t.tid());
            threads.add(new ThreadState(t.tid(), signal, masks[0], masks[1], t.user(), t.fpregs(), t.xstate()));
        }
        return open(tracer.pid(), threads, read.get(0).siginfo());
    }

    /** SigPnd and SigBlk of {@code /proc/PID/task/TID/status}: the thread's pending and blocked signals ({@code pr_sigpend}, {@code pr_sighold}). */
    static long[] signalMasks(int pid, int tid) {
        long[] out = new long[2];
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "status"))) {
                if (line.startsWith("SigPnd:")) out[0] = Long.parseUnsignedLong(line.substring(7).strip(), 16);
                if (line.startsWith("SigBlk:")) out[1] = Long.parseUnsignedLong(line.substring(7).strip(), 16);
            }
        } catch (IOException | NumberFormatException e) {
            return new long[2];                         // the thread ended meanwhile: no masks
        }
        return out;
    }

    /** The thread ids of {@code pid}, from {@code /proc/PID/task}, the main thread first. */
    public static List<Integer> threadIds(int pid) throws IOException {
        try (var s = Files.list(Path.of("/proc", Integer.toString(pid), "task"))) {
            List<Integer> out = new ArrayList<>(s.map(p -> Integer.parseInt(p.getFileName().toString())).sorted().toList());
            if (out.remove((Integer) pid)) out.add(0, pid);
            return out;
        }
    }

    public int pid() { return pid; }

    @Override public int machine() { return ElfHeader.EM_X86_64; }

    @Override public ProcessDetails process() { return process; }

    @Override public List<ThreadState> threads() { return threads; }

    @Override public Optional<byte[]> siginfo() { return siginfo.map(byte[]::clone); }

    @Override public byte[] auxv() { return auxv.clone(); }

    @Override public List<Mapping> mappings() { return mappings; }

    /**
     * Nothing of inaccessible mappings (guard pages) and of {@code [vvar]} and {@code [vvar_vclock]}
     * (I/O pages: {@code /proc/PID/mem} cannot read them, and the kernel's own cores leave them out too).
     */
    @Override public List<ReasonData.MemoryRange> readable(Mapping m) {
        if ((m.flags() & Mapping.PF_R) == 0 || m.start() < 0 || unreadable.contains(m.start())) return List.of();
        return DumpSource.super.readable(m);
    }

    @Override public int read(long address, ByteBuffer dst) {
        if (address < 0) return 0;                  // above 2^63 ([vsyscall]): not a file position
        try {
            int n = mem.read(dst, address);
            return Math.max(n, 0);
        } catch (IOException e) {
            return 0;                               // EIO: not mapped, or not readable through mem
        }
    }

    @Override public void close() throws IOException { mem.close(); }

    /** Parses {@code /proc/PID/maps}; {@code [vvar]}-style regions are kept as anonymous mappings. */
    static List<Mapping> parseMaps(String text) {
        List<Mapping> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5) continue;
            String[] range = f[0].split("-");
            long start = Long.parseUnsignedLong(range[0], 16), end = Long.parseUnsignedLong(range[1], 16);
            String perms = f[1];
            int flags = (perms.charAt(0) == 'r' ? Mapping.PF_R : 0) | (perms.charAt(1) == 'w' ? Mapping.PF_W : 0)
                    | (perms.charAt(2) == 'x' ? Mapping.PF_X : 0);
            Optional<String> path = f.length == 6 && f[5].startsWith("/") ? Optional.of(f[5]) : Optional.empty();
            out.add(new Mapping(start, end, flags, Long.parseUnsignedLong(f[2], 16), path));
        }
        return List.copyOf(out);
    }

    /** Start addresses of the kernel's I/O-page mappings ({@code [vvar]}, {@code [vvar_vclock]}). */
    static java.util.Set<Long> ioMappings(String maps) {
        java.util.Set<Long> out = new java.util.HashSet<>();
        for (String line : maps.split("\n")) {
            String[] f = line.trim().split("\\s+", 6);
            if (f.length == 6 && f[5].startsWith("[vvar")) out.add(Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16));
        }
        return out;
    }

    private static ProcessDetails details(int pid, Path proc) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        int close = stat.lastIndexOf(')');
        String comm = stat.substring(stat.indexOf('(') + 1, close);
        String[] f = stat.substring(close + 2).split(" ");
        char state = f[0].charAt(0);
        int ppid = Integer.parseInt(f[1]), pgrp = Integer.parseInt(f[2]), sid = Integer.parseInt(f[3]);
        int uid = 0, gid = 0;
        for (String line : Files.readAllLines(proc.resolve("status"))) {
            if (line.startsWith("Uid:")) uid = Integer.parseInt(line.split("\\s+")[1]);
            if (line.startsWith("Gid:")) gid = Integer.parseInt(line.split("\\s+")[1]);
        }
        byte[] cmd = Files.readAllBytes(proc.resolve("cmdline"));
        String args = new String(cmd, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        return new ProcessDetails(pid, ppid, pgrp, sid, uid, gid, state, comm, args.length() > 79 ? args.substring(0, 79) : args);
    }
}
