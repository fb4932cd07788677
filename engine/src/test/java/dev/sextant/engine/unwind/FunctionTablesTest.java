package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class FunctionTablesTest {
    private static final long BASE = 0x7f0000000000L;

    private static FunctionEntry entry(long begin, long end, String name) {
        return new FunctionEntry(begin, end, Optional.of(name), new FunctionEntry.Unwind.None());
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void identifierWithoutBothLowBitsIsRefused() {
        try (FunctionTables t = new FunctionTables(Duration.ofSeconds(1))) {
            FunctionTables.Callback cb = (pc, ctx) -> Optional.empty();
            assertThat(t.installCallback(BASE, BASE, 0x1000, cb, null, null)).isFalse();
            assertThat(t.installCallback(BASE | 1, BASE, 0x1000, cb, null, null)).isFalse();
            assertThat(t.installCallback(BASE | 2, BASE, 0x1000, cb, null, null)).isFalse();
            assertThat(t.tables()).isEmpty();
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, cb, null, null)).isTrue();
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, cb, null, null)).as("same id twice").isFalse();
            assertThat(t.tables()).hasSize(1);
        }
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void callbackIsAskedLazilyPerLookupWithItsContext() {
        try (FunctionTables t = new FunctionTables(Duration.ofSeconds(2))) {
            List<Long> asked = new CopyOnWriteArrayList<>();
            List<Object> contexts = new CopyOnWriteArrayList<>();
            Object context = new Object();
            FunctionTables.Callback cb = (pc, ctx) -> {
                asked.add(pc);
                contexts.add(ctx);
                long off = pc - BASE;
                return off < 0x100 ? Optional.of(entry(0, 0x100, "jit_a")) : Optional.empty();
            };
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, cb, context, null)).isTrue();
            assertThat(asked).as("not asked at installation").isEmpty();

            FunctionTables.Lookup a = t.lookup(BASE + 0x10);
            assertThat(a).isInstanceOf(FunctionTables.Lookup.Found.class);
            FunctionTables.Lookup.Found found = (FunctionTables.Lookup.Found) a;
            assertThat(found.entry().name()).contains("jit_a");
            assertThat(found.absoluteBegin()).isEqualTo(BASE);
            assertThat(t.lookup(BASE + 0x20)).isInstanceOf(FunctionTables.Lookup.Found.class);
            assertThat(t.lookup(BASE + 0x800)).isInstanceOf(FunctionTables.Lookup.NoEntry.class);
            assertThat(t.lookup(BASE + 0x1000)).as("outside the range").isInstanceOf(FunctionTables.Lookup.NotCovered.class);
            assertThat(asked).containsExactly(BASE + 0x10, BASE + 0x20, BASE + 0x800);
            assertThat(contexts).containsOnly(context);
        }
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void deletedTablesAreNoLongerConsultedAndEventsTellBoth() {
        try (FunctionTables t = new FunctionTables(Duration.ofSeconds(2))) {
            List<FunctionTableEvent> events = new ArrayList<>();
            t.addListener(events::add);
            List<Long> asked = new CopyOnWriteArrayList<>();
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, (pc, c) -> { asked.add(pc); return Optional.empty(); }, null, null)).isTrue();
            assertThat(t.add(42, BASE + 0x10000, List.of(entry(0x20, 0x40, "b"), entry(0, 0x10, "a")))).isTrue();
            FunctionTables.Lookup fixed = t.lookup(BASE + 0x10025);
            assertThat(((FunctionTables.Lookup.Found) fixed).entry().name()).contains("b");
            assertThat(t.lookup(BASE + 0x10015)).as("gap between fixed entries").isInstanceOf(FunctionTables.Lookup.NoEntry.class);

            t.lookup(BASE + 1);
            assertThat(asked).hasSize(1);
            assertThat(t.delete(BASE | 3)).isTrue();
            assertThat(t.delete(BASE | 3)).isFalse();
            assertThat(t.lookup(BASE + 1)).isInstanceOf(FunctionTables.Lookup.NotCovered.class);
            assertThat(asked).as("deleted callback not asked again").hasSize(1);
            assertThat(t.delete(42)).isTrue();
            assertThat(t.lookup(BASE + 0x10025)).isInstanceOf(FunctionTables.Lookup.NotCovered.class);

            assertThat(events).extracting(e -> e.getClass().getSimpleName() + " " + Long.toHexString(e.table().id()))
                    .containsExactly("TableAdded " + Long.toHexString(BASE | 3), "TableAdded 2a",
                            "TableRemoved " + Long.toHexString(BASE | 3), "TableRemoved 2a");
        }
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void hangingCallbackIsCutOffAndLookupsGoOn() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (FunctionTables t = new FunctionTables(Duration.ofMillis(200))) {
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, (pc, c) -> {
                try { never.await(); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
                return Optional.of(entry(0, 1, "too late"));
            }, null, null)).isTrue();
            assertThat(t.add(7, BASE + 0x2000, List.of(entry(0, 0x100, "fixed")))).isTrue();
            long start = System.nanoTime();
            FunctionTables.Lookup r = t.lookup(BASE + 4);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(r).isInstanceOf(FunctionTables.Lookup.NoEntry.class);
            assertThat(((FunctionTables.Lookup.NoEntry) r).reason()).contains("abandoned");
            assertThat(ms).isBetween(150L, 3000L);
            // the unwind goes on: other tables still answer, and so does a second lookup in the hung range
            assertThat(t.lookup(BASE + 0x2010)).isInstanceOf(FunctionTables.Lookup.Found.class);
            assertThat(t.lookup(BASE + 8)).isInstanceOf(FunctionTables.Lookup.NoEntry.class);
        }
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void outOfProcessProviderIsLoadedFromAJarOnThePath(@TempDir Path dir) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assumeTrue(javac != null, "no Java compiler in this runtime");
        Path src = dir.resolve("src/demo/JitProvider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package demo;
                import dev.sextant.engine.unwind.*;
                import java.util.Optional;
                public final class JitProvider implements OutOfProcessProvider {
                    public String name() { return "demo-jit"; }
                    public Optional<FunctionEntry> lookup(FunctionTables.TableInfo table, long pc) {
                        long off = pc - table.base();
                        return Optional.of(new FunctionEntry(off & ~0xfL, (off & ~0xfL) + 16,
                                Optional.of("jit_" + Long.toHexString(off & ~0xfL)), new FunctionEntry.Unwind.None()));
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-classpath", System.getProperty("java.class.path"),
                src.toString());
        assertThat(rc).isZero();
        Path plugins = dir.resolve("plugins");
        Files.createDirectories(plugins);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugins.resolve("demo-jit.jar")))) {
            jar.putNextEntry(new JarEntry("META-INF/services/" + OutOfProcessProvider.class.getName()));
            jar.write("demo.JitProvider\n".getBytes(StandardCharsets.UTF_8));
            jar.putNextEntry(new JarEntry("demo/JitProvider.class"));
            try (var in = Files.newInputStream(classes.resolve("demo/JitProvider.class"))) { in.transferTo((OutputStream) jar); }
        }
        try (FunctionTables t = new FunctionTables(Duration.ofSeconds(2), List.of(plugins))) {
            assertThat(t.providerNames()).containsExactly("demo-jit");
            assertThat(t.installCallback(BASE | 3, BASE, 0x1000, null, null, "demo-jit")).isTrue();
            assertThat(t.installCallback(BASE + 0x1003, BASE + 0x1000, 0x1000, null, null, "absent-provider")).isTrue();
            FunctionTables.Lookup r = t.lookup(BASE + 0x123);
            assertThat(((FunctionTables.Lookup.Found) r).entry().name()).contains("jit_120");
            assertThat(t.lookup(BASE + 0x1010)).isInstanceOf(FunctionTables.Lookup.NoEntry.class);
            assertThat(t.installCallback(BASE + 0x2003, BASE + 0x2000, 0x10, null, null, null)).as("neither callback nor provider").isFalse();
            // an answer that does not cover the address asked about is not used
            assertThat(t.installCallback(BASE + 0x3003, BASE + 0x3000, 0x100, (pc, c) -> Optional.of(entry(0x80, 0x90, "elsewhere")), null, null)).isTrue();
            assertThat(t.lookup(BASE + 0x3010)).isInstanceOf(FunctionTables.Lookup.NoEntry.class);
            assertThat(t.lookup(BASE + 0x3085)).isInstanceOf(FunctionTables.Lookup.Found.class);
        }
    }
}
