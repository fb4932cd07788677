package dev.sextant.engine.session;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolLoadStatus;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.SymbolStatus;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.testing.EventLog;
import dev.sextant.engine.testing.SplitDebugProgram;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The symbol handler as the engine hosts it: a real core whose executable's DWARF lives in a
 * build-id directory (or on a throttled debuginfod look-alike on 127.0.0.1), loaded because the
 * crash stack has frames in it, cancelled mid-download and retried, with the symbol-state
 * notifications for path and option changes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EngineSymbolsTest {
    @TempDir static Path dir;
    static SplitDebugProgram prog;
    static final Set<SymbolOption> LOCAL = Set.copyOf(EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES,
            SymbolOption.PREFER_LOCAL, SymbolOption.DEBUG));

    @BeforeAll static void build() throws Exception {
        String missing = SplitDebugProgram.toolsMissing();
        Assumptions.assumeTrue(missing.isEmpty(), missing);
        prog = SplitDebugProgram.build(dir);
    }

    static List<SymbolStatus> history(EventLog log, String module) {
        return log.of(DebugEvent.SymbolStatusChanged.class).stream().map(DebugEvent.SymbolStatusChanged::status)
                .filter(s -> s.module().endsWith("/" + module) || s.module().equals(module)).map(SymbolLoadStatus::status).toList();
    }

    static boolean isExe(SymbolLoadStatus s) { return s.module().endsWith("dupmain"); }

    @Test void framesLoadTheirModulesSymbolsFromTheBuildIdDirectoryAndOthersStayDeferred() throws Exception {
        EventLog log = new EventLog();
        try (EngineThread engine = new EngineThread(SymbolPath.parse("own;debuglink;build-id=" + prog.buildIdRoot(), Map.of()), LOCAL)) {
            engine.addListener(log);
            DumpReport report = engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation()))
                    .get(60, TimeUnit.SECONDS);
            SymbolLoadStatus loaded = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> isExe(e.status()) && e.status().status() == SymbolStatus.LOADED, 30_000).status();
            assertThat(history(log, "dupmain")).containsSubsequence(SymbolStatus.DEFERRED, SymbolStatus.LOADING, SymbolStatus.LOADED);
            assertThat(loaded.source()).contains("build-id directory");
            assertThat(loaded.symbolFile()).contains(prog.debugFile().toString());
            assertThat(loaded.lineInfo()).isTrue();
            assertThat(loaded.placesSearched()).anySatisfy(p -> assertThat(p).startsWith("found:").contains(prog.buildIdRoot().toString()));
            assertThat(log.of(DebugEvent.SymbolLoadLogged.class)).anySatisfy(l -> {
                assertThat(l.debugInfo()).isTrue();
                assertThat(l.text()).contains(prog.buildIdRoot().toString());
            });
            // A module with no frame in any stack is listed and left deferred.
            List<Long> framed = report.stacks().stream().flatMap(s -> s.frames().stream()).map(StackFrame::pc).map(Address::value).toList();
            List<SymbolLoadStatus> untouched = report.modules().stream()
                    .filter(m -> framed.stream().noneMatch(pc -> m.contains(Address.of(pc))))
                    .map(m -> lastStatus(log, m.base())).flatMap(Optional::stream).toList();
            assertThat(untouched).isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(SymbolStatus.DEFERRED));

            // Load all: every module ends loaded, partial or failed, and the overall progress reaches its total.
            int queued = engine.submit(new Command.LoadSymbols(Optional.empty())).get(30, TimeUnit.SECONDS);
            assertThat(queued).isEqualTo(untouched.size());
            Set<SymbolStatus> ended = Set.of(SymbolStatus.LOADED, SymbolStatus.PARTIAL, SymbolStatus.FAILED);
            for (var m : report.modules()) {
                log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().base().equals(m.base()) && ended.contains(e.status().status()), 30_000);
            }
            DebugEvent.ProgressReported last = log.await(DebugEvent.ProgressReported.class,
                    p -> p.task().equals("Loading symbols") && p.done() == p.total() && p.total() >= untouched.size(), 30_000);
            assertThat(last.total()).isPositive();
        }
    }

    static Optional<SymbolLoadStatus> lastStatus(EventLog log, Address base) {
        SymbolLoadStatus last = null;
        for (var e : log.of(DebugEvent.SymbolStatusChanged.class)) if (e.status().base().equals(base)) last = e.status();
        return Optional.ofNullable(last);
    }

    @Test void theSymbolLoadLogHasARowPerLoadWithoutTheDebugOption() throws Exception {
        EventLog log = new EventLog();
        Set<SymbolOption> quiet = Set.copyOf(EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.PREFER_LOCAL));
        try (EngineThread engine = new EngineThread(SymbolPath.parse("own;debuglink;build-id=" + prog.buildIdRoot(), Map.of()), quiet)) {
            engine.addListener(log);
            engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation()))
                    .get(60, TimeUnit.SECONDS);
            log.await(DebugEvent.SymbolStatusChanged.class, e -> isExe(e.status()) && e.status().status() == SymbolStatus.LOADED, 30_000);
            DebugEvent.SymbolLoadLogged row = log.await(DebugEvent.SymbolLoadLogged.class,
                    l -> l.module().map(m -> m.endsWith("dupmain")).orElse(false), 30_000);
            assertThat(row.debugInfo()).isFalse();
            assertThat(row.text()).startsWith("symbols loaded from build-id directory").contains(prog.debugFile().toString())
                    .contains("line info");
            // every module whose symbols were loaded (or not) has its row
            long settled = log.of(DebugEvent.SymbolStatusChanged.class).stream().map(DebugEvent.SymbolStatusChanged::status)
                    .filter(st -> st.status() == SymbolStatus.LOADED || st.status() == SymbolStatus.PARTIAL || st.status() == SymbolStatus.FAILED)
                    .map(SymbolLoadStatus::module).distinct().count();
            long rows = log.of(DebugEvent.SymbolLoadLogged.class).stream().filter(l -> !l.debugInfo()).map(l -> l.module().orElse("")).distinct().count();
            assertThat(rows).isGreaterThanOrEqualTo(settled).isPositive();
        }
    }

    @Test void typeOptionChangesRaiseTypeOptionsToListenersThatAskedOnly() throws Exception {
        LinkedBlockingQueue<long[]> types = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<long[]> others = new LinkedBlockingQueue<>();
        try (EngineThread engine = new EngineThread(SymbolPath.parse("own", Map.of()), LOCAL)) {
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_TYPE_OPTIONS; }
                @Override public void changeSymbolState(int flags, long argument) { types.add(new long[] {flags, argument}); }
            });
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_PATHS | DEBUG_CSS_SYMBOL_OPTIONS; }
                @Override public void changeSymbolState(int flags, long argument) { others.add(new long[] {flags, argument}); }
            });
            Set<dev.sextant.engine.api.TypeOption> decimal = Set.of(dev.sextant.engine.api.TypeOption.DECIMAL_VALUES);
            assertThat(engine.submit(new Command.SetTypeOptions(decimal)).get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(types.poll(30, TimeUnit.SECONDS)).containsExactly(EngineListener.DEBUG_CSS_TYPE_OPTIONS,
                    dev.sextant.engine.api.TypeOption.mask(decimal));
            // the same options again change nothing and raise nothing; back to none raises argument 0
            assertThat(engine.submit(new Command.SetTypeOptions(decimal)).get(30, TimeUnit.SECONDS)).isFalse();
            assertThat(engine.submit(new Command.SetTypeOptions(Set.of())).get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(types.poll(30, TimeUnit.SECONDS)).containsExactly(EngineListener.DEBUG_CSS_TYPE_OPTIONS, 0);
            assertThat(types.poll(200, TimeUnit.MILLISECONDS)).isNull();
            assertThat(others).isEmpty();
        }
    }

    @Test void optionsAndPathChangesRaiseSymbolStateNotifications() throws Exception {
        LinkedBlockingQueue<long[]> seen = new LinkedBlockingQueue<>();
        try (EngineThread engine = new EngineThread(SymbolPath.parse("own", Map.of()), LOCAL)) {
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_PATHS | DEBUG_CSS_SYMBOL_OPTIONS; }
                @Override public void changeSymbolState(int flags, long argument) { seen.add(new long[] {flags, argument}); }
            });
            engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            Set<SymbolOption> opts = Set.of(SymbolOption.LOAD_LINES, SymbolOption.DEBUGINFOD);
            engine.submit(new Command.SetSymbolOptions(opts)).get(30, TimeUnit.SECONDS);
            long[] o = seen.poll(30, TimeUnit.SECONDS);
            assertThat(o).containsExactly(EngineListener.DEBUG_CSS_SYMBOL_OPTIONS, SymbolOption.mask(opts));
            assertThat(SymbolOption.fromMask(o[1])).isEqualTo(opts);
            String parsed = engine.submit(new Command.SetSymbolPath("own; build-id=" + prog.buildIdRoot())).get(30, TimeUnit.SECONDS);
            assertThat(parsed).isEqualTo("own;build-id=" + prog.buildIdRoot());
            assertThat(seen.poll(30, TimeUnit.SECONDS)).containsExactly(EngineListener.DEBUG_CSS_PATHS, 0);
            assertThatThrownBy(() -> engine.submit(new Command.SetSymbolPath("debuginfod*x")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("debuginfod*CACHE*URL");
        }
    }

    @Test void aDownloadInFlightIsCancelledWhileTheEngineAnswersAndARetryLoadsIt() throws Exception {
        Assumptions.assumeTrue(Debuginfod.unavailableReason().isEmpty(), "libdebuginfod1 not installed");
        EventLog log = new EventLog();
        Set<SymbolOption> opts = Set.copyOf(EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.DEBUGINFOD));
        try (SplitDebugProgram.SlowServer server = SplitDebugProgram.serveSlowly(dir, prog.paddedDebugFile());
             EngineThread engine = new EngineThread(SymbolPath.parse("own;debuginfod*" + dir.resolve("cache") + "*" + server.url(), Map.of()), opts)) {
            engine.addListener(log);
            engine.submit(new Command.OpenCore(prog.core(), Optional.of(prog.exe()), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            SymbolLoadStatus inFlight = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> isExe(e.status()) && e.status().status() == SymbolStatus.LOADING && e.status().percent().orElse(0) >= 1, 30_000).status();
            // The engine thread answers at once while the download runs on the symbol thread.
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> engine.submit(new Command.Detach()).get(5, TimeUnit.SECONDS)).hasMessageContaining("no live process");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000);
            assertThat(engine.submit(new Command.CancelSymbolLoad(Optional.of(inFlight.base()))).get(5, TimeUnit.SECONDS)).isTrue();
            SymbolLoadStatus cancelled = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> isExe(e.status()) && e.status().status() == SymbolStatus.CANCELLED, 30_000).status();
            assertThat(cancelled.describe()).isEqualTo("cancelled");
            assertThat(cancelled.placesSearched()).anySatisfy(p -> assertThat(p).startsWith("cancelled:").contains(server.url()));
            List<Integer> percents = new ArrayList<>();
            for (var e : log.of(DebugEvent.SymbolStatusChanged.class)) {
                if (isExe(e.status()) && e.status().percent().isPresent()) percents.add(e.status().percent().getAsInt());
            }
            assertThat(percents).isNotEmpty().allSatisfy(p -> assertThat(p).isLessThan(100));

            assertThat(engine.submit(new Command.RetrySymbolLoad(inFlight.base())).get(5, TimeUnit.SECONDS)).isTrue();
            SymbolLoadStatus loaded = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> isExe(e.status()) && Set.of(SymbolStatus.LOADED, SymbolStatus.PARTIAL, SymbolStatus.FAILED).contains(e.status().status()), 60_000).status();
            assertThat(loaded.status()).isEqualTo(SymbolStatus.LOADED);
            assertThat(loaded.source()).contains("debuginfod");
            assertThat(loaded.lineInfo()).isTrue();
        }
    }

    @Test void anAttachedProcesssModulesAreListedDeferredAndItsFramesLoadThem() throws Exception {
        Path exe = NativePrograms.compile("threads", dir);
        int pid = NativePrograms.start(exe, "2").pid();
        EventLog log = new EventLog();
        try (EngineThread engine = new EngineThread(SymbolPath.parse("own;debuglink;build-id", Map.of()), LOCAL)) {
            engine.addListener(log);
            try {
                engine.submit(new Command.Attach(new dev.sextant.engine.api.Pid(pid))).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                Assumptions.abort("cannot attach here: " + e.getCause().getMessage());
            }
            SymbolLoadStatus libc = log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().module().endsWith("/libc.so.6"), 30_000).status();
            assertThat(libc.status()).isEqualTo(SymbolStatus.DEFERRED);
            SymbolLoadStatus own = log.await(DebugEvent.SymbolStatusChanged.class, e -> e.status().module().endsWith("/threads"), 30_000).status();
            assertThat(own.status()).isEqualTo(SymbolStatus.DEFERRED);
            // The stopped threads' stacks have frames in the program: its symbols load, from its own file.
            engine.submit(new Command.ReadStacks(new Cancellation())).get(30, TimeUnit.SECONDS);
            SymbolLoadStatus loaded = log.await(DebugEvent.SymbolStatusChanged.class,
                    e -> e.status().module().endsWith("/threads") && e.status().status() == SymbolStatus.LOADED, 30_000).status();
            assertThat(loaded.source()).contains("own file");
            assertThat(loaded.lineInfo()).isTrue();
            engine.submit(new Command.Detach()).get(30, TimeUnit.SECONDS);
            assertThat(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/status"))).contains("TracerPid:\t0");
        } finally {
            int p = pid;
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
