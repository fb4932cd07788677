package dev.sextant.engine.unwind;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Dynamic function tables for generated code, with the semantics of the seed's
 * {@code RtlInstallFunctionTableCallback} / {@code RtlAddFunctionTable} / {@code RtlDeleteFunctionTable}:
 * <ul>
 * <li>{@link #installCallback} registers a range whose entries a callback supplies lazily: for each
 *     lookup of a control address in the range, the callback gets that address and its context back
 *     and returns the entry or none. The table identifier must have its two low-order bits set
 *     ({@code base | 3}), otherwise the call is refused ({@code false}).</li>
 * <li>{@link #add} registers a fixed table; {@link #delete} removes either kind.</li>
 * <li>An installation may name an out-of-process provider instead of (or besides) a callback: a
 *     plug-in found with {@link ServiceLoader} in the jars of the provider directory.</li>
 * </ul>
 * Thread-safe. Callbacks and providers run on a worker thread, never under a lock of this class,
 * with a time limit: a callback that hangs is abandoned and the lookup answers "none" (the seed warns
 * that a callback taking the code generator's lock while the unwinder holds its own deadlocks).
 */
public final class FunctionTables implements AutoCloseable {

    /** In-process callback (the seed's {@code PGET_RUNTIME_FUNCTION_CALLBACK}). */
    @FunctionalInterface
    public interface Callback {
        /** The entry covering {@code controlPc} (absolute), offsets relative to the table's base address; or empty. */
        Optional<FunctionEntry> lookup(long controlPc, Object context);
    }

    /**
     * What a table is, for views and providers. {@code provider} is the out-of-process provider name, if any;
     * {@code origin} says who registered it ("GDB JIT interface", "perf map", "RtlAddFunctionTable"…).
     */
    public record TableInfo(long id, long base, long length, Kind kind, Optional<String> provider, int entryCount,
                            String origin) {
        public enum Kind { FIXED, CALLBACK }

        public boolean covers(long address) {
            long off = address - base;
            return Long.compareUnsigned(address, base) >= 0 && Long.compareUnsigned(off, length) < 0;
        }
    }

    /** The answer to a lookup. */
    public sealed interface Lookup permits Lookup.Found, Lookup.NotCovered, Lookup.NoEntry {
        /** {@code entry} offsets are relative to {@code entryBase} (the base address given at registration). */
        record Found(TableInfo table, long entryBase, FunctionEntry entry) implements Lookup {
            public long absoluteBegin() { return entryBase + entry.begin(); }
            public long absoluteEnd() { return entryBase + entry.end(); }
        }
        /** No dynamic table covers the address. */
        record NotCovered(long controlPc) implements Lookup {}
        /** A table covers it but has no entry: the callback said none, failed, or ran out of time. */
        record NoEntry(TableInfo table, String reason) implements Lookup {}
    }

    private sealed interface Table permits Fixed, Installed {
        TableInfo info();
    }
    private record Fixed(TableInfo info, long entryBase, List<FunctionEntry> sorted) implements Table {}
    private record Installed(TableInfo info, Callback callback, Object context) implements Table {}

    private final Map<Long, Table> tables = new LinkedHashMap<>();   // guarded by this
    private final List<Consumer<FunctionTableEvent>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, OutOfProcessProvider> providers;
    private final List<String> providerProblems;
    private final Duration timeLimit;
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sextant-function-table-callback");
        t.setDaemon(true);
        return t;
    });

    /** Tables without out-of-process providers. */
    public FunctionTables(Duration callbackTimeLimit) {
        this(callbackTimeLimit, List.of());
    }

    /**
     * @param callbackTimeLimit how long one callback or provider call may take
     * @param providerPath      directories whose {@code *.jar} files hold {@link OutOfProcessProvider}s
     */
    public FunctionTables(Duration callbackTimeLimit, List<Path> providerPath) {
        this.timeLimit = Objects.requireNonNull(callbackTimeLimit);
        Map<String, OutOfProcessProvider> found = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        List<URL> jars = new ArrayList<>();
        for (Path dir : providerPath) {
            if (!Files.isDirectory(dir)) { problems.add(dir + ": not a directory"); continue; }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) jars.add(jar.toUri().toURL());
            } catch (IOException e) {
                problems.add(dir + ": " + e.getMessage());
            }
        }
        if (!jars.isEmpty()) {
            ClassLoader loader = new URLClassLoader(jars.toArray(new URL[0]), FunctionTables.class.getClassLoader());
            try {
                for (ServiceLoader.Provider<OutOfProcessProvider> p : ServiceLoader.load(OutOfProcessProvider.class, loader)
                        .stream().toList()) {
                    try {
                        OutOfProcessProvider provider = p.get();
                        found.putIfAbsent(provider.name(), provider);
                    } catch (ServiceConfigurationError | RuntimeException e) {
                        problems.add("provider " + p.type().getName() + ": " + e.getMessage());
                    }
                }
            } catch (ServiceConfigurationError e) {
                problems.add("provider jars: " + e.getMessage());
            }
        }
        this.providers = Map.copyOf(found);
        this.providerProblems = List.copyOf(problems);
    }

    /** Names of the out-of-process providers found on the provider path. */
    public List<String> providerNames() { return providers.keySet().stream().sorted().toList(); }

    /** Jars or classes that could not be loaded as providers. */
    public List<String> providerProblems() { return providerProblems; }

    public void addListener(Consumer<FunctionTableEvent> listener) { listeners.add(listener); }
    public void removeListener(Consumer<FunctionTableEvent> listener) { listeners.remove(listener); }

    /**
     * {@code RtlInstallFunctionTableCallback}. Refused ({@code false}) when the identifier's two low
     * bits are not both set, when it is already in use, when the length is 0, or when there is neither
     * a callback nor a provider name. {@code outOfProcessProvider} may be null.
     */
    public boolean installCallback(long tableId, long baseAddress, long length, Callback callback, Object context,
                                   String outOfProcessProvider) {
        if ((tableId & 3) != 3 || length == 0 || (callback == null && outOfProcessProvider == null)) return false;
        TableInfo info = new TableInfo(tableId, baseAddress, length, TableInfo.Kind.CALLBACK,
                Optional.ofNullable(outOfProcessProvider), 0, outOfProcessProvider != null ? outOfProcessProvider : "callback");
        synchronized (this) {
            if (tables.containsKey(tableId)) return false;
            tables.put(tableId, new Installed(info, callback, context));
        }
        fire(new FunctionTableEvent.TableAdded(info));
        return true;
    }

    /**
     * {@code RtlAddFunctionTable}: a fixed table of entries relative to {@code baseAddress}; its range
     * runs from the lowest begin to the highest end. Refused when the id is in use or there are no entries.
     */
    public boolean add(long tableId, long baseAddress, List<FunctionEntry> entries) {
        return add(tableId, baseAddress, entries, "RtlAddFunctionTable");
    }

    /** As {@link #add(long, long, List)}, naming who registered the table. */
    public boolean add(long tableId, long baseAddress, List<FunctionEntry> entries, String origin) {
        if (entries.isEmpty()) return false;
        List<FunctionEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(FunctionEntry::begin, Long::compareUnsigned));
        long lo = sorted.get(0).begin();
        long hi = sorted.stream().map(FunctionEntry::end).max(Long::compareUnsigned).orElseThrow();
        TableInfo info = new TableInfo(tableId, baseAddress + lo, hi - lo, TableInfo.Kind.FIXED, Optional.empty(), sorted.size(),
                origin);
        synchronized (this) {
            if (tables.containsKey(tableId)) return false;
            tables.put(tableId, new Fixed(info, baseAddress, List.copyOf(sorted)));
        }
        fire(new FunctionTableEvent.TableAdded(info));
        return true;
    }

    /** {@code RtlDeleteFunctionTable}: removes a fixed or callback table; false when there is none with that id. */
    public boolean delete(long tableId) {
        Table removed;
        synchronized (this) {
            removed = tables.remove(tableId);
        }
        if (removed == null) return false;
        fire(new FunctionTableEvent.TableRemoved(removed.info()));
        return true;
    }

    /** Every table now registered, in registration order. */
    public synchronized List<TableInfo> tables() {
        return tables.values().stream().map(Table::info).toList();
    }

    /** The entries of a fixed table, sorted by begin (offsets from its base); empty for a callback table or an unknown id. */
    public synchronized List<FunctionEntry> entries(long tableId) {
        return tables.get(tableId) instanceof Fixed f ? f.sorted() : List.of();
    }

    /**
     * The entry for {@code controlPc} (absolute). Tables covering it are asked in registration order
     * and the first with an entry answers: a fixed table by binary search, a callback table by asking
     * its callback (or provider) now. Ranges may overlap (a perf map's range spans many JIT objects).
     */
    public Lookup lookup(long controlPc) {
        List<Table> covering = new ArrayList<>(2);
        synchronized (this) {
            for (Table t : tables.values()) {
                if (t.info().covers(controlPc)) covering.add(t);
            }
        }
        if (covering.isEmpty()) return new Lookup.NotCovered(controlPc);
        Lookup first = null;
        for (Table t : covering) {
            Lookup l = lookupIn(t, controlPc);
            if (l instanceof Lookup.Found) return l;
            if (first == null) first = l;
        }
        return first;
    }

    private Lookup lookupIn(Table table, long controlPc) {
        if (table instanceof Fixed f) {
            long off = controlPc - f.entryBase();
            int lo = 0, hi = f.sorted().size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                FunctionEntry e = f.sorted().get(mid);
                if (Long.compareUnsigned(off, e.begin()) < 0) hi = mid - 1;
                else if (Long.compareUnsigned(off, e.end()) >= 0) lo = mid + 1;
                else return new Lookup.Found(f.info(), f.entryBase(), e);
            }
            return new Lookup.NoEntry(f.info(), "no entry of the fixed table covers the address");
        }
        Installed t = (Installed) table;
        Lookup answer;
        if (t.callback() != null) {
            answer = ask(t.info(), () -> t.callback().lookup(controlPc, t.context()), "callback");
        } else {
            OutOfProcessProvider p = providers.get(t.info().provider().orElseThrow());
            if (p == null) return new Lookup.NoEntry(t.info(), "out-of-process provider " + t.info().provider().get() + " is not installed");
            answer = ask(t.info(), () -> p.lookup(t.info(), controlPc), "provider " + p.name());
        }
        if (answer instanceof Lookup.Found found && !found.entry().covers(controlPc - found.entryBase())) {
            return new Lookup.NoEntry(t.info(), "the answer [0x" + Long.toHexString(found.absoluteBegin()) + ", 0x"
                    + Long.toHexString(found.absoluteEnd()) + ") does not cover 0x" + Long.toHexString(controlPc));
        }
        return answer;
    }

    private Lookup ask(TableInfo info, java.util.concurrent.Callable<Optional<FunctionEntry>> call, String who) {
        Future<Optional<FunctionEntry>> f;
        try {
            f = workers.submit(call);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return new Lookup.NoEntry(info, "function tables are closed");
        }
        try {
            Optional<FunctionEntry> e = f.get(timeLimit.toNanos(), TimeUnit.NANOSECONDS);
            if (e == null || e.isEmpty()) return new Lookup.NoEntry(info, who + " returned no entry");
            return new Lookup.Found(info, info.base(), e.get());
        } catch (TimeoutException e) {
            f.cancel(true);
            return new Lookup.NoEntry(info, who + " did not answer within " + timeLimit.toMillis() + " ms and was abandoned");
        } catch (ExecutionException e) {
            return new Lookup.NoEntry(info, who + " failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            return new Lookup.NoEntry(info, "interrupted while waiting for the " + who);
        }
    }

    private void fire(FunctionTableEvent e) {
        for (Consumer<FunctionTableEvent> l : listeners) l.accept(e);
    }

    /** Stops the worker threads; a callback still hanging is interrupted. */
    @Override public void close() {
        workers.shutdownNow();
    }
}
