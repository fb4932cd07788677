package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.DwflModule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Name and line lookups a debugger needs to place breakpoints and step by source line, over an
 * {@link ElfSession}: function name to address, file:line to addresses, address to line, and the
 * line table of a CU. Absolute addresses throughout (module bias applied). Same thread as the session.
 */
public final class SourceLookup {
    private static final int STT_FUNC = 2, STT_GNU_IFUNC = 10, SHN_UNDEF = 0;

    /** One row of a line table: the address where a line's code starts. */
    public record LineRow(long address, String file, int line) {}

    /** A function symbol's range. */
    public record FunctionRange(String name, long start, long end) {}

    private final ElfSession session;

    public SourceLookup(ElfSession session) { this.session = session; }

    /** Addresses of defined functions named {@code name} (exact, mangled or plain C name), main executable's first. */
    public List<Long> functionAddresses(String name) { return symbolAddresses(name, true); }

    /** Addresses of defined symbols named {@code name}: functions only, or any type (data such as {@code _r_debug}). */
    public List<Long> symbolAddresses(String name, boolean functionsOnly) {
        List<Long> out = new ArrayList<>();
        for (DwflModule mod : session.dwfl.modules()) {
            int n = mod.symbolCount();
            for (int i = 1; i < n; i++) {
                Optional<DwflModule.Symbol> found = mod.symbol(i);
                if (found.isEmpty()) continue;
                DwflModule.Symbol sym = found.get();
                int type = sym.info() & 0xf;
                if ((functionsOnly && type != STT_FUNC && type != STT_GNU_IFUNC) || sym.sectionIndex() == SHN_UNDEF) continue;
                String s = sym.name();
                if (s.equals(name) || (s.startsWith(name) && s.startsWith("@", name.length()))) {
                    if (!out.contains(sym.address())) out.add(sym.address());
                }
            }
        }
        return out;
    }

    /** The function symbol containing {@code pc}. */
    public Optional<FunctionRange> function(long pc) {
        return session.dwfl.moduleAt(pc).flatMap(m -> m.symbolAt(pc)).map(s -> {
            long start = pc - s.offset();
            return new FunctionRange(s.name(), start, start + Math.max(s.size(), 1));
        });
    }

    /** Addresses where {@code file:line} begins (the file matched by its path's end, as gdb does). */
    public List<Long> lineAddresses(String file, int line) {
        List<Long> out = new ArrayList<>();
        for (DwflModule mod : session.dwfl.modules()) {
            for (DwflModule.LineInfo l : mod.lineRows(file, line)) {
                if (l.line() == line && !out.contains(l.address())) out.add(l.address());
            }
        }
        out.sort(Long::compareUnsigned);
        return out;
    }

    /** The line-table row covering {@code pc} (the closest row at or below it). */
    public Optional<LineRow> lineAt(long pc) {
        return session.dwfl.moduleAt(pc).flatMap(m -> m.lineAt(pc)).filter(l -> l.line() > 0)
                .map(l -> new LineRow(l.address(), l.file(), l.line()));
    }

    /** Every row of the line table of the CU containing {@code pc}, in table order (end-sequence rows included, line 0 skipped). */
    public List<LineRow> cuLines(long pc) {
        Optional<DwflModule> mod = session.dwfl.moduleAt(pc);
        if (mod.isEmpty()) return List.of();
        List<LineRow> out = new ArrayList<>();
        for (DwflModule.LineInfo l : mod.get().unitLines(pc)) {
            if (l.line() > 0) out.add(new LineRow(l.address(), l.file(), l.line()));
        }
        return out;
    }

    /**
     * The line rows of every compile unit of the module holding {@code pc}, one list per unit in table
     * order; addresses are absolute. The end of a sequence is a row with file "" and line 0.
     */
    public void forEachUnit(long pc, Consumer<List<LineRow>> unit) {
        session.dwfl.moduleAt(pc).ifPresent(m -> m.forEachUnitLines(rows -> {
            List<LineRow> out = new ArrayList<>(rows.size());
            for (DwflModule.LineInfo l : rows) out.add(new LineRow(l.address(), l.file(), l.line()));
            unit.accept(out);
        }));
    }

    /**
     * Where a breakpoint on a function goes, as gdb places it: the address where the function's
     * second line begins (after the prologue), else the entry itself.
     */
    public long afterPrologue(long entry) {
        Optional<FunctionRange> fn = function(entry);
        Optional<LineRow> first = lineAt(entry);
        if (fn.isEmpty() || first.isEmpty()) return entry;
        OptionalLong best = OptionalLong.empty();
        for (LineRow r : cuLines(entry)) {
            if (Long.compareUnsigned(r.address(), entry) > 0 && Long.compareUnsigned(r.address(), fn.get().end()) < 0
                    && r.line() != first.get().line()) {
                if (best.isEmpty() || Long.compareUnsigned(r.address(), best.getAsLong()) < 0) best = OptionalLong.of(r.address());
            }
        }
        return best.orElse(entry);
    }
}
