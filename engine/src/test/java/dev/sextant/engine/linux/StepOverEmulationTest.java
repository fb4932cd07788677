package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming from a breakpoint runs simple instructions in the debugger instead of single-stepping
 * them (stepover.c: one instruction of each kind the emulation knows, plus a {@code nopw} with a
 * 0x66 prefix it leaves to single-stepping): with a false condition on every one of them, hit at
 * every call, the program computes exactly what it computes without a debugger.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StepOverEmulationTest {
    @TempDir static Path dir;
    static Path exe;
    static Map<String, Long> labels = new LinkedHashMap<>();

    @BeforeAll static void build() throws Exception {
        exe = NativePrograms.compileForTracing("stepover", dir, "-no-pie");
        Process nm = new ProcessBuilder("nm", exe.toString()).redirectErrorStream(true).start();
        for (String line : new String(nm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].startsWith("k_")) labels.put(f[2], Long.parseUnsignedLong(f[0], 16));
        }
        nm.waitFor();
    }

    static String nativeOutput(String n) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(exe.toString(), n).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test void everyEmulatedKindComputesWhatTheProgramComputesAlone() throws Exception {
        assertThat(labels).containsKeys("k_endbr", "k_push", "k_store64", "k_storeimm", "k_load32", "k_leasib",
                "k_riprd", "k_ripwr", "k_immreg", "k_pushr12", "k_nopw", "k_nopl", "k_rsp", "k_mov32");
        String n = "40";
        String expected = nativeOutput(n);
        assertThat(expected).startsWith("sum ");
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        Path out = dir.resolve("stepover.out");
        try (EngineThread engine = new EngineThread()) {
            engine.addListener(events);
            LiveSessionTest.run(engine, new Command.Launch(exe, List.of(n), Optional.empty(), Map.of(), out));
            for (Map.Entry<String, Long> l : labels.entrySet()) {
                Breakpoint b = LiveSessionTest.run(engine, new Command.SetBreakpoint("0x" + Long.toHexString(l.getValue()) + " if counter == 12345"));
                assertThat(b.address().value()).as(l.getKey()).isEqualTo(l.getValue());
            }
            // one that stops: on the 40th hit of a load, then runs on to the end
            Breakpoint counted = LiveSessionTest.run(engine, new Command.SetBreakpoint("0x" + Long.toHexString(labels.get("k_load64"))));
            LiveSessionTest.run(engine, new Command.ConfigureBreakpoint(counted.id(), Optional.empty(), OptionalLong.of(40), Optional.empty()));
            LiveSessionTest.run(engine, new Command.Continue());
            StopReason r = events.await(DebugEvent.ProcessStopped.class, s -> !(s.reason() instanceof StopReason.Attached)).reason();
            assertThat(r).isInstanceOf(StopReason.BreakpointHit.class);
            assertThat(((StopReason.BreakpointHit) r).hitCount()).isEqualTo(40);
            LiveSessionTest.run(engine, new Command.Continue());
            DebugEvent.ProcessExited exited = events.await(DebugEvent.ProcessExited.class);
            assertThat(exited.status().exitCode()).hasValue(0);
        }
        assertThat(Files.readString(out)).isEqualTo(expected);
    }
}
