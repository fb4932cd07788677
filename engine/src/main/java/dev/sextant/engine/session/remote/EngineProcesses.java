package dev.sextant.engine.session.remote;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** How an engine process is started: the same JVM and class path as this one, with the options that matter to the engine. */
public final class EngineProcesses {
    private EngineProcesses() {}

    /** Where Sextant's JVMs write their error reports: {@code $XDG_CACHE_HOME/sextant}, else {@code ~/.cache/sextant}. */
    public static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sextant");
    }

    /** The error report an engine process of this pid writes when it faults. */
    static Path errorFile(long pid) {
        return cacheDir().resolve("hs_err_engine_" + pid + ".log");
    }

    /** An engine process as started, and the start-up archive it was started with or records. */
    record Launch(Process process, String java, Optional<EngineArchive> archive) {}

    static Launch start(long stopIdsAfter) throws IOException {
        return start(stopIdsAfter, System.getProperty("java.class.path"), cacheDir());
    }

    /** An engine process on this class path, with its error reports and start-up archive in this cache directory. */
    static Launch start(long stopIdsAfter, String classPath, Path cache) throws IOException {
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            // the error report then goes to the JVM's default place; the engine still runs
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> jvm = new ArrayList<>(List.of("-XX:+UseSerialGC", "-Xss2m", "-XX:-UsePerfData"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc-unsafe-memory-access")) jvm.add(a);
        }
        Optional<EngineArchive> archive = EngineArchive.of(cache, System.getProperty("java.home"), Runtime.version().feature(), classPath, jvm);
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(jvm);
        // stdout is the pipe to the window: the JVM's own messages (unified logging writes its warnings
        // to stdout, an archive it cannot use among them) go to stderr
        // (-Xshare:auto is the default; JDK 25 refuses it beside its ahead-of-time cache's options)
        if (Runtime.version().feature() < 25) cmd.add("-Xshare:auto");
        cmd.addAll(List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr",
                "-XX:ErrorFile=" + cache.resolve("hs_err_engine_%p.log")));
        archive.ifPresent(a -> cmd.addAll(a.options()));
        // For profiling the engine itself (a flight recording, -XX:+PreserveFramePointer for perf): SEXTANT_ENGINE_JAVA_OPTS, split at spaces
        String extra = System.getenv("SEXTANT_ENGINE_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.strip().split("\\s+")));
        // Sextant's and JNA's settings as they are now (a test or the window may have set some since the start),
        // and where the launcher unpacked zstd-jni's library (else the engine unpacks it again at its first .zst core)
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("sextant.") || name.startsWith("jna.") || name.equals("java.library.path") || name.equals("ZstdNativePath")) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.addAll(List.of("-cp", classPath, EngineServer.class.getName()));
        if (stopIdsAfter > 0) cmd.addAll(List.of("--stop-ids-after", Long.toString(stopIdsAfter)));
        return new Launch(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start(), java, archive);
    }
}
