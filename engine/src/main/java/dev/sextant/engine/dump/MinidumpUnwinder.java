package dev.sextant.engine.dump;

import dev.sextant.engine.elfutils.ElfSession;
import dev.sextant.engine.elfutils.RawFrame;
import dev.sextant.engine.elfutils.ElfLocator;
import dev.sextant.engine.elfutils.ReportedModule;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.elfutils.CoreSession;
import dev.sextant.engine.elfutils.ModuleReport;
import dev.sextant.engine.elfutils.ResolvedFrame;
import dev.sextant.engine.elfutils.ThreadSource;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.ThreadContext;
import dev.sextant.engine.unwind.StackFrames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CFI unwinding of a Linux minidump with libdwfl, the way {@link CoreThreads} serves an ELF core:
 * the minidump's modules are reported by address and build-id, libdwfl finds their files (build-id
 * directories, debuginfod, then the path the module was loaded from, under {@code --sysroot} when
 * given, or beside the dump) and reads their {@code .eh_frame}; threads, registers and stack memory
 * come from the minidump. Also symbolizes the frames the frame-pointer walker and the stack scan
 * found. Absent when libdw is missing or no module file is on this machine. One thread.
 */
final class MinidumpUnwinder implements AutoCloseable {
    private final CoreSession dwfl;
    private final Map<Integer, Walk> walks = new HashMap<>();

    private record Walk(List<RawFrame> frames, Optional<String> stop) {}

    private MinidumpUnwinder(CoreSession dwfl) { this.dwfl = dwfl; }

    /** A session over {@code modules} and the threads with a context, or empty when nothing can be unwound with CFI. */
    static Optional<MinidumpUnwinder> open(Path dump, List<ModuleRecord> modules, Map<Integer, ThreadContext> contexts,
                                           MemoryRegions memory, CoreOptions options) {
        if (modules.isEmpty() || contexts.isEmpty() || ElfSession.unavailableReason().isPresent()) return Optional.empty();
        String arch = contexts.values().iterator().next().arch();
        int registers = switch (arch) {
            case "amd64" -> 17;         // DWARF rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip
            case "x86" -> 9;            // DWARF eax ecx edx ebx esp ebp esi edi eip
            case "arm64" -> 32;         // DWARF x0..x30 sp
            case "arm" -> 16;           // DWARF r0..r15
            default -> 0;
        };
        if (registers == 0) return Optional.empty();
        List<ReportedModule> reported = new ArrayList<>(modules.size());
        Map<String, String> buildIds = new HashMap<>();
        for (ModuleRecord m : modules) {
            Optional<byte[]> id = m.codeView().filter(cv -> cv instanceof ModuleRecord.ElfBuildId)
                    .map(cv -> ((ModuleRecord.ElfBuildId) cv).buildId());
            id.ifPresent(b -> buildIds.put(m.name(), java.util.HexFormat.of().formatHex(b)));
            reported.add(new ReportedModule(m.name(), m.base(), m.base() + m.size(), id));
        }
        List<Integer> tids = new ArrayList<>(contexts.keySet());
        List<ThreadContext> ctx = tids.stream().map(contexts::get).toList();
        ThreadSource threads = new ThreadSource() {
            @Override public int[] threads() { return tids.stream().mapToInt(Integer::intValue).toArray(); }
            @Override public long[] dwarfRegisters(int index) {
                var regs = ctx.get(index).registers();
                long[] out = new long[registers];
                for (int i = 0; i < registers && i < regs.size(); i++) out[i] = regs.get(i).value();
                return out;
            }
            @Override public long pc(int index) { return ctx.get(index).pc(); }
            @Override public java.util.OptionalLong readWord(long address, int wordSize) { return memory.readWord(address, wordSize); }
        };
        ElfLocator locator = name -> candidates(name, Optional.ofNullable(buildIds.get(name)), dump, options);
        try {
            CoreSession d = CoreSession.openModules(reported, locator, threads, 0, ctx.get(0).wordSize(), Optional.empty());
            return Optional.of(new MinidumpUnwinder(d));
        } catch (NativeCallException e) {
            return Optional.empty();        // e.g. no module file found: libdwfl has no backend to unwind with
        }
    }

    /**
     * Unwinds every thread now (libdwfl walks them all in one pass), up to
     * {@link MemoryStackWalker#FRAME_BUDGET} frames for the whole dump: a hostile dump listing a
     * hundred thousand threads over one stack stays bounded; threads past the budget keep the
     * frame-pointer and scan walk.
     */
    void walkAll() {
        long[] frames = {0};
        dwfl.walkThreads((tid, raw, stop) -> {
            frames[0] += raw.size();
            walks.put(tid, new Walk(raw, stop));
        }, () -> frames[0] >= MemoryStackWalker.FRAME_BUDGET);
    }

    /** Modules as libdwfl found them, by start address: where each file came from. */
    Map<Long, ModuleReport> modules() {
        Map<Long, ModuleReport> out = new LinkedHashMap<>();
        for (ModuleReport m : dwfl.modules()) out.put(m.start(), m);
        return out;
    }

    /**
     * The CFI walk of {@code tid} when it got past frame 0 (the scan finds more frames, most of
     * them stale return addresses, so a longer walk is not a better one); else {@code fallback},
     * the frame-pointer and scan walk, with its frames symbolized.
     */
    ThreadStack stack(Tid tid, ThreadStack fallback) {
        Walk w = walks.get(tid.value());
        if (w != null && w.frames().size() >= 2) {
            return new ThreadStack(tid, StackFrames.of(dwfl, w.frames(), Optional.empty()), w.stop());
        }
        List<StackFrame> out = new ArrayList<>(fallback.frames().size());
        for (StackFrame f : fallback.frames()) {
            List<ResolvedFrame> rows = dwfl.symbolize(f.pc().value(), f.index() == 0);
            if (rows.isEmpty()) {
                out.add(new StackFrame(out.size(), f.pc(), f.module(), f.function(), f.offset(), f.file(), f.line(), f.inline(), f.source()));
                continue;
            }
            for (ResolvedFrame r : rows) {
                out.add(new StackFrame(out.size(), Address.of(f.pc().value()), r.module().or(f::module), r.function(), r.offset(),
                        r.file(), r.line(), r.inline(), r.inline() ? FrameSource.INLINE : f.source()));
            }
        }
        return new ThreadStack(tid, out, fallback.stopReason());
    }

    /** The module's recorded path (under the sysroot when given), then its file name beside the dump; only files with its build-id. */
    private static List<Map.Entry<String, Path>> candidates(String name, Optional<String> buildId, Path dump, CoreOptions options) {
        List<Map.Entry<String, Path>> out = new ArrayList<>(3);
        if (name.startsWith("/")) {
            options.sysroot().ifPresent(r -> out.add(Map.entry("sysroot", r.resolve(name.substring(1)))));
            if (options.sysroot().isEmpty()) out.add(Map.entry("path in dump", Path.of(name)));
        }
        Path file = Path.of(name).getFileName();
        Path dir = dump.toAbsolutePath().getParent();
        if (file != null && dir != null && !file.toString().startsWith("[")) out.add(Map.entry("beside the dump", dir.resolve(file.toString())));
        out.removeIf(e -> !Files.isRegularFile(e.getValue())
                || buildId.isPresent() && !BuildId.ofFile(e.getValue()).map(buildId.get()::equals).orElse(false));
        return out;
    }

    @Override public void close() { dwfl.close(); }
}
