package dev.sextant.app;

/** Starts JavaFX; kept apart from {@link Main} so that command-line subcommands never load JavaFX classes. */
public final class GuiLauncher {
    private GuiLauncher() {}

    public static void launch(String[] args) {
        javafx.application.Application.launch(SextantApp.class, args);
    }
}
