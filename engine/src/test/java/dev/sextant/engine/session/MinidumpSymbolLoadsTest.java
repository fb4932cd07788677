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
 * Load and Retry for a minidump's modules (their symbols are Breakpad's, not the symbol handler's),
 * from a real HTTP store on 127.0.0.1: a lookup that failed while the server was down is retried once
 * it is back, and the crashed thread's stack is told again with the names the symbol file gives,
 * without reopening the dump; Load looks up modules no frame needed (deferred) and a module that
 * failed. And a new target ends the last one's loads: an ELF core's debuginfod download stops when a
 * minidump is opened, a minidump's retried download when an ELF core is, and neither reports into the next.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MinidumpSymbolLoadsTest {
    @TempDir Path dir;
    EngineThread engine;
    final EventLog log = new EventLog();
    Path dump;

    @BeforeEach void start() {
        dump = Corpus.require("minidump/rust-minidump/linux-mini.dmp");
        System.setProperty(SymbolStores.CACHE_PROPERTY, dir.resolve("cache").toString());
    }

    @AfterEach void stop() {
        if (engine != null) engine.close();
        System.clearProperty(SymbolStores.CACHE_PROPERTY);
    }

    EngineThread engine() {
        return engine(new EngineThread());
    }

    EngineThread engine(EngineThread e) {
        engine = e;
        engine.addListener(log);
        return engine;
    }

    DumpReport open(Path file) throws Exception {
        return engine.submit(new Command.OpenCore(file, Optional.empty(), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
    }

    DumpReport openDump(String symbolPath) throws Exception {
        engine.submit(new Command.SetSymbolPath(symbolPath)).get(30, TimeUnit.SECONDS);
        return open(dump);
    }

    static boolean crash(SymbolLoadStatus s) { return s.module().endsWith("/" + LinuxMiniStore.MODULE); }

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

    @Test void aLookupThatFailedWhileTheServerWasDownIsRetriedAndTheStackIsToldAgainNamed() throws Exception {
        engine();
        Path store = LinuxMiniStore.write(dir.resolve("served"), 0);
        String rel = "/crash/" + LinuxMiniStore.ID + "/crash.sym";
        try (SymbolServer server = SymbolServer.serve(store)) {
            server.failStore(true);
            DumpReport r = openDump(server.url("store"));
            long id = log.await(DebugEvent.TargetOpened.class, o -> true, 10_000).stopId();
            assertThat(functions(r.stacks().get(0))).doesNotContain("write_it", "crash_the_program");
            SymbolLoadStatus failed = last(MinidumpSymbolLoadsTest::crash);
            assertThat(failed.status()).isEqualTo(SymbolStatus.FAILED);
            assertThat(failed.placesSearched()).containsExactly("error: Breakpad symbol server " + server.url("store") + rel + ": HTTP 500");

            server.failStore(false);
            int toldBefore = log.of(DebugEvent.StackWalked.class).size();
            assertThat(engine.submit(new Command.RetrySymbolLoad(failed.base())).get(10, TimeUnit.SECONDS)).as("queued").isTrue();
            DebugEvent.StackWalked named = log.await(DebugEvent.StackWalked.class, e -> functions(e.stack()).contains("write_it"), 30_000);
            assertThat(named.stopId()).as("told as the open dump's").isEqualTo(id);
            SymbolLoadStatus loaded = last(MinidumpSymbolLoadsTest::crash);
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
            DumpReport fresh = open(dump);
            assertThat(named.stack()).isEqualTo(fresh.stacks().get(0));
            assertThat(functions(named.stack())).startsWith("write_it", "crash_the_program");
            assertThat(named.stack().frames().get(0).file()).hasValue("/work/linux/util.h");
            assertThat(named.stack().frames().get(0).line()).hasValue(3);
        }
    }

    @Test void loadLooksUpTheModulesNoFrameNeededAndOneThatFailedButNotOneLoaded() throws Exception {
        engine();
        Path store = Files.createDirectories(dir.resolve("store"));
        openDump(store.toString());
        SymbolLoadStatus crashFailed = last(MinidumpSymbolLoadsTest::crash);
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
        assertThat(last(MinidumpSymbolLoadsTest::crash).status()).as("Load all leaves a failed module").isEqualTo(SymbolStatus.FAILED);

        // One module's Load: the crash module, failed at the open, is looked up again and its frames are named.
        assertThat(engine.submit(new Command.LoadSymbols(Optional.of(crashFailed.base()))).get(10, TimeUnit.SECONDS)).isEqualTo(1);
        DebugEvent.StackWalked named = log.await(DebugEvent.StackWalked.class, e -> functions(e.stack()).contains("write_it"), 30_000);
        assertThat(functions(named.stack())).startsWith("write_it", "crash_the_program");
        assertThat(last(MinidumpSymbolLoadsTest::crash).describe()).isEqualTo("loaded from Breakpad store");
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
            engine(new EngineThread(SymbolPath.parse("own;debuginfod*" + cache + "*" + server.url(), Map.of()), opts));
            engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().module().endsWith("dupmain")
                    && e.status().status() == SymbolStatus.LOADING && e.status().percent().orElse(0) >= 1, 30_000);

            open(dump);
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
        engine();
        Path store = LinuxMiniStore.write(dir.resolve("served"), 2 << 20);
        try (SymbolServer server = SymbolServer.serveSlowly(store, 16 << 10, Duration.ofMillis(40))) {
            server.failStore(true);
            openDump(server.url("store"));
            SymbolLoadStatus failed = last(MinidumpSymbolLoadsTest::crash);
            assertThat(failed.status()).isEqualTo(SymbolStatus.FAILED);
            server.failStore(false);
            engine.submit(new Command.RetrySymbolLoad(failed.base())).get(10, TimeUnit.SECONDS);
            log.await(DebugEvent.SymbolStatusChanged.class, e -> crash(e.status()) && e.status().status() == SymbolStatus.LOADING
                    && e.status().percent().orElse(0) >= 1, 30_000);

            DumpReport elf = open(core);
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
