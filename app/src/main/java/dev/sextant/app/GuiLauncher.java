package dev.sextant.app;

/** Starts JavaFX; kept apart from {@link Main} so that command-line subcommands never load JavaFX classes. */
public final class GuiLauncher {
    private GuiLauncher() {}

    public static void launch(String[] args) {
        // Sextant runs JavaFX from the class path; JavaFX warns about that at start-up. Said once here, not on every start.
        java.util.logging.Logger.getLogger("javafx").setLevel(java.util.logging.Level.SEVERE);
        javafx.application.Application.launch(SextantApp.class, args);
    }
}
