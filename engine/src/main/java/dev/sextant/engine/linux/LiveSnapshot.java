package dev.sextant.engine.linux;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.RegisterSet;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.LiveProcess;
import dev.sextant.engine.elfutils.ModuleReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import dev.sextant.engine.unwind.StackFrames;
import dev.sextant.engine.unwind.DynamicTables;
import dev.sextant.engine.unwind.TargetMemory;

/**
 * Reads what the views show of a stopped live process: process facts from /proc, threads with
 * their registers, modules and every thread's symbolized stack, as the same {@link DumpReport}
 * the core reader produces. Engine thread only; the tracer must have stopped every thread.
 */
public final class LiveSnapshot {
    private LiveSnapshot() {}

    static final String[] X86_64 = {"r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8",
            "rax", "rcx", "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base",
            "ds", "es", "fs", "gs"};

    /** The libdwfl view of the tracer's stopped threads (served by the tracer: libdwfl never attaches). */
    public static LiveProcess unwindSource(Tracer tracer) {
        return new LiveProcess() {
            @Override public int[] threads() { return tracer.stoppedThreads(); }
            @Override public long[] userRegisters(int tid) { return tracer.registers(tid); }
            @Override public boolean readWord(long address, long[] out) { return tracer.readWord(address, out); }
        };
    }

    public static boolean isRegisterName(String name) { return List.of(X86_64).contains(name); }

    public static RegisterSet registerSet(long[] user) {
        List<Register> regs = new ArrayList<>(user.length);
        for (int i = 0; i < user.length && i < X86_64.length; i++) regs.add(new Register(X86_64[i], user[i]));
        return new RegisterSet("x86-64", regs);
    }

    public static ProcessInfo processInfo(int pid) {
        String proc = "/proc/" + pid;
        String comm = readString(proc + "/comm").strip();
        String cmdline = readString(proc + "/cmdline").replace('\0', ' ').strip();
        Optional<String> exe;
        try {
            exe = Optional.of(Files.readSymbolicLink(Path.of(proc + "/exe")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            exe = Optional.empty();
        }
        Optional<Pid> parent = Optional.empty();
        String stat = readString(proc + "/stat");
        int close = stat.lastIndexOf(')');
        if (close > 0) {
            String[] f = stat.substring(close + 2).split(" ");
            if (f.length > 1) {
                try { parent = Optional.of(new Pid(Integer.parseInt(f[1]))).filter(p -> p.value() > 0); } catch (NumberFormatException ignored) { /* absent */ }
            }
        }
        return new ProcessInfo(new Pid(pid), parent, comm, cmdline, exe, "x86-64");
    }

    public static Optional<String> threadName(int pid, int tid) {
        String n = readString("/proc/" + pid + "/task/" + tid + "/comm").strip();
        return n.isEmpty() ? Optional.empty() : Optional.of(n);
    }

    public static List<Module> modules(ElfSession dwfl) {
        List<Module> out = new ArrayList<>();
        for (ModuleReport m : dwfl.modules()) {
            out.add(new Module(m.name(), Address.of(m.start()), m.end() - m.start(), m.buildId(), m.mainFile(), m.debugFile()));
        }
        return out;
    }

    /** The whole report: threads in the tracer's order (leader first), one stack each. */
    public static DumpReport read(Tracer tracer, ElfSession dwfl, Cancellation cancel) {
        return read(tracer, dwfl, Optional.empty(), cancel);
    }

    /** The target's memory as the unwind tables read it. */
    public static TargetMemory memory(Tracer tracer) {
        return new TargetMemory() {
            @Override public byte[] read(long address, int length) { return tracer.readMemory(address, length); }
            @Override public OptionalLong readWord(long address) {
                long[] w = new long[1];
                return tracer.readWord(address, w) ? OptionalLong.of(w[0]) : OptionalLong.empty();
            }
        };
    }

    /**
     * As {@link #read(Tracer, ElfSession, Cancellation)}; frames in generated code that {@code tables}
     * describes are named from the tables and, where a table has CFI, stepped with it.
     */
    public static DumpReport read(Tracer tracer, ElfSession dwfl, Optional<DynamicTables> tables, Cancellation cancel) {
        int pid = tracer.pid();
        ProcessInfo process = processInfo(pid);
        List<Diagnostic> diagnostics = new ArrayList<>();
        int[] tids = tracer.stoppedThreads();
        // Thread names are plain /proc reads: another thread fetches them while this one does ptrace and unwinding.
        java.util.concurrent.CompletableFuture<Map<Integer, Optional<String>>> names = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            Map<Integer, Optional<String>> m = new HashMap<>();
            for (int tid : tids) m.put(tid, threadName(pid, tid));
            return m;
        });
        Map<Integer, long[]> registers = new HashMap<>();
        for (int tid : tids) {
            long[] regs = tracer.registers(tid);
            if (regs != null) registers.put(tid, regs);
        }
        List<Module> modules = modules(dwfl);
        for (Module m : modules) {
            if (!m.found() && !m.path().startsWith("[")) {
                diagnostics.add(new Diagnostic(Severity.WARNING, "module " + m.path() + " not found on this machine: its frames have no symbols"));
            }
        }
        Map<Tid, ThreadStack> stacks = new HashMap<>();
        StackFrames.walk(dwfl, tables, memory(tracer), cancel::isCancelled, diagnostics::add,
                (tid, frames, stop) -> stacks.put(new Tid(tid), new ThreadStack(new Tid(tid), frames, stop)));
        cancel.throwIfCancelled();
        Map<Integer, Optional<String>> threadNames = names.join();
        List<ThreadInfo> threads = new ArrayList<>();
        for (int tid : tids) {
            long[] regs = registers.get(tid);
            if (regs != null) {
                threads.add(new ThreadInfo(new Tid(tid), threadNames.getOrDefault(tid, Optional.empty()), false, 0, registerSet(regs)));
            }
        }
        List<ThreadStack> ordered = new ArrayList<>();
        for (ThreadInfo t : threads) {
            ThreadStack s = stacks.get(t.tid());
            if (s != null) ordered.add(s);
        }
        return new DumpReport(Path.of("/proc/" + pid), "live process (x86-64)", process, Optional.empty(), threads, modules,
                ordered, diagnostics);
    }

    private static String readString(String path) {
        try {
            return Files.readString(Path.of(path), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
