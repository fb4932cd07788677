package dev.sextant.engine.session.remote;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine process's start-up archive, on a class path of real jars (the engine's classes jarred
 * with the JDK's jar tool, the test's dependency jars) and this JVM: made by a first engine, used by
 * the next, and a damaged or broken one never keeps an engine from starting.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class EngineArchiveTest {
    @TempDir static Path dir;
    static String classPath;
    static Path exe;
    static Path core;

    @BeforeAll static void jars() throws Exception {
        Path classes = Path.of(EngineServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path jar = dir.resolve("engine.jar");
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        assertThat(tool.run(System.out, System.err, "--create", "--file", jar.toString(), "-C", classes.toString(), ".")).isZero();
        classPath = Stream.concat(Stream.of(jar.toString()), Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar"))).collect(Collectors.joining(File.pathSeparator));
        exe = NativePrograms.compile("crash", dir);
        core = NativePrograms.coreOf(exe, dir);
    }

    /** Starts an engine, opens the crash core there (SIGSEGV, as crash.c's NULL store: gdb says the same) and closes it cleanly. */
    private static ChildEngine openAndClose(Path cache) throws Exception {
        ChildEngine child = ChildEngine.start(0, classPath, cache);
        try {
            assertThat(child.ready().get(60, TimeUnit.SECONDS)).isEqualTo(child.pid());
            DumpReport r = child.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            assertThat(r.signal()).hasValueSatisfying(s -> assertThat(s.number()).isEqualTo(11));
        } finally {
            child.close();
        }
        assertThat(child.exited().get(10, TimeUnit.SECONDS).status()).isZero();
        return child;
    }

    /** A first engine records, the archive is made, and the next engine starts from it. */
    private static Path made(Path cache) throws Exception {
        assertThat(openAndClose(cache).startedFromArchive()).isFalse();
        // JDK 17: written as the first engine exits; JDK 25: made by a background process after it
        return Await.value("the engine's start-up archive", Duration.ofSeconds(120), () -> {
            try (Stream<Path> files = Files.list(cache.resolve("engine"))) {
                return files.filter(f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa")).findFirst();
            }
        });
    }

    @Test void theSecondEngineStartsFromTheArchiveTheFirstMade() throws Exception {
        Path cache = dir.resolve("cache-made");
        made(cache);
        assertThat(openAndClose(cache).startedFromArchive()).isTrue();
        assertThat(openAndClose(cache).startedFromArchive()).isTrue();
    }

    @Test void aDamagedArchiveIsRemovedAndTheEngineStartsWithoutIt() throws Exception {
        Path cache = dir.resolve("cache-damaged");
        Path archive = made(cache);
        long size = Files.size(archive);
        try (RandomAccessFile f = new RandomAccessFile(archive.toFile(), "rw")) {
            f.seek(100);                        // in the header: JDK 25 itself would crash on it (SIGSEGV)
            f.write("garbage!".getBytes());
        }
        assertThat(Files.size(archive)).isEqualTo(size);
        byte[] damaged = Files.readAllBytes(archive);
        assertThat(openAndClose(cache).startedFromArchive()).isFalse();
        // the engine that started without it recorded a new one, which the next engine starts from
        assertThat(archive).exists();
        assertThat(Files.readAllBytes(archive)).isNotEqualTo(damaged);
        assertThat(openAndClose(cache).startedFromArchive()).isTrue();
    }

    @Test void anArchiveThatBreaksTheJvmIsDroppedAndTheSupervisedEngineStartsWithout() throws Exception {
        Path cache = dir.resolve("cache-broken");
        Path archive = made(cache);
        // with a checksum that matches (as if the JVM could not read what it wrote itself): JDK 17 dies of SIGBUS
        // on an archive cut short, JDK 25 of SIGSEGV on a damaged header (it reads a short cache gracefully)
        byte[] bytes = Files.readAllBytes(archive);
        byte[] head = Runtime.version().feature() >= 25 ? bytes : Arrays.copyOf(bytes, 5000);
        if (Runtime.version().feature() >= 25) System.arraycopy("garbage!".getBytes(), 0, head, 100, 8);
        Files.write(archive, head);
        Path sum = archive.resolveSibling(archive.getFileName() + ".sum");
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(head);
        Files.writeString(sum, head.length + " " + Long.toHexString(crc.getValue()) + "\n");
        SupervisedEngine engine = new SupervisedEngine(after -> ChildEngine.start(after, classPath, cache));
        try {
            ChildEngine serving = Await.value("an engine that is ready", Duration.ofSeconds(60), () -> {
                ChildEngine c = engine.current();
                return c.ready().isDone() && !c.ready().isCompletedExceptionally() ? Optional.of(c) : Optional.empty();
            });
            DumpReport r = engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            assertThat(r.signal()).hasValueSatisfying(s -> assertThat(s.number()).isEqualTo(11));
            assertThat(serving.startedFromArchive()).isFalse();
        } finally {
            engine.close();
        }
        assertThat(archive).doesNotExist();   // and this JVM's engines start without one (no start loop)
        assertThat(openAndClose(cache).startedWithArchive()).isFalse();
    }
}
