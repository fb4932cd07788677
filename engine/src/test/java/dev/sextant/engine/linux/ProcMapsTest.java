package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.format.io.FormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProcMapsTest {
    @Test void readsThisProcessLikeTheKernelPrintsIt() throws Exception {
        String text = Files.readString(Path.of("/proc/self/maps"));
        List<ProcMaps.Mapping> maps = ProcMaps.parse(text);
        assertThat(maps).hasSize((int) text.lines().filter(l -> !l.isBlank()).count());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
        assertThat(maps).anyMatch(m -> m.path().orElse("").equals(java) && m.executable());
        assertThat(maps).anyMatch(m -> m.path().orElse("").equals("[stack]"));
        for (ProcMaps.Mapping m : maps) assertThat(Long.compareUnsigned(m.start(), m.end())).isLessThan(0);
    }

    @Test void keepsPathsWithSpacesAndAnonymousMappings() {
        List<ProcMaps.Mapping> maps = ProcMaps.parse("""
                55d0c6a00000-55d0c6a01000 r-xp 00001000 fd:01 1234   /tmp/my dir/prog (deleted)
                7ffc1a2b3000-7ffc1a2d4000 rw-p 00000000 00:00 0
                """);
        assertThat(maps.get(0).path()).hasValue("/tmp/my dir/prog (deleted)");
        assertThat(maps.get(0).fileOffset()).isEqualTo(0x1000);
        assertThat(maps.get(0).contains(0x55d0c6a00fffL)).isTrue();
        assertThat(maps.get(0).contains(0x55d0c6a01000L)).isFalse();
        assertThat(maps.get(1).path()).isEmpty();
    }

    @Test void malformedLinesFailWithTheirOffset() {
        String good = "00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n";
        assertThatThrownBy(() -> ProcMaps.parse(good + "zz-00401000 r-xp 00000000 08:01 1 /bin/x\n"))
                .isInstanceOfSatisfying(FormatException.class, e -> {
                    assertThat(e.offset()).isEqualTo(good.length());
                    assertThat(e.what()).isEqualTo("maps line 2");
                });
        assertThatThrownBy(() -> ProcMaps.parse("00401000-00400000 r-xp 0 08:01 1\n")).isInstanceOf(FormatException.class)
                .hasMessageContaining("ends before it starts");
        assertThatThrownBy(() -> ProcMaps.parse("00400000 r-xp\n")).isInstanceOf(FormatException.class);
        for (int cut = 0; cut <= good.length(); cut++) {     // truncation sweep: a record or a FormatException
            try {
                ProcMaps.parse(good.substring(0, cut));
            } catch (FormatException expected) {
                // fine
            }
        }
    }
}
