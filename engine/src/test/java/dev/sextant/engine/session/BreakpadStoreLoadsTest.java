package dev.sextant.engine.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.breakpad.StoreKey;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.format.minidump.Minidump;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.EventLog;
import dev.sextant.engine.testing.LinuxMiniStore;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.SplitDebugProgram;
import dev.sextant.engine.testing.SymbolServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minidump's Breakpad symbol loads through the engine, as the window and the command line see
 * them: each module's lookup a symbol load (status, places, log, progress), from a real HTTP store on
 * 127.0.0.1 (throttled, failing, missing); a slow download cancelled with {@code CancelSymbolLoad}
 * while the dump opens, which still opens. After the open, Load and Retry (a minidump's symbols are
 * Breakpad's, not the symbol handler's): a lookup that failed while the server was down is retried once
 * it is back, and the crashed thread's stack is told again with the names the symbol file gives,
 * without reopening the dump; Load looks up modules no frame needed (deferred) and a module that
 * failed. And a new target ends the last one's loads: an ELF core's debuginfod download stops when a
 * minidump is opened, a minidump's retried download when an ELF core is, and neither reports into the next.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakpadStoreLoadsTest {
    @TempDir Path dir;
    EngineThread engine;
    final EventLog log = new EventLog();
    Path dump;

    @BeforeEach void start() {
        dump = Corpus.require("minidump/rust-minidump/linux-mini.dmp");
        System.setProperty(SymbolStores.CACHE_PROPERTY, dir.resolve("cache").toString());
        engine = new EngineThread();
        engine.addListener(log);
    }

    @AfterEach void stop() {
        engine.close();
        System.clearProperty(SymbolStores.CACHE_PROPERTY);
    }

    CompletableFuture<DumpReport> open(String symbolPath) throws Exception {
        engine.submit(new Command.SetSymbolPath(symbolPath)).get(30, TimeUnit.SECONDS);
        return engine.submit(new Command.OpenCore(dump, Optional.empty(), Optional.empty(), new Cancellation()));
    }

    static boolean crash(SymbolLoadStatus s) { return s.module().endsWith("/" + LinuxMiniStore.MODULE); }

    List<SymbolLoadStatus> crashStates() {
        return log.of(DebugEvent.SymbolStatusChanged.class).stream().map(DebugEvent.SymbolStatusChanged::status).filter(BreakpadStoreLoadsTest::crash).toList();
    }

    static List<String> functions(DumpReport r) {
        return r.stacks().get(0).frames().stream().map(StackFrame::function).flatMap(Optional::stream).toList();
    }

    DumpReport openNow(String symbolPath) throws Exception {
        return open(symbolPath).get(60, TimeUnit.SECONDS);
    }

    DumpReport openFile(Path file) throws Exception {
        return engine.submit(new Command.OpenCore(file, Optional.empty(), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
    }

    /** This test's own engine instead of the default one. */
    void replaceEngine(EngineThread e) {
        engine.close();
        engine = e;
        engine.addListener(log);
    }

    SymbolLoadStatus last(java.util.function.Predicate<SymbolLoadStatus> which) {
        return log.of(DebugEvent.SymbolStatusChanged.class).stream().map(DebugEvent.SymbolStatusChanged::status).filter(which)
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no symbol state of that module"));
    }

    static List<String> functions(ThreadStack st) {
        return st.frames().stream().map(StackFrame::function).flatMap(Optional::stream).toList();
    }

    /** Every event raised after {@code first} (itself included). */
    List<DebugEvent> since(DebugEvent first) {
        List<DebugEvent> all = log.all();
        return all.subList(all.indexOf(first), all.size());
    }

    /** Waits until the engine thread has run everything queued before now (events posted by other threads included). */
    void drainEngine() throws Exception {
        engine.submit(new Command.SetStopPolicy(false)).get(30, TimeUnit.SECONDS);
    }

    @Test void aSlowDownloadShowsItsProgressAndIsCancelledWhileTheDumpStillOpens() throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 2 << 20);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(40))) {
            CompletableFuture<DumpReport> opening = open(server.url("store"));
            // The target is told before the load, so that the load shows against it and its module's row.
            log.await(DebugEvent.TargetOpened.class, o -> true, 30_000);
            SymbolLoadStatus loading = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> crash(e.status()) && e.status().status() == SymbolStatus.LOADING && e.status().percent().orElse(0) >= 6, 30_000).status();
            assertThat(opening).as("the dump waits for the download").isNotDone();
            assertThat(loading.placesSearched()).containsExactly("searching: Breakpad symbol server " + server.url("store") + "/crash/"
                    + LinuxMiniStore.ID + "/crash.sym");
            assertThat(log.of(DebugEvent.ModuleLoaded.class)).as("its module is listed before the walk needs it")
                    .anySatisfy(m -> assertThat(m.module().path()).endsWith("/" + LinuxMiniStore.MODULE));
            assertThat(engine.submit(new Command.CancelSymbolLoad(Optional.of(loading.base()))).get(10, TimeUnit.SECONDS)).isTrue();
            DumpReport r = opening.get(30, TimeUnit.SECONDS);

            assertThat(r.stacks().get(0).frames()).as("the crashed thread's frames are there, unnamed").isNotEmpty();
            assertThat(functions(r)).doesNotContain("crash_the_program", "write_it");
            SymbolLoadStatus last = crashStates().get(crashStates().size() - 1);
            assertThat(last.status()).isEqualTo(SymbolStatus.CANCELLED);
            assertThat(last.placesSearched()).singleElement().asString()
                    .isEqualTo("cancelled: Breakpad symbol server " + server.url("store") + "/crash/" + LinuxMiniStore.ID + "/crash.sym");
            assertThat(crashStates().stream().filter(s -> s.percent().isPresent()).map(s -> s.percent().getAsInt()).distinct().count())
                    .as("progress steps before the cancel").isGreaterThanOrEqualTo(2);
            assertThat(log.of(DebugEvent.SymbolLoadLogged.class)).anySatisfy(l -> assertThat(l.text()).startsWith("downloading symbols for crash: "))
                    .anySatisfy(l -> assertThat(l.text()).isEqualTo("symbol load cancelled"));
            assertThat(dir.resolve("cache").resolve("crash/" + LinuxMiniStore.ID + "/crash.sym")).as("nothing cached").doesNotExist();
        }
    }

    @Test void aCompletedLoadNamesTheFramesAndSaysWhereItLooked() throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 0);
        try (SymbolServer server = SymbolServer.serve(store)) {
            String path = server.url("fail") + ";" + server.url("missing") + ";" + server.url("store");
            DumpReport r = open(path).get(60, TimeUnit.SECONDS);
            assertThat(functions(r)).startsWith("write_it", "crash_the_program");
            SymbolLoadStatus last = crashStates().get(crashStates().size() - 1);
            assertThat(last.status()).isEqualTo(SymbolStatus.LOADED);
            assertThat(last.describe()).isEqualTo("loaded from Breakpad symbol server");
            Path cached = dir.resolve("cache").resolve("crash/" + LinuxMiniStore.ID + "/crash.sym");
            assertThat(last.symbolFile()).hasValue(cached.toString());
            assertThat(last.symbolCount()).as("FUNC records of the small file").isEqualTo(1);
            String rel = "/crash/" + LinuxMiniStore.ID + "/crash.sym";
            assertThat(last.placesSearched()).containsExactly(
                    "error: Breakpad symbol server " + server.url("fail") + rel + ": HTTP 500",
                    "not found: Breakpad symbol server " + server.url("missing") + rel,
                    "found: Breakpad symbol server " + server.url("store") + rel);
            assertThat(cached).hasSameTextualContentAs(store.resolve(rel.substring(1)));
            // Every module a frame needed was a load; the overall progress ends with all of them done.
            DebugEvent.ProgressReported end = log.of(DebugEvent.ProgressReported.class).stream()
                    .filter(p -> p.task().equals("Loading symbols")).reduce((a, b) -> b).orElseThrow();
            long looked = log.of(DebugEvent.SymbolStatusChanged.class).stream().filter(e -> e.status().status() == SymbolStatus.LOADING)
                    .map(e -> e.status().base()).distinct().count();
            assertThat(end.total()).isEqualTo(looked).isPositive();
            assertThat(end.done()).isEqualTo(end.total());
            // The others are in no store: failed, each with where it looked.
            assertThat(log.of(DebugEvent.SymbolStatusChanged.class)).filteredOn(e -> !crash(e.status()) && e.status().status() == SymbolStatus.FAILED)
                    .allSatisfy(e -> assertThat(e.status().reason().orElseThrow()).startsWith("no symbol file in the Breakpad stores: ")
                            .contains(server.url("store")));
            // A second open reads the cache: the server is not asked for that file again.
            assertThat(server.storeRequests(rel.substring(1))).isEqualTo(1);
            engine.submit(new Command.OpenCore(dump, Optional.empty(), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            assertThat(server.storeRequests(rel.substring(1))).isEqualTo(1);
            assertThat(crashStates().get(crashStates().size() - 1).placesSearched())
                    .containsExactly("found: Breakpad store " + cached + " (the download cache)");
        }
    }

    @Test void aLookupThatFailedWhileTheServerWasDownIsRetriedAndTheStackIsToldAgainNamed() throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 0);
        String rel = "/crash/" + LinuxMiniStore.ID + "/crash.sym";
        try (SymbolServer server = SymbolServer.serve(store)) {
            server.failStore(true);
            DumpReport r = openNow(server.url("store"));
            long id = log.await(DebugEvent.TargetOpened.class, o -> true, 10_000).stopId();
            assertThat(functions(r.stacks().get(0))).doesNotContain("write_it", "crash_the_program");
            SymbolLoadStatus failed = last(BreakpadStoreLoadsTest::crash);
            assertThat(failed.status()).isEqualTo(SymbolStatus.FAILED);
            assertThat(failed.placesSearched()).containsExactly("error: Breakpad symbol server " + server.url("store") + rel + ": HTTP 500");

            server.failStore(false);
            int toldBefore = log.of(DebugEvent.StackWalked.class).size();
            assertThat(engine.submit(new Command.RetrySymbolLoad(failed.base())).get(10, TimeUnit.SECONDS)).as("queued").isTrue();
            DebugEvent.StackWalked named = log.await(DebugEvent.StackWalked.class, e -> functions(e.stack()).contains("write_it"), 30_000);
            assertThat(named.stopId()).as("told as the open dump's").isEqualTo(id);
            SymbolLoadStatus loaded = last(BreakpadStoreLoadsTest::crash);
            assertThat(loaded.status()).isEqualTo(SymbolStatus.LOADED);
            assertThat(loaded.describe()).isEqualTo("loaded from Breakpad symbol server");
            assertThat(loaded.placesSearched()).containsExactly("found: Breakpad symbol server " + server.url("store") + rel);
            log.await(DebugEvent.StacksGrouped.class, g -> log.all().indexOf(g) > log.all().indexOf(named), 10_000);
            assertThat(log.of(DebugEvent.StackWalked.class).size() - toldBefore).as("the one thread's stack, told once").isEqualTo(1);
            // The retry's symbol progress: one load, ended.
            DebugEvent.ProgressReported end = log.of(DebugEvent.ProgressReported.class).stream()
                    .filter(p -> p.task().equals("Loading symbols")).reduce((a, b) -> b).orElseThrow();
            assertThat(List.of(end.done(), end.total())).containsExactly(1L, 1L);

            // What the retry told is what an open with the server up gives: the same frames, names, lines and rules.
            DumpReport fresh = openFile(dump);
            assertThat(named.stack()).isEqualTo(fresh.stacks().get(0));
            assertThat(functions(named.stack())).startsWith("write_it", "crash_the_program");
            assertThat(named.stack().frames().get(0).file()).hasValue("/work/linux/util.h");
            assertThat(named.stack().frames().get(0).line()).hasValue(3);
        }
    }

    @Test void loadLooksUpTheModulesNoFrameNeededAndOneThatFailedButNotOneLoaded() throws Exception {
        Path store = Files.createDirectories(dir.resolve("store"));
        openNow(store.toString());
        SymbolLoadStatus crashFailed = last(BreakpadStoreLoadsTest::crash);
        assertThat(crashFailed.status()).isEqualTo(SymbolStatus.FAILED);
        assertThat(crashFailed.reason().orElseThrow()).startsWith("no symbol file in the Breakpad stores: not found: Breakpad store " + store);
        // The modules no frame needed are deferred, as the symbol handler's are.
        List<ModuleRecord> records = Minidump.open(dump).modules();
        List<ModuleRecord> deferred = records.stream().filter(m -> last(s -> s.base().value() == m.base()).status() == SymbolStatus.DEFERRED).toList();
        assertThat(deferred).as("modules left deferred").isNotEmpty();
        ModuleRecord lib = deferred.get(0);
        StoreKey key = StoreKey.of(lib).orElseThrow();
        Path sym = store.resolve(key.path());
        Files.createDirectories(sym.getParent());
        Files.writeString(sym, "MODULE Linux x86_64 " + key.id() + " " + key.name() + "\nFUNC 10 8 0 first_thing\nFUNC 20 8 0 second_thing\n");
        LinuxMiniStore.write(store, 0);

        int queued = engine.submit(new Command.LoadSymbols(Optional.empty())).get(10, TimeUnit.SECONDS);
        assertThat(queued).as("every deferred module, not the failed one").isEqualTo(deferred.size());
        for (ModuleRecord m : deferred) {
            log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().base().value() == m.base()
                    && Set.of(SymbolStatus.LOADED, SymbolStatus.FAILED).contains(e.status().status()), 30_000);
        }
        SymbolLoadStatus libLoaded = last(s -> s.base().value() == lib.base());
        assertThat(libLoaded.status()).isEqualTo(SymbolStatus.LOADED);
        assertThat(libLoaded.symbolFile()).hasValue(sym.toString());
        assertThat(libLoaded.symbolCount()).as("the two FUNC records").isEqualTo(2);
        assertThat(last(BreakpadStoreLoadsTest::crash).status()).as("Load all leaves a failed module").isEqualTo(SymbolStatus.FAILED);

        // One module's Load: the crash module, failed at the open, is looked up again and its frames are named.
        assertThat(engine.submit(new Command.LoadSymbols(Optional.of(crashFailed.base()))).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        DebugEvent.StackWalked named = log.await(DebugEvent.StackWalked.class, e -> functions(e.stack()).contains("write_it"), 30_000);
        assertThat(functions(named.stack())).startsWith("write_it", "crash_the_program");
        assertThat(last(BreakpadStoreLoadsTest::crash).describe()).isEqualTo("loaded from Breakpad store");
        assertThat(engine.submit(new Command.LoadSymbols(Optional.of(crashFailed.base()))).get(10, TimeUnit.SECONDS))
                .as("a loaded module is not loaded again").isZero();
        assertThatThrownBy(() -> engine.submit(new Command.LoadSymbols(Optional.of(Address.of(0x10)))).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasMessageContaining("no module at 0x10");
    }

    @Test void openingAMinidumpStopsTheElfCoresDownloadAndNothingOfItReportsIntoTheDump() throws Exception {
        String missing = SplitDebugProgram.toolsMissing();
        Assumptions.assumeTrue(missing.isEmpty(), missing);
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        SplitDebugProgram prog = SplitDebugProgram.build(Files.createDirectories(dir.resolve("prog")));
        Path cache = dir.resolve("debuginfod-cache");
        Set<SymbolOption> opts = Set.copyOf(EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.DEBUGINFOD));
        // Slowed to 130 KB/s after 64 KiB for good (the gate never opens): about 16 s for the whole file, in flight when the dump opens.
        try (SplitDebugProgram.SlowServer server = SplitDebugProgram.serveHeld(dir, prog.paddedDebugFile(), 64 << 10, dir.resolve("never"))) {
            replaceEngine(new EngineThread(SymbolPath.parse("own;debuginfod*" + cache + "*" + server.url(), Map.of()), opts));
            engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().module().endsWith("dupmain")
                    && e.status().status() == SymbolStatus.LOADING && e.status().percent().orElse(0) >= 1, 30_000);

            openFile(dump);
            DebugEvent.TargetOpened opened = log.await(DebugEvent.TargetOpened.class, o -> o.format().startsWith("minidump"), 10_000);
            // The symbol handler's jobs run one after another: this one runs once the core's load has ended, and finds no target.
            assertThatThrownBy(() -> engine.submit(new Command.FindSymbols("*")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("no target");
            drainEngine();
            try (Stream<Path> files = Files.exists(cache) ? Files.walk(cache) : Stream.empty()) {
                assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                        .as("the download was stopped, not finished").doesNotContain("debuginfo");
            }
            List<DebugEvent> after = since(opened);
            assertThat(after).as("nothing of the core's symbol loads reports into the dump")
                    .noneMatch(e -> e instanceof DebugEvent.SymbolStatusChanged || e instanceof DebugEvent.SymbolLoadLogged
                            || e instanceof DebugEvent.ProgressReported p && p.task().equals("Loading symbols"));
        }
    }

    @Test void openingAnElfCoreStopsTheMinidumpsRetriedDownloadAndNothingOfItReportsIntoTheCore() throws Exception {
        Path exe = NativePrograms.compile("crash", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        Path store = LinuxMiniStore.write(dir.resolve("served"), 2 << 20);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(40))) {
            server.failStore(true);
            openNow(server.url("store"));
            SymbolLoadStatus failed = last(BreakpadStoreLoadsTest::crash);
            assertThat(failed.status()).isEqualTo(SymbolStatus.FAILED);
            server.failStore(false);
            engine.submit(new Command.RetrySymbolLoad(failed.base())).get(10, TimeUnit.SECONDS);
            log.await(DebugEvent.SymbolStatusChanged.class, e -> crash(e.status()) && e.status().status() == SymbolStatus.LOADING
                    && e.status().percent().orElse(0) >= 1, 30_000);

            DumpReport elf = openFile(core);
            DebugEvent.TargetOpened opened = log.await(DebugEvent.TargetOpened.class, o -> o.format().equals("ELF core"), 10_000);
            Await.until("the retried download broken off", Duration.ofSeconds(30), () -> server.transfersBrokenOff() == 1);
            assertThat(server.transfersSent()).as("no symbol file sent whole").isZero();
            drainEngine();
            assertThat(dir.resolve("cache").resolve(rel())).as("nothing cached").doesNotExist();
            Set<Integer> tids = Set.copyOf(elf.threads().stream().map(t -> t.tid().value()).toList());
            List<DebugEvent> after = since(opened);
            assertThat(after).as("nothing of the minidump's loads reports into the core")
                    .noneMatch(e -> e instanceof DebugEvent.SymbolStatusChanged s && s.status().module().startsWith("/work/linux/")
                            || e instanceof DebugEvent.SymbolLoadLogged l && l.module().orElse("").startsWith("/work/linux/")
                            || e instanceof DebugEvent.StackWalked w && !tids.contains(w.stack().tid().value()));
        }
    }

    static String rel() { return "crash/" + LinuxMiniStore.ID + "/crash.sym"; }
}
