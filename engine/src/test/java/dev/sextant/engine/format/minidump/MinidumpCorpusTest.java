package dev.sextant.engine.format.minidump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.testing.Corpus;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The parser against the corpus minidumps: each fact the corpus README lists, field by field. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MinidumpCorpusTest {

    static Minidump open(Path p) throws IOException {
        return Minidump.read(ByteReader.map(p, ByteOrder.LITTLE_ENDIAN));
    }

    @Test void windowsXpX86DumpHasItsSystemThreadsExceptionAndModules() throws IOException {
        Minidump d = open(Corpus.require("minidump/breakpad/minidump2.dmp"));
        SystemInfo s = d.systemInfo().orElseThrow();
        assertThat(s.cpuName()).isEqualTo("x86");
        assertThat(s.cpuDescription()).contains("GenuineIntel family 6 model 13 stepping 8");
        assertThat(s.processorCount()).isEqualTo(1);
        assertThat(s.osDescription()).isEqualTo("Windows NT 5.1.2600 Service Pack 2");
        assertThat(d.threads()).extracting(ThreadRecord::threadId).containsExactly(3060, 4544);
        ExceptionRecord e = d.exception().orElseThrow();
        assertThat(e.threadId()).isEqualTo(0xbf4);
        assertThat(e.code()).isEqualTo(0xC0000005L);
        assertThat(e.address()).isEqualTo(0x0040429eL);
        assertThat(e.parameters()).containsExactly(1L, 0x45L);
        BreakpadInfo bp = d.breakpadInfo().orElseThrow();
        assertThat(bp.dumpThreadId().getAsInt()).isEqualTo(0x11c0);
        assertThat(bp.requestingThreadId().getAsInt()).isEqualTo(0xbf4);
        List<ModuleRecord> m = d.modules();
        assertThat(m).hasSize(13);
        assertThat(m.get(0).name()).isEqualTo("c:\\test_app.exe");
        assertThat(m.get(0).base()).isEqualTo(0x400000L);
        assertThat(m.get(0).size()).isEqualTo(0x2d000L);
        assertThat(m.get(0).codeId()).isEqualTo("45D35F6C2d000");
        assertThat(m.get(0).debugFileName()).contains("c:\\test_app.pdb");
        assertThat(m.get(0).debugId()).isEqualTo("5A9832E5287241C1838ED98914E9B7FF1");
        assertThat(m.get(12).shortName()).isEqualTo("psapi.dll");
        assertThat(m.get(12).base()).isEqualTo(0x76bf0000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("kernel32.dll")).singleElement()
                .satisfies(k -> { assertThat(k.base()).isEqualTo(0x7c800000L); assertThat(k.version()).contains("5.1.2600.2945"); });
        assertThat(m).filteredOn(x -> x.shortName().equals("ntdll.dll")).extracting(ModuleRecord::base).containsExactly(0x7c900000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("ole32.dll")).extracting(ModuleRecord::base).containsExactly(0x774e0000L);
        assertThat(d.problems()).isEmpty();
    }

    /** Breakpad's machine-readable stackwalk output lists every module: name, version, pdb, debug id, start, end. */
    @Test void everyModuleMatchesBreakpadsMachineReadableOutput() throws IOException {
        Minidump d = open(Corpus.require("minidump/breakpad/minidump2.dmp"));
        List<String> lines = Files.readAllLines(Corpus.require("minidump/breakpad/minidump2.stackwalk.machine_readable.out"));
        List<String[]> oracle = lines.stream().filter(l -> l.startsWith("Module|")).map(l -> l.split("\\|", -1)).toList();
        assertThat(oracle).hasSize(13);
        assertThat(d.modules()).hasSameSizeAs(oracle);
        for (String[] o : oracle) {
            ModuleRecord m = d.modules().stream().filter(x -> x.shortName().equalsIgnoreCase(o[1])).findFirst().orElseThrow();
            assertThat(m.version().orElse("")).as(o[1]).isEqualTo(o[2]);
            assertThat(m.debugFileName().map(n -> n.substring(n.lastIndexOf('\\') + 1))).as(o[1]).contains(o[3]);
            assertThat(m.debugId()).as(o[1]).isEqualTo(o[4]);
            assertThat(m.base()).as(o[1]).isEqualTo(Long.decode(o[5]));
            assertThat(m.base() + m.size() - 1).as(o[1]).isEqualTo(Long.decode(o[6]));
        }
    }

    @Test void fastFailDumpHasFourThreadsAndTwentyOneModules() throws IOException {
        Minidump d = open(Corpus.require("minidump/breakpad/tiny-exe-fastfail.dmp"));
        assertThat(d.header().flags()).isEqualTo(0x100L);
        assertThat(d.systemInfo().orElseThrow().processorCount()).isEqualTo(36);
        assertThat(d.systemInfo().orElseThrow().cpuName()).isEqualTo("amd64");
        assertThat(d.threads()).extracting(ThreadRecord::threadId).containsExactly(24440, 36104, 26620, 34828);
        ExceptionRecord e = d.exception().orElseThrow();
        assertThat(e.threadId()).isEqualTo(24440);
        assertThat(e.code()).isEqualTo(0xC0000409L);
        assertThat(e.flags()).isEqualTo(1);
        assertThat(e.address()).isEqualTo(0x7ff75355af42L);
        assertThat(e.parameters()).containsExactly(7L);
        List<ModuleRecord> m = d.modules();
        assertThat(m).hasSize(21);
        assertThat(m.get(0).shortName()).isEqualTo("tiny.exe");
        assertThat(m.get(0).base()).isEqualTo(0x7ff753540000L);
        assertThat(m.get(0).size()).isEqualTo(0x101000L);
        assertThat(m.get(20).shortName()).isEqualTo("bcryptPrimitives.dll");
        assertThat(m.get(20).base()).isEqualTo(0x7ffb08b90000L);
        assertThat(m).extracting(ModuleRecord::shortName).contains("ntdll.dll", "kernel32.dll", "KERNELBASE.dll");
        assertThat(d.directory()).extracting(Minidump.StreamEntry::type).contains(StreamType.SYSTEM_MEMORY_INFO, StreamType.PROCESS_VM_COUNTERS);
        assertThat(d.exceptionContext().orElseThrow().pc()).isEqualTo(0x7ff75355af42L);
    }

    @Test void breakpadLinuxDumpHasItsLinuxStreams() throws IOException {
        Minidump d = open(Corpus.require("minidump/breakpad/linux_raise_sigabrt.dmp"));
        SystemInfo s = d.systemInfo().orElseThrow();
        assertThat(s.processorCount()).isEqualTo(1);
        assertThat(s.isLinuxLike()).isTrue();
        assertThat(d.threads()).extracting(ThreadRecord::threadId).containsExactly(23526);
        ExceptionRecord e = d.exception().orElseThrow();
        assertThat(e.threadId()).isEqualTo(23526);
        assertThat(e.code()).isEqualTo(6);
        assertThat(e.flags()).isZero();
        assertThat(e.address()).isEqualTo(0x0004d14400005be6L);
        List<ModuleRecord> m = d.modules();
        assertThat(m).hasSize(8);
        assertThat(m.get(0).name()).endsWith("/stream_test/driver");
        assertThat(m.get(0).base()).isEqualTo(0x400000L);
        assertThat(m.get(0).size()).isEqualTo(0x17000L);
        assertThat(m.get(7).name()).isEqualTo("linux-gate.so");
        assertThat(m.get(7).base()).isEqualTo(0x7ffcdb5f1000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("libc-2.19.so")).extracting(ModuleRecord::base).containsExactly(0x7f5aa0e3d000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("libm-2.19.so")).extracting(ModuleRecord::base).containsExactly(0x7f5aa0b37000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("libgcc_s.so.1")).extracting(ModuleRecord::base).containsExactly(0x7f5aa1202000L);
        assertThat(d.linuxText(StreamType.LINUX_CPU_INFO).orElseThrow()).contains("processor");
        assertThat(d.linuxText(StreamType.LINUX_PROC_STATUS).orElseThrow()).contains("Pid:\t23526");
        assertThat(d.linuxText(StreamType.LINUX_CMD_LINE).orElseThrow()).startsWith("./driver");
        assertThat(d.linuxText(StreamType.LINUX_ENVIRON).orElseThrow()).contains("PATH=");
        assertThat(d.linuxText(StreamType.LINUX_MAPS).orElseThrow()).contains("libc-2.19.so");
        assertThat(d.linuxAuxv()).containsKey(6L); // AT_PAGESZ
        assertThat(d.linuxAuxv().get(6L)).isEqualTo(4096L);
        LinuxStreams.DsoDebug dso = d.dsoDebug().orElseThrow();
        assertThat(dso.linkMap()).extracting(LinuxStreams.LinkMapEntry::name).contains("/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2");
        assertThat(d.problems()).isEmpty();
    }

    @Test void linuxMiniDumpIsTheSameProgramAsTheCorpusElf() throws IOException, InterruptedException {
        Minidump d = open(Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        SystemInfo s = d.systemInfo().orElseThrow();
        assertThat(s.cpuName()).isEqualTo("amd64");
        assertThat(s.cpuDescription().orElseThrow()).endsWith("family 6 model 70 stepping 1");
        assertThat(s.processorCount()).isEqualTo(4);
        assertThat(s.osDescription()).contains("4.9.60-linuxkit-aufs");
        assertThat(d.threads()).extracting(ThreadRecord::threadId).containsExactly(1304);
        ThreadContext c = d.threads().get(0).context().orElseThrow();
        assertThat(c.pc()).isEqualTo(0x401d72L);
        assertThat(c.sp()).isEqualTo(0x7fff5ae4aa20L);
        assertThat(c.fp()).isEqualTo(0x7fff5ae4abb0L);
        assertThat(d.exception().orElseThrow().code()).isEqualTo(11);
        assertThat(d.exception().orElseThrow().address()).isEqualTo(0x45L);
        assertThat(d.linuxText(StreamType.LINUX_MAPS).orElseThrow().lines().filter(l -> !l.isBlank()).count()).isEqualTo(35);
        List<ModuleRecord> m = d.modules();
        assertThat(m).hasSize(8);
        assertThat(m.get(0).name()).isEqualTo("/work/linux/build/crash");
        assertThat(m.get(0).size()).isEqualTo(0x1a000L);
        assertThat(m.get(7).name()).isEqualTo("linux-gate.so");
        assertThat(m.get(7).base()).isEqualTo(0x7fff5aef1000L);
        assertThat(m).filteredOn(x -> x.shortName().equals("libstdc++.so.6.0.21")).extracting(ModuleRecord::base).containsExactly(0x7f514073d000L);
        // The crash program's BpEL CodeView record equals the build id readelf reads from the corpus ELF.
        Path elf = Corpus.require("elf/symbolic/crash");
        String out = Tools.reference("readelf", "-n", elf.toString()).all();
        assertThat(out).contains("Build ID: " + m.get(0).debugId());
        assertThat(m.get(0).codeView().orElseThrow()).isInstanceOf(ModuleRecord.ElfBuildId.class);
    }

    @Test void crashpadDumpHasItsAnnotations() throws IOException {
        Minidump d = open(Corpus.require("minidump/rust-minidump/simple-crashpad.dmp"));
        SystemInfo s = d.systemInfo().orElseThrow();
        assertThat(s.isApple()).isTrue();
        assertThat(s.osDescription()).isEqualTo("Mac OS X 10.15.7 19H114");
        assertThat(s.processorCount()).isEqualTo(12);
        assertThat(d.threads()).extracting(ThreadRecord::threadId).containsExactly(927532);
        ExceptionRecord e = d.exception().orElseThrow();
        assertThat(e.code()).isZero();
        assertThat(e.address()).isEqualTo(0x7fff6f41333aL);
        assertThat(e.parameters()).containsExactly(0xaL, 0x6000000L, 0L);
        assertThat(d.modules()).hasSize(40);
        assertThat(d.modules().get(0).name()).isEqualTo("/Users/ted/src/crashy");
        assertThat(d.modules().get(0).base()).isEqualTo(0x10dfe8000L);
        assertThat(d.modules().get(39).name()).isEqualTo("/usr/lib/dyld");
        assertThat(d.modules().get(39).base()).isEqualTo(0x11125a000L);
        CrashpadInfo cp = d.crashpadInfo().orElseThrow();
        assertThat(cp.reportId()).isEqualToIgnoringCase("42F9DE72-518A-43DD-97D7-8DDC328D3662");
        assertThat(cp.clientId()).isEqualToIgnoringCase("6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E");
        assertThat(cp.simpleAnnotations()).containsExactly(java.util.Map.entry("hello", "world"));
        assertThat(cp.modules()).hasSize(2);
        assertThat(cp.modules().get(0).moduleIndex()).isEqualTo(16);
        assertThat(cp.modules().get(0).listAnnotations()).containsExactly("abort() called");
        assertThat(d.problems()).isEmpty();
    }
}
