package dev.sextant.engine.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.api.Variable;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every variable, member and element of every frame of a core, compared with what gdb prints for the
 * same core: the program's own frames must agree exactly (type and value), at -O0 and at -O2; in
 * libc's frames (when its debug info is installed) no value may disagree.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public class LocalsGdbTest {
    @TempDir Path dir;

    static final Set<String> OWN = Set.of("inner", "outer", "main", "worker", "inner.constprop.0", "outer.constprop.0");

    @Test void minusO0CoreAgreesWithGdb() throws Exception {
        compareWithGdb("-O0");
    }

    @Test void minusO2CoreAgreesWithGdb() throws Exception {
        compareWithGdb("-O2");
    }

    private void compareWithGdb(String opt) throws Exception {
        Path exe = NativePrograms.compile("state", dir, opt);
        Path core = NativePrograms.coreOf(exe, dir, "crash");
        List<GdbReference.Frame> reference = GdbReference.framesOfCore(dir, exe, core);
        assertThat(reference).as("gdb's frames").isNotEmpty();
        List<String> ownMismatches = new ArrayList<>(), libraryConflicts = new ArrayList<>();
        int compared = 0;
        try (EngineThread engine = new EngineThread()) {
            engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get();
            for (GdbReference.Frame f : reference) {
                List<Variable> vars = engine.submit(new Command.ReadVariables(Optional.of(new Tid(f.tid())), OptionalInt.of(f.index()), 8)).get();
                Map<String, GdbReference.Entry> ours = flatten(vars);
                boolean own = OWN.contains(f.function());
                for (GdbReference.Entry g : f.entries().values()) {
                    GdbReference.Entry o = ours.get(g.path());
                    compared++;
                    String where = opt + " thread " + f.tid() + " #" + f.index() + " " + f.function() + " " + g.path()
                            + ": gdb " + g.type() + " = " + g.value() + ", ours " + (o == null ? "missing" : o.type() + " = " + o.value());
                    if (own && !g.equals(o)) ownMismatches.add(where);
                    if (!own && o != null && !g.equals(o)) libraryConflicts.add(where);
                }
                if (own) {
                    for (String path : ours.keySet()) {
                        if (!f.entries().containsKey(path)) ownMismatches.add(opt + " #" + f.index() + " " + f.function() + " " + path + ": only ours");
                    }
                }
            }
        }
        assertThat(compared).as("variables compared").isGreaterThan(40);
        assertThat(ownMismatches).as("the program's frames against gdb").isEmpty();
        assertThat(libraryConflicts).as("library frames: values that disagree with gdb").isEmpty();
    }

    public static Map<String, GdbReference.Entry> flatten(List<Variable> vars) {
        Map<String, GdbReference.Entry> out = new LinkedHashMap<>();
        for (Variable v : vars) flatten(v, "", out);
        return out;
    }

    private static void flatten(Variable v, String prefix, Map<String, GdbReference.Entry> out) {
        String path = prefix + v.name();
        while (out.containsKey(path)) path += "'";
        out.put(path, new GdbReference.Entry(path, v.type(), v.value()));
        for (Variable c : v.children()) flatten(c, prefix + v.name() + ".", out);
    }

    @Test void expressionsAgreeWithGdbPrint() throws Exception {
        Path exe = NativePrograms.compile("state", dir);
        Path core = NativePrograms.coreOf(exe, dir, "crash");
        List<String> expressions = List.of("s->corners[1].y", "s->next->name", "*s->next", "s->next->corners", "book", "&book[4]",
                "origin.x + 1", "s->next == 0", "grid[1][2] * 2 - 1", "(char) 65", "(unsigned char) letter", "bp[1]", "*ip",
                "s->depth", "s->u.as_float", "counter", "&origin", "why", "op", "p.y > p.x && yes", "zeros[3] || calls",
                "(long) s->next - (long) s", "sizeof(struct shape)", "c", "fl", "ubig + 1", "-small", "*(int *) 0", "nope + 1");
        List<String> gdb = GdbReference.evaluate(dir, exe, core, expressions);
        assertThat(gdb).as("gdb's answers").hasSize(expressions.size());
        try (EngineThread engine = new EngineThread()) {
            DumpReport r = engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get();
            assertThat(r.stacks()).isNotEmpty();
            List<String> ours = new ArrayList<>();
            for (String e : expressions) {
                Variable v = engine.submit(new Command.Evaluate(Optional.empty(), OptionalInt.empty(), e)).get();
                ours.add(v.error().map(m -> "error: " + m).orElse(v.value()));
            }
            for (int i = 0; i < expressions.size(); i++) {
                String g = gdb.get(i);
                if (g.startsWith("error: ")) {
                    assertThat(ours.get(i)).as(expressions.get(i)).startsWith("error: ");
                } else {
                    assertThat(ours.get(i)).as(expressions.get(i)).isEqualTo(g);
                }
            }
            assertThat(ours.get(expressions.size() - 2)).isEqualTo("error: cannot read memory at 0x0");
            assertThat(ours.get(expressions.size() - 1)).isEqualTo("error: no symbol `nope` in scope");

            // The scope of a core: SetScope picks the caller frame, raises SCOPE once, and evaluation follows it.
            List<Integer> flags = new CopyOnWriteArrayList<>();
            engine.addEngineListener((f, a) -> flags.add(f));
            Tid crashed = r.threads().stream().filter(ThreadInfo::crashed).findFirst().orElseThrow().tid();
            assertThat(engine.submit(new Command.SetScope(crashed, 1)).get()).isTrue();
            assertThat(engine.submit(new Command.SetScope(crashed, 1)).get()).isFalse();
            assertThat(flags).containsExactly(EngineListener.DEBUG_CSS_SCOPE);
            assertThat(engine.submit(new Command.Evaluate(Optional.empty(), OptionalInt.empty(), "level * 10")).get().value()).isEqualTo("30");
            assertThat(engine.submit(new Command.ReadVariables(Optional.empty(), OptionalInt.empty(), 8)).get().stream().map(Variable::name))
                    .containsExactly("level", "s", "why");
            assertThatThrownBy(() -> engine.submit(new Command.SetScope(crashed, 999)).get())
                    .hasCauseInstanceOf(TargetException.class);
        }
        assertThat(Files.exists(core)).isTrue();
    }
}
