package dev.sextant.app;

import dev.sextant.engine.session.EngineThread;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxToolkit;
import org.testfx.framework.junit5.ApplicationExtension;

/** The real main window on a real engine, per test, headless: what every GUI test starts from. */
@ExtendWith(ApplicationExtension.class)
abstract class WindowTest {
    EngineThread engine;
    MainWindow window;

    // TestFX looks for @Start on the test class itself, not on a superclass: set the stage up here.
    @BeforeEach void openWindow() throws Exception {
        Stage stage = FxToolkit.registerPrimaryStage();
        FxToolkit.setupFixture(() -> {
            engine = new EngineThread();
            window = new MainWindow(stage, engine, false);
            window.show();
        });
    }

    @AfterEach void stopEngine() { engine.close(); }
}
