package dev.sextant.app.layout;

import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

/**
 * The main window's size and place: as the user left it (when that still fits on a screen), else
 * a large share of the primary screen's visual bounds (the screen less panels and docks), centred.
 */
public final class WindowSize {
    /** The share of the screen a first window takes, in each direction. */
    public static final double SHARE = 0.85;
    private static final double MIN_WIDTH = 1024, MIN_HEIGHT = 700;

    private WindowSize() {}

    /** The size to open at: the saved one when it fits on a screen, else {@link #SHARE} of the primary screen. */
    public static Rectangle2D initial(LayoutStore store) {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        var w = store.number("window.width");
        var h = store.number("window.height");
        var x = store.number("window.x");
        var y = store.number("window.y");
        if (w.isPresent() && h.isPresent() && x.isPresent() && y.isPresent() && w.getAsDouble() >= 400 && h.getAsDouble() >= 300) {
            Rectangle2D saved = new Rectangle2D(x.getAsDouble(), y.getAsDouble(), w.getAsDouble(), h.getAsDouble());
            boolean visible = Screen.getScreens().stream().anyMatch(s -> s.getVisualBounds().intersects(saved));
            if (visible) return saved;
        }
        double width = Math.min(screen.getWidth(), Math.max(MIN_WIDTH, screen.getWidth() * SHARE));
        double height = Math.min(screen.getHeight(), Math.max(MIN_HEIGHT, screen.getHeight() * SHARE));
        return new Rectangle2D(screen.getMinX() + (screen.getWidth() - width) / 2, screen.getMinY() + (screen.getHeight() - height) / 2,
                width, height);
    }

    public static void place(Stage stage, LayoutStore store, Rectangle2D size) {
        // A stage that was sized before (a window opened again on the same stage) keeps that size
        // through setScene: the scene's size is the one to open at.
        stage.sizeToScene();
        stage.setX(size.getMinX());
        stage.setY(size.getMinY());
        store.text("window.maximized").ifPresent(m -> stage.setMaximized(Boolean.parseBoolean(m)));
    }

    public static void save(Stage stage, LayoutStore store) {
        store.put("window.maximized", Boolean.toString(stage.isMaximized()));
        if (stage.isMaximized() || stage.getScene() == null) return;      // keep the size it had before it was maximised
        store.put("window.x", stage.getX());
        store.put("window.y", stage.getY());
        store.put("window.width", stage.getScene().getWidth());
        store.put("window.height", stage.getScene().getHeight());
    }
}
