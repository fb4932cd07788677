package dev.sextant.app;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code sextant gui [--core FILE] [--exe FILE] [--sysroot DIR]}: opens the window. */
@Command(name = "gui", mixinStandardHelpOptions = true, description = "Open the Sextant window, optionally on a core file.")
public final class GuiCommand implements Callable<Integer> {
    @Option(names = "--core", paramLabel = "FILE", description = "ELF core file to open") Path core;
    @Option(names = "--exe", paramLabel = "FILE", description = "the executable that produced the core") Path exe;
    @Option(names = "--sysroot", paramLabel = "DIR", description = "look for the core's files under DIR") Path sysroot;
    @Option(names = "--dark", description = "start with the dark theme") boolean dark;
    @Option(names = "--screenshot", paramLabel = "PNG", hidden = true,
            description = "write a PNG of the window once the core is shown, then quit (for docs and bug reports)")
    Path screenshot;

    @Override public Integer call() {
        List<String> args = new ArrayList<>();
        if (core != null) args.add("--core=" + core.toAbsolutePath());
        if (exe != null) args.add("--exe=" + exe.toAbsolutePath());
        if (sysroot != null) args.add("--sysroot=" + sysroot.toAbsolutePath());
        if (dark) args.add("--dark");
        if (screenshot != null) args.add("--screenshot=" + screenshot.toAbsolutePath());
        if (core == null) args.add("--demo");
        GuiLauncher.launch(args.toArray(String[]::new));
        return 0;
    }
}
