package dev.sextant.engine.linux;

import java.time.Duration;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.ExitStatus;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The live session through the engine's commands and events, on real processes. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveSessionTest {
    @TempDir static Path dir;

    @BeforeAll static void permitted() throws Exception { NativePrograms.assumePtracePermitted(); }

    /** Collects every event; waits for the first that matches. */
    static final class Events implements dev.sextant.engine.api.DebugListener {
        final LinkedBlockingQueue<DebugEvent> queue = new LinkedBlockingQueue<>();
        final List<DebugEvent> all = new ArrayList<>();
        volatile Thread engine;          // listeners are called on the engine thread
        @Override public void onEvent(DebugEvent e) { engine = Thread.currentThread(); queue.add(e); }
        <T extends DebugEvent> T await(Class<T> type, Predicate<T> p) throws InterruptedException {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                DebugEvent e = queue.poll(100, TimeUnit.MILLISECONDS);
                if (e == null) continue;
                all.add(e);
                if (type.isInstance(e) && p.test(type.cast(e))) return type.cast(e);
            }
            throw new AssertionError("no " + type.getSimpleName() + " within 60 s; saw " + all.subList(Math.max(0, all.size() - 5), all.size())
                    + "; diagnostics: " + all.stream().filter(DebugEvent.DiagnosticReported.class::isInstance).toList()
                    + "; " + whereTheEngineIs(engine));
        }
        <T extends DebugEvent> T await(Class<T> type) throws InterruptedException { return await(type, x -> true); }
        long count(Class<? extends DebugEvent> type) { drain(); return all.stream().filter(type::isInstance).count(); }
        void drain() { queue.drainTo(all); }
    }

    /**
     * For a wait that timed out (the kill test does, once in a few full runs): the engine thread's
     * stack and every launched ticker's /proc status, so that the next failure says where it hung.
     */
    static String whereTheEngineIs(Thread engine) {
        StringBuilder b = new StringBuilder();
        if (engine == null) {
            b.append("(no event came from the engine thread)\n");
        } else {
            StackTraceElement[] st = engine.getStackTrace();
            b.append("this test's engine thread ").append(engine.getName()).append(engine.isAlive() ? " alive, " : " ENDED, ")
                    .append(engine.getState()).append(':');
            for (int i = 0; i < Math.min(st.length, 12); i++) b.append("\n  at ").append(st[i]);
            b.append('\n');
        }
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    String cmd = java.nio.file.Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (!cmd.contains("ticker")) return;
                    String status = java.nio.file.Files.readString(p.resolve("status"));
                    b.append(p.getFileName()).append(' ').append(cmd.strip()).append(": ")
                            .append(status.lines().filter(l -> l.startsWith("State") || l.startsWith("TracerPid") || l.startsWith("PPid"))
                                    .toList()).append('\n');
                } catch (java.io.IOException gone) {
                    // ended meanwhile
                }
            });
        } catch (java.io.IOException e) {
            b.append("(cannot list /proc: ").append(e.getMessage()).append(')');
        }
        return b.toString();
    }

    static <R> R run(EngineThread e, Command<R> c) throws Exception { return e.submit(c).get(60, TimeUnit.SECONDS); }

    /** plugin.c built as the shared library {@code name} in the test's folder: what dlstorm opens and closes. */
    Path plugin(String name) throws Exception {
        Path plugin = dir.resolve(name);
        Process cc = new ProcessBuilder("cc", "-g", "-shared", "-fPIC", "-o", plugin.toString(),
                NativePrograms.source("plugin", dir).toString()).inheritIO().start();
        assertThat(cc.waitFor()).isZero();
        return plugin;
    }

    @Test void everyDlopenAndDlcloseReachesTheListenerWithItsBase() throws Exception {
        Path plugin = plugin("libplugin.so");
        Path exe = NativePrograms.compile("dlstorm", dir, "-ldl");
        Path go = dir.resolve("dlstorm.go");
        int n = 1000;
        try (NativePrograms.Running p = NativePrograms.start(exe, plugin.toString(), Integer.toString(n), go.toString());
             EngineThread engine = new EngineThread()) {
            ConcurrentLinkedQueue<long[]> seen = new ConcurrentLinkedQueue<>();
            List<String> failures = new ArrayList<>();
            Events events = new Events();
            engine.addListener(events);
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_LOADS | DEBUG_CSS_UNLOADS; }
                @Override public void changeSymbolState(int flags, long argument) { seen.add(new long[]{flags, argument}); }
            });
            engine.addEngineListener(new EngineListener() {         // a broken listener: disabled, reported, the engine goes on
                @Override public void changeSymbolState(int flags, long argument) { throw new IllegalStateException("broken on purpose"); }
            });
            engine.addEngineListener(new EngineListener() {         // not interested in loads: never called
                @Override public int interestMask() { return DEBUG_CSS_SCOPE; }
                @Override public void changeSymbolState(int flags, long argument) { failures.add("SCOPE listener called"); }
            });
            run(engine, new Command.Attach(new Pid(p.pid())));
            run(engine, new Command.Continue());
            Files.createFile(go);
            List<Long> bases = new ArrayList<>();
            for (String line; (line = p.line()) != null && !line.equals("done"); ) {
                assertThat(line).startsWith("load ");
                bases.add(Long.parseUnsignedLong(line.split(" ")[1], 16));
            }
            assertThat(bases).hasSize(n);
            Await.until(2 * n + " loads and unloads", Duration.ofSeconds(30), () -> seen.size() >= 2 * n);
            // Nothing more may come: stop and detach, after which every notification the engine queued has run.
            run(engine, new Command.Break());
            run(engine, new Command.Detach());
            List<long[]> got = new ArrayList<>(seen);
            List<Long> loads = got.stream().filter(f -> f[0] == EngineListener.DEBUG_CSS_LOADS).map(f -> f[1]).toList();
            List<Long> unloads = got.stream().filter(f -> f[0] == EngineListener.DEBUG_CSS_UNLOADS).map(f -> f[1]).toList();
            assertThat(got).hasSize(2 * n);
            assertThat(loads).isEqualTo(bases);
            assertThat(unloads).isEqualTo(bases);
            assertThat(failures).isEmpty();
            events.drain();
            assertThat(events.all.stream().filter(e -> e instanceof DebugEvent.DiagnosticReported d
                    && d.diagnostic().message().contains("broken on purpose"))).hasSize(1);
            assertThat(events.count(DebugEvent.ModuleUnloaded.class)).isEqualTo(n);
            assertThat(p.alive()).isTrue();
            assertThat(NativePrograms.status(p.pid(), "TracerPid:")).isEqualTo("0");
        }
    }

    @Test void everyThreadOfAStormIsReportedAndTheListEndsCorrect() throws Exception {
        Path exe = NativePrograms.compile("threadstorm", dir);
        Path go = dir.resolve("storm.go");
        int n = 1000;
        try (NativePrograms.Running p = NativePrograms.start(exe, Integer.toString(n), go.toString());
             EngineThread engine = new EngineThread()) {
            Events events = new Events();
            engine.addListener(events);
            run(engine, new Command.Attach(new Pid(p.pid())));
            run(engine, new Command.Continue());
            Files.createFile(go);
            assertThat(p.line()).isEqualTo("done");
            Await.until(n + " thread exits", Duration.ofSeconds(30), () -> events.count(DebugEvent.ThreadExited.class) >= n);
            run(engine, new Command.Break());
            assertThat(events.count(DebugEvent.ThreadCreated.class)).isEqualTo(n);
            assertThat(events.count(DebugEvent.ThreadExited.class)).isEqualTo(n);
            var report = run(engine, new Command.ReadStacks(new dev.sextant.engine.api.Cancellation()));
            assertThat(report.threads()).hasSize(1);
            assertThat(report.threads().get(0).tid().value()).isEqualTo(p.pid());
            run(engine, new Command.Detach());
            assertThat(p.alive()).isTrue();
        }
    }

    /**
     * Libraries the dynamic linker loads after the launch stop (libc) are reported with their
     * extent in /proc/PID/maps and their build-id (readelf's), although the link map names them by
     * a path (/lib/…) that /proc/PID/maps spells differently (/usr/lib/…, merged /usr).
     */
    @Test void aLaunchedProgramsLibcHasItsSizeAndBuildId() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        try (EngineThread engine = new EngineThread()) {
            Events events = new Events();
            engine.addListener(events);
            dev.sextant.engine.api.ProcessInfo info = run(engine,
                    new Command.Launch(exe, List.of(), Optional.empty(), Map.of(), dir.resolve("ticker-libc.out")));
            run(engine, new Command.Continue());
            DebugEvent.ModuleLoaded libc = events.await(DebugEvent.ModuleLoaded.class, m -> m.module().path().endsWith("/libc.so.6"));
            long base = libc.module().base().value();
            Path real = Path.of(libc.module().path()).toRealPath();
            long end = base;
            for (ProcMaps.Mapping m : ProcMaps.read(info.pid().value())) {
                if (m.path().map(p -> p.equals(real.toString())).orElse(false) && Long.compareUnsigned(m.end(), end) > 0) end = m.end();
            }
            assertThat(end).isGreaterThan(base);
            assertThat(libc.module().size()).isEqualTo(end - base);
            Process readelf = new ProcessBuilder("readelf", "-n", real.toString()).redirectErrorStream(true).start();
            String notes = new String(readelf.getInputStream().readAllBytes());
            readelf.waitFor();
            String id = notes.lines().filter(l -> l.contains("Build ID:")).map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
            assertThat(libc.module().buildId()).contains(id);
            run(engine, new Command.Kill());
        }
    }

    @Test void killWhileStoppedAndWhileRunningEndsTheSessionWithTheReason() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        try (EngineThread engine = new EngineThread()) {
            Events events = new Events();
            engine.addListener(events);
            run(engine, new Command.Launch(exe, List.of(), Optional.empty(), Map.of(), dir.resolve("ticker-launch.out")));
            events.await(DebugEvent.ProcessStopped.class, s -> s.reason() instanceof StopReason.Attached);
            run(engine, new Command.Kill());
            DebugEvent.ProcessExited exited = events.await(DebugEvent.ProcessExited.class);
            assertThat(exited.status()).isEqualTo(ExitStatus.killed(9));
            assertThat(exited.status().describe()).isEqualTo("killed by SIGKILL");

            dev.sextant.engine.api.ProcessInfo info = run(engine,
                    new Command.Launch(exe, List.of(), Optional.empty(), Map.of(), dir.resolve("ticker-launch2.out")));
            assertThat(ProcMaps.read(info.pid().value())).isNotEmpty();
            assertThat(NativePrograms.status(info.pid().value(), "PPid:")).isNotEqualTo(Long.toString(ProcessHandle.current().pid()));
            run(engine, new Command.Continue());
            Await.until("the launched program running", Duration.ofSeconds(10),
                    () -> !NativePrograms.status(info.pid().value(), "State:").toLowerCase().startsWith("t"));
            new ProcessBuilder("kill", "-9", info.pid().toString()).start().waitFor();
            DebugEvent.ProcessExited second = events.await(DebugEvent.ProcessExited.class);
            assertThat(second.status()).isEqualTo(ExitStatus.killed(9));
            assertThatThrownBy(() -> run(engine, new Command.Continue())).hasCauseInstanceOf(TargetException.class)
                    .hasMessageContaining("no live process");

            // SIGKILL from outside while every thread is stopped
            dev.sextant.engine.api.ProcessInfo third = run(engine,
                    new Command.Launch(exe, List.of(), Optional.empty(), Map.of(), dir.resolve("ticker-launch3.out")));
            new ProcessBuilder("kill", "-9", third.pid().toString()).start().waitFor();
            assertThat(events.await(DebugEvent.ProcessExited.class).status()).isEqualTo(ExitStatus.killed(9));
        }
    }

    /**
     * SIGKILL from outside in the middle of a dlopen storm: the kill often lands while a thread is
     * held at ld.so's breakpoint (every dlopen and dlclose stops there), and letting that thread on
     * is where its exit is seen. Every time, the session ends with ProcessExited.
     */
    @Test void killDuringADlopenStormEndsTheSessionWithTheReasonEveryTime() throws Exception {
        Path plugin = plugin("libstormkill.so");
        Path exe = NativePrograms.compile("dlstorm", dir, "-ldl");
        Path go = Files.createFile(dir.resolve("stormkill.go"));
        try (EngineThread engine = new EngineThread()) {
            Events events = new Events();
            engine.addListener(events);
            for (int round = 0; round < 8; round++) {
                Path out = dir.resolve("stormkill-" + round + ".out");
                var info = run(engine, new Command.Launch(exe, List.of(plugin.toString(), "1000000", go.toString()),
                        Optional.empty(), Map.of(), out));
                run(engine, new Command.Continue());
                // Into the storm: some libraries loaded and unloaded, then the kill at a different moment each round.
                int loads = 1 + round * 150;        // a different moment of the storm each round
                Await.until(loads + " dlopen calls made", Duration.ofSeconds(30),
                        () -> Files.readString(out).split("load ", -1).length > loads);
                new ProcessBuilder("kill", "-9", info.pid().toString()).start().waitFor();
                assertThat(events.await(DebugEvent.ProcessExited.class).status()).as("round %d", round).isEqualTo(ExitStatus.killed(9));
            }
        }
    }

    @Test void aSignalStopsTheProcessWithItsSiginfoAndIsDeliveredOnContinue() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            Events events = new Events();
            engine.addListener(events);
            run(engine, new Command.Attach(new Pid(p.pid())));
            run(engine, new Command.Continue());
            Process kill = new ProcessBuilder("kill", "-USR1", Integer.toString(p.pid())).start();
            kill.waitFor();
            DebugEvent.ProcessStopped stop = events.await(DebugEvent.ProcessStopped.class,
                    s -> s.reason() instanceof StopReason.SignalReceived);
            var signal = ((StopReason.SignalReceived) stop.reason()).signal();
            assertThat(signal.name()).isEqualTo("SIGUSR1");
            assertThat(signal.code()).isEqualTo(0);                     // SI_USER: sent by kill
            assertThat(signal.senderPid()).isPresent();
            assertThat(stop.tid().value()).isEqualTo(p.pid());
            run(engine, new Command.Continue());                          // delivered now: SIGUSR1 terminates
            DebugEvent.ProcessExited exited = events.await(DebugEvent.ProcessExited.class);
            assertThat(exited.status()).isEqualTo(ExitStatus.killed(10));
        }
    }

    @Test void scopeChangesReachOnlyScopeListenersWithArgumentZero() throws Exception {
        Path exe = NativePrograms.compile("threads", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe, "2"); EngineThread engine = new EngineThread()) {
            ConcurrentLinkedQueue<long[]> scope = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<long[]> loads = new ConcurrentLinkedQueue<>();
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_SCOPE; }
                @Override public void changeSymbolState(int flags, long argument) { scope.add(new long[]{flags, argument}); }
            });
            engine.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_LOADS; }
                @Override public void changeSymbolState(int flags, long argument) { loads.add(new long[]{flags, argument}); }
            });
            run(engine, new Command.Attach(new Pid(p.pid())));
            var threads = run(engine, new Command.ReadStacks(new dev.sextant.engine.api.Cancellation())).threads();
            assertThat(run(engine, new Command.SetScope(threads.get(1).tid(), 2))).isTrue();
            assertThat(run(engine, new Command.SetScope(threads.get(1).tid(), 2))).isFalse();     // unchanged: no notification
            assertThat(run(engine, new Command.SetScope(threads.get(0).tid(), 0))).isTrue();
            assertThat(scope).hasSize(2).allSatisfy(f -> assertThat(f).containsExactly(EngineListener.DEBUG_CSS_SCOPE, 0L));
            assertThat(loads).isEmpty();
            assertThat(EngineListener.describe(EngineListener.DEBUG_CSS_LOADS | EngineListener.DEBUG_CSS_SCOPE)).isEqualTo("LOADS|SCOPE");
            run(engine, new Command.Detach());
        }
    }

    @Test void badRequestsSayWhyAndWhatToDo() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        Path notExecutable = dir.resolve("notes.txt");
        Files.writeString(notExecutable, "not a program\n");
        try (EngineThread engine = new EngineThread(); EngineThread other = new EngineThread();
             NativePrograms.Running p = NativePrograms.start(exe)) {
            assertThat(failure(engine, new Command.Attach(new Pid(999_999_999))))
                    .contains("999999999 does not exist").contains("ps");
            assertThat(failure(engine, new Command.Launch(notExecutable, List.of(), Optional.empty(), Map.of(), dir.resolve("x.out"))))
                    .contains("is not executable").contains("chmod +x");
            run(engine, new Command.Attach(new Pid(p.pid())));
            assertThat(failure(other, new Command.Attach(new Pid(p.pid()))))
                    .contains("already traced by process " + ProcessHandle.current().pid()).contains("detach");
            run(engine, new Command.Detach());
            if (!NativePrograms.isRoot()) {
                assertThat(failure(other, new Command.Attach(new Pid(1)))).contains("ptrace_scope").contains("CAP_SYS_PTRACE");
            }
        }
    }

    static String failure(EngineThread e, Command<?> c) throws Exception {
        try {
            e.submit(c).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException x) {
            assertThat(x.getCause()).isInstanceOf(TargetException.class);
            return x.getCause().getMessage();
        }
        throw new AssertionError(c + " succeeded");
    }
}
