package dev.sextant.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.UnwoundRegisters;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registers of caller frames of a core, as the engine unwinds them, against gdb's
 * {@code frame N} + {@code info registers} on the same core: every register the engine recovered
 * has gdb's value, and the pc, stack pointer and frame pointer are always among them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FrameRegistersGdbTest {
    @TempDir Path dir;

    @Test void callerFramesRegistersEqualGdbs() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("gdb"), "gdb not installed");
        Path exe = NativePrograms.compile("srcview", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        try (EngineThread e = new EngineThread(SymbolPath.parse("own", Map.of()), EnumSet.of(SymbolOption.LOAD_LINES))) {
            e.addListener(ev -> { });
            DumpReport r = e.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            ThreadStack st = r.stacks().get(0);
            assertThat(st.frames()).extracting(f -> f.function().orElse("?")).startsWith("crash_in_leaf", "middle", "outer", "main");
            for (int row = 0; row <= 3; row++) {
                StackFrame f = st.frames().get(row);
                UnwoundRegisters mine = e.submit(new Command.ReadFrameRegisters(st.tid(), row)).get(30, TimeUnit.SECONDS);
                Map<String, Long> gdb = gdbRegisters(exe, core, row);
                // The callee-saved registers and the pc and stack pointer are always recovered (SysV ABI).
                assertThat(mine.recovered()).extracting(Register::name).contains("rip", "rsp", "rbp", "rbx", "r12", "r13", "r14", "r15");
                assertThat(mine.recovered()).filteredOn(x -> x.name().equals("rip")).singleElement()
                        .satisfies(x -> assertThat(x.value()).isEqualTo(f.pc().value()));
                for (Register reg : mine.recovered()) {
                    assertThat(reg.value()).as("frame %d %s (gdb %s)", row, reg.name(), gdb).isEqualTo(gdb.get(reg.name()));
                }
                if (row == 0) assertThat(mine.notRecovered()).isEmpty();
                else assertThat(mine.notRecovered()).as("caller-saved registers are not recovered in frame %d", row)
                        .containsExactly("rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11");
                assertThat(mine.recovered().size() + mine.notRecovered().size()).isEqualTo(17);
            }
        }
    }

    /** gdb's {@code info registers} in frame {@code n}: name to value, the general registers. */
    static Map<String, Long> gdbRegisters(Path exe, Path core, int n) throws Exception {
        Tools.Result g = Tools.run(exe.getParent(), 60, List.of("gdb", "-nx", "-batch", "-ex", "frame " + n, "-ex", "info registers",
                exe.toString(), core.toString()));
        Map<String, Long> out = new HashMap<>();
        for (String line : g.stdout().lines().toList()) {
            String[] p = line.trim().split("\\s+");
            if (p.length >= 2 && p[1].startsWith("0x") && p[0].matches("[a-z0-9]+")) out.put(p[0], Long.parseUnsignedLong(p[1].substring(2), 16));
        }
        assertThat(out).as("gdb output: %s %s", g.stdout(), g.stderr()).containsKeys("rip", "rsp");
        return out;
    }
}
