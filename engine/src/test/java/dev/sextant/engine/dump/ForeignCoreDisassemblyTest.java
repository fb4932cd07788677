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

    /**
     * The corpus' i386 core (elfutils' backtrace test, a static executable): the code after the call in
     * raise (the crashed thread's frame 1, at its return address 0x08052207) as the engine lists it
     * for the window, read from the executable, is objdump's. Skips without the corpus.
     */
    @org.junit.jupiter.api.Test
    void i386CoreIsDisassembledAtAFrameAsObjdump() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (the reference) is not installed");
        Path core = dev.sextant.engine.testing.Corpus.bunzip("elfcore/elfutils/backtrace.i386.core.bz2", dir);
        Path exe = dev.sextant.engine.testing.Corpus.require("elfcore/elfutils/backtrace.i386.exec");
        try (EngineThread engine = new EngineThread()) {
            DumpReport r = engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation()))
                    .get(120, TimeUnit.SECONDS);
            long pc = r.stacks().get(0).frames().stream().filter(f -> !f.inline()).toList().get(1).pc().value();
            assertThat(pc).as("raise's return address, as the corpus README says").isEqualTo(0x08052207L);
            Disassembly d = engine.submit(new Command.Disassemble(Optional.empty(),
                    new CodeRange("0x" + Long.toHexString(pc), OptionalInt.of(4), Optional.empty()))).get(60, TimeUnit.SECONDS);
            Tools.Result od = Tools.run(dir, 60, List.of("objdump", "-d", "-M", "intel", "--start-address=0x" + Long.toHexString(pc),
                    "--stop-address=0x" + Long.toHexString(pc + 9), exe.toString()));
            Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\t(?:[0-9a-f ]+\\t)(\\S+)").matcher(od.stdout());
            List<String> theirs = new java.util.ArrayList<>();
            while (m.find()) theirs.add(m.group(1) + " " + m.group(2));
            assertThat(theirs).as(od.stdout()).hasSize(4);
            assertThat(d.instructions()).extracting(i -> Long.toHexString(i.address().value()) + " " + i.mnemonic()).isEqualTo(theirs);
            assertThat(d.instructions().get(0).location()).hasValue("raise+0x27");
            assertThat(d.instructions().get(1).targetName()).as("ja's target").hasValue("raise+0x30");
        }
    }
}
