package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.ForeignCores.Crash;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A foreign core (made with qemu-user, see {@link ForeignCores}) disassembled at its crashing pc by
 * the engine, in the core's architecture: the instruction at the pc is the one the cross objdump
 * shows at that address of the executable (the core stores no code: it is read from the module's
 * file, at the core's addresses). Skips where the cross compiler or qemu is missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForeignCoreDisassemblyTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"aarch64", "arm", "s390x", "ppc64le", "ppc64"})
    void theCrashingInstructionIsObjdumps(String arch) throws Exception {
        Crash c = ForeignCores.crash(arch, dir);
        try (EngineThread engine = new EngineThread()) {
            DumpReport r = engine.submit(new Command.OpenCore(c.core(), Optional.of(c.exe()), Optional.empty(), new Cancellation()))
                    .get(120, TimeUnit.SECONDS);
            long pc = r.threads().stream().filter(t -> t.crashed()).findFirst().orElse(r.threads().get(0)).registers().pc().orElseThrow().value();
            Disassembly d = engine.submit(new Command.Disassemble(Optional.empty(),
                    new CodeRange("0x" + Long.toHexString(pc), OptionalInt.of(4), Optional.empty()))).get(60, TimeUnit.SECONDS);
            assertThat(d.instructions()).hasSize(4);
            Instruction first = d.instructions().get(0);
            assertThat(first.address().value()).isEqualTo(pc);
            assertThat(first.location()).as(arch + " the crashing instruction's function").hasValueSatisfying(l -> assertThat(l).startsWith("leaf"));

            Module exe = r.modules().stream().filter(m -> m.contains(first.address())).findFirst().orElseThrow();
            long fileAddress = pc - exe.base().value();
            String triple = ForeignCores.ARCHES.get(arch).get(0);
            Tools.Result od = Tools.run(dir, 60, List.of(triple + "-objdump", "-d", "--start-address=0x" + Long.toHexString(fileAddress),
                    "--stop-address=0x" + Long.toHexString(fileAddress + 16), c.exe().toString()));
            Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\t(?:[0-9a-f ]+\\t)?(\\S+)").matcher(od.stdout());
            assertThat(m.find()).as(od.stdout()).isTrue();
            assertThat(Long.parseUnsignedLong(m.group(1), 16)).isEqualTo(fileAddress);
            assertThat(first.mnemonic()).as(arch + " at " + first.address()).isEqualTo(m.group(2));
        }
    }
}
