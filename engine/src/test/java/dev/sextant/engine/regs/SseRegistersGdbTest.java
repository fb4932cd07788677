package dev.sextant.engine.regs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.SseRegisters;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * xmm0–xmm15, mxcsr and the x87 control/status words against gdb's {@code p/x $xmm0.uint128} ... on
 * the same core: a program that loads known doubles and floats into xmm0/1/7/15 and crashes; and on a
 * live stopped process against gdb on a core the engine saves of it. Callers' frames have none.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SseRegistersGdbTest {
    @TempDir Path dir;

    static EngineThread engine() {
        EngineThread e = new EngineThread(SymbolPath.parse("own", Map.of()), EnumSet.of(SymbolOption.LOAD_LINES));
        e.addListener(ev -> { });
        return e;
    }

    @Test void aCoresSseRegistersEqualGdbsAndHoldTheLoadedValues() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb not installed");
        Path exe = NativePrograms.compile("sse", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        try (EngineThread e = engine()) {
            DumpReport r = e.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            ThreadStack st = r.stacks().get(0);
            SseRegisters.State s = e.submit(new Command.ReadSseRegisters(st.tid(), 0)).get(30, TimeUnit.SECONDS).state().orElseThrow();
            assertEqualsGdb(s, exe, core);
            assertThat(s.xmm().get(0).doubles()).containsExactly(1.5, -2.25);
            assertThat(s.xmm().get(1).doubles()).containsExactly(3.125, 1e100);
            assertThat(s.xmm().get(15).doubles()).containsExactly(3.125, 1e100);
            assertThat(s.xmm().get(7).floats()).containsExactly(0.5f, 1.0f, -3.0f, 42.75f);
            assertThat(e.submit(new Command.ReadSseRegisters(st.tid(), 1)).get(30, TimeUnit.SECONDS).state()).isEmpty();
        }
    }

    @Test void aStoppedProcesssSseRegistersEqualGdbsOnItsCore() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb not installed");
        Path exe = NativePrograms.compileForTracing("sse", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe, "wait"); EngineThread e = engine()) {
            e.submit(new Command.Attach(new Pid(p.pid()))).get(60, TimeUnit.SECONDS);
            SseRegisters live = e.submit(new Command.ReadSseRegisters(new Tid(p.pid()), 0)).get(30, TimeUnit.SECONDS);
            Path core = dir.resolve("live.core");
            e.submit(new Command.SaveDump(new Command.DumpSource.Process(new Pid(p.pid())), core, List.of(), false, false, List.of()))
                    .get(60, TimeUnit.SECONDS);
            assertEqualsGdb(live.state().orElseThrow(), exe, core);
        }
    }

    /** gdb's xmm0..15 (as 128-bit integers), mxcsr, fctrl and fstat on {@code core} equal {@code s}'s. */
    static void assertEqualsGdb(SseRegisters.State s, Path exe, Path core) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gdb", "-nx", "-batch"));
        for (int i = 0; i < 16; i++) cmd.addAll(List.of("-ex", "p/x $xmm" + i + ".uint128"));
        cmd.addAll(List.of("-ex", "p/x $mxcsr", "-ex", "p/x $fctrl", "-ex", "p/x $fstat", exe.toString(), core.toString()));
        Tools.Result g = Tools.run(exe.getParent(), 60, cmd);
        List<BigInteger> values = g.stdout().lines().filter(l -> l.startsWith("$")).map(l -> new BigInteger(l.substring(l.indexOf("0x") + 2).strip(), 16)).toList();
        assertThat(values).as("gdb said %s %s", g.stdout(), g.stderr()).hasSize(19);
        for (int i = 0; i < 16; i++) {
            assertThat(new BigInteger(s.xmm().get(i).hex().substring(2), 16)).as("xmm%d", i).isEqualTo(values.get(i));
        }
        assertThat(s.mxcsr()).isEqualTo(values.get(16).intValue());
        assertThat(s.fcw()).isEqualTo(values.get(17).intValue());
        assertThat(s.fsw()).isEqualTo(values.get(18).intValue());
    }
}
