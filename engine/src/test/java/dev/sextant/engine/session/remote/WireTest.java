package dev.sextant.engine.session.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.MemoryBlock;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pipe's encoding round-trips every api type that crosses, on generated values, and refuses broken frames. */
class WireTest {

    @Test void theTableHoldsEveryCommandEventAndAnswerType() {
        List<Class<?>> types = WireTypes.table().types();
        assertThat(types).contains(Command.class.getPermittedSubclasses()).contains(DebugEvent.class.getPermittedSubclasses());
        assertThat(types).contains(DumpReport.class, Command.SymbolTarget.Core.class, Command.DumpSource.Process.class);
        assertThat(types).allMatch(c -> c.isRecord() || c.isEnum(), "records and enums only");
        assertThat(types).doesNotContain(MemoryBlock.class, Cancellation.class);   // built-ins of Wire
        assertThat(types).isSortedAccordingTo(java.util.Comparator.comparing(Class::getName));
    }

    @Test void everyTypeRoundTripsOnGeneratedValues() {
        List<String> checked = new ArrayList<>();
        for (Class<?> type : WireTypes.table().types()) {
            for (long seed = 1; seed <= 25; seed++) {
                Object value = new Instances(seed * 7919 + type.getName().hashCode()).of(type);
                Wire.Writer w = new Wire.Writer();
                w.value(value);
                byte[] bytes = w.bytes();
                Wire.Reader r = new Wire.Reader(bytes);
                Object back = r.value();
                assertThat(r.atEnd()).as("%s read to its end", type.getSimpleName()).isTrue();
                assertThat(canonical(back)).as("%s (seed %d) after the pipe", type.getName(), seed).isEqualTo(canonical(value));
                assertThat(back).isInstanceOf(type);
                Wire.Writer again = new Wire.Writer();
                again.value(back);     // (not byte for byte: Map.copyOf orders its entries its own way)
                assertThat(canonical(new Wire.Reader(again.bytes()).value())).isEqualTo(canonical(value));
            }
            checked.add(type.getSimpleName());
        }
        assertThat(checked).hasSizeGreaterThan(100);
    }

    @Test void cancellationTokensCrossWithTheirState() {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        Wire.Writer w = new Wire.Writer();
        w.value(new Command.OpenCore(java.nio.file.Path.of("/tmp/core"), Optional.empty(), Optional.empty(), cancelled));
        assertThat(w.tokens).containsExactly(cancelled);
        Wire.Reader r = new Wire.Reader(w.bytes());
        Command.OpenCore back = (Command.OpenCore) r.value();
        assertThat(back.cancellation()).isNotSameAs(cancelled).isSameAs(r.tokens.get(0));
        assertThat(back.cancellation().isCancelled()).isTrue();
    }

    @Test void everyCutOfAFrameIsAWireError() {
        for (Class<?> type : List.of(DebugEvent.TargetOpened.class, DumpReport.class, Command.QuerySymbols.class, DebugEvent.MemoryRead.class)) {
            Wire.Writer w = new Wire.Writer();
            w.value(new Instances(42).of(type));
            byte[] bytes = w.bytes();
            for (int n = 0; n < bytes.length; n++) {
                byte[] cut = Arrays.copyOf(bytes, n);
                assertThatThrownBy(() -> new Wire.Reader(cut).value()).as("%s cut at %d of %d", type.getSimpleName(), n, bytes.length)
                        .isInstanceOf(WireException.class);
            }
        }
    }

