package dev.sextant.app;

import dev.sextant.app.cli.BindCommand;
import dev.sextant.app.cli.GuiCommand;
import dev.sextant.app.cli.StackCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one launcher: {@code sextant} (GUI), {@code sextant gui …}, {@code sextant stack …}.
 * Subcommands that print never start JavaFX.
 */
@Command(name = "sextant", mixinStandardHelpOptions = true, version = "Sextant 0.1.0",
        description = "A debugger front-end for native programs: crash dumps and live processes.",
        subcommands = {GuiCommand.class, StackCommand.class, BindCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override public void run() {
        new GuiCommand().call();
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (tests call this instead of {@link #main}). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("sextant: " + ex.getMessage());
            return 2;
        });
        return cl.execute(args);
    }
}
