package dev.sextant.engine.linux;

import java.time.Duration;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.session.EngineThread;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacks through generated code (src/test/native/jit.c): a function written into an mmap'ed
 * region at run time, without a frame pointer, that calls back into C and blocks there. Registered
 * through the GDB JIT interface, its frame is stepped with the in-memory object's .eh_frame (and gdb,
 * which reads the same object, agrees); unregistered, libdwfl's frame-pointer fallback steps it
 * (and eu-stack, the same fallback, agrees); named by a perf map, it has the perf map's name.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JitStackTest {
    @TempDir static Path dir;
    static Path exe;

    @BeforeAll static void build() throws Exception { exe = NativePrograms.compileForTracing("jit", dir); }

    /** A started jit program, blocked in pause() under blocker() under the generated code. */
    record Blocked(NativePrograms.Running process, long code, long length) implements AutoCloseable {
        @Override public void close() { process.close(); }

        /** The program's stack as the engine reads it now (a snapshot: StackProcess), and its frame in the generated code. */
        Walk walk() throws Exception {
            List<StackFrame> frames = stack(process.pid());
            StackFrame jit = frames.stream().filter(f -> Long.compareUnsigned(f.pc().value() - code, length) < 0).findFirst()
                    .orElseThrow(() -> new AssertionError("no frame in the generated code: " + frames));
            return new Walk(frames, jit);
        }
    }

    /** Physical frames (as gdb and eu-stack count them), and the frame in the generated code among them. */
    record Walk(List<StackFrame> frames, StackFrame jit) {
        /** The frame that called the generated code. */
        StackFrame caller() { return frames.get(jit.index() + 1); }

        /** The frame the generated code called. */
        StackFrame callee() { return frames.get(jit.index() - 1); }
    }

    static Blocked start(String mode) throws Exception {
        NativePrograms.Running p = NativePrograms.start(exe, mode);
        String jit = p.out().next();
        assertThat(jit).startsWith("jit ");
        String[] f = jit.split(" ");
        assertThat(p.out().next()).isEqualTo("blocked");
        // "blocked" is printed just before pause(): wait until the thread sleeps in the pause syscall (34).
        Await.until("the thread in pause()", Duration.ofSeconds(10),
                () -> Files.readString(Path.of("/proc/" + p.pid() + "/syscall")).startsWith("34 "));
        return new Blocked(p, Long.decode(f[1]), Long.decode(f[2]));
    }

    static List<StackFrame> stack(int pid) throws Exception {
        try (EngineThread engine = new EngineThread()) {
            DumpReport r = engine.submit(new Command.StackProcess(new Pid(pid), new Cancellation())).get(60, TimeUnit.SECONDS);
            ThreadStack s = r.stacks().stream().filter(t -> t.tid().value() == pid).findFirst().orElseThrow();
            return s.frames().stream().filter(f -> !f.inline()).toList();
        }
    }

    @Test void registeredJitFrameIsSteppedByItsTableToMainAsGdbDoes() throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb (the reference) is not installed");
        try (Blocked b = start("gdb-jit")) {
            Walk w = b.walk();
            StackFrame jit = w.jit();
            assertThat(jit.source()).isEqualTo(FrameSource.DYNAMIC_TABLE);
            assertThat(jit.function()).contains("jit_fn");
            assertThat(jit.module()).contains("[GDB JIT interface]");
            assertThat(jit.offset()).isEqualTo(jit.pc().value() - b.code());
            assertThat(w.caller().function()).contains("main");
            assertThat(w.caller().source()).isEqualTo(FrameSource.CFI);
            assertThat(w.callee().function()).contains("blocker");

            List<Gdb> gdb = gdbBacktrace("-p", Integer.toString(b.process().pid()));
            int upTo = gdb.stream().map(Gdb::function).toList().indexOf("main");
            assertThat(upTo).as("gdb reaches main: " + gdb).isPositive();
            assertThat(w.frames().subList(0, upTo + 1)).extracting(f -> f.pc().value())
                    .containsExactlyElementsOf(gdb.subList(0, upTo + 1).stream().map(Gdb::pc).toList());
            assertThat(gdb.get(jit.index()).function()).isEqualTo("jit_fn");
        }
    }

    /**
     * Frames registered with libgcc before Sextant looked are read from libgcc's own lists: the
     * unseen list (registered, never searched) and the sorted seen list (after libgcc's unwinder
     * looked the pc up). The JIT frame is stepped by that table to main.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"libgcc-early", "libgcc-seen"})
    void framesRegisteredWithLibgccBeforeAttachAreReadFromItsLists(String mode) throws Exception {
        try (Blocked b = start(mode)) {
            Walk w = b.walk();
            assertThat(w.jit().source()).as("frames: " + w.frames()).isEqualTo(FrameSource.DYNAMIC_TABLE);
            assertThat(w.jit().module()).contains("[" + dev.sextant.engine.unwind.DynamicTables.REGISTER_FRAME + "]");
            assertThat(w.callee().function()).contains("blocker");
            assertThat(w.caller().function()).contains("main");
            assertThat(w.caller().source()).isEqualTo(FrameSource.CFI);
        }
    }

    /** Attached (not a snapshot): the table registered before is announced at once, with the function's rows. */
    @Test void attachAnnouncesATableRegisteredWithLibgccBefore() throws Exception {
        try (Blocked b = start("libgcc-seen"); EngineThread engine = new EngineThread()) {
            LiveSessionTest.Events events = new LiveSessionTest.Events();
            engine.addListener(events);
            LiveSessionTest.run(engine, new Command.Attach(new Pid(b.process().pid())));
            DebugEvent.DynamicTableChanged added = events.await(DebugEvent.DynamicTableChanged.class, e -> !e.removed());
            assertThat(added.table().origin()).isEqualTo(dev.sextant.engine.unwind.DynamicTables.REGISTER_FRAME);
            assertThat(added.table().functions()).singleElement().satisfies(f -> {
                assertThat(f.start().value()).isEqualTo(b.code());
                assertThat(f.end().value() - f.start().value()).isEqualTo(b.length());
                assertThat(f.unwind()).isEqualTo("CFI, 3 rows");
            });
            LiveSessionTest.run(engine, new Command.Detach());
        }
    }

    /** A core of a process that registered its code with libgcc: the table is read from the core, the frame stepped. */
    @Test void coreOfAProcessWithFramesRegisteredWithLibgccIsSteppedByThem() throws Exception {
        CoreRead c = readCoreOf("libgcc-crash");
        List<dev.sextant.engine.api.DynamicTable> reported = c.tables();
        List<StackFrame> frames = c.frames();
        StackFrame jit = c.jitFrame();
        assertThat(frames.get(jit.index() + 1).function()).contains("main");
        assertThat(reported).singleElement().satisfies(t -> {
            assertThat(t.origin()).isEqualTo(dev.sextant.engine.unwind.DynamicTables.REGISTER_FRAME);
            assertThat(t.functions()).singleElement().satisfies(f -> {
                assertThat(Long.compareUnsigned(jit.pc().value() - f.start().value(), f.end().value() - f.start().value())).isNegative();
                assertThat(f.unwind()).isEqualTo("CFI, 3 rows");
            });
        });
    }

    /** A relocatable JIT object (as LLVM registers them): its symbol, relative to .text, still names the frame. */
    @Test void relocatableJitObjectNamesItsFrame() throws Exception {
        try (Blocked b = start("gdb-jit-rel")) {
            Walk w = b.walk();
            assertThat(w.jit().source()).isEqualTo(FrameSource.DYNAMIC_TABLE);
            assertThat(w.jit().function()).hasValue("jit_fn");
            assertThat(w.jit().offset()).isEqualTo(w.jit().pc().value() - b.code());
            assertThat(w.caller().function()).contains("main");
        }
    }

    @Test void unregisteredJitFrameIsMarkedFramePointerAndMatchesEuStack() throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("eu-stack"), "eu-stack (the reference) is not installed");
        try (Blocked b = start("none")) {
            Walk w = b.walk();
            assertThat(w.jit().source()).isEqualTo(FrameSource.FRAME_POINTER);
            assertThat(w.jit().module()).isEmpty();
            assertThat(w.jit().function()).isEmpty();
            assertThat(w.frames()).noneMatch(f -> f.source() == FrameSource.DYNAMIC_TABLE);
            // The same fallback as eu-stack's: the same pcs (the generated code keeps no frame pointer,
            // so the walk skips main — the reason to register it).
            assertThat(w.frames()).extracting(f -> f.pc().value()).containsExactlyElementsOf(euStack(b.process().pid()));
        }
    }

    @Test void perfMapNamesTheJitFrameWithoutUnwindInformation() throws Exception {
        try (Blocked b = start("perf-map")) {
            Path map = Path.of("/tmp/perf-" + b.process().pid() + ".map");
            try {
                StackFrame jit = b.walk().jit();
                assertThat(jit.function()).contains("perf_jit_fn");
                assertThat(jit.module()).contains("[perf map]");
                assertThat(jit.offset()).isEqualTo(jit.pc().value() - b.code());
                assertThat(jit.source()).isEqualTo(FrameSource.FRAME_POINTER);
            } finally {
                Files.deleteIfExists(map);
            }
        }
    }

    @Test void tablesAppearAndVanishLiveAsTheTargetRegistersCode() throws Exception {
        registerUnregisterRegister("cycle", "GDB JIT interface", "jit_fn");
    }

    @Test void framesRegisteredWithLibgccAppearLiveAndStepTheJitFrame() throws Exception {
        registerUnregisterRegister("libgcc", "__register_frame", null);
    }

    @Test void aLaunchedProgramsLibgccIsWatchedFromItsLoadAndItsFramesStepped() throws Exception {
        registerUnregisterRegister("libgcc", "__register_frame", null, true);
    }

    /**
     * Attach (or launch: libgcc_s is then loaded after Sextant is there, and watched from its load),
     * let the program register, unregister and register again; every change is an event; the stack
     * uses the table.
     */
    private static void registerUnregisterRegister(String mode, String origin, String name) throws Exception {
        registerUnregisterRegister(mode, origin, name, false);
    }

    private static void registerUnregisterRegister(String mode, String origin, String name, boolean launch) throws Exception {
        Path go = dir.resolve(mode + (launch ? "-launch" : "") + ".go");
        Path output = dir.resolve(mode + "-launch.out");
        NativePrograms.Running started = launch ? null : NativePrograms.start(exe, mode, go.toString());
        try (EngineThread engine = new EngineThread()) {
            LiveSessionTest.Events events = new LiveSessionTest.Events();
            engine.addListener(events);
            int pid;
            NativePrograms.LineFile out;
            if (launch) {
                pid = LiveSessionTest.run(engine, new Command.Launch(exe, List.of(mode, go.toString()), java.util.Optional.empty(),
                        java.util.Map.of(), output)).pid().value();
                out = new NativePrograms.LineFile(output);
            } else {
                pid = started.pid();
                out = started.out();
                LiveSessionTest.run(engine, new Command.Attach(new Pid(pid)));
            }
            events.await(DebugEvent.ProcessStopped.class);
            assertThat(events.count(DebugEvent.DynamicTableChanged.class)).as("nothing registered before the go file").isZero();
            LiveSessionTest.run(engine, new Command.Continue());
            if (launch) assertThat(out.next()).startsWith("ready ");
            Files.createFile(go);
            // register, unregister, register again: each call is seen at its breakpoint
            DebugEvent.DynamicTableChanged added = events.await(DebugEvent.DynamicTableChanged.class, e -> !e.removed());
            assertThat(added.table().origin()).isEqualTo(origin);
            assertThat(added.table().functions()).singleElement().satisfies(f -> {
                assertThat(f.name()).isEqualTo(java.util.Optional.ofNullable(name));
                assertThat(f.end().value() - f.start().value()).isEqualTo(21);
                assertThat(f.unwind()).isEqualTo("CFI, 3 rows");
                assertThat(f.detail()).contains("rsp+32");
            });
            DebugEvent.DynamicTableChanged removed = events.await(DebugEvent.DynamicTableChanged.class, DebugEvent.DynamicTableChanged::removed);
            assertThat(removed.table().id()).isEqualTo(added.table().id());
            events.await(DebugEvent.DynamicTableChanged.class, e -> !e.removed());
            assertThat(out.next()).startsWith("jit ");
            assertThat(out.next()).isEqualTo("blocked");
            LiveSessionTest.run(engine, new Command.Break());
            DumpReport report = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation()));
            List<StackFrame> frames = report.stacks().stream().filter(t -> t.tid().value() == pid).findFirst().orElseThrow().frames();
            assertThat(frames).as("frames: " + frames).filteredOn(f -> f.source() == FrameSource.DYNAMIC_TABLE).singleElement()
                    .satisfies(f -> {
                        assertThat(f.function()).isEqualTo(java.util.Optional.ofNullable(name));
                        assertThat(f.module()).contains("[" + origin + "]");
                    });
            assertThat(frames).anySatisfy(f -> assertThat(f.function()).contains("main"));
            LiveSessionTest.run(engine, new Command.Kill());
        } finally {
            if (started != null) started.close();
        }
    }

    @Test void coreOfAProcessWithRegisteredJitCodeIsSteppedByTheTableInTheCoreAsGdbDoes() throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb (the reference) is not installed");
        CoreRead c = readCoreOf("gdb-jit-crash");
        Path core = c.core();
        List<dev.sextant.engine.api.DynamicTable> reported = c.tables();
        List<StackFrame> frames = c.frames();
        StackFrame jit = c.jitFrame();
        assertThat(jit.function()).contains("jit_fn");
        // the table found in the core is reported (for the Unwind tables view), and covers the JIT frame
        assertThat(reported).singleElement().satisfies(t -> {
            assertThat(t.origin()).isEqualTo(dev.sextant.engine.unwind.DynamicTables.GDB_JIT);
            assertThat(t.functions()).anySatisfy(f -> {
                assertThat(f.name()).hasValueSatisfying(n -> assertThat(n).contains("jit_fn"));
                assertThat(Long.compareUnsigned(f.start().value(), jit.pc().value())).isLessThanOrEqualTo(0);
                assertThat(Long.compareUnsigned(jit.pc().value(), f.end().value())).isLessThan(0);
                assertThat(f.unwind()).startsWith("CFI");
            });
        });
        assertThat(frames.get(jit.index() + 1).function()).contains("main");

        List<Gdb> gdb = gdbBacktrace(exe.toString(), core.toString());
        int jitAt = gdb.stream().map(Gdb::function).toList().indexOf("jit_fn");
        assertThat(jitAt).as("gdb names the JIT frame: " + gdb).isNotNegative();
        assertThat(gdb.get(jitAt).pc()).isEqualTo(jit.pc().value());
        assertThat(gdb.get(jitAt + 1).function()).isEqualTo("main");
        assertThat(gdb.get(jitAt + 1).pc()).isEqualTo(frames.get(jit.index() + 1).pc().value());
    }

    record Gdb(long pc, String function) {}

    private static final Pattern GDB_FRAME = Pattern.compile("^#(\\d+)\\s+(?:0x([0-9a-f]+) in )?(\\S+) \\(");

    /**
     * gdb -batch TARGET... -ex bt (TARGET: -p PID, or the program and its core): frame pcs and function names
     * (frame 0 without "0x… in" when the pc is a line start: its pc is rip's).
     */
    static List<Gdb> gdbBacktrace(String... target) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gdb", "-batch", "-nx"));
        cmd.addAll(List.of(target));
        cmd.addAll(List.of("-ex", "bt", "-ex", "info registers rip"));
        String out = NativePrograms.Tools.run(dir, 90, cmd).all();
        List<Gdb> frames = new ArrayList<>();
        Matcher rip = Pattern.compile("rip\\s+0x([0-9a-f]+)").matcher(out);
        for (String line : out.split("\n")) {
            Matcher m = GDB_FRAME.matcher(line);
            if (!m.find()) continue;
            long pc = m.group(2) != null ? Long.parseUnsignedLong(m.group(2), 16) : -1;
            frames.add(new Gdb(pc, m.group(3)));
        }
        if (!frames.isEmpty() && frames.get(0).pc() == -1 && rip.find()) {
            frames.set(0, new Gdb(Long.parseUnsignedLong(rip.group(1), 16), frames.get(0).function()));
        }
        assertThat(frames).as("gdb said: " + out).isNotEmpty();
        return frames;
    }

    static List<Long> euStack(int pid) throws Exception {
        String out = NativePrograms.Tools.run(dir, 60, List.of("eu-stack", "-1", "-p", Integer.toString(pid))).all();
        List<Long> pcs = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^#\\d+\\s+0x([0-9a-f]+)").matcher(out);
        while (m.find()) pcs.add(Long.parseUnsignedLong(m.group(1), 16));
        assertThat(pcs).as("eu-stack said: " + out).isNotEmpty();
        return pcs;
    }

    /** A core of jit.c in {@code mode}, read: its dynamic tables as reported, the first thread's physical frames and the frame a table stepped. */
    record CoreRead(Path core, List<dev.sextant.engine.api.DynamicTable> tables, List<StackFrame> frames, StackFrame jitFrame) {}

    static CoreRead readCoreOf(String mode) throws Exception {
        Path core = dev.sextant.engine.testing.NativePrograms.coreOf(exe, dir, mode);
        List<dev.sextant.engine.api.DynamicTable> reported = new ArrayList<>();
        DumpReport r = dev.sextant.engine.dump.ElfCoreReader.read(core, dev.sextant.engine.dump.CoreOptions.DEFAULT,
                new dev.sextant.engine.dump.CoreReadListener() {
                    @Override public void dynamicTable(dev.sextant.engine.api.DynamicTable t) { reported.add(t); }
                }, new Cancellation());
        List<StackFrame> frames = r.stacks().get(0).frames().stream().filter(f -> !f.inline()).toList();
        StackFrame jit = frames.stream().filter(f -> f.source() == FrameSource.DYNAMIC_TABLE).findFirst()
                .orElseThrow(() -> new AssertionError("no frame stepped by a dynamic table: " + frames));
        return new CoreRead(core, reported, frames, jit);
    }
}
