package dev.sextant.engine.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link DumpReport#stackOf} answers as a search of the stacks in order would: the first stack of the thread, or none. */
class StackOfTest {

    private static DumpReport report(List<ThreadStack> stacks) {
        return new DumpReport(Path.of("core"), "ELF core", new ProcessInfo(new Pid(1), Optional.empty(), "p", "", Optional.empty(), "x86_64"),
                Optional.empty(), List.of(), List.of(), stacks, List.of());
    }

    private static ThreadStack stack(int tid, String mark) {
        return new ThreadStack(new Tid(tid), List.of(), Optional.of(mark));
    }

    private static Optional<ThreadStack> searched(DumpReport r, Tid tid) {
        return r.stacks().stream().filter(s -> s.tid().equals(tid)).findFirst();
    }

    @Test void manyStacksAnswerAsASearchWould() {
        List<ThreadStack> a = new ArrayList<>(), b = new ArrayList<>();
        for (int i = 0; i < 3000; i++) a.add(stack((i * 7919) % 5003 - 40, "a" + i));   // out of order, some negative ids
        a.add(stack(17, "second of 17"));                                                 // a thread twice: the first wins
        a.add(0, stack(Integer.MIN_VALUE, "min"));
        a.add(stack(Integer.MAX_VALUE, "max"));
        for (int i = 0; i < 40; i++) b.add(stack(i, "b" + i));
        DumpReport ra = report(a), rb = report(b);
        for (int tid = -60; tid < 5100; tid++) {
            Tid t = new Tid(tid);
            assertThat(ra.stackOf(t)).as("tid %d", tid).isEqualTo(searched(ra, t));
            assertThat(rb.stackOf(t)).as("tid %d in the other report", tid).isEqualTo(searched(rb, t));   // alternating reports
        }
        assertThat(ra.stackOf(new Tid(17)).orElseThrow().stopReason()).isNotEqualTo(Optional.of("second of 17"));
        assertThat(ra.stackOf(new Tid(Integer.MIN_VALUE)).orElseThrow().stopReason()).contains("min");
        assertThat(ra.stackOf(new Tid(Integer.MAX_VALUE)).orElseThrow().stopReason()).contains("max");
        assertThat(ra.stackOf(new Tid(4999))).isEqualTo(searched(ra, new Tid(4999)));
        assertThat(report(List.of()).stackOf(new Tid(1))).isEmpty();
    }
}
