package dev.sextant.app.view.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.source.SourceSubstitutions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Locate…": the file the user picks for a missing source becomes the substitution of the
 * directories that differ, which the engine's rule then applies to the missing path and its siblings.
 */
class SourceLocateTest {
    static String applied(SourceSubstitution s, String path) {
        return SourceSubstitutions.apply(List.of(s), path).orElseThrow().path();
    }

    @Test void aMovedTreeMapsItsRootSoThatSiblingsAreFoundToo() {
        SourceSubstitution s = SourceLocate.substitutionFor("/build/proj/src/a.c", Path.of("/home/me/proj/src/a.c"));
        assertThat(s).isEqualTo(new SourceSubstitution("/build", "/home/me"));
        assertThat(applied(s, "/build/proj/src/a.c")).isEqualTo("/home/me/proj/src/a.c");
        assertThat(applied(s, "/build/proj/include/b.h")).isEqualTo("/home/me/proj/include/b.h");
    }

    @Test void aRelativeNameMapsItsFirstDirectory() {
        SourceSubstitution s = SourceLocate.substitutionFor("src/srcview.c", Path.of("/tmp/x/src/srcview.c"));
        assertThat(s).isEqualTo(new SourceSubstitution("src", "/tmp/x/src"));
        assertThat(applied(s, "src/srcview.c")).isEqualTo("/tmp/x/src/srcview.c");
    }

    @Test void anotherNameMapsTheFileItself() {
        SourceSubstitution s = SourceLocate.substitutionFor("/build/a.c", Path.of("/home/me/renamed.c"));
        assertThat(applied(s, "/build/a.c")).isEqualTo("/home/me/renamed.c");
        assertThat(SourceSubstitutions.apply(List.of(s), "/build/a.cc")).isEmpty();
    }

    @Test void substitutionsMatchWholeDirectories() {
        SourceSubstitution s = new SourceSubstitution("/build", "/src");
        assertThat(SourceSubstitutions.apply(List.of(s), "/buildx/a.c")).isEmpty();
        assertThat(applied(s, "/build/a.c")).isEqualTo("/src/a.c");
    }
}
