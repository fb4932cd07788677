package dev.sextant.app.view.bind;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.WindowTest;
import dev.sextant.engine.api.ProcessInfo;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

/** A program launched from the window binds a lazy PLT slot after a pause; the Bind view shows it at dlsym's address. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveBindGuiTest extends WindowTest {
    @Test void launchedProgramsLazyBindingShowsInTheBindView(FxRobot robot) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("cc"), "no C compiler");
        Files.writeString(dir.resolve("live.c"), "int live_one(int x) { return x + 1; }\n");
        Files.writeString(dir.resolve("main.c"), """
                #define _GNU_SOURCE
                #include <dlfcn.h>
                #include <stdio.h>
                #include <unistd.h>
                int live_one(int);
                int main(void) {
                    printf("dlsym live_one %p\\n", dlsym(RTLD_DEFAULT, "live_one"));
                    fflush(stdout);
                    usleep(300000);
                    printf("called %d\\n", live_one(1));
                    return 0;
                }
                """);
        Tools.succeed(dir, "cc", "-shared", "-fPIC", "-o", "liblive.so", "live.c");
        Tools.succeed(dir, "cc", "-o", "prog", "main.c", "-L.", "-llive", "-Wl,-rpath,$ORIGIN", "-Wl,-z,lazy", "-ldl");
        Path prog = dir.resolve("prog");

        AtomicReference<CompletableFuture<ProcessInfo>> launched = new AtomicReference<>();
        robot.interact(() -> launched.set(window.debug().launch(prog, List.of())));
        try {
            launched.get().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Assumptions.abort("cannot launch under ptrace here: " + e.getCause().getMessage());
        }
        robot.interact(() -> window.debug().cont());

        TreeView<BindNode> tree = robot.lookup("#bind-tree").queryAs(TreeView.class);
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> procedure(tree, "liblive.so", "live_one") != null);
        WaitForAsyncUtils.waitForFxEvents();
        Path output = dir.resolve("prog.output.txt");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> Files.readString(output).contains("called 2"));
        Matcher m = Pattern.compile("dlsym live_one (0x[0-9a-f]+)").matcher(Files.readString(output));
        assertThat(m.find()).isTrue();
        TreeItem<BindNode> p = procedure(tree, "liblive.so", "live_one");
        assertThat(Long.decode(p.getValue().detail())).isEqualTo(Long.decode(m.group(1)));
        assertThat(Path.of(tree.getRoot().getValue().name())).isEqualTo(prog.toRealPath());
    }

    private static TreeItem<BindNode> procedure(TreeView<BindNode> tree, String module, String name) {
        for (TreeItem<BindNode> m : tree.getRoot().getChildren()) {
            if (!m.getValue().name().equals(module)) continue;
            for (TreeItem<BindNode> p : m.getChildren()) if (p.getValue().name().equals(name)) return p;
        }
        return null;
    }
}
