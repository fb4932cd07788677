package dev.sextant.engine.linux;

import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.format.io.ByteReader;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dynamic linker's rendezvous with debuggers ({@code <link.h>}): {@code _r_debug} holds the
 * link-map list and a state, and ld.so calls {@code r_brk} ({@code _dl_debug_state}) before and
 * after every change. Sextant keeps an internal breakpoint there; at each hit in the consistent
 * state it walks the list and reports the modules that came and went, by base address.
 * x86-64 layouts: r_debug {int r_version; link_map *r_map @8; r_brk @16; int r_state @24};
 * link_map {l_addr @0; char *l_name @8; l_ld @16; l_next @24}.
 */
public final class Rendezvous {
    static final int RT_CONSISTENT = 0, RT_ADD = 1, RT_DELETE = 2;
    private static final int MAX_MODULES = 1 << 16;

    private final Tracer tracer;
    private final long rDebug;
    private final Map<Long, String> known = new LinkedHashMap<>();

    private Rendezvous(Tracer tracer, long rDebug) {
        this.tracer = tracer;
        this.rDebug = rDebug;
    }

    /**
     * Finds {@code _r_debug} and {@code _dl_debug_state} in the dynamic linker and breaks there.
     * Empty for a static program (no dynamic linker: its module list never changes).
     */
    public static Optional<Rendezvous> install(Tracer tracer, SourceLookup lookup) {
        List<Long> rd = lookup.symbolAddresses("_r_debug", false);
        List<Long> brk = lookup.functionAddresses("_dl_debug_state");
        if (rd.isEmpty() || brk.isEmpty()) return Optional.empty();
        Rendezvous r = new Rendezvous(tracer, rd.get(0));
        r.known.putAll(r.linkMap());
        tracer.addInternalBreakpoint(brk.get(0), r::onHit);
        return Optional.of(r);
    }

    /** Modules in the link map now: base (l_addr) to name ("" for the main program). */
    public Map<Long, String> modules() { return Map.copyOf(known); }

    private void onHit() {
        long[] w = new long[1];
        if (!tracer.readWord(rDebug + 24, w) || (int) w[0] != RT_CONSISTENT) return;
        Map<Long, String> now = linkMap();
        List<Long> loaded = new ArrayList<>();
        List<Long> unloaded = new ArrayList<>();
        for (Map.Entry<Long, String> e : now.entrySet()) {
            if (!e.getValue().equals(known.get(e.getKey()))) loaded.add(e.getKey());
        }
        for (Map.Entry<Long, String> e : known.entrySet()) {
            if (!e.getValue().equals(now.get(e.getKey()))) unloaded.add(e.getKey());
        }
        known.clear();
        known.putAll(now);
        if (!loaded.isEmpty() || !unloaded.isEmpty()) tracer.addEvent(new TraceEvent.ModulesChanged(loaded, unloaded));
    }

    private Map<Long, String> linkMap() {
        Map<Long, String> out = new LinkedHashMap<>();
        long[] w = new long[1];
        if (!tracer.readWord(rDebug + 8, w)) return out;
        long lm = w[0];
        for (int i = 0; lm != 0 && i < MAX_MODULES; i++) {
            byte[] entry = tracer.readMemory(lm, 32);
            if (entry.length < 32) break;
            ByteReader r = ByteReader.of(entry, ByteOrder.LITTLE_ENDIAN);
            long addr = r.u64("l_addr", 0);
            long name = r.u64("l_name", 8);
            out.put(addr, name == 0 ? "" : cString(name));
            lm = r.u64("l_next", 24);
        }
        return out;
    }

    private String cString(long address) {
        byte[] b = tracer.readMemory(address, 512);
        int n = 0;
        while (n < b.length && b[n] != 0) n++;
        return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }
}
