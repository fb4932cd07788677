package dev.sextant.engine.session.remote;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    static Process start(long stopIdsAfter) throws IOException {
        Path cache = cacheDir();
        try {
            Files.createDirectories(cache);
        } catch (IOException e) {
            // the error report then goes to the JVM's default place; the engine still runs
        }
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xss2m", "-XX:-UsePerfData", "-Xshare:auto",
                "-XX:+DisplayVMOutputToStderr", "-XX:ErrorFile=" + cache.resolve("hs_err_engine_%p.log")));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--enable-native-access") || a.startsWith("--sun-misc-unsafe-memory-access")) cmd.add(a);
        }
        // Sextant's and JNA's settings as they are now (a test or the window may have set some since the start)
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("sextant.") || name.startsWith("jna.") || name.equals("java.library.path")) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineServer.class.getName()));
        if (stopIdsAfter > 0) cmd.addAll(List.of("--stop-ids-after", Long.toString(stopIdsAfter)));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }
}
