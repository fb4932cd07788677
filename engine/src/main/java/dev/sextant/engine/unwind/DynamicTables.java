package dev.sextant.engine.unwind;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.DynamicTable;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The dynamic function tables one target has registered, kept in a {@link FunctionTables} as fixed
 * tables: one per GDB JIT interface entry (its in-memory object's FDEs and symbols) and one for the
 * target's perf map (names only). {@code sync*} re-reads what the target has now and adds or
 * deletes tables for the difference, so listeners see tables appear and vanish. Also answers the
 * stack walker: the name of generated code at a pc, and a step to its caller with the table's CFI.
 * Owned by the thread that owns the target.
 */
public final class DynamicTables implements AutoCloseable {
    public static final String GDB_JIT = "GDB JIT interface", PERF_MAP = "perf map", REGISTER_FRAME = "__register_frame";
    /** The perf map's table id ("perf", two low bits set as the seed requires). */
    static final long PERF_MAP_ID = 0x7065_7266_0000_0003L;

    private final FunctionTables tables = new FunctionTables(Duration.ofSeconds(1));
    private final Map<Long, GdbJitInterface.Entry> jitTables = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private String perfMapStamp = "";

    public FunctionTables tables() { return tables; }

    /** What could not be read in the last syncs (cleared by each sync of the same source). */
    public synchronized List<String> problems() { return List.copyOf(problems); }

    /**
     * Re-reads the GDB JIT lists at {@code descriptors} (one per module that defines the symbol):
     * entries that are new get a table, entries gone lose theirs.
     */
    public void syncGdbJit(TargetMemory memory, List<Long> descriptors) {
        List<String> found = new ArrayList<>();
        List<GdbJitInterface.Entry> now = new ArrayList<>();
        for (long d : descriptors) now.addAll(GdbJitInterface.entries(memory, d, found));
        Set<Long> live = new HashSet<>();
        for (GdbJitInterface.Entry e : now) {
            long id = e.address() | 3;
            live.add(id);
            GdbJitInterface.Entry had = jitTables.get(id);
            if (e.equals(had)) continue;
            if (had != null) { tables.delete(id); jitTables.remove(id); }
            try {
                List<FunctionEntry> functions = GdbJitInterface.functions(memory, e);
                if (functions.isEmpty()) {
                    found.add("JIT object at 0x" + Long.toHexString(e.symfileAddress()) + " has no unwind entries");
                } else if (tables.add(id, 0, functions, GDB_JIT)) {
                    jitTables.put(id, e);
                }
            } catch (FormatException ex) {
                found.add("JIT object at 0x" + Long.toHexString(e.symfileAddress()) + ": " + ex.getMessage());
            }
        }
        for (Long id : List.copyOf(jitTables.keySet())) {
            if (!live.contains(id)) { tables.delete(id); jitTables.remove(id); }
        }
        synchronized (this) { problems.removeIf(p -> p.startsWith("JIT") || p.startsWith(GdbJitInterface.DESCRIPTOR)); problems.addAll(found); }
    }

    /** Bounds for a section registered with {@code __register_frame}, read until its zero terminator. */
    static final int MAX_REGISTERED_SECTION = 16 << 20, MAX_REGISTERED_RECORDS = 1 << 20;

    /**
     * libgcc's {@code __register_frame(begin)}: {@code begin} is an {@code .eh_frame} section in the
     * target's memory, ended by a zero length; its FDEs become a table. Returns false (and a problem)
     * when it cannot be read.
     */
    public boolean addRegisteredFrames(TargetMemory memory, long begin) {
        long id = registeredFrameId(begin);
        if (tables.tables().stream().anyMatch(t -> t.id() == id)) return true;
        try {
            long size = 0;
            for (int n = 0; ; n++) {
                OptionalLong w = memory.readWord(begin + size);
                if (w.isEmpty()) throw new FormatException(FormatException.Kind.TRUNCATED, size, "registered .eh_frame", "not readable");
                long len = w.getAsLong() & 0xffff_ffffL;
                if (len == 0) break;
                if (len == 0xffff_ffffL) {
                    OptionalLong l64 = memory.readWord(begin + size + 4);
                    if (l64.isEmpty()) throw new FormatException(FormatException.Kind.TRUNCATED, size + 4, "registered .eh_frame", "not readable");
                    len = 8 + l64.getAsLong();
                }
                size += 4 + len;
                if (size > MAX_REGISTERED_SECTION || size < 0 || n >= MAX_REGISTERED_RECORDS) {
                    throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, size, "registered .eh_frame", "no terminator within "
                            + MAX_REGISTERED_SECTION + " bytes");
                }
            }
            byte[] bytes = memory.read(begin, (int) size + 4);
            CfiSection section = new CfiSection(ByteReader.of(bytes, java.nio.ByteOrder.LITTLE_ENDIAN),
                    CfiSection.Kind.EH_FRAME, 8, PointerEncoding.Bases.of(begin));
            List<FunctionEntry> functions = entries(section, pc -> Optional.empty());
            return !functions.isEmpty() && tables.add(id, 0, functions, REGISTER_FRAME);
        } catch (FormatException e) {
            synchronized (this) { problems.add("__register_frame(0x" + Long.toHexString(begin) + "): " + e.getMessage()); }
            return false;
        }
    }

    /**
     * The sections the target registered with libgcc before anyone watched, read from libgcc's lists
     * (see {@link LibgccFrames}), each added as by {@link #addRegisteredFrames}. {@code code} reads the
     * two functions' code, {@code data} the target's memory. Returns how many sections were added.
     */
    public int addLibgccRegistered(TargetMemory code, TargetMemory data, long registerInfoBases, long deregisterInfoBases) {
        Optional<LibgccFrames.Heads> heads = LibgccFrames.heads(code, data, registerInfoBases, deregisterInfoBases);
        if (heads.isEmpty()) return 0;
        List<String> found = new ArrayList<>();
        int added = 0;
        for (long begin : LibgccFrames.sections(data, heads.get(), found)) if (addRegisteredFrames(data, begin)) added++;
        synchronized (this) { problems.addAll(found); }
        return added;
    }

    /** libgcc's {@code __deregister_frame(begin)}. */
    public boolean removeRegisteredFrames(long begin) { return tables.delete(registeredFrameId(begin)); }

    private static long registeredFrameId(long begin) { return (begin << 2) | 3; }

    /** One function per FDE of {@code section}, with its decoded rows (none when its program cannot be decoded). */
    static List<FunctionEntry> entries(CfiSection section, java.util.function.LongFunction<Optional<String>> names) {
        List<FunctionEntry> out = new ArrayList<>();
        for (Fde f : section.fdes()) {
            FunctionEntry.Unwind unwind;
            try {
                unwind = new FunctionEntry.Unwind.Cfi(CfaProgram.decode(section, f).rows());
            } catch (FormatException e) {
                unwind = new FunctionEntry.Unwind.None();
            }
            out.add(new FunctionEntry(f.pcBegin(), f.pcEnd(), names.apply(f.pcBegin()), unwind));
        }
        return out;
    }

    /** Loads (or reloads, when its size or time changed) the perf map; a missing file removes the table. */
    public void syncPerfMap(Path file) {
        String stamp;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            stamp = a.size() + "@" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            stamp = "";
        }
        if (stamp.equals(perfMapStamp)) return;
        perfMapStamp = stamp;
        tables.delete(PERF_MAP_ID);
        if (stamp.isEmpty()) return;
        try {
            PerfMap.Read r = PerfMap.read(file);
            tables.add(PERF_MAP_ID, 0, r.functions(), PERF_MAP);
            if (r.badLines() > 0) synchronized (this) { problems.add(file + ": " + r.badLines() + " lines are not START SIZE NAME"); }
        } catch (IOException e) {
            synchronized (this) { problems.add(file + ": " + e.getMessage()); }
        }
    }

    /** Generated code at a pc: the function's name and start, the table's origin, and whether it has CFI. */
    public record Code(Optional<String> name, long start, String origin, boolean hasCfi) {}

    /** What the tables say about {@code pc} ({@code activation}: pc is exact, else a return address). */
    public Optional<Code> describe(long pc, boolean activation) {
        if (tables.tables().isEmpty()) return Optional.empty();
        if (!(tables.lookup(activation ? pc : pc - 1) instanceof FunctionTables.Lookup.Found f)) return Optional.empty();
        return Optional.of(new Code(f.entry().name(), f.absoluteBegin(), f.table().origin(),
                f.entry().unwind() instanceof FunctionEntry.Unwind.Cfi));
    }

    /**
     * Steps the frame at {@code pc} out to its caller with the CFI of the table entry that covers it.
     * Empty when no entry with CFI covers it, the step fails, or the caller's stack pointer would not
     * be above this frame's (a corrupt stack must not loop the walk).
     */
    public Optional<CfiStep.Result.Caller> step(long pc, boolean activation, IntFunction<OptionalLong> registers, TargetMemory memory) {
        if (tables.tables().isEmpty()) return Optional.empty();
        long control = activation ? pc : pc - 1;
        if (!(tables.lookup(control) instanceof FunctionTables.Lookup.Found f)
                || !(f.entry().unwind() instanceof FunctionEntry.Unwind.Cfi cfi)) return Optional.empty();
        Optional<CfiRow> row = CfiStep.rowAt(cfi.rows(), control);
        if (row.isEmpty()) return Optional.empty();
        if (!(CfiStep.step(row.get(), CfiStep.RIP, registers, memory) instanceof CfiStep.Result.Caller c)) return Optional.empty();
        OptionalLong sp = registers.apply(CfiStep.RSP);
        if (sp.isPresent() && Long.compareUnsigned(c.sp(), sp.getAsLong()) <= 0) return Optional.empty();
        return Optional.of(c);
    }

    /** A table as the views show it: its functions with their unwind rows as text (x86-64 register names). */
    public DynamicTable describe(FunctionTables.TableInfo info) {
        List<DynamicTable.Function> functions = new ArrayList<>();
        for (FunctionEntry e : tables.entries(info.id())) {
            String unwind, detail;
            if (e.unwind() instanceof FunctionEntry.Unwind.Cfi cfi) {
                unwind = "CFI, " + cfi.rows().size() + (cfi.rows().size() == 1 ? " row" : " rows");
                detail = CfiText.rows(EM_X86_64, cfi.rows());
            } else if (e.unwind() instanceof FunctionEntry.Unwind.Windows w) {
                unwind = "x64 unwind info";
                detail = w.info().toString();
            } else {
                unwind = "none";
                detail = "No unwind information: frames here are stepped by the frame pointer.";
            }
            functions.add(new DynamicTable.Function(Address.of(e.begin()), Address.of(e.end()), e.name(), unwind, detail));
        }
        return new DynamicTable(info.id(), Address.of(info.base()), info.length(), info.origin(), functions);
    }

    private static final int EM_X86_64 = 62;

    @Override public void close() { tables.close(); }
}
