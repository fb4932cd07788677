package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.Corpus;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The elfutils cores of ../shared/corpus, against the facts its README records. Skipped without the corpus. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorpusCoreTest {
    @TempDir Path dir;
    static final String E = "elfcore/elfutils/";

    static DumpReport read(Path core, Path exe) {
        return ElfCoreReader.read(core, new CoreOptions(Optional.ofNullable(exe), Optional.empty()), CoreReadListener.NONE, new Cancellation());
    }

    static List<String> functions(ThreadStack st) {
        return st.frames().stream().filter(f -> !f.inline()).map(f -> f.function().orElse("?")).toList();
    }

    static List<Long> pcs(ThreadStack st) {
        return st.frames().stream().filter(f -> !f.inline()).map(f -> f.pc().value()).toList();
    }

    @Test void backtraceX86_64() throws Exception {
        DumpReport r = read(Corpus.bunzip(E + "backtrace.x86_64.core.bz2", dir), Corpus.require(E + "backtrace.x86_64.exec"));
        assertThat(r.process().pid().value()).isEqualTo(23096);
        assertThat(r.threads()).extracting(t -> t.tid().value()).containsExactly(23097, 23096);
        assertThat(r.threads().get(0).crashed()).isTrue();
        assertThat(r.threads()).allSatisfy(t -> assertThat(t.signal()).isEqualTo(6));
        assertThat(r.signal()).hasValueSatisfying(s -> {
            assertThat(s.number()).isEqualTo(6);
            assertThat(s.code()).isEqualTo(-6);
        });
        assertThat(r.modules()).anySatisfy(m -> assertThat(m.buildId()).hasValue("1ce01e9f189cc6cf496e460608227e06a95a825f"));
        assertThat(functions(r.stacks().get(0))).containsExactly("raise", "sigusr2", "stdarg", "backtracegen", "start", "start_thread", "__clone");
        assertThat(pcs(r.stacks().get(0))).containsExactly(0x40a62bL, 0x401e3dL, 0x401f88L, 0x401fa6L, 0x401fbdL, 0x403773L, 0x444239L);
        assertThat(functions(r.stacks().get(1))).containsExactly("pthread_join", "main", "__libc_start_main", "_start");
        assertThat(pcs(r.stacks().get(1))).containsExactly(0x404880L, 0x4021f9L, 0x40ba94L, 0x401d0dL);
    }

    @Test void backtraceAarch64WithDebugFrame() throws Exception {
        DumpReport r = read(Corpus.bunzip(E + "backtrace.aarch64.core.bz2", dir), Corpus.require(E + "backtrace.aarch64.exec"));
        assertThat(r.process().pid().value()).isEqualTo(24043);
        assertThat(r.process().arch()).isEqualTo("aarch64");
        assertThat(r.threads()).extracting(t -> t.tid().value()).containsExactly(24044, 24043);
        assertThat(r.threads().get(0).registers().find("pc")).isPresent();
        assertThat(functions(r.stacks().get(0))).containsExactly("raise", "sigusr2", "stdarg", "backtracegen", "start", "start_thread", "__clone");
        assertThat(pcs(r.stacks().get(0))).containsExactly(0x40c6d0L, 0x401ee0L, 0x401fe0L, 0x402038L, 0x402044L, 0x4038d0L, 0x42d3a0L);
        assertThat(functions(r.stacks().get(1))).startsWith("pthread_join", "main", "__libc_start_main");
        assertThat(pcs(r.stacks().get(1))).startsWith(0x4048bcL, 0x401c00L, 0x40dc60L, 0x401d34L);
    }

    @Test void backtraceI386ThroughTheVdsoInCoreMemory() throws Exception {
        DumpReport r = read(Corpus.bunzip(E + "backtrace.i386.core.bz2", dir), Corpus.require(E + "backtrace.i386.exec"));
        assertThat(r.process().pid().value()).isEqualTo(23100);
        assertThat(r.threads()).extracting(t -> t.tid().value()).containsExactly(23101, 23100);
        assertThat(r.threads().get(0).registers().find("eip")).isPresent();
        assertThat(functions(r.stacks().get(0))).containsExactly("__kernel_vsyscall", "raise", "sigusr2", "stdarg",
                "backtracegen", "start", "start_thread", "__clone");
        assertThat(pcs(r.stacks().get(0)).get(0)).isEqualTo(0xf77f7430L);
        assertThat(functions(r.stacks().get(1))).containsExactly("__kernel_vsyscall", "pthread_join", "main", "__libc_start_main", "_start");
    }

    @Test void dwarfInlinesExpandIntoTheirOwnRows() {
        DumpReport r = read(Corpus.require(E + "testfiledwarfinlines.core"), Corpus.require(E + "testfiledwarfinlines"));
        assertThat(r.process().pid().value()).isEqualTo(13654);
        assertThat(r.threads()).hasSize(1);
        assertThat(r.signal()).hasValueSatisfying(s -> {
            assertThat(s.name()).isEqualTo("SIGFPE");
            assertThat(s.code()).isEqualTo(1);
        });
        List<StackFrame> f = r.stacks().get(0).frames();
        assertThat(f.subList(0, 6)).extracting(x -> x.function().orElse("?"))
                .containsExactly("fubar", "foobar", "bar", "foo", "fu(int)", "main");
        assertThat(f.subList(0, 5)).allSatisfy(x -> assertThat(x.pc().value()).isEqualTo(0x4006c8L));
        assertThat(f.subList(0, 4)).allSatisfy(x -> assertThat(x.inline()).isTrue());
        assertThat(f.get(0).line()).hasValue(6);
        assertThat(f.get(5).line()).hasValue(39);
        assertThat(f.get(5).pc().value()).isEqualTo(0x4004c5L);
        assertThat(r.modules()).hasSize(7);
        assertThat(r.modules()).anySatisfy(m -> {
            assertThat(m.base().value()).isEqualTo(0x3ab7400000L);
            assertThat(m.path()).endsWith("libc-2.18.so");
            assertThat(m.found()).isFalse();
        });
    }

    @Test void crashInASharedLibraryWhoseTextIsNotInTheCore() {
        DumpReport r = read(Corpus.require(E + "test-core.core"), Corpus.require(E + "test-core.exec"));
        assertThat(r.process().pid().value()).isEqualTo(4246);
        assertThat(r.signal()).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("SIGSEGV"));
        List<StackFrame> f = r.stacks().get(0).frames();
        assertThat(f.get(0).pc().value()).isEqualTo(0x7f67f2aaf619L);
        assertThat(f.get(0).module()).hasValue("test-core-lib.so");
        assertThat(f.get(1).pc().value()).isEqualTo(0x40068aL);
        assertThat(f.get(1).function()).hasValue("main");
    }
}
