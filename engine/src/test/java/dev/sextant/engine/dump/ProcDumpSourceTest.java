package dev.sextant.engine.dump;

import java.time.Duration;
import dev.sextant.engine.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live multi-threaded process, stopped with SIGSTOP, saved through {@link ProcDumpSource}. Without
 * the live engine's ptrace session the registers are the stack and instruction pointers the kernel
 * shows in {@code /proc/PID/task/TID/syscall}; memory, mappings, threads and process details are
 * the adapter's own, checked against /proc, gdb and eu-stack.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcDumpSourceTest {
    @TempDir Path dir;

    @Test void stoppedProcessSavedWithItsMemoryThreadsAndFiles() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler (cc) on PATH");
        Path src = dir.resolve("live.c");
        Files.writeString(src, """
                #include <pthread.h>
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                #include <unistd.h>
                char marker[] = "sextant-live-marker-7f3a";
                static void *idle(void *a) { (void)a; for (;;) pause(); }
                int main(void) {
                    unsigned char *heap = malloc(1 << 20);
                    for (int i = 0; i < (1 << 20); i++) heap[i] = (unsigned char)(i * 7 + 3);
                    for (int i = 0; i < 3; i++) { pthread_t t; pthread_create(&t, 0, idle, 0); }
                    printf("%p %p\\n", (void *)marker, (void *)heap);
                    fflush(stdout);
                    for (;;) pause();
                }
                """);
        Path exe = dir.resolve("live");
        assertThat(Tools.run(dir, 60, List.of("cc", "-g", "-O0", "-pthread", "-o", exe.toString(), src.toString())).exit()).isZero();
        Process p = new ProcessBuilder(exe.toString()).directory(dir.toFile()).start();
        try {
            String[] addr = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)).readLine().split(" ");
            long marker = Long.parseUnsignedLong(addr[0].substring(2), 16), heap = Long.parseUnsignedLong(addr[1].substring(2), 16);
            int pid = (int) p.pid();
            Tools.run(dir, 10, List.of("kill", "-STOP", Integer.toString(pid)));
            List<Integer> tids = ProcDumpSource.threadIds(pid);
            assertThat(tids).hasSize(4);
            List<DumpSource.ThreadState> threads = new ArrayList<>();
            Map<Integer, Long> pcs = new java.util.HashMap<>();
            for (int tid : tids) {
                String[] sc = awaitStopped(pid, tid);
                long[] regs = new long[27];
                regs[19] = Long.decode(sc[sc.length - 2]);   // rsp
                regs[16] = Long.decode(sc[sc.length - 1]);   // rip
                pcs.put(tid, regs[16]);
                threads.add(new DumpSource.ThreadState(tid, 19, 0, 0, regs, Optional.empty(), Optional.empty()));
            }
            Path out = dir.resolve("live.core");
            DumpWriter.Result result;
            try (ProcDumpSource source = ProcDumpSource.open(pid, threads, Optional.empty())) {
                Assumptions.assumeTrue(source.read(marker, ByteBuffer.allocate(8)) == 8, "/proc/PID/mem is not readable here");
                result = new DumpWriter().write(source, out, DumpWriter.Options.DEFAULT);
            }
            assertThat(result.threads()).isEqualTo(4);

            CoreFile core = CoreFile.read(ByteReader.map(out, ByteOrder.LITTLE_ENDIAN));
            assertThat(core.threads()).extracting(CoreFile.PrStatus::tid).containsExactlyElementsOf(tids);
            assertThat(core.process()).hasValueSatisfying(ps -> {
                assertThat(ps.pid()).isEqualTo(pid);
                assertThat(ps.fname()).isEqualTo("live");
            });
            Set<String> mapped = new TreeSet<>();
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "maps"))) {
                String[] f = line.trim().split("\\s+", 6);
                if (f.length == 6 && f[5].startsWith("/")) mapped.add(f[5]);
            }
            Set<String> noted = new TreeSet<>();
            core.files().forEach(f -> noted.add(f.path()));
            assertThat(noted).isEqualTo(mapped);
            assertThat(core.auxv()).containsKey(CoreFile.AT_ENTRY);
            try (CoreDumpSource saved = CoreDumpSource.open(out)) {
                byte[] m = new byte[24];
                assertThat(saved.read(marker, ByteBuffer.wrap(m))).isEqualTo(24);
                assertThat(new String(m, StandardCharsets.US_ASCII)).isEqualTo("sextant-live-marker-7f3a");
                byte[] h = new byte[1 << 20];
                assertThat(saved.read(heap, ByteBuffer.wrap(h))).isEqualTo(h.length);
                for (int i = 0; i < h.length; i += 4099) assertThat(h[i]).isEqualTo((byte) (i * 7 + 3));
            }
            if (Tools.onPath("gdb")) {
                String gdb = Tools.run(dir, 60, List.of("gdb", "-batch", "-nx", "-ex", "set debuginfod enabled off",
                        "-ex", "print marker", "-ex", "info threads", exe.toString(), out.toString())).stdout();
                assertThat(gdb).contains("\"sextant-live-marker-7f3a\"");
                for (int tid : tids) assertThat(gdb).contains("LWP " + tid);
            }
            if (EuStack.available()) {
                Map<Integer, List<EuStack.Frame>> eu = EuStack.run(out, exe, dir);
                assertThat(eu.keySet()).containsExactlyElementsOf(tids);
                for (int tid : tids) assertThat(eu.get(tid).get(0).pc()).isEqualTo(pcs.get(tid));
            }
        } finally {
            p.destroyForcibly();
            Tools.run(dir, 10, List.of("kill", "-CONT", Long.toString(p.pid())));
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The fields of {@code /proc/PID/task/TID/syscall} once the thread is stopped (its last two are sp and pc). */
    private static String[] awaitStopped(int pid, int tid) throws Exception {
        Path f = Path.of("/proc", Integer.toString(pid), "task", Integer.toString(tid), "syscall");
        return Await.value(tid + " stopped", Duration.ofSeconds(5), () -> {
            String s;
            try {
                s = Files.readString(f).strip();
            } catch (java.io.IOException e) {
                Assumptions.abort("cannot read " + f + " (ptrace access not permitted): " + e.getMessage());
                throw e;
            }
            return s.equals("running") ? Optional.<String[]>empty() : Optional.of(s.split(" "));
        });
    }
}
