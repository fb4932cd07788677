package dev.sextant.engine.symbols;

import dev.sextant.engine.api.AddressInfo;
import dev.sextant.engine.api.ModuleSymbols;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.Address;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Client side of {@link DebuginfodTest}, run in a child JVM inside the test's private network
 * namespace (where the debuginfod server listens): each scenario prints its symbol events as
 * {@code EV <CBA_name> <record>} lines, then {@code RESULT} and {@code ELAPSED} lines.
 * Arguments: core exe serverUrl garbageUrl slowUrl silentUrl cacheDir unwritableCache.
 */
public final class DebuginfodProbe {
    private DebuginfodProbe() {}

    static boolean cancelNext;

    public static void main(String[] args) {
        Path core = Path.of(args[0]), exe = Path.of(args[1]);
        String server = args[2], garbage = args[3], slow = args[4], silent = args[5], cache = args[6], unwritable = args[7];
        Set<SymbolOption> opts = EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.PREFER_LOCAL,
                SymbolOption.DEBUGINFOD, SymbolOption.DEBUG);
        java.time.Duration timeout = java.time.Duration.ofSeconds(5);

        SymbolPath good = SymbolPath.parse("own;debuglink;debuginfod*" + cache + "*" + server, Map.of());
        SymbolPath throttled = SymbolPath.parse("own;debuglink;debuginfod*" + cache + "*" + slow, Map.of());
        try (SymbolHandler h = new SymbolHandler(throttled, opts, timeout)) {
            register(h);
            h.openCore(core, Optional.of(exe));
            Address base = exeBase(h);
            scenario("cancel");
            cancelNext = true;
            long t0 = System.nanoTime();
            result(h.loadSymbols(base), t0);
            scenario("responsive");
            long t = System.nanoTime();
            h.setOptions(opts);
            h.setPath(good);
            result(h.modules().get(0), t);
            scenario("retry");
            cancelNext = false;
            t = System.nanoTime();
            result(h.loadSymbols(base), t);
            for (List<AddressInfo> stack : h.stacks()) {
                for (AddressInfo f : stack) {
                    System.out.println("FRAME " + f.symbol().orElse("?") + " " + f.file().map(x -> Path.of(x).getFileName().toString()).orElse("?")
                            + ":" + (f.line().isPresent() ? f.line().getAsInt() : 0));
                }
            }
        }
        one("cache", good, core, exe, opts, timeout);
        // The GUI's Cancel button: another thread calls cancelLoads() while bytes are flowing.
        try (SymbolHandler h = new SymbolHandler(SymbolPath.parse("own;debuginfod*" + cache + "-5*" + slow, Map.of()), opts, timeout)) {
            java.util.concurrent.atomic.AtomicBoolean asked = new java.util.concurrent.atomic.AtomicBoolean();
            h.registerCallback((e, ctx) -> {
                System.out.println("EV " + e.action().seedName() + " " + e);
                if (e instanceof SymbolEvent.Message m && m.percent().isPresent() && asked.compareAndSet(false, true)) {
                    Thread t = new Thread(h::cancelLoads, "gui");
                    t.start();
                    try { t.join(); } catch (InterruptedException x) { Thread.currentThread().interrupt(); }
                }
                return false;
            }, null);
            h.openCore(core, Optional.of(exe));
            scenario("cancel-from-another-thread");
            long t = System.nanoTime();
            result(h.loadSymbols(exeBase(h)), t);
        }
        one("unreachable", SymbolPath.parse("own;debuginfod*" + cache + "-2*http://127.0.0.1:9", Map.of()), core, exe, opts, timeout);
        one("garbage", SymbolPath.parse("own;debuginfod*" + cache + "-3*" + garbage, Map.of()), core, exe, opts, timeout);
        one("silent", SymbolPath.parse("own;debuginfod*" + cache + "-4*" + silent, Map.of()), core, exe, opts, timeout);
        one("unwritable", SymbolPath.parse("own;debuginfod*" + unwritable + "*" + server, Map.of()), core, exe, opts, timeout);
        System.out.println("DONE");
    }

    static void one(String name, SymbolPath path, Path core, Path exe, Set<SymbolOption> opts, java.time.Duration timeout) {
        try (SymbolHandler h = new SymbolHandler(path, opts, timeout)) {
            register(h);
            h.openCore(core, Optional.of(exe));
            scenario(name);
            long t = System.nanoTime();
            result(h.loadSymbols(exeBase(h)), t);
        }
    }

    static void register(SymbolHandler h) {
        h.registerCallback((e, ctx) -> {
            System.out.println("EV " + e.action().seedName() + " " + e);
            // Cancel once bytes are flowing (the first queries come before the server answers).
            return e instanceof SymbolEvent.DeferredLoadCancel q && cancelNext && q.done() > 0 && q.done() < q.total();
        }, "probe");
    }

    static Address exeBase(SymbolHandler h) {
        return h.modules().stream().filter(m -> m.shortName().equals("bigprog")).findFirst().orElseThrow().base();
    }

    static void scenario(String name) {
        System.out.println("SCENARIO " + name);
    }

    static void result(ModuleSymbols m, long startNanos) {
        System.out.println("RESULT " + m.status() + " " + m.source().map(Enum::name).orElse("-") + " " + m.reason().orElse("-"));
        System.out.println("ELAPSED " + (System.nanoTime() - startNanos) / 1_000_000);
    }
}
