package dev.sextant.engine.linux;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.elfutils.LiveSession;
import dev.sextant.engine.elfutils.SourceLookup;
import dev.sextant.engine.session.EngineThread;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TracerTest {
    @TempDir static Path dir;

    @BeforeAll static void permitted() throws Exception { NativePrograms.assumePtracePermitted(); }

    @Test void attachToTwentyThreadsReadsEveryStackAndDetachLeavesTheProcessUnchanged() throws Exception {
        Path exe = NativePrograms.compile("threads", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe, "20")) {
            byte[] before = NativePrograms.text(p.pid(), exe);
            DumpReport report;
            try (EngineThread engine = new EngineThread()) {
                report = engine.submit(new Command.StackProcess(new Pid(p.pid()), new Cancellation())).get(60, TimeUnit.SECONDS);
            }
            assertThat(report.threads()).hasSize(21);
            assertThat(report.stacks()).hasSize(21);
            assertThat(report.threads().get(0).tid().value()).isEqualTo(p.pid());
            int workers = 0;
            for (ThreadStack s : report.stacks()) {
                List<String> fns = s.frames().stream().map(f -> f.function().orElse("?")).toList();
                if (fns.contains("worker")) {
                    workers++;
                    assertThat(fns).containsSubsequence("level3", "level2", "level1", "worker", "start_thread");
                    StackFrame l3 = s.frames().stream().filter(f -> f.function().orElse("").equals("level3")).findFirst().orElseThrow();
                    assertThat(l3.file().orElseThrow()).endsWith("threads.c");
                    assertThat(l3.line()).hasValue(5);
                } else {
                    assertThat(fns).contains("main");
                }
            }
            assertThat(workers).isEqualTo(20);
            if (NativePrograms.Tools.onPath("eu-stack")) {   // the reference: same threads
                Process eu = new ProcessBuilder("eu-stack", "-p", Integer.toString(p.pid())).redirectErrorStream(true).start();
                String text = new String(eu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                eu.waitFor(30, TimeUnit.SECONDS);
                assertThat(text.lines().filter(l -> l.startsWith("TID ")).count()).isEqualTo(21);
                // and the same pcs, frame by frame (eu-stack read the process after Sextant detached)
                java.util.Map<Integer, List<Long>> theirs = new java.util.HashMap<>();
                List<Long> current = null;
                for (String l : text.lines().toList()) {
                    var tid = java.util.regex.Pattern.compile("^TID (\\d+):").matcher(l);
                    var frame = java.util.regex.Pattern.compile("^#\\d+\\s+0x([0-9a-f]+)").matcher(l);
                    if (tid.find()) theirs.put(Integer.parseInt(tid.group(1)), current = new java.util.ArrayList<>());
                    else if (frame.find() && current != null) current.add(Long.parseUnsignedLong(frame.group(1), 16));
                }
                for (ThreadStack s : report.stacks()) {
                    List<Long> ours = s.frames().stream().filter(f -> !f.inline()).map(f -> f.pc().value()).toList();
                    assertThat(ours).as("pcs of thread %s", s.tid()).isEqualTo(theirs.get(s.tid().value()));
                }
            }
            assertThat(NativePrograms.status(p.pid(), "TracerPid:")).isEqualTo("0");
            assertThat(NativePrograms.status(p.pid(), "State:")).doesNotStartWith("t").doesNotStartWith("T");
            assertThat(p.alive()).isTrue();
            assertThat(NativePrograms.text(p.pid(), exe)).isEqualTo(before);
        }
    }

    @Test void breakpointHitsAreCountedAndDetachRestoresEveryByte() throws Exception {
        Path exe = NativePrograms.compile("ticker", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe)) {
            byte[] before = NativePrograms.text(p.pid(), exe);
            try (Tracer t = Tracer.attach(new Pid(p.pid()));
                 LiveSession dwfl = LiveSession.open(p.pid(), LiveSnapshot.unwindSource(t))) {
                SourceLookup lookup = new SourceLookup(dwfl);
                List<Long> entries = lookup.functionAddresses("tick");
                assertThat(entries).hasSize(1);
                long addr = lookup.afterPrologue(entries.get(0));
                assertThat(lookup.lineAt(addr).orElseThrow().line()).isEqualTo(gdbBreakLine(exe, "tick"));
                String real = exe.toRealPath().toString();
                long base = ProcMaps.read(p.pid()).stream().filter(m -> m.path().orElse("").equals(real))
                        .mapToLong(ProcMaps.Mapping::start).min().orElseThrow();
                assertThat(addr - base).isEqualTo(gdbBreakAddress(exe, "tick"));

                int id = t.addBreakpoint(addr, "tick");
                assertThat(t.readMemory(addr, 1)[0]).isEqualTo((byte) 0xcc);
                for (int hit = 1; hit <= 3; hit++) {
                    t.resumeAll();
                    t.waitForStop();
                    List<TraceEvent> events = t.drainEvents();
                    TraceEvent.Stopped stop = (TraceEvent.Stopped) events.get(events.size() - 1);
                    assertThat(stop.reason()).isEqualTo(new StopReason.BreakpointHit(id, dev.sextant.engine.api.Address.of(addr), hit));
                    assertThat(t.registers(stop.tid())[Tracer.RIP]).isEqualTo(addr);
                }
                t.detach();
            }
            assertThat(NativePrograms.text(p.pid(), exe)).isEqualTo(before);
            String l1 = p.line(), l2 = p.line();      // it keeps ticking
            assertThat(l1).startsWith("tick ");
            assertThat(l2).startsWith("tick ");
            assertThat(NativePrograms.status(p.pid(), "TracerPid:")).isEqualTo("0");
        }
    }

    /** gdb's own answer: "Breakpoint 1 at 0x1151: file ticker.c, line 10." */
    static Matcher gdbBreak(Path exe, String function) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb (the reference) is not installed");
        Process g = new ProcessBuilder("gdb", "-batch", "-nx", "-ex", "break " + function, exe.toString()).redirectErrorStream(true).start();
        String out = new String(g.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        g.waitFor(30, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("Breakpoint 1 at 0x([0-9a-f]+): file .*, line (\\d+)\\.").matcher(out);
        assertThat(m.find()).as("gdb said: " + out).isTrue();
        return m;
    }

    static long gdbBreakAddress(Path exe, String function) throws Exception { return Long.parseLong(gdbBreak(exe, function).group(1), 16); }

    static int gdbBreakLine(Path exe, String function) throws Exception { return Integer.parseInt(gdbBreak(exe, function).group(2)); }
}
