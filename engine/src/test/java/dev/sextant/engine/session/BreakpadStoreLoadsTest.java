package dev.sextant.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.EventLog;
import dev.sextant.engine.testing.LinuxMiniStore;
import dev.sextant.engine.testing.SymbolServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A minidump's Breakpad symbol loads through the engine, as the window and the command line see
 * them: each module's lookup a symbol load (status, places, log, progress), from a real HTTP store on
 * 127.0.0.1 (throttled, failing, missing); a slow download cancelled with {@code CancelSymbolLoad}
 * while the dump opens, which still opens.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
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
}
