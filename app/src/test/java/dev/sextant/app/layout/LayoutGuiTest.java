package dev.sextant.app.layout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.MainWindow;
import dev.sextant.app.WindowTest;
import dev.sextant.app.layout.Workbench.Area;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.SplitPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;

/**
 * The layout: the first window takes {@link WindowSize#SHARE} of the screen; what the user changes
 * (window size, dividers, the tab shown in an area, the summary folded) is saved to the
 * configuration directory (a temporary one here) and a new window opens as the last was left.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LayoutGuiTest extends WindowTest {

    @Test void opensLargeThenAsItWasLeft(FxRobot robot) throws Exception {
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        assertThat(window.stage().getScene().getWidth()).isCloseTo(screen.getWidth() * WindowSize.SHARE, org.assertj.core.data.Offset.offset(1.0));
        assertThat(window.stage().getScene().getHeight()).isCloseTo(screen.getHeight() * WindowSize.SHARE, org.assertj.core.data.Offset.offset(1.0));
        SplitPane body = robot.lookup("#split-body").queryAs(SplitPane.class);
        SplitPane upper = robot.lookup("#split-upper").queryAs(SplitPane.class);
        SplitPane lower = robot.lookup("#split-lower").queryAs(SplitPane.class);
        assertThat(upper.getItems()).hasSize(2);            // Threads | Source
        assertThat(lower.getItems()).hasSize(2);            // Call stack, Modules… | Variables, Watches, Registers
        robot.interact(() -> {
            body.setDividerPositions(0.41);
            upper.setDividerPositions(0.22);
            lower.setDividerPositions(0.67);
            window.workbench().select(window.workbench().tab("Memory").orElseThrow());
            window.workbench().summary().setExpanded(false);
            window.stage().setWidth(1111);
            window.stage().setHeight(777);
        });
        robot.interact(() -> window.saveLayout());
        assertThat(configDir.resolve(LayoutStore.FILE)).isRegularFile();
        assertThat(Files.readString(configDir.resolve(LayoutStore.FILE))).contains("tab.bottom=Memory").contains("summary.expanded=false");
        double width = window.stage().getScene().getWidth(), height = window.stage().getScene().getHeight();

        AtomicReference<MainWindow> second = new AtomicReference<>();
        robot.interact(() -> {
            Stage stage = new Stage();
            second.set(new MainWindow(stage, engine, false));
            second.get().show();
        });
        try {
            MainWindow w = second.get();
            assertThat(w.stage().getScene().getWidth()).isEqualTo(width);
            assertThat(w.stage().getScene().getHeight()).isEqualTo(height);
            assertThat(w.workbench().area(Area.BOTTOM).getSelectionModel().getSelectedItem().getText()).isEqualTo("Memory");
            assertThat(w.workbench().summary().isExpanded()).isFalse();
            SplitPane body2 = (SplitPane) w.stage().getScene().lookup("#split-body");
            SplitPane upper2 = (SplitPane) w.stage().getScene().lookup("#split-upper");
            SplitPane lower2 = (SplitPane) w.stage().getScene().lookup("#split-lower");
            assertThat(body2.getDividerPositions()[0]).isCloseTo(0.41, org.assertj.core.data.Offset.offset(0.01));
            assertThat(upper2.getDividerPositions()).containsExactly(new double[] {0.22}, org.assertj.core.data.Offset.offset(0.01));
            assertThat(lower2.getDividerPositions()).containsExactly(new double[] {0.67}, org.assertj.core.data.Offset.offset(0.01));
        } finally {
            robot.interact(() -> second.get().stage().close());
        }
    }

    @Test void aBrokenLayoutFileGivesTheDefaults(FxRobot robot) throws Exception {
        Files.writeString(configDir.resolve(LayoutStore.FILE), "split.body=oops,\\u12\nwindow.width=-5\nsplit.upper=0.5\n");
        LayoutStore s = LayoutStore.load(configDir);
        AtomicReference<Rectangle2D> size = new AtomicReference<>();
        robot.interact(() -> size.set(WindowSize.initial(s)));
        assertThat(size.get().getWidth()).isGreaterThan(1000);
    }
}
