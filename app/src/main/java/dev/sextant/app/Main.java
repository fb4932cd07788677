package dev.sextant.app;

import dev.sextant.app.cli.BindCommand;
import dev.sextant.app.cli.CrashesCommand;
import dev.sextant.app.cli.DisasmCommand;
import dev.sextant.app.cli.DocumentOutput;
import dev.sextant.app.cli.DumpCommand;
import dev.sextant.app.cli.EvalCommand;
import dev.sextant.app.cli.LocalsCommand;
import dev.sextant.app.cli.RunCommand;
import dev.sextant.app.cli.SaveDumpCommand;
import dev.sextant.app.cli.StackCommand;
import dev.sextant.app.cli.SymbolsCommand;
import dev.sextant.app.cli.UnwindCommand;
import dev.sextant.engine.session.EngineThread;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The one launcher: {@code sextant} (GUI), {@code sextant gui …}, {@code sextant stack …}.
 * Subcommands that print never start JavaFX.
 */
@Command(name = "sextant", mixinStandardHelpOptions = true, version = "Sextant 0.1.0",
        description = "A debugger front-end for native programs: crash dumps and live processes.",
        subcommands = {GuiCommand.class, StackCommand.class, LocalsCommand.class, EvalCommand.class, DumpCommand.class, SaveDumpCommand.class, BindCommand.class,
                UnwindCommand.class, SymbolsCommand.class, DisasmCommand.class, RunCommand.class, CrashesCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override public void run() {
        new GuiCommand().call();
    }

    static {
        // JNA otherwise runs `ldconfig -p` (a process, about 15 ms) to learn the system library
        // directories; every library here is loaded by soname, which the dynamic linker resolves.
        if (System.getProperty("jna.platform.library.path") == null) {
            System.setProperty("jna.platform.library.path", "/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu:/usr/lib64:/lib64:/usr/lib:/lib");
        }
    }

    public static void main(String[] args) {
        DocumentOutput.install();
        int status = run(args);
        if (args.length > 0 && (args[0].equals("locals") || args[0].equals("stack") || args[0].equals("eval"))) {
            // Nothing of these commands needs a shutdown hook; the JDK's (java.util.logging's, which JNA
            // started, resets every logger on a thread of its own) made the exit 3-4 ms from the
            // document's last write to exit_group instead of 1-1.5 (strace, 4 runs each). The VM's own
            // exit work (the start-up archive's recording included) runs on halt as on exit.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }
        System.exit(status);
    }

    /** Runs a command line and returns its exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals("stack")) {
            // Loading JNA and libdw takes a good part of a short run; do it on other threads
            // while this one parses the arguments and the core's notes.
            EngineThread.preloadNatives();
            var plain = StackCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("locals")) {
            EngineThread.preloadNatives();
            var plain = LocalsCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("eval")) {
            EngineThread.preloadNatives();
            var plain = EvalCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("unwind")) {
            var plain = UnwindCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("symbols")) {
            var plain = SymbolsCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("disasm")) {
            // picocli's model of disasm (an argument group; Java 5 class files the start-up archive cannot
            // hold) was a third of the CPU time of listing a tiny file
            var plain = DisasmCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("crashes")) {
            var plain = CrashesCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        if (args.length > 0 && args[0].equals("bind")) {
            var plain = BindCommand.plain(Arrays.copyOfRange(args, 1, args.length));
            if (plain.isPresent()) return plain.get().call();
        }
        // Building picocli's model reflects over every subcommand; for a known subcommand build only
        // its own model, which keeps start-up of `sextant stack` short as subcommands are added.
        Object sub = args.length == 0 ? null : switch (args[0]) {
            case "stack" -> new StackCommand();
            case "symbols" -> new SymbolsCommand();
            case "disasm" -> new DisasmCommand();
            case "run" -> new RunCommand();
            case "locals" -> new LocalsCommand();
            case "eval" -> new EvalCommand();
            default -> null;
        };
        if (sub != null) {
            CommandLine one = new CommandLine(sub);
            one.setCommandName("sextant " + args[0]);
            one.setExecutionExceptionHandler((ex, cmd, parsed) -> {
                cmd.getErr().println("sextant: " + ex.getMessage());
                return 2;
            });
            return one.execute(Arrays.copyOfRange(args, 1, args.length));
        }
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("sextant: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }
}
