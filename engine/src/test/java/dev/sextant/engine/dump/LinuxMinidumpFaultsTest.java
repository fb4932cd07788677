package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.SignalInfo;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.testing.Corpus;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Issue 19's faults in Linux minidumps: module offsets without module files, and the si_code of a fault. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LinuxMinidumpFaultsTest {

    @Test void framesOfModulesWhoseFilesAreAbsentKeepTheirModuleOffset() {
        // linux_raise_sigabrt.dmp's modules (Ubuntu 14.04's libc 2.19, a test driver) are on no machine here.
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/breakpad/linux_raise_sigabrt.dmp"));
        var report = o.report();
        List<StackFrame> frames = report.stacks().get(0).frames();
        assertThat(frames).isNotEmpty();
        for (StackFrame f : frames) {
            if (f.function().isPresent() || f.module().isEmpty()) continue;
            var m = report.modules().stream().filter(x -> Long.compareUnsigned(f.pc().value() - x.base().value(), x.size()) < 0)
                    .findFirst().orElseThrow();
            assertThat(f.offset()).as("offset of %s in %s", f.pc(), m.path()).isEqualTo(f.pc().value() - m.base().value());
        }
        // Frame 0 is rip 0x7f5aa172c20b in libpthread-2.19.so at 0x7f5aa171c000 (the corpus README's module list).
        assertThat(frames.get(0).pc()).isEqualTo(Address.of(0x7f5aa172c20bL));
        assertThat(frames.get(0).offset()).isEqualTo(0x1020bL);
    }

    @Test void aRaisedSignalStaysSentAndNamesItsSender() {
        // Breakpad stores si_pid|si_uid where si_addr is: 0x5be6 is the process's own pid (raise).
        SignalInfo s = MinidumpReader.read(Corpus.require("minidump/breakpad/linux_raise_sigabrt.dmp")).report().signal().orElseThrow();
        assertThat(s.name()).isEqualTo("SIGABRT");
        assertThat(s.faultAddress()).isEmpty();
    }

    @Test void aSegvWithoutSiCodeIsAFaultNotAKill() {
        // linux-mini.dmp: `mov dword [0x45], 5`; the writer left si_code out (flags 0). 0x45 is in no mapping.
        DumpOverview o = MinidumpReader.read(Corpus.require("minidump/rust-minidump/linux-mini.dmp"));
        SignalInfo s = o.report().signal().orElseThrow();
        assertThat(s.name()).isEqualTo("SIGSEGV");
        assertThat(s.codeName()).startsWith("SEGV_MAPERR");
        assertThat(s.faultAddress()).contains(Address.of(0x45));
        assertThat(o.crash().orElseThrow().description()).contains("SEGV_MAPERR").contains("0x45").doesNotContain("kill");
    }

    @Test void aFaultInsideAMappingIsAnAccessError() {
        String maps = "00400000-0041a000 r-xp 00000000 08:01 1 /bin/crash\n7fff5ae2b000-7fff5ae4c000 rw-p 00000000 00:00 0 [stack]\n";
        assertThat(LinuxSignalCode.segvCode(0x400010, maps)).hasValue(LinuxSignalCode.SEGV_ACCERR);
        assertThat(LinuxSignalCode.segvCode(0x41a000, maps)).hasValue(LinuxSignalCode.SEGV_MAPERR);
        assertThat(LinuxSignalCode.segvCode(0x0, "")).hasValue(LinuxSignalCode.SEGV_MAPERR);
        assertThat(LinuxSignalCode.segvCode(0x7f0000000000L, "")).isEmpty();
    }
}
