package dev.sextant.engine.dump;

import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.breakpad.StoreKey;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.format.minidump.MemoryRegions;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.ThreadContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open minidump's stacks as the Breakpad walk gives them, kept after the open for the Modules
 * view's Load and Retry: a module's symbol file looked up again in the Breakpad stores of the symbol
 * path in force then (a store added since, a server back), and every stack walked again with what is
 * known now, so that the frames of a module loaded late are named without reopening the dump. A dump
 * opened without stores has no walker until a first lookup. One thread at a time.
 */
public final class BreakpadWalk {
    private final MemoryRegions memory;
    private final List<ModuleRecord> modules;
    private final Map<Integer, ThreadContext> contexts;
    private final List<ThreadStack> opened;
    private BreakpadStackWalker walker;     // null: no store yet
    private String storesText;
    private SymbolStores stores;

    BreakpadWalk(MemoryRegions memory, List<ModuleRecord> modules, Map<Integer, ThreadContext> contexts, List<ThreadStack> opened,
            Optional<BreakpadStackWalker> walker, String storesText, Optional<SymbolStores> stores) {
        this.memory = memory;
        this.modules = List.copyOf(modules);
        this.contexts = Map.copyOf(contexts);
        this.opened = List.copyOf(opened);
        this.walker = walker.orElse(null);
        this.storesText = storesText;
        this.stores = stores.orElse(null);
    }

    /** A module of the dump: its path as the dump names it, and where it lies. */
    public record ModuleEntry(String name, long base, long size, boolean hasKey) {}

    /** The dump's modules (any thread: fixed at the open). */
    public List<ModuleEntry> modules() {
        return modules.stream().map(m -> new ModuleEntry(m.name(), m.base(), m.size(), StoreKey.of(m).isPresent())).toList();
    }

    /** Whether the module at {@code base} was looked up in the stores (found or not). */
    public boolean lookedUp(long base) { return walker != null && walker.lookedUp(base); }

    /**
     * Forgets what the stores gave for the module at {@code base} and looks its symbol file up again in
     * {@code symbolStores} ({@code ;}-separated, see {@link SymbolStores#breakpadEntries}), telling
     * {@code loads}; answers whether the stacks may have changed (symbols found now, or found before and not now).
     */
    public boolean lookUpAgain(long base, String symbolStores, BreakpadLoads loads) {
        ModuleRecord m = modules.stream().filter(r -> r.base() == base).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no module at 0x" + Long.toHexString(base)));
        use(symbolStores, loads);
        boolean before = walker.found(base);
        return walker.lookUpAgain(m) || before;
    }

    /**
     * Every stack walked again with the symbols known now, in the open's order; a module a walk needs
     * for the first time is looked up then (told to {@code loads}). Threads without registers keep what the open said.
     */
    public List<ThreadStack> walk(String symbolStores, BreakpadLoads loads) {
        use(symbolStores, loads);
        List<ThreadStack> out = new ArrayList<>(opened.size());
        for (ThreadStack st : opened) {
            ThreadContext c = contexts.get(st.tid().value());
            out.add(c == null ? st : walker.walk(st.tid(), c));
        }
        return out;
    }

    /** The stores of {@code symbolStores} (new ones when the path changed since), and a walker on them. */
    private void use(String symbolStores, BreakpadLoads loads) {
        if (stores == null || !symbolStores.equals(storesText)) {
            stores = SymbolStores.parse(symbolStores, Optional.empty());
            storesText = symbolStores;
        }
        if (walker == null) walker = new BreakpadStackWalker(memory, modules, stores, loads);
        else walker.use(stores, loads);
    }
}
