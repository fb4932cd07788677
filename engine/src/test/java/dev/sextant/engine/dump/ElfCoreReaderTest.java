package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real SIGSEGV core from a program compiled at test time. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ElfCoreReaderTest {
    @TempDir static Path dir;
    static Path exe;
    static Path core;
    static DumpReport report;

    @BeforeAll static void makeCore() throws Exception {
        exe = NativePrograms.compile("crash", dir);
        core = NativePrograms.coreOf(exe, dir);
        report = ElfCoreReader.read(core, CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
    }

    @Test void reportsSegvWithCodeAndFaultAddress() {
        assertThat(report.signal()).isPresent();
        var s = report.signal().get();
        assertThat(s.name()).isEqualTo("SIGSEGV");
        assertThat(s.code()).isEqualTo(1);
        assertThat(s.codeName()).startsWith("SEGV_MAPERR");
        assertThat(s.faultAddress()).hasValueSatisfying(a -> assertThat(a.value()).isZero());
    }

    @Test void reportsProcessAndTheOneCrashedThread() {
        assertThat(report.process().executable()).hasValue(exe.toString());
        assertThat(report.process().command()).isEqualTo("crash");
        assertThat(report.threads()).hasSize(1);
        ThreadInfo t = report.threads().get(0);
        assertThat(t.crashed()).isTrue();
        assertThat(t.tid().value()).isEqualTo(report.process().pid().value());
        assertThat(t.registers().pc()).isPresent();
        assertThat(t.registers().find("rsp")).isPresent();
    }

    @Test void topFramesNameFunctionsAndSourceLinesIncludingTheInlinedStore() throws Exception {
        ThreadStack st = report.stacks().get(0);
        List<StackFrame> f = st.frames();
        assertThat(f.get(0).function()).hasValue("store_value");
        assertThat(f.get(0).inline()).isTrue();
        assertThat(f.get(0).source()).isEqualTo(FrameSource.INLINE);
        assertThat(f.get(0).line()).hasValue(NativePrograms.line("crash", "store"));
        assertThat(f.get(1).function()).hasValue("level3");
        assertThat(f.get(1).inline()).isFalse();
        assertThat(f.get(1).line()).hasValue(NativePrograms.line("crash", "level3"));
        assertThat(f.get(1).pc()).isEqualTo(f.get(0).pc());
        assertThat(f.get(2).function()).hasValue("level2");
        assertThat(f.get(2).line()).hasValue(NativePrograms.line("crash", "level2"));
        assertThat(f.get(3).function()).hasValue("level1");
        assertThat(f.get(3).line()).hasValue(NativePrograms.line("crash", "level1"));
        assertThat(f.get(4).function()).hasValue("main");
        assertThat(f.get(4).line()).hasValue(NativePrograms.line("crash", "main"));
        assertThat(f.get(4).file()).hasValueSatisfying(p -> assertThat(p).endsWith("crash.c"));
        assertThat(f.get(1).module()).hasValue("crash");
    }

    @Test void listsModulesWithBuildIdsAndFoundFiles() {
        var main = report.modules().stream().filter(m -> m.path().equals(exe.toString())).findFirst();
        assertThat(main).isPresent();
        assertThat(main.get().found()).isTrue();
        assertThat(main.get().buildId()).isPresent();
        assertThat(main.get().contains(report.stacks().get(0).frames().get(1).pc())).isTrue();
        assertThat(report.modules()).anySatisfy(m -> assertThat(m.path()).contains("libc.so"));
    }
}
