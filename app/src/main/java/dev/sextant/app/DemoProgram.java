package dev.sextant.app;

import dev.sextant.engine.api.TargetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bundled live demo: a few threads, a plugin it dlopens and dlcloses every second, and
 * {@code process_order()} worth a breakpoint. Compiled with the machine's {@code cc} into
 * ~/.cache/sextant/demo on first use; runs on a background thread.
 */
final class DemoProgram {
    private DemoProgram() {}

    static Path prepare() throws IOException, InterruptedException {
        Path dir = Files.createDirectories(DemoCore.cacheDir());
        Path exe = dir.resolve("sextant-demo");
        Path plugin = dir.resolve("libsextant-demo-plugin.so");
        if (Files.isExecutable(exe) && Files.isRegularFile(plugin)) return exe;
        for (String name : List.of("demo.c", "plugin.c")) {
            try (InputStream in = DemoProgram.class.getResourceAsStream("/demo/" + name)) {
                Files.copy(in, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        run(dir, "cc", "-g", "-O0", "-shared", "-fPIC", "-o", plugin.toString(), dir.resolve("plugin.c").toString());
        run(dir, "cc", "-g", "-O0", "-pthread", "-o", exe.toString(), dir.resolve("demo.c").toString(), "-ldl");
        return exe;
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TargetException("the demo needs a C compiler and none was found (install one with: "
                    + "sudo apt-get install gcc); File → Open dump… and Debug → Attach… still work");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new TargetException("the demo program did not compile: " + out.strip());
        }
    }
}
