package dev.sextant.app.view.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** The Bind view on a program built now with one missing library and one missing symbol. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BindGuiTest extends WindowTest {
    @Test void missingLibraryAndMissingSymbolComeFirstAndMarked(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler");
        Files.writeString(dir.resolve("foo.c"), "int foo(void) { return 1; }\nint going_away(void) { return 2; }\n");
        Files.writeString(dir.resolve("gone.c"), "int gone(void) { return 3; }\n");
        Files.writeString(dir.resolve("main.c"),
                "int foo(void); int going_away(void); int gone(void);\nint main(void) { return foo() + going_away() + gone(); }\n");
        Tools.succeed(dir, "cc", "-shared", "-fPIC", "-o", "libfoo.so", "foo.c");
        Tools.succeed(dir, "cc", "-shared", "-fPIC", "-o", "libgone.so", "gone.c");
        Tools.succeed(dir, "cc", "-o", "prog", "main.c", "-L.", "-lfoo", "-lgone", "-Wl,-rpath,$ORIGIN", "-Wl,--no-as-needed");
        Files.writeString(dir.resolve("foo.c"), "int foo(void) { return 1; }\n");
        Tools.succeed(dir, "cc", "-shared", "-fPIC", "-o", "libfoo.so", "foo.c");          // going_away is gone now
        Files.delete(dir.resolve("libgone.so"));

        AtomicReference<CompletableFuture<BindResult>> f = new AtomicReference<>();
        robot.interact(() -> f.set(window.bind(dir.resolve("prog"))));
        BindResult r = f.get().get(60, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(r.missing()).containsExactly("libgone.so");

        TreeView<BindNode> tree = robot.lookup("#bind-tree").queryAs(TreeView.class);
        List<TreeItem<BindNode>> top = tree.getRoot().getChildren();
        assertThat(top.get(0).getValue().failed()).isTrue();
        assertThat(top.get(1).getValue().failed()).isTrue();
        assertThat(top.subList(0, 2)).extracting(t -> t.getValue().name()).containsExactlyInAnyOrder("libgone.so", "Unresolved symbols");
        TreeItem<BindNode> unresolved = top.stream().filter(t -> t.getValue().name().equals("Unresolved symbols")).findFirst().orElseThrow();
        assertThat(unresolved.getChildren()).extracting(t -> t.getValue().name()).contains("going_away");
        assertThat(top.subList(2, top.size())).allSatisfy(t -> assertThat(t.getValue().failed()).isFalse());
        assertThat(top).anySatisfy(t -> {
            assertThat(t.getValue().name()).isEqualTo("libfoo.so");
            assertThat(t.getValue().detail()).contains(dir.resolve("libfoo.so").toString());
            assertThat(t.getChildren()).extracting(p -> p.getValue().name()).contains("foo");
        });

        // the count says as many libraries as the tree lists (each once, however many objects need it)
        long listed = top.stream().filter(t -> t.getValue().kind() == BindNode.Kind.MODULE && !t.getValue().name().startsWith("(")).count();
        javafx.scene.control.Label counts = robot.lookup("#bind-counts").queryAs(javafx.scene.control.Label.class);
        assertThat(counts.getText()).startsWith(listed + " libraries, ");

        robot.clickOn("#bind-filter").write("going");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(tree.getRoot().getChildren()).hasSize(1);
        assertThat(tree.getRoot().getChildren().get(0).getChildren()).extracting(t -> t.getValue().name()).containsExactly("going_away");
    }
}
