package dev.sextant.app;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.Engine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The bundled demo: compiles a small crashing C program with the machine's {@code cc}, lets it
 * crash and returns its core (cached under ~/.cache/sextant/demo). Runs on a background thread.
 */
final class DemoCore {
    private DemoCore() {}

    static Path cacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sextant/demo");
    }

    /** The demo's core and executable; builds them when missing. Throws {@link TargetException} saying why not. */
    static List<Path> prepare(Engine engine) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(cacheDir());
        Path exe = dir.resolve("crashdemo");
        Path done = dir.resolve("crashdemo.core");
        if (Files.isRegularFile(done) && Files.isRegularFile(exe)) return List.of(done, exe);
        Path src = dir.resolve("crashdemo.c");
        try (InputStream in = DemoCore.class.getResourceAsStream("demo/crashdemo.c")) {
            Files.copy(in, src, StandardCopyOption.REPLACE_EXISTING);
        }
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-g", "-O0", "-pthread", "-o", exe.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new TargetException("the demo needs a C compiler and none was found (install one with: "
                    + "sudo apt-get install gcc); File → Open dump… opens your own cores");
        }
        String out = new String(cc.getInputStream().readAllBytes());
        if (!cc.waitFor(60, TimeUnit.SECONDS) || cc.exitValue() != 0) {
            throw new TargetException("the demo program did not compile: " + out.strip());
        }
        Path core;
        try {
            core = engine.submit(new Command.CaptureCrash(exe, List.of(), dir, 60)).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new TargetException("the demo crash could not be captured: " + e.getCause());
        }
        Files.move(core, done, StandardCopyOption.REPLACE_EXISTING);
        return List.of(done, exe);
    }
}
