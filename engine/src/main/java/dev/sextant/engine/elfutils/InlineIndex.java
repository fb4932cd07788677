package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.DwflModule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The inlined calls of each compile unit, indexed once per unit: {@code dwarf_getscopes} walks the
 * unit's DIE tree on every lookup (most of the time of an {@code ln} with inlines in libc), so the
 * first lookup in a unit walks it once and keeps every {@code DW_TAG_inlined_subroutine} with its
 * address ranges, depth, name and call site. Same answers as {@link Symbolizer#symbolize}'s chain.
 * One per {@link ElfSession}; same thread rules.
 */
public final class InlineIndex {

    /** One inlined call: the inlined function's name (demangled) and where it was called from. */
    public record Inline(Optional<String> function, Optional<String> callFile, OptionalInt callLine) {}

    private record Entry(long low, long high, int depth, Inline call) {}

    private final ElfSession session;
    private final Map<Long, List<Entry>> units = new HashMap<>();    // key: module handle ^ CU offset

    public InlineIndex(ElfSession session) { this.session = session; }

    /** The inlined calls containing {@code address}, innermost first; empty when none or no DWARF. */
    public List<Inline> at(long address) {
        Optional<DwflModule> mod = session.dwfl.moduleAt(address);
        if (mod.isEmpty()) return List.of();
        OptionalLong unit = mod.get().unitOffset(address);
        if (unit.isEmpty()) return List.of();
        long key = mod.get().key() * 31 + unit.getAsLong();
        List<Entry> entries = units.computeIfAbsent(key, k -> index(mod.get(), address));
        List<Entry> hits = new ArrayList<>(4);
        for (Entry e : entries) {
            if (Long.compareUnsigned(address, e.low) >= 0 && Long.compareUnsigned(address, e.high) < 0) hits.add(e);
        }
        if (hits.isEmpty()) return List.of();
        hits.sort(Comparator.comparingInt(Entry::depth).reversed());
        List<Inline> out = new ArrayList<>(hits.size());
        for (Entry e : hits) out.add(e.call);
        return out;
    }

    /** One inlined call's address range, with how many DIEs deep it is in its unit (not its inline nesting). */
    public record InlineRange(long low, long high, int dieDepth, Inline call) {}

    /** Every inlined call of every compile unit of the module holding {@code pc} (absolute addresses), unit by unit. */
    public void forEachUnit(long pc, Consumer<List<InlineRange>> unit) {
        session.dwfl.moduleAt(pc).ifPresent(m -> m.forEachUnitInlines(ranges -> {
            Map<DwflModule.InlineCall, Inline> named = new HashMap<>();
            List<InlineRange> out = new ArrayList<>(ranges.size());
            for (DwflModule.InlineRange r : ranges) out.add(new InlineRange(r.low(), r.high(), r.depth(), inline(named, r.call())));
            unit.accept(out);
        }));
    }

    private static Inline inline(Map<DwflModule.InlineCall, Inline> named, DwflModule.InlineCall call) {
        return named.computeIfAbsent(call, c -> new Inline(c.name().map(Demangler::demangle), c.callFile(), c.callLine()));
    }

    private static List<Entry> index(DwflModule mod, long address) {
        List<Entry> out = new ArrayList<>();
        Map<DwflModule.InlineCall, Inline> named = new HashMap<>();
        for (DwflModule.InlineRange r : mod.unitInlines(address)) {
            out.add(new Entry(r.low(), r.high(), r.depth(), inline(named, r.call())));
        }
        return out;
    }
}
