package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.testing.ForeignCores;
import dev.sextant.engine.testing.ForeignCores.Crash;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cores of other architectures, made here: the test program built with Debian's cross compilers
 * and crashed under qemu-user, which writes the guest's core. Threads, registers and frames must
 * equal what {@code eu-readelf -n} and {@code eu-stack} say of the same core (big-endian s390x and
 * ppc64 included). Skipped where the cross compiler or qemu is missing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForeignArchCoreTest {
    @TempDir Path dir;

    /** eu-readelf's register names where Sextant uses the ABI's own (the issue's) names. */
    static String ours(String arch, String euName) {
        if (arch.startsWith("ppc") && euName.matches("r\\d+")) return "gpr" + euName.substring(1);
        if (arch.equals("arm") && euName.equals("spsr")) return "cpsr";
        return euName;
    }

    Crash crash(String arch) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath("eu-stack") && Tools.onPath("eu-readelf"), "no elfutils");
        return ForeignCores.crash(arch, dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"aarch64", "arm", "s390x", "ppc64le", "ppc64"})
    void threadsRegistersAndFramesEqualElfutils(String arch) throws Exception {
        Crash c = crash(arch);
        DumpReport r = CorpusCoreTest.read(c.core(), c.exe());
        assertThat(r.process().arch()).isEqualTo(arch);

        Map<Integer, Map<String, Long>> eu = euReadelfRegisters(c.core());
        long mask = arch.equals("arm") ? 0xffffffffL : -1L;   // eu-readelf prints some 32-bit registers signed
        assertThat(r.threads()).extracting(t -> t.tid().value()).containsExactlyElementsOf(eu.keySet());
        for (ThreadInfo t : r.threads()) {
            Map<String, Long> expected = eu.get(t.tid().value());
            int compared = 0;
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                var reg = t.registers().find(ours(arch, e.getKey()));
                if (reg.isEmpty()) continue;
                assertThat(reg.get().value()).as(arch + " thread " + t.tid() + " " + e.getKey()).isEqualTo(e.getValue() & mask);
                compared++;
            }
            assertThat(compared).as("registers compared with eu-readelf").isGreaterThanOrEqualTo(16);
            assertThat(t.registers().pc()).isPresent();
        }

        Map<Integer, List<Long>> stack = euStack(c.core(), c.exe());
        assertThat(stack.keySet()).containsExactlyElementsOf(eu.keySet());
        for (ThreadStack st : r.stacks()) {
            assertThat(st.frames().stream().filter(f -> !f.inline()).map(f -> f.pc().value()).toList())
                    .as(arch + " thread " + st.tid() + " frames").isEqualTo(stack.get(st.tid().value()));
        }
        ThreadStack crashed = r.stacks().stream().filter(s -> s.tid().equals(r.threads().get(0).tid())).findFirst().orElseThrow();
        assertThat(crashed.frames().stream().map(StackFrame::function).flatMap(java.util.Optional::stream).toList())
                .startsWith("leaf", "middle");
        assertThat(r.signal()).hasValueSatisfying(s -> assertThat(s.number()).isEqualTo(11));
    }

    /**
     * The same frames when Sextant serves the threads, registers and memory to libdwfl (as it does
     * from {@link ElfCoreReader#OWN_READER_FROM_THREADS} threads on: libelf 0.188's own reader
     * slows down with every chunk it reads), each architecture's registers in its DWARF numbering.
     */
    @ParameterizedTest
    @ValueSource(strings = {"aarch64", "arm", "s390x", "ppc64le", "ppc64"})
    void theSameFramesWhenSextantServesTheThreads(String arch) throws Exception {
        Crash c = crash(arch);
        DumpReport r;
        System.setProperty("sextant.ownReaderFromThreads", "0");
        try {
            r = CorpusCoreTest.read(c.core(), c.exe());
        } finally {
            System.clearProperty("sextant.ownReaderFromThreads");
        }
        Map<Integer, List<Long>> stack = euStack(c.core(), c.exe());
        assertThat(r.stacks()).hasSize(stack.size());
        for (ThreadStack st : r.stacks()) {
            assertThat(st.frames().stream().filter(f -> !f.inline()).map(f -> f.pc().value()).toList())
                    .as(arch + " thread " + st.tid() + " frames, Sextant's reader").isEqualTo(stack.get(st.tid().value()));
        }
    }

    /**
     * elfutils 0.188 cannot unwind MIPS (eu-stack: "Unwinding not supported for this architecture"):
     * the threads and registers are still read, and each stack is frame 0 from the core's registers,
     * with the reason.
     */
    @Test void mipsThreadsWithFrameZeroWhereLibdwflCannotUnwind() throws Exception {
        Crash c = crash("mips64el");
        DumpReport r = CorpusCoreTest.read(c.core(), c.exe());
        assertThat(r.process().arch()).isEqualTo("mips64el");
        CoreFile notes = CoreFile.open(c.core());
        assertThat(r.threads()).extracting(t -> t.tid().value())
                .containsExactlyElementsOf(notes.threads().stream().map(CoreFile.PrStatus::tid).toList()).hasSize(2);
        // The crashing pc lies in leaf(): its symbol plus where the program was loaded (AT_PHDR - e_phoff).
        long phoff = ElfHeader.read(ByteReader.of(Files.readAllBytes(c.exe()), ByteOrder.LITTLE_ENDIAN)).phoff();
        long base = notes.auxv().get(CoreFile.AT_PHDR) - phoff;
        long[] leaf = symbol(c.exe(), "leaf");
        long pc = r.threads().get(0).registers().find("epc").map(Register::value).orElseThrow();
        assertThat(pc - base).isBetween(leaf[0], leaf[0] + leaf[1] - 1);
        assertThat(r.stacks()).allSatisfy(st -> {
            assertThat(st.frames()).hasSize(1);
            assertThat(st.stopReason()).hasValueSatisfying(s -> assertThat(s).contains("cannot unwind mips64el"));
        });
        assertThat(r.stacks().get(0).frames().get(0).pc().value()).isEqualTo(pc);
    }

    /** {value, size} of a function symbol, from binutils' readelf (it reads every architecture). */
    static long[] symbol(Path exe, String name) throws IOException, InterruptedException {
        String out = Tools.run(exe.getParent(), 60, List.of("readelf", "-sW", exe.toString())).stdout();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[7].equals(name) && f[3].equals("FUNC")) {
                return new long[] {Long.parseUnsignedLong(f[1], 16), Long.parseLong(f[2])};
            }
        }
        throw new AssertionError("no symbol " + name + " in " + exe);
    }

    /** Each PRSTATUS note's pid and the registers eu-readelf decodes for it, in note order. */
    static Map<Integer, Map<String, Long>> euReadelfRegisters(Path core) throws IOException, InterruptedException {
        String out = Tools.run(core.getParent(), 60, List.of("eu-readelf", "-n", core.toString())).stdout();
        Map<Integer, Map<String, Long>> threads = new LinkedHashMap<>();
        Map<String, Long> regs = null;
        boolean inRegs = false;
        for (String line : out.split("\n")) {
            String s = line.trim();
            if (s.startsWith("CORE") || s.startsWith("LINUX")) { regs = null; inRegs = false; }
            if (s.matches("CORE\\s+\\d+\\s+PRSTATUS")) { regs = new LinkedHashMap<>(); continue; }
            if (regs == null) continue;
            if (s.startsWith("pid:")) {
                threads.put(Integer.parseInt(s.substring(4, s.indexOf(',')).trim()), regs);
                continue;
            }
            if (s.startsWith("utime:")) { inRegs = true; continue; }
            if (!inRegs) continue;
            var m = java.util.regex.Pattern.compile("([a-z][a-z_0-9]*):\\s+(0x[0-9a-f]+|-?\\d+)").matcher(s);
            while (m.find()) {
                String v = m.group(2);
                regs.put(m.group(1), v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v));
            }
        }
        return threads;
    }

    /** eu-stack's pcs per thread, in its order. */
    static Map<Integer, List<Long>> euStack(Path core, Path exe) throws IOException, InterruptedException {
        String out = Tools.run(core.getParent(), 120, List.of("eu-stack", "--core", core.toString(), "-e", exe.toString())).stdout();
        Map<Integer, List<Long>> threads = new LinkedHashMap<>();
        List<Long> cur = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("TID ")) {
                cur = new java.util.ArrayList<>();
                threads.put(Integer.parseInt(line.substring(4, line.indexOf(':'))), cur);
            } else if (cur != null && line.startsWith("#")) {
                String[] f = line.split("\\s+");
                cur.add(Long.parseUnsignedLong(f[1].substring(2), 16));
            }
        }
        return threads;
    }
}
