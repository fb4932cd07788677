package dev.sextant.app;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javafx.animation.PauseTransition;
import javafx.scene.Scene;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/** Writes the window as a PNG (for the README and bug reports), without javafx-swing. */
public final class Screenshot {
    private Screenshot() {}

    static void writeAfterLayout(Scene scene, Path png, Runnable then) {
        PauseTransition settle = new PauseTransition(Duration.millis(600));
        settle.setOnFinished(e -> {
            try {
                write(scene.snapshot(null), png);
            } catch (IOException ex) {
                System.err.println("sextant: cannot write " + png + ": " + ex.getMessage());
            }
            then.run();
        });
        settle.play();
    }

    public static void write(WritableImage image, Path png) throws IOException {
        int w = (int) image.getWidth(), h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader r = image.getPixelReader();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, r.getArgb(x, y));
        ImageIO.write(out, "png", png.toFile());
    }
}
