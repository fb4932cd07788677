package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.dump.BreakpadWalk;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The open minidump's Breakpad symbol loads after the open: the Modules view's Load, Retry and Cancel.
 * They run on a thread of their own, so that a download of minutes holds up neither the engine
 * thread nor the next open. As the symbol handler's, loads are queued one module at a time (a Retry
 * first); each forgets what the stores gave for its module and looks it up again in the Breakpad stores
 * of the symbol path in force then, told as the open's loads are (status, places, log, progress).
 * When that changes what is known, every stack is walked again and the stacks that changed are told
 * again ({@code StackWalked}, then {@code StacksGrouped}): the module's frames get their names.
 * <p>
 * {@link #close} (another target opened, or none) cancels the running load, drops the queue, and every
 * event of this dump not yet told is dropped on the engine thread: nothing of it reaches the next target.
 */
final class MinidumpSymbols implements AutoCloseable {
    private final CoreTarget.Host host;
    private final BreakpadWalk walk;
    private final long id;
    private final Map<Long, SymbolStatus> states;       // by base, as the rows show them; any thread
    private final List<BreakpadWalk.ModuleEntry> modules;
    private final Cancellation cancellation = new Cancellation();
    private final ExecutorService worker;
    private final LinkedHashSet<Long> pending = new LinkedHashSet<>();  // guarded by this
    private BreakpadSymbolLoads loads;                  // guarded by this: the loads of the queue being drained; null when idle
    private volatile boolean closed;
    private volatile String stores;
    private DumpReport told;                            // worker thread: the stacks as told last

    /**
     * @param report what the open told (its stacks are those to compare a new walk with)
     * @param states each module's state after the open, shared with the open's loads
     * @param stores the Breakpad entries of the symbol path in force
     */
    MinidumpSymbols(CoreTarget.Host host, BreakpadWalk walk, DumpReport report, long stopId, Map<Long, SymbolStatus> states, String stores) {
        this.host = host;
        this.walk = walk;
        this.told = report;
        this.id = stopId;
        this.states = states;
        this.stores = stores;
        this.modules = walk.modules();
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sextant-breakpad-loads");
            t.setDaemon(true);
            return t;
        });
    }

    /** The symbol path changed: the next load looks in its Breakpad entries. */
    void setStores(String breakpadStores) {
        stores = breakpadStores;
    }

    /**
     * Queues the module at (or containing) {@code address} unless its symbols are loaded or loading,
     * or, without an address, every module no frame has needed yet (deferred). Answers how many were queued.
     */
    int load(Optional<Address> address) {
        List<Long> bases = new ArrayList<>();
        if (address.isEmpty()) {
            for (var m : modules) if (states.get(m.base()) == SymbolStatus.DEFERRED) bases.add(m.base());
        } else {
            BreakpadWalk.ModuleEntry m = moduleAt(address.get());
            SymbolStatus s = states.get(m.base());
            if (s != SymbolStatus.LOADED && s != SymbolStatus.LOADING && lookable(m)) bases.add(m.base());
        }
        return enqueue(bases, false);
    }

    /** Forgets what the stores gave the module at {@code address} and looks it up again, first in the queue. Answers whether it was not queued yet. */
    boolean retry(Address address) {
        BreakpadWalk.ModuleEntry m = moduleAt(address);
        return lookable(m) && enqueue(List.of(m.base()), true) > 0;
    }

    /** Cancels one module's load (running or queued), or all; any thread. Answers whether one was found. */
    synchronized boolean cancel(Optional<Long> base) {
        boolean found;
        if (base.isEmpty()) {
            found = !pending.isEmpty();
            pending.clear();
        } else {
            found = pending.remove(base.get());
        }
        if (loads != null) {
            found |= base.isEmpty() ? loads.cancelRunning() : loads.cancel(base);
            loads.progress();
        }
        return found;
    }

    @Override public void close() {
        synchronized (this) {
            closed = true;
            pending.clear();
            if (loads != null) loads.cancelRunning();
        }
        cancellation.cancel();
        worker.shutdownNow();        // a download waiting for its answer is interrupted
    }

    private BreakpadWalk.ModuleEntry moduleAt(Address a) {
        return modules.stream().filter(m -> Long.compareUnsigned(a.value(), m.base()) >= 0
                        && Long.compareUnsigned(a.value() - m.base(), Math.max(m.size(), 1)) < 0).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no module at " + a));
    }

    /** A module the dump names by a usable name and id is looked up; any other is said failed, with why (no queue). */
    private boolean lookable(BreakpadWalk.ModuleEntry m) {
        if (m.hasKey()) return true;
        BreakpadSymbolLoads refusal = new BreakpadSymbolLoads(this::tell, id, cancellation, () -> 0, states);
        refusal.refused(m.name(), m.base(), "the dump gives no usable debug identifier or file name to look its symbol file up by");
        return false;
    }

    private synchronized int enqueue(List<Long> bases, boolean first) {
        if (closed || bases.isEmpty()) return 0;
        int added = (int) bases.stream().filter(b -> !pending.contains(b)).count();
        if (first) {
            LinkedHashSet<Long> order = new LinkedHashSet<>(bases);
            order.addAll(pending);
            pending.clear();
            pending.addAll(order);
        } else {
            pending.addAll(bases);
        }
        if (loads == null) {
            loads = new BreakpadSymbolLoads(this::tell, id, cancellation, this::waiting, states);
            worker.execute(this::drain);
        }
        loads.progress();       // "0 of N" while the first load runs: the queue is seen before a load ends
        return added;
    }

    private synchronized int waiting() { return pending.size(); }

    /** The worker: loads the queue one module at a time; the stacks are walked again after each load that changed what is known. */
    private void drain() {
        while (true) {
            long base;
            BreakpadSymbolLoads l;
            synchronized (this) {
                var it = pending.iterator();
                if (closed || !it.hasNext()) {
                    loads = null;
                    return;
                }
                base = it.next();
                it.remove();
                l = loads;
                l.allow(base);
            }
            try {
                if (walk.lookUpAgain(base, stores, l)) tellStacks(l);
            } catch (RuntimeException e) {
                tell(new DebugEvent.DiagnosticReported(id, new Diagnostic(Severity.ERROR, "Breakpad symbols: " + e.getMessage())));
            }
        }
    }

    /** Walks every stack again and tells those that changed, then the groups. */
    private void tellStacks(BreakpadSymbolLoads l) {
        List<ThreadStack> now = walk.walk(stores, l);
        List<ThreadStack> before = told.stacks();
        DumpReport r = told;
        told = new DumpReport(r.file(), r.format(), r.process(), r.signal(), r.threads(), r.modules(), now, r.diagnostics(), r.metadata());
        boolean any = false;
        for (int i = 0; i < now.size(); i++) {
            if (i < before.size() && now.get(i).equals(before.get(i))) continue;
            tell(new DebugEvent.StackWalked(id, now.get(i)));
            any = true;
        }
        if (any) tell(DebugEvent.StacksGrouped.of(id, told));
    }

    /** An event of this dump, told on the engine thread unless the dump was closed by then. */
    private void tell(DebugEvent e) {
        host.later(() -> {
            if (!closed) host.emit(e);
        });
    }
}
