package dev.sextant.engine.session;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Severity;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.breakpad.StoreKey;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.dump.BreakpadLoads;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * A minidump's Breakpad symbol loads, told as the symbol handler's loads are (see {@link SymbolHost}):
 * each module's lookup is a {@code SymbolStatusChanged} (loading n%, loaded, failed with every place
 * looked, cancelled), lines of the symbol load log (download progress, the outcome) and the overall
 * "Loading symbols" progress. Events are built on the reading thread with the open's stop id;
 * {@link #cancel} may be called from any thread and stops the running download (that module's
 * frames stay unnamed, the dump still opens).
 */
final class BreakpadSymbolLoads implements BreakpadLoads {
    static final String STORE = "Breakpad store", SERVER = "Breakpad symbol server";

    private final Consumer<DebugEvent> emit;
    private final long id;
    private final Cancellation open;
    private final IntSupplier waiting;
    private final Map<Long, SymbolStatus> states;
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelAll;
    private volatile long loading = -1;
    private volatile int started, ended;       // written by the loading thread; a queue reads them for its progress
    private Load current;

    /** @param open the open's cancellation: cancelling it cancels its loads too */
    BreakpadSymbolLoads(Consumer<DebugEvent> emit, long stopId, Cancellation open) {
        this(emit, stopId, open, () -> 0, new ConcurrentHashMap<>());
    }

    /**
     * @param waiting how many loads wait in a queue after these (the overall progress counts them)
     * @param states  each module's last state (by base), kept up to date here for a queue that asks from other threads
     */
    BreakpadSymbolLoads(Consumer<DebugEvent> emit, long stopId, Cancellation open, IntSupplier waiting, Map<Long, SymbolStatus> states) {
        this.emit = emit;
        this.id = stopId;
        this.open = open;
        this.waiting = waiting;
        this.states = states;
    }

    /** Cancels one module's load (by base), or every load from now on; any thread. Answers whether a load was running. */
    boolean cancel(Optional<Long> base) {
        long now = loading;
        if (base.isEmpty()) cancelAll = true;
        else cancelled.add(base.get());
        return now != -1 && (base.isEmpty() || base.get() == now);
    }

    /** Cancels the load running now, if one is (the loads after it go on); any thread. Answers whether one was running. */
    boolean cancelRunning() {
        long now = loading;
        if (now != -1) cancelled.add(now);
        return now != -1;
    }

    /** A new load of {@code base} is asked for (a Load, a Retry): a cancel of its earlier load no longer holds. */
    void allow(long base) {
        cancelled.remove(base);
    }

    /** Modules no frame needed, told as the symbol handler tells its deferred ones: a Load looks them up. */
    void deferred(String module, long base) {
        status(new Load(module, base), SymbolStatus.DEFERRED, OptionalInt.empty(), Optional.empty(), 0, false, Optional.empty());
    }

    /** A load asked for a module the stores cannot be asked about (the dump gives no usable name or id): failed, with why. */
    void refused(String module, long base, String why) {
        status(new Load(module, base), SymbolStatus.FAILED, OptionalInt.empty(), Optional.empty(), 0, false, Optional.of(why));
        emit.accept(new DebugEvent.SymbolLoadLogged(id, Severity.ERROR, Optional.of(module), "no symbols: " + why, false));
    }

    @Override public SymbolStores.Listener started(String module, long base, StoreKey key) {
        current = new Load(module, base);
        loading = base;
        started++;
        status(current, SymbolStatus.LOADING, OptionalInt.empty(), Optional.empty(), 0, false, Optional.empty());
        progress();
        return current;
    }

