package dev.sextant.engine.symbols;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SymbolPathTest {

    @Test void parsesEveryKindOfEntryInOrder() {
        SymbolPath p = SymbolPath.parse("own; debuglink;build-id;build-id=/opt/dbg;/srv/syms;"
                + "debuginfod*/tmp/c*http://a.example:8002*https://b.example/", Map.of());
        assertThat(p.entries()).containsExactly(new SymbolPath.OwnFile(), new SymbolPath.DebugLink(),
                new SymbolPath.BuildIdRoot(Path.of("/usr/lib/debug")), new SymbolPath.BuildIdRoot(Path.of("/opt/dbg")),
                new SymbolPath.Directory(Path.of("/srv/syms")),
                new SymbolPath.Debuginfod(List.of("http://a.example:8002", "https://b.example/"), Path.of("/tmp/c")));
    }

    @Test void textFormReadsBackToTheSamePath() {
        SymbolPath p = SymbolPath.parse("own;debuglink;build-id;build-id=/x;/y;srv*/c*http://h:1", Map.of());
        assertThat(SymbolPath.parse(p.toString(), Map.of())).isEqualTo(p);
    }

    @Test void anEmptyCacheTakesLibdebuginfodsDefault() {
        SymbolPath.Debuginfod d = (SymbolPath.Debuginfod) SymbolPath.parse("srv**http://h:1", Map.of("HOME", "/home/u")).entries().get(0);
        assertThat(d.cache()).isEqualTo(Path.of("/home/u/.cache/debuginfod_client"));
        d = (SymbolPath.Debuginfod) SymbolPath.parse("srv**http://h:1", Map.of("DEBUGINFOD_CACHE_PATH", "/var/c")).entries().get(0);
        assertThat(d.cache()).isEqualTo(Path.of("/var/c"));
    }

    @Test void debuginfodUrlsIsAppendedToTheDefaultsAndToAPathWithoutServers() {
        Map<String, String> env = Map.of("DEBUGINFOD_URLS", " http://one:1  https://two/ ", "DEBUGINFOD_CACHE_PATH", "/c");
        SymbolPath d = SymbolPath.defaults(env);
        assertThat(d.entries()).hasSize(4);
        assertThat(d.entries().get(3)).isEqualTo(new SymbolPath.Debuginfod(List.of("http://one:1", "https://two/"), Path.of("/c")));
        assertThat(SymbolPath.parse("own", Map.of()).withEnvironment(env).entries()).hasSize(2);
        SymbolPath own = SymbolPath.parse("own;srv*/x*http://mine:2", Map.of());
        assertThat(own.withEnvironment(env)).isEqualTo(own);
        assertThat(SymbolPath.defaults(Map.of()).toString()).isEqualTo("own;debuglink;build-id");
    }

    @Test void badEntriesSayWhatIsWrong() {
        assertThatThrownBy(() -> SymbolPath.parse("srv*/c", Map.of())).hasMessageContaining("debuginfod*CACHE*URL");
        assertThatThrownBy(() -> SymbolPath.parse("srv*/c*ftp://x", Map.of())).hasMessageContaining("ftp://x");
        assertThatThrownBy(() -> SymbolPath.parse("build-id=", Map.of())).hasMessageContaining("needs a directory");
    }

    @Test void breakpadStoresAreEntriesOfTheirOwnThatReadBackAsGiven() {
        SymbolPath p = SymbolPath.parse("own;breakpad=/srv/sym;https://symbols.example.org/try/;BREAKPAD=http://127.0.0.1:8000/s", Map.of());
        assertThat(p.entries()).containsExactly(new SymbolPath.OwnFile(), new SymbolPath.BreakpadStore("/srv/sym"),
                new SymbolPath.BreakpadStore("https://symbols.example.org/try/"), new SymbolPath.BreakpadStore("http://127.0.0.1:8000/s"));
        // the URL keeps its "//" (a Directory would lose it), and the text form reads back
        assertThat(p.toString()).isEqualTo("own;breakpad=/srv/sym;breakpad=https://symbols.example.org/try/;breakpad=http://127.0.0.1:8000/s");
        assertThat(SymbolPath.parse(p.toString(), Map.of())).isEqualTo(p);
        assertThatThrownBy(() -> SymbolPath.parse("breakpad=ftp://x/y", Map.of())).hasMessageContaining("'ftp://x/y' is not an http(s) URL");
        assertThatThrownBy(() -> SymbolPath.parse("breakpad=http://", Map.of())).hasMessageContaining("is not an http(s) URL");
        assertThatThrownBy(() -> SymbolPath.parse("breakpad= ", Map.of())).hasMessageContaining("needs a directory or an http(s) URL");
    }

    @Test void patternsAreGlobsRegexesOrExactNames() {
        SymbolPattern p = SymbolPattern.parse("libc*!mem?py");
        assertThat(p.matchesModule("libc.so.6")).isTrue();
        assertThat(p.matchesModule("libm.so.6")).isFalse();
        assertThat(p.matchesName("memcpy")).isTrue();
        assertThat(p.matchesName("wmemcpy")).isFalse();
        assertThat(p.exactName()).isFalse();
        assertThat(SymbolPattern.parse("malloc").exactName()).isTrue();
        assertThat(SymbolPattern.parse("*!/^str(n)?cmp$/").matchesName("strncmp")).isTrue();
        assertThatThrownBy(() -> SymbolPattern.parse("/[/")).hasMessageContaining("bad symbol pattern");
    }
}
