package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Disassembly;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated code that no file backs (jit.c's function, written into mmap'ed memory at run time)
 * disassembled from the live process's memory: named from the dynamic function table the program
 * registered through the GDB JIT interface ({@code jit_fn}), and with the instruction boundaries and
 * mnemonics of {@code objdump -D -b binary} over the same bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JitDisassemblyTest {
    @TempDir static Path dir;

    @BeforeAll static void tools() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), () -> Disassembler.unavailableReason().get());
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("objdump"), "objdump (the reference) is not installed");
        JitStackTest.exe = NativePrograms.compileForTracing("jit", dir);
    }

    @Test void generatedCodeIsDisassembledFromMemoryAndNamedByItsTable() throws Exception {
        try (JitStackTest.Blocked b = JitStackTest.start("gdb-jit"); EngineThread engine = new EngineThread()) {
            engine.submit(new Command.Attach(new Pid(b.process().pid()))).get(60, TimeUnit.SECONDS);
            Disassembly d = engine.submit(new Command.Disassemble(Optional.empty(),
                    new CodeRange(Address.of(b.code()).toString(), java.util.OptionalInt.empty(), Optional.of(Address.of(b.code() + b.length())))))
                    .get(60, TimeUnit.SECONDS);
            MemoryBlock bytes = engine.submit(new Command.ReadMemory(Address.of(b.code()), (int) b.length())).get(60, TimeUnit.SECONDS);
            engine.submit(new Command.Detach()).get(60, TimeUnit.SECONDS);

            List<Instruction> ours = d.instructions();
            assertThat(ours).isNotEmpty();
            assertThat(ours.get(0).location()).contains("jit_fn");
            assertThat(ours.get(ours.size() - 1).location().orElseThrow()).startsWith("jit_fn+0x");
            // the generated code calls back into the program through a register (movabs rax, blocker; call rax)
            assertThat(ours).anySatisfy(i -> assertThat(i.mnemonic() + " " + i.operands()).isEqualTo("call rax"));

            Path raw = dir.resolve("jit.bin");
            Files.write(raw, bytes.bytes());
            List<String> reference = objdumpBinary(raw, b.code());
            List<String> mine = ours.stream().map(i -> Long.toHexString(i.address().value()) + " " + i.length() + " " + i.mnemonic()).toList();
            assertThat(mine).isEqualTo(reference);
        }
    }

    /** "address size mnemonic" of each instruction objdump finds in a raw x86-64 blob loaded at {@code vma}. */
    static List<String> objdumpBinary(Path raw, long vma) throws Exception {
        Process p = new ProcessBuilder("objdump", "-D", "-b", "binary", "-m", "i386:x86-64", "-M", "intel", "-w",
                "--adjust-vma=0x" + Long.toHexString(vma), raw.toString()).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*([0-9a-f]+):\\t([0-9a-f ]+?)\\s*\\t(\\S+)").matcher(text);
        while (m.find()) out.add(m.group(1) + " " + (m.group(2).length() + 1) / 3 + " " + m.group(3));
        return out;
    }
}
