package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import java.time.Duration;
import dev.sextant.engine.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live binding through the LD_AUDIT library: a program with lazy PLT calls into its own library
 * makes each call when the test says so; the status routine sees each procedure bound when its
 * call happens (not before), at the address the program's own {@code dlsym} gives.
 */
@Timeout(120)
class LiveBindObserverTest {
    static final String LIB = "int live_one(int x) { return x + 1; }\nint live_two(int x) { return x * 2; }\n";
    static final String PROGRAM = """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <stdio.h>
            int live_one(int);
            int live_two(int);
            int main(void) {
                setvbuf(stdout, NULL, _IONBF, 0);
                printf("dlsym live_one %p\\n", dlsym(RTLD_DEFAULT, "live_one"));
                printf("dlsym live_two %p\\n", dlsym(RTLD_DEFAULT, "live_two"));
                printf("ready\\n");
                char line[64];
                while (fgets(line, sizeof line, stdin)) {
                    if (line[0] == '1') printf("called live_one %d\\n", live_one(1));
                    else if (line[0] == '2') printf("called live_two %d\\n", live_two(2));
                    else break;
                }
                return 0;
            }
            """;

    record Call(BindReason reason, String image, String dll, long va, BindParameter parameter) {
        String procedure() { return parameter instanceof BindParameter.ProcedureName n ? n.name() : ""; }
    }

    static Path build(Path dir) throws Exception {
        Toolchain.assumeCc();
        Toolchain.cc(dir, LIB, dir.resolve("liblive.so"), "-shared", "-fPIC");
        // -z lazy: PLT slots are bound at their first call, whatever the toolchain's default.
        return Toolchain.cc(dir, PROGRAM, dir.resolve("live"), "-L" + dir, "-llive", "-Wl,-rpath,$ORIGIN", "-Wl,-z,lazy", "-ldl");
    }

    static Call await(List<Call> calls, Predicate<Call> what) throws InterruptedException {
        try {
            return Await.value("a call as expected; got " + calls, Duration.ofSeconds(30),
                    () -> calls.stream().filter(what).findFirst());
        } catch (InterruptedException | AssertionError e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Predicate<Call> bound(String name) {
        return c -> c.reason() == BindReason.BindImportProcedure && c.procedure().equals(name);
    }

    @Test void lazyPltBindingsAreSeenWhenTheCallsHappenAtDlsymsAddresses(@TempDir Path dir) throws Exception {
        Path exe = build(dir);
        List<Call> calls = new CopyOnWriteArrayList<>();
        try (LiveBindObserver obs = LiveBindObserver.start(exe, (reason, image, dll, va, p) -> {
            calls.add(new Call(reason, image, dll, va, p));
            return true;
        })) {
            ProcessBuilder pb = new ProcessBuilder(exe.toString()).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(obs.environment());
            Process p = pb.start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            OutputStream in = p.getOutputStream();
            long one = Long.decode(out.readLine().replace("dlsym live_one ", ""));
            long two = Long.decode(out.readLine().replace("dlsym live_two ", ""));
            assertThat(out.readLine()).isEqualTo("ready");

            // printf was bound (lazily, at its first call) before "ready" was printed: once its record
            // is here, everything sent before it is too, and neither live_ function has been bound.
            await(calls, bound("printf"));
            Call lib = await(calls, c -> c.reason() == BindReason.BindImportModule && c.dll().equals("liblive.so"));
            assertThat(((BindParameter.ModuleFound) lib.parameter()).path()).isEqualTo(dir.resolve("liblive.so").toString());
            assertThat(((BindParameter.ModuleFound) lib.parameter()).foundBy()).isEqualTo("DT_RUNPATH / DT_RPATH");
            assertThat(calls).noneMatch(bound("live_one")).noneMatch(bound("live_two"));

            in.write("1\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(out.readLine()).isEqualTo("called live_one 2");
            Call c1 = await(calls, bound("live_one"));
            assertThat(c1.va()).isEqualTo(one);
            assertThat(c1.dll()).isEqualTo("liblive.so");
            assertThat(Path.of(c1.image())).isEqualTo(exe.toRealPath());
            assertThat(calls).noneMatch(bound("live_two"));

            in.write("2\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertThat(out.readLine()).isEqualTo("called live_two 4");
            assertThat(await(calls, bound("live_two")).va()).isEqualTo(two);

            in.close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Call done = await(calls, c -> c.reason() == BindReason.BindImageComplete);
            assertThat(((BindParameter.BoundImports) done.parameter()).imports())
                    .anyMatch(b -> b.path().equals(java.util.Optional.of(dir.resolve("liblive.so").toString())));
            // each PLT slot is bound once: the calls after the first go straight to the function
            assertThat(calls.stream().filter(bound("live_one"))).hasSize(1);
        }
    }

    @Test void returningFalseStopsObservingAndTheProgramRunsOn(@TempDir Path dir) throws Exception {
        Path exe = build(dir);
        AtomicInteger seen = new AtomicInteger();
        try (LiveBindObserver obs = LiveBindObserver.start(exe, (reason, image, dll, va, p) -> {
            seen.incrementAndGet();
            return false;
        })) {
            ProcessBuilder pb = new ProcessBuilder(exe.toString()).redirectErrorStream(true);
            pb.environment().putAll(obs.environment());
            Process p = pb.start();
            p.getOutputStream().write("1\n2\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(text).contains("called live_one 2", "called live_two 4");
            // The observer reads the audit library's records on its own thread: give the first one
            // time to arrive (the program may end first), then check that no second one came.
            Await.until("the first record", Duration.ofSeconds(10), () -> seen.get() > 0);
            assertThat(Await.poll(Duration.ofMillis(200), () -> seen.get() > 1 ? Optional.of(seen.get()) : Optional.empty()))
                    .as("a record after the routine said stop").isEmpty();
        }
    }

    @Test void theAuditLibraryIsBuiltOnceIntoTheCache() throws Exception {
        Toolchain.assumeCc();
        Path a = LiveBindObserver.auditLibrary();
        assertThat(a).isRegularFile();
        assertThat(Files.getLastModifiedTime(LiveBindObserver.auditLibrary())).isEqualTo(Files.getLastModifiedTime(a));
    }
}
