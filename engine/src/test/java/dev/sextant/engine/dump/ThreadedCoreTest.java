package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 threads blocked three calls deep, then abort(): checked against eu-stack on the same core.
 * libdwfl reads a core of this size itself; {@link ManyThreads} repeats every check on a core with
 * enough threads that Sextant's own reader serves threads and memory.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ThreadedCoreTest {
    @TempDir static Path dir;
    static Path exe;
    static Path core;
    static DumpReport report;
    static final AtomicInteger streamed = new AtomicInteger();
    static int workers;

    @BeforeAll static void makeCore() throws Exception {
        open(50);
    }

    static void open(int n) throws Exception {
        workers = n;
        streamed.set(0);
        exe = NativePrograms.compile("abortthreads", dir);
        core = NativePrograms.coreOf(exe, dir, Integer.toString(n));
        report = ElfCoreReader.read(core, CoreOptions.DEFAULT, new CoreReadListener() {
            @Override public void stack(ThreadStack stack) { streamed.incrementAndGet(); }
        }, new Cancellation());
    }

    /** Every check again, above {@link ElfCoreReader#OWN_READER_FROM_THREADS}. */
    static class ManyThreads extends ThreadedCoreTest {
        @BeforeAll static void makeCore() throws Exception {
            open(ElfCoreReader.OWN_READER_FROM_THREADS + 20);
        }
    }

    @Test void workersAndTheMainThreadThatAborted() {
        assertThat(report.threads()).hasSize(workers + 1);
        assertThat(report.stacks()).hasSize(workers + 1);
        assertThat(streamed.get()).isEqualTo(workers + 1);
        ThreadInfo first = report.threads().get(0);
        assertThat(first.crashed()).isTrue();
        assertThat(report.threads().stream().filter(ThreadInfo::crashed)).hasSize(1);
        assertThat(first.tid().value()).isEqualTo(report.process().pid().value());
        assertThat(report.signal()).hasValueSatisfying(s -> assertThat(s.name()).isEqualTo("SIGABRT"));
        List<String> crashed = names(report.stacks().get(0));
        assertThat(crashed).contains("abort", "main");
    }

    @Test void everyWorkerIsBlockedInWaitHereMiddleWorker() throws Exception {
        int waitLine = NativePrograms.line("abortthreads", "wait_here");
        int middleLine = NativePrograms.line("abortthreads", "middle");
        for (ThreadStack st : report.stacks().subList(1, report.stacks().size())) {
            List<StackFrame> f = st.frames();
            int i = indexOf(f, "wait_here");
            assertThat(i).as("thread %s: %s", st.tid(), names(st)).isGreaterThan(0);
            assertThat(f.get(i).line()).hasValue(waitLine);
            assertThat(f.get(i + 1).function()).hasValue("middle");
            assertThat(f.get(i + 1).line()).hasValue(middleLine);
            assertThat(f.get(i + 2).function()).hasValue("worker");
        }
    }

    @Test void sameThreadsPcsAndFunctionsAsEuStack() throws Exception {
        Assumptions.assumeTrue(EuStack.available(), "eu-stack (elfutils) is not installed");
        Map<Integer, List<EuStack.Frame>> ref = EuStack.run(core, null, dir);
        assertThat(ref.keySet()).containsExactlyElementsOf(report.threads().stream().map(t -> t.tid().value()).toList());
        for (ThreadStack st : report.stacks()) {
            List<StackFrame> physical = st.frames().stream().filter(f -> !f.inline()).toList();
            List<EuStack.Frame> theirs = ref.get(st.tid().value());
            assertThat(physical).as("frames of %s", st.tid()).hasSameSizeAs(theirs);
            for (int i = 0; i < theirs.size(); i++) {
                assertThat(physical.get(i).pc().value()).as("pc of frame %d of %s", i, st.tid()).isEqualTo(theirs.get(i).pc());
                assertThat(physical.get(i).function().orElse("")).as("function of frame %d of %s", i, st.tid())
                        .isEqualTo(theirs.get(i).function());
            }
        }
    }

    static List<String> names(ThreadStack st) {
        return st.frames().stream().map(f -> f.function().orElse("?")).toList();
    }

    static int indexOf(List<StackFrame> f, String fn) {
        for (int i = 0; i < f.size(); i++) if (f.get(i).function().orElse("").equals(fn)) return i;
        return -1;
    }
}