    @Override public void ended(long base, Optional<BreakpadSymbols> symbols) {
        Load l = current;
        if (l == null || l.base != base) return;
        l.place("not found");
        if (symbols.isPresent()) {
            BreakpadSymbols s = symbols.get();
            // Counted only when the file was indexed whole (a small one): a large file is searched in place, never read whole.
            int count = s.indexedWhole() ? s.functionCount() + s.publicCount() : 0;
            boolean lines = s.fileName(0).isPresent();
            status(l, SymbolStatus.LOADED, OptionalInt.empty(), l.source, count, lines, Optional.empty());
            log(l, Severity.INFO, "symbols loaded from " + l.source.orElse(STORE) + l.file.map(f -> " (" + f + ")").orElse(""));
        } else if (l.wasCancelled) {
            status(l, SymbolStatus.CANCELLED, OptionalInt.empty(), Optional.empty(), 0, false, Optional.of("cancelled"));
            log(l, Severity.INFO, "symbol load cancelled");
        } else {
            String why = l.places.isEmpty() ? "no Breakpad store to look in" : "no symbol file in the Breakpad stores: " + String.join("; ", l.places);
            status(l, SymbolStatus.FAILED, OptionalInt.empty(), Optional.empty(), 0, false, Optional.of(why));
            log(l, Severity.ERROR, "no symbols: " + why);
        }
        loading = -1;
        current = null;
        ended++;
        progress();
    }

    /** The overall "Loading symbols" progress: the loads ended of those started and waiting. */
    void progress() {
        emit.accept(new DebugEvent.ProgressReported(id, "Loading symbols", ended, started + waiting.getAsInt()));
    }

    private void status(Load l, SymbolStatus s, OptionalInt percent, Optional<String> source, int count, boolean lines, Optional<String> why) {
        List<String> places = l.places;
        if (s == SymbolStatus.LOADING && l.where != null) {        // while it looks, the place it looks at now
            places = new ArrayList<>(places);
            places.add("searching: " + label(l.where));
        }
        states.put(l.base, s);
        emit.accept(new DebugEvent.SymbolStatusChanged(id, new SymbolLoadStatus(l.module, Address.of(l.base), s, percent, source,
                s == SymbolStatus.LOADED ? l.file : Optional.empty(), count, lines, why, places)));
    }

    private void log(Load l, Severity severity, String text) {
        emit.accept(new DebugEvent.SymbolLoadLogged(id, severity, Optional.of(l.module), text, false));
    }

    private static String label(String where) {
        return (where.startsWith("http://") || where.startsWith("https://") ? SERVER : STORE) + " " + where;
    }

    /** One module's lookup: the places it looked and what each gave, in the words of the Modules view's details. */
    private final class Load implements SymbolStores.Listener {
        final String module;
        final long base;
        final List<String> places = new ArrayList<>();
        String where;                   // the place looked at now, no outcome yet
        Optional<String> file = Optional.empty(), source = Optional.empty();
        boolean wasCancelled;
        int percent = -1;

        Load(String module, long base) {
            this.module = module;
            this.base = base;
        }

        /** The place looked at now ends with {@code outcome}. */
        void place(String outcome) {
            if (where != null) places.add(outcome + ": " + label(where));
            where = null;
        }

        @Override public void searching(StoreKey key, String place) {
            place("not found");
            where = place;
        }

        @Override public void progress(StoreKey key, long done, long total) {
            int pct = total > 0 ? (int) Math.min(100, done * 100 / total) : -1;
            if (pct == percent && pct >= 0) return;      // one event per percent step, at most 101 per download
            percent = pct;
            status(this, SymbolStatus.LOADING, pct >= 0 ? OptionalInt.of(pct) : OptionalInt.empty(), Optional.empty(), 0, false, Optional.empty());
            log(this, Severity.INFO, "downloading symbols for " + key.name()
                    + (total > 0 ? ": " + done + " of " + total + " bytes" : ": " + done + " bytes"));
        }

        @Override public void found(StoreKey key, Path f) {
            boolean remote = where != null && (where.startsWith("http://") || where.startsWith("https://"));
            source = Optional.of(remote ? SERVER : STORE);
            file = Optional.of(f.toString());
            place("found");
        }

        @Override public void failed(StoreKey key, String place, String why) {
            if (where == null) where = place;
            if (why.equals("cancelled")) {
                place("cancelled");
            } else {
                String w = where;
                where = null;
                places.add("error: " + label(w) + ": " + why);
                log(this, Severity.WARNING, label(w) + ": " + why);
            }
        }

        @Override public boolean cancelled() {
            boolean c = cancelAll || cancelled.contains(base) || open.isCancelled();
            if (c) wasCancelled = true;
            return c;
        }
    }
}
