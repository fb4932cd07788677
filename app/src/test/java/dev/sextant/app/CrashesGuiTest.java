package dev.sextant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.view.crashes.CrashGroupRow;
import dev.sextant.app.view.crashes.CrashRow;
import dev.sextant.engine.testing.CrashInboxFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The Crashes window over six real compressed cores: three groups of two; a double click opens one in the main window. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrashesGuiTest extends WindowTest {
    @TempDir static Path work;
    static CrashInboxFixture.Inbox inbox;

    @BeforeAll static void makeInbox() throws Exception { inbox = CrashInboxFixture.makeWithPrivateCache(work); }

    @AfterAll static void restoreCache() { CrashInboxFixture.restoreCache(); }

    @Test void listsThreeGroupsOfTwoAndOpensACrashOnDoubleClick(FxRobot robot) throws Exception {
        AtomicReference<CrashesWindow> w = new AtomicReference<>();
        robot.interact(() -> w.set(window.showCrashes(List.of(inbox.directory()))));
        w.get().action().last().get(120, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        TableView<CrashGroupRow> groups = w.get().view().groupsTable();
        waitFor("three groups", () -> groups.getItems().size() == 3);
        assertThat(groups.getItems()).allSatisfy(g -> assertThat(g.count()).isEqualTo(2));
        assertThat(groups.getItems()).extracting(CrashGroupRow::signature).anySatisfy(s -> assertThat(s).startsWith("check_invariant | validate_order"))
                .anySatisfy(s -> assertThat(s).startsWith("store_into | fill_table")).anySatisfy(s -> assertThat(s).startsWith("divide_evenly | share_of"));
        // The group seen last is the fpe pair (the fixture's newest crashes), selected first.
        assertThat(groups.getItems().get(0).signature()).startsWith("divide_evenly");
        assertThat(groups.getItems().get(0).signal()).isEqualTo("SIGFPE");
        String message = robot.lookup("#crashes-message").queryAs(Label.class).getText();
        assertThat(message).startsWith("6 crashes in 3 groups");
        TableView<CrashRow> crashes = w.get().view().crashesTable();
        waitFor("the first group's crashes", () -> crashes.getItems().size() == 2);
        assertThat(crashes.getItems()).allSatisfy(r -> assertThat(r.signal()).isEqualTo("SIGFPE"));
        for (CrashRow r : crashes.getItems()) assertThat(List.of(r.time(), r.pid(), r.size(), r.file())).doesNotContain("", "—");
        if (inbox.xattrs()) assertThat(crashes.getItems()).allSatisfy(r -> assertThat(r.host()).isEqualTo(CrashInboxFixture.HOSTNAME));
        Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        robot.interact(() -> {
            try {
                Screenshot.write(w.get().stage().getScene().snapshot(null), screenshots.resolve("crashes.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        // Double click the older crash of the group: the main window opens that compressed core.
        CrashRow older = crashes.getItems().get(1);
        robot.interact(() -> crashes.getSelectionModel().select(1));
        javafx.scene.Node row = robot.from(crashes).lookup(".table-row-cell").queryAll().stream()
                .filter(n -> n instanceof javafx.scene.control.TableRow<?> r && r.getIndex() == 1).findFirst().orElseThrow();
        robot.doubleClickOn(row);
        waitFor("the crash opened in the main window", () -> robot.lookup("#summary-file").queryAs(Label.class).getText().startsWith(older.file()));
        waitFor("the summary's signal", () -> robot.lookup("#summary-signal").queryAs(Label.class).getText().startsWith("SIGFPE"));
        if (inbox.xattrs()) {
            waitFor("what systemd-coredump recorded", () -> robot.lookup("#summary-recorded").queryAs(Label.class).getText()
                    .contains("host " + CrashInboxFixture.HOSTNAME));
            assertThat(robot.lookup("#summary-recorded").queryAs(Label.class).getText()).contains("pid " + older.pid(), "boot " + inbox.bootId());
        }
        TableView<dev.sextant.app.view.stack.FrameRow> stack = robot.lookup("#stack-table").queryTableView();
        waitFor("the crashing thread's stack", () -> !stack.getItems().isEmpty());
        assertThat(stack.getItems().get(0).function()).startsWith("divide_evenly");
        robot.interact(() -> {
            try {
                Screenshot.write(window.stage().getScene().snapshot(null), screenshots.resolve("crashes-opened.png"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }
}
