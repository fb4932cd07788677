package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.dump.secondary.Decoded;
import dev.sextant.engine.testing.Corpus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The minidump as a dump: crash summary, crashing thread, stacks and secondary data, against the corpus README. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MinidumpReaderTest {

    @Test void accessViolationIsDecodedAndTheEbpChainFindsBreakpadsFrames() {
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/breakpad/minidump2.dmp"));
        assertThat(o.os()).startsWith("Windows NT 5.1.2600");
        assertThat(o.cpu()).startsWith("x86").contains("GenuineIntel family 6 model 13 stepping 8");
        CrashReason c = o.crash().orElseThrow();
        assertThat(c.code()).isEqualTo(0xC0000005L);
        assertThat(c.name()).isEqualTo("EXCEPTION_ACCESS_VIOLATION_WRITE");
        assertThat(c.address()).contains(Address.of(0x45));
        assertThat(c.tid()).contains(new Tid(0xbf4));
        ThreadInfo crashed = o.report().crashedThread().orElseThrow();
        assertThat(crashed.tid()).isEqualTo(new Tid(3060));
        assertThat(o.report().threads()).hasSize(2);
        assertThat(crashed.registers().find("esp").orElseThrow().value()).isEqualTo(0x0012fe84L);
        assertThat(crashed.registers().find("ebp").orElseThrow().value()).isEqualTo(0x0012fe88L);
        List<StackFrame> frames = o.report().stackOf(crashed.tid()).orElseThrow().frames();
        // Breakpad (with symbols and CFI) finds these four; the ebp chain must find the same pcs.
        assertThat(frames).extracting(f -> f.pc().value()).startsWith(0x0040429eL, 0x00404200L, 0x004053ecL, 0x7c816fd7L);
        assertThat(frames.get(0).source()).isEqualTo(FrameSource.REGISTERS);
        assertThat(frames.subList(1, 4)).extracting(StackFrame::source).containsOnly(FrameSource.FRAME_POINTER);
        assertThat(frames.get(3).module()).contains("kernel32.dll");
        assertThat(o.report().modules()).hasSize(13);
        assertThat(o.secondaryData()).extracting(SecondaryData::tag).containsExactly("minidump:0x47670001");
        assertThat(o.report().diagnostics()).isEmpty();
    }

    @Test void fastFailIsNamedByItsCode() {
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/breakpad/tiny-exe-fastfail.dmp"));
        CrashReason c = o.crash().orElseThrow();
        assertThat(c.code()).isEqualTo(0xC0000409L);
        assertThat(c.name()).isEqualTo("FAST_FAIL_FATAL_APP_EXIT");
        assertThat(c.address()).contains(Address.of(0x7ff75355af42L));
        assertThat(o.report().crashedThread().orElseThrow().tid()).isEqualTo(new Tid(24440));
        assertThat(o.report().threads()).extracting(t -> t.tid().value()).containsExactlyInAnyOrder(24440, 36104, 26620, 34828);
        assertThat(o.report().stackOf(new Tid(24440)).orElseThrow().frames().get(0).pc()).isEqualTo(Address.of(0x7ff75355af42L));
        assertThat(o.report().modules()).hasSize(21);
        assertThat(o.secondaryData()).extracting(SecondaryData::name).containsExactly("SystemMemoryInfo", "ProcessVmCounters");
        assertThat(o.secondaryData()).extracting(SecondaryData::size).containsExactly(492L, 152L);
    }

    @Test void linuxSignalsAreNamedAndTheExceptionAddressKeptAsWritten() {
        DumpOverview abrt = MinidumpReader.read(Corpus.require("minidump/breakpad/linux_raise_sigabrt.dmp"));
        CrashReason c = abrt.crash().orElseThrow();
        assertThat(c.name()).isEqualTo("SIGABRT");
        assertThat(c.code()).isEqualTo(6);
        assertThat(c.address()).contains(Address.of(0x0004d14400005be6L));
        assertThat(abrt.report().signal().orElseThrow().faultAddress()).isEmpty();
        assertThat(abrt.report().process().pid().value()).isEqualTo(23526);
        assertThat(abrt.report().process().commandLine()).isEqualTo("./driver");
        assertThat(abrt.report().threads()).singleElement().satisfies(t -> assertThat(t.crashed()).isTrue());

        DumpOverview segv = MinidumpReader.read(Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        CrashReason s = segv.crash().orElseThrow();
        assertThat(s.name()).isEqualTo("SIGSEGV");
        assertThat(s.code()).isEqualTo(0xb);
        assertThat(s.address()).contains(Address.of(0x45));
        assertThat(s.tid()).contains(new Tid(1304));
        ThreadStack st = segv.report().stackOf(new Tid(1304)).orElseThrow();
        assertThat(st.frames().get(0).pc()).isEqualTo(Address.of(0x401d72));
        assertThat(st.frames().get(0).module()).contains("crash");
        assertThat(st.frames().get(0).offset()).isEqualTo(0x1d72);
        assertThat(st.frames()).hasSizeGreaterThan(1);
        assertThat(st.frames().subList(1, st.frames().size())).extracting(StackFrame::source)
                .allMatch(x -> x == FrameSource.FRAME_POINTER || x == FrameSource.STACK_SCAN);
        assertThat(segv.report().modules()).hasSize(8);
        assertThat(segv.report().modules().get(0).buildId()).contains("f1c3bcc0279865fe3058404b2831d9e64135386c");
    }

    @Test void breakpadLinuxStreamsAreListedAndDecoded() {
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        assertThat(o.secondaryData()).extracting(SecondaryData::name).contains("LinuxCpuInfo", "LinuxProcStatus",
                "LinuxLsbRelease", "LinuxCmdLine", "LinuxEnviron", "LinuxAuxv", "LinuxMaps", "LinuxDsoDebug", "MozSoftErrors");
        SecondaryData lsb = o.secondaryData().stream().filter(d -> d.name().equals("LinuxLsbRelease")).findFirst().orElseThrow();
        assertThat(((Decoded.KeyValues) lsb.decode()).entries()).contains(new Decoded.Entry("DISTRIB_DESCRIPTION", "Ubuntu 16.04.3 LTS"));
        SecondaryData auxv = o.secondaryData().stream().filter(d -> d.name().equals("LinuxAuxv")).findFirst().orElseThrow();
        assertThat(((Decoded.KeyValues) auxv.decode()).entries()).contains(new Decoded.Entry("AT_ENTRY", "0x401dc0"));
        SecondaryData cmd = o.secondaryData().stream().filter(d -> d.name().equals("LinuxCmdLine")).findFirst().orElseThrow();
        assertThat(cmd.decode()).isEqualTo(new Decoded.Text("./crash"));
        SecondaryData dso = o.secondaryData().stream().filter(d -> d.name().equals("LinuxDsoDebug")).findFirst().orElseThrow();
        assertThat(dso.decode()).isInstanceOf(Decoded.Hex.class);
    }

    @Test void crashpadAnnotationsAreListedByKeyAndModule() {
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/rust-minidump/simple-crashpad.dmp"));
        assertThat(o.crash().orElseThrow().name()).isEqualTo("EXC_CRASH / SIGABRT");
        assertThat(o.crash().orElseThrow().address()).contains(Address.of(0x7fff6f41333aL));
        assertThat(o.report().modules()).hasSize(40);
        SecondaryData hello = o.secondaryData().stream().filter(d -> d.tag().equals("crashpad:simple")).findFirst().orElseThrow();
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.component()).isEqualTo("crashpad");
        assertThat(hello.decode()).isEqualTo(new Decoded.Text("world"));
        SecondaryData list = o.secondaryData().stream().filter(d -> d.tag().equals("crashpad:list")).findFirst().orElseThrow();
        assertThat(list.component()).isEqualTo("crashpad module " + o.report().modules().get(16).path().substring(
                o.report().modules().get(16).path().lastIndexOf('/') + 1));
        assertThat(list.decode()).isEqualTo(new Decoded.Text("abort() called"));
        assertThat(o.secondaryData()).extracting(SecondaryData::tag).contains("minidump:0x43500001");
    }
}