    @Test void hostileTagsAndLengthsAreRefused() {
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {(byte) 0xff, (byte) 0xff, 0x7f}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("unknown type tag");
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {Wire.LIST, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("runs past");
        byte[] deep = new byte[1000];
        Arrays.fill(deep, (byte) Wire.OPTIONAL);
        assertThatThrownBy(() -> new Wire.Reader(deep).value()).isInstanceOf(WireException.class).hasMessageContaining("nested");
    }

    /**
     * 1,000 threads parked in two stacks (one frame list instance each, as the engine's walk shares them):
     * each list crosses once, the threads' stacks arrive sharing two lists again, and the message is a
     * fraction of one that writes every thread's frames.
     */
    @Test void sharedFrameListsCrossOnceAndArriveShared() {
        List<dev.sextant.engine.api.StackFrame> a = List.of(frame(0, 0x401136, "park_a"), frame(1, 0x401160, "path_a"));
        List<dev.sextant.engine.api.StackFrame> b = List.of(frame(0, 0x401190, "nap"), frame(1, 0x4011b0, "path_c"));
        List<dev.sextant.engine.api.ThreadStack> stacks = new ArrayList<>();
        for (int i = 0; i < 1000; i++) stacks.add(new dev.sextant.engine.api.ThreadStack(new dev.sextant.engine.api.Tid(100 + i), i % 3 == 0 ? b : a, Optional.empty()));
        Wire.Writer shared = new Wire.Writer();
        shared.value(stacks);
        Wire.Writer copied = new Wire.Writer();
        copied.value(stacks.stream().map(s -> new dev.sextant.engine.api.ThreadStack(s.tid(), new ArrayList<>(s.frames()), s.stopReason())).toList());
        assertThat(shared.bytes().length).isLessThan(copied.bytes().length / 4);

        @SuppressWarnings("unchecked")
        List<dev.sextant.engine.api.ThreadStack> back = (List<dev.sextant.engine.api.ThreadStack>) new Wire.Reader(shared.bytes()).value();
        assertThat(canonical(back)).isEqualTo(canonical(stacks));
        assertThat(back.stream().map(dev.sextant.engine.api.ThreadStack::frames).distinct().count()).isEqualTo(2);
        assertThat(back.get(1).frames()).isSameAs(back.get(2).frames()).isNotSameAs(back.get(0).frames());
        assertThat(back.get(0).frames()).isSameAs(back.get(3).frames());
        // strings equal to one met before arrive as that one instance
        assertThat(back.get(0).frames().get(0).module().orElseThrow()).isSameAs(back.get(1).frames().get(0).module().orElseThrow());
    }

    @Test void registerSetsCrossCompactlyWithTheirNamesOnceAndKeepEveryValue() {
        List<String> x86 = List.of("rax", "rbx", "rsp", "rip");
        java.util.function.BiFunction<List<String>, Long, dev.sextant.engine.api.RegisterSet> set = (names, seed) -> {
            List<dev.sextant.engine.api.Register> regs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) regs.add(new dev.sextant.engine.api.Register(names.get(i), seed * 31 + i * -0x1234_5678_9abcL));
            return new dev.sextant.engine.api.RegisterSet("x86_64", regs);
        };
        List<Object> threads = new ArrayList<>();
        for (long t = 0; t < 50; t++) {
            threads.add(new dev.sextant.engine.api.ThreadInfo(new dev.sextant.engine.api.Tid((int) t + 100), Optional.empty(), t == 3, 0,
                    set.apply(t == 7 ? List.of("x0", "x1") : x86, t == 9 ? Long.MIN_VALUE / 31 : t)));
        }
        // one with a null name crosses as a record, as before
        threads.add(new dev.sextant.engine.api.RegisterSet("x86_64", List.of(new dev.sextant.engine.api.Register(null, 5))));
        threads.add(set.apply(x86, 77L));
        Wire.Writer w = new Wire.Writer();
        w.value(threads);
        byte[] bytes = w.bytes();
        @SuppressWarnings("unchecked") List<Object> back = (List<Object>) new Wire.Reader(bytes).value();
        assertThat(back).isEqualTo(threads);
        // each register's name crosses once per change of names, not once per thread: 4 names + 2 + 4 again, then references
        assertThat(bytes.length).isLessThan(50 * (4 * 10 + 12) + 200);
        var first = (dev.sextant.engine.api.ThreadInfo) back.get(0);
        var second = (dev.sextant.engine.api.ThreadInfo) back.get(1);
        assertThat(second.registers().registers().get(2).name()).isSameAs(first.registers().registers().get(2).name());
        assertThat(((dev.sextant.engine.api.ThreadInfo) back.get(7)).registers().registers()).extracting(dev.sextant.engine.api.Register::name)
                .containsExactly("x0", "x1");
        // "the names before" with no set before is refused
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {Wire.REGISTER_SET, Wire.STRING, 1, 'x', 1, 0, 0}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("as the one before");
    }

    @Test void aNumberOfNothingMetBeforeIsRefused() {
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {Wire.LIST_AGAIN, 0}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("not met before");
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {Wire.STRING_AGAIN, 5}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("not met before");
        // a list that names itself while it is read (a cycle no engine answer has)
        assertThatThrownBy(() -> new Wire.Reader(new byte[] {Wire.LIST, 1, Wire.LIST_AGAIN, 0}).value())
                .isInstanceOf(WireException.class).hasMessageContaining("not met before");
    }

    private static dev.sextant.engine.api.StackFrame frame(int index, long pc, String function) {
        return new dev.sextant.engine.api.StackFrame(index, dev.sextant.engine.api.Address.of(pc), Optional.of("groups"), Optional.of(function), 0x10,
                Optional.of("groups.c"), java.util.OptionalInt.of(20), false, dev.sextant.engine.api.FrameSource.CFI);
    }

    record NotApi(String s) {}

    @Test void aValueOutsideTheApiDoesNotCross() {
        assertThatThrownBy(() -> new Wire.Writer().value(new NotApi("x"))).isInstanceOf(WireException.class).hasMessageContaining("NotApi");
        assertThatThrownBy(() -> new Wire.Writer().value(new Object())).isInstanceOf(WireException.class).hasMessageContaining("cannot cross");
    }

    /** A value as nested lists of plain values, so that arrays, tokens and records of arrays compare by content. */
    static Object canonical(Object v) {
        if (v == null) return null;
        if (v instanceof Record r) {
            List<Object> l = new ArrayList<>();
            l.add(r.getClass().getName());
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    c.getAccessor().setAccessible(true);
                    l.add(canonical(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            return l;
        }
        if (v.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) l.add(Array.get(v, i));
            return l;
        }
        if (v instanceof Cancellation c) return "Cancellation " + c.isCancelled();
        if (v instanceof List<?> l) return l.stream().map(WireTest::canonical).collect(Collectors.toList());
        if (v instanceof Set<?> s) return s.stream().map(WireTest::canonical).collect(Collectors.toSet());
        if (v instanceof Optional<?> o) return o.map(WireTest::canonical);
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(canonical(k), canonical(x)));
            return out;
        }
        return v;
    }
}
