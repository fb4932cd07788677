package dev.sextant.engine.session.remote;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * The engine process's start-up archive: the classes it loads, parsed and linked ahead of time, so
 * that its JVM takes half the CPU to start (0.69 -> 0.33 s to its hello on JDK 25, 0.66 -> 0.31 s on
 * JDK 17) while the window's JVM starts beside it on the same cores. JDK 25+: an ahead-of-time
 * cache (the first engine records what it loads; when it has ended cleanly the cache is made from
 * that in a background process); before: a dynamic class-data-sharing archive written when the
 * first engine exits. Kept in the cache directory, one per JDK and class path (its jars' sizes and
 * times included); only a class path of jar files can be archived.
 * <p>A broken archive can crash a JVM as it starts (a truncated one: SIGBUS on JDK 17; a damaged
 * one: SIGSEGV on JDK 25), so an archive is only used when its size and CRC-32C are those written
 * beside it when it was made; an engine that ends before its hello anyway makes the archive go
 * ({@link #discard()}).
 */
final class EngineArchive {
    private static final AtomicLong RUNS = new AtomicLong();
    /** Archives whose engine ended before its hello when started with their options: this JVM starts those engines without. */
    private static final java.util.Set<Path> FAILED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path archive;
    private final Path sum;
    private final Path config;     // JDK 25+: the recorded classes and profiles the cache is made from
    private final boolean aot;
    private final String classPath;
    private final List<String> jvmOptions;
    private Optional<Path> recording = Optional.empty();
    private boolean used;

    private EngineArchive(Path dir, String key, boolean aot, String classPath, List<String> jvmOptions) {
        String base = "engine-" + key;
        this.aot = aot;
        this.archive = dir.resolve(base + (aot ? ".aot" : ".jsa"));
        this.sum = dir.resolve(base + (aot ? ".aot" : ".jsa") + ".sum");
        this.config = dir.resolve(base + ".aotconf");
        this.classPath = classPath;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The archive of this JVM for this class path, or empty when the class path holds anything but jar files. */
    static Optional<EngineArchive> of(Path cacheDir, String javaHome, int feature, String classPath, List<String> jvmOptions) {
        if (classPath.isEmpty()) return Optional.empty();
        CRC32C crc = new CRC32C();
        StringBuilder id = new StringBuilder(javaHome).append('\n').append(System.getProperty("java.vm.version")).append('\n')
                .append(String.join(" ", jvmOptions)).append('\n').append(classPath);
        for (String entry : classPath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) return Optional.empty();
            try {
                id.append('\n').append(Files.size(jar)).append(' ').append(Files.getLastModifiedTime(jar).toMillis());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        byte[] b = id.toString().getBytes(StandardCharsets.UTF_8);
        crc.update(b);
        String key = String.format("%08x%08x-jdk%d", crc.getValue(), id.toString().hashCode(), feature);
        return Optional.of(new EngineArchive(cacheDir.resolve("engine"), key, feature >= 25, classPath, jvmOptions));
    }

    /**
     * The JVM options for the next engine: the archive when it is whole; else, when none is being
     * made, those that record one. A damaged archive is removed.
     */
    List<String> options() {
        if (FAILED.contains(archive)) return List.of();
        if (Files.isRegularFile(archive)) {
            if (whole()) {
                used = true;
                return List.of(aot ? "-XX:AOTCache=" + archive : "-XX:SharedArchiveFile=" + archive);
            }
            discard();
        }
        if (aot && Files.isRegularFile(config)) return List.of();   // made when an engine has ended (see exited)
        try {
            Files.createDirectories(archive.getParent());
        } catch (IOException e) {
            return List.of();
        }
        Path out = archive.resolveSibling(config.getFileName() + "." + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + ".tmp");
        recording = Optional.of(out);
        // (the JVM's note that it recorded would go to the window's terminal)
        return aot ? List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + out, "-XX:+UnlockDiagnosticVMOptions", "-XX:-DisplayVMOutput")
                : List.of("-XX:ArchiveClassesAtExit=" + out, "-Xlog:disable");   // (a warning for each class it cannot archive)
    }

    /** Whether the engine records an archive (it writes it as it exits). */
    boolean recording() { return recording.isPresent(); }

    /** Whether the engine was started from the archive. */
    boolean used() { return used; }

    /**
     * The engine ended: what it recorded is kept when it ended cleanly (status 0), and on JDK 25+ the
     * cache is then made in a background process of low priority that outlives the window.
     */
    void exited(String java, int status) {
        Optional<Path> out = recording;
        recording = Optional.empty();
        try {
            if (out.isPresent()) {
                if (status != 0 || !Files.isRegularFile(out.get())) {
                    Files.deleteIfExists(out.get());
                    return;
                }
                if (!aot) {
                    writeSum(out.get());
                    Files.move(out.get(), archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                }
                Files.move(out.get(), config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            if (aot && status == 0 && !Files.exists(archive) && Files.isRegularFile(config)) make(java);
        } catch (IOException | UncheckedIOException e) {
            // no archive this time: the engine starts without one
        }
    }

    /** Makes the ahead-of-time cache from the recorded configuration: published (renamed) only when complete, with its checksum. */
    private void make(String java) throws IOException {
        Path tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet() + ".tmp");
        List<String> create = new ArrayList<>(List.of(java));
        create.addAll(jvmOptions);
        create.addAll(List.of("-Xlog:disable", "-XX:AOTMode=create", "-XX:AOTConfiguration=" + config, "-XX:AOTCache=" + tmp, "-cp", classPath));
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/nice"))) cmd.addAll(List.of("/usr/bin/nice", "-n", "19"));
        // the checksum is written by the next window that finds the cache (see whole): the rename is the commit
        cmd.addAll(List.of("/bin/sh", "-c", "t=$0; a=$1; shift; \"$@\" && mv -f \"$t\" \"$a\"; rm -f \"$t\"", tmp.toString(), archive.toString()));
        cmd.addAll(create);
        new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Whether the engine was started with options of the archive (from it, or recording it). */
    boolean involved() { return used || recording.isPresent(); }

    /**
     * An engine started with the archive's options ended before its hello: the archive it started
     * from goes, and this JVM's next engines start without archive options (no start loop).
     */
    void failedToStart() {
        FAILED.add(archive);
        if (used) discard();
        recording.ifPresent(r -> {
            try {
                Files.deleteIfExists(r);
            } catch (IOException e) {
                // a leftover temporary file, never used
            }
        });
        recording = Optional.empty();
    }

    /** Removes the archive (it is damaged, or an engine started from it ended before its hello). */
    void discard() {
        try {
            Files.deleteIfExists(sum);
            Files.deleteIfExists(archive);
        } catch (IOException e) {
            // the next start checks it again
        }
    }

    /** The archive's size and CRC-32C are those written when it was made (a cache made in the background: checked from its first use on). */
    private boolean whole() {
        try {
            if (!Files.isRegularFile(sum)) {
                if (!aot) return false;
                writeSum(archive);
                return true;
            }
            String[] s = Files.readString(sum).trim().split(" ");
            return s.length == 2 && Long.parseLong(s[0]) == Files.size(archive) && s[1].equals(crcOf(archive));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void writeSum(Path file) throws IOException {
        Path tmp = sum.resolveSibling(sum.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.writeString(tmp, Files.size(file) + " " + crcOf(file) + "\n");
        Files.move(tmp, sum, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String crcOf(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 16);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) > 0) crc.update(buf.flip());
        }
        return Long.toHexString(crc.getValue());
    }
}
