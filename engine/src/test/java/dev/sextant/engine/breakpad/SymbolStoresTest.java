package dev.sextant.engine.breakpad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.testing.SymbolServer;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Breakpad stores: a directory, and HTTP servers on 127.0.0.1 that answer well, fail, send garbage or hang. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SymbolStoresTest {
    static final StoreKey KEY = new StoreKey("libdemo.so", "431AC73A5E1D579A74CC36BB05C6E7C50");
    @TempDir Path dir;
    SymbolServer server;
    String base;
    byte[] sym;

    @BeforeEach void startServer() throws IOException {
        StringBuilder b = new StringBuilder("MODULE Linux x86_64 431AC73A5E1D579A74CC36BB05C6E7C50 libdemo.so\n");
        for (int i = 0; i < 60_000; i++) b.append(String.format("FUNC %x 10 0 function_number_%d\n", 0x1000 + i * 0x10, i));
        sym = b.toString().getBytes(StandardCharsets.UTF_8);
        Path served = dir.resolve("served").resolve(KEY.path());
        Files.createDirectories(served.getParent());
        Files.write(served, sym);
        server = SymbolServer.serve(dir.resolve("served"));
        base = server.url("").replaceAll("/$", "");
    }

    @AfterEach void stopServer() {
        server.close();
    }

    static class Events implements SymbolStores.Listener {
        private final List<String> log = new ArrayList<>();
        private final List<long[]> progress = new ArrayList<>();
        List<long[]> progress() { return progress; }
        @Override public void searching(StoreKey k, String where) { log.add("search " + where); }
        @Override public void progress(StoreKey k, long done, long total) { progress.add(new long[]{done, total}); }
        @Override public void found(StoreKey k, Path f) { log.add("found " + f); }
        @Override public void failed(StoreKey k, String where, String why) { log.add("failed " + where + ": " + why); }
    }

    @Test void failingAndGarbageServersAreSkippedAndTheGoodOneIsCached() throws IOException {
        Path cache = dir.resolve("cache");
        SymbolStores s = new SymbolStores(List.of(base + "/fail", base + "/garbage", base + "/missing", dir.resolve("nodir").toString(), base + "/store"),
                cache, Duration.ofSeconds(5));
        Events ev = new Events();
        Optional<BreakpadSymbols> got = s.load(KEY, ev);
        assertThat(got).isPresent();
        assertThat(got.get().module().name()).isEqualTo("libdemo.so");
        assertThat(got.get().function(0x1000 + 0x10 * 59_999 + 4).orElseThrow().name()).isEqualTo("function_number_59999");
        assertThat(s.problems()).anyMatch(p -> p.contains("/fail/") && p.contains("HTTP 500"))
                .anyMatch(p -> p.contains("/garbage/") && p.contains("not a Breakpad symbol file"))
                .noneMatch(p -> p.contains("/missing/"));
        assertThat(ev.progress()).isNotEmpty();
        assertThat(ev.progress().get(ev.progress().size() - 1)).containsExactly(sym.length, sym.length);
        assertThat(cache.resolve(KEY.path())).hasBinaryContent(sym);
        try (Stream<Path> all = Files.walk(cache)) { assertThat(all.map(Path::toString)).noneMatch(p -> p.endsWith(".part")); }
        // A second session finds it in the cache without asking the server.
        int before = server.storeRequests();
        assertThat(new SymbolStores(List.of(base + "/store"), cache, Duration.ofSeconds(5)).load(KEY, new Events())).isPresent();
        assertThat(server.storeRequests()).isEqualTo(before);
    }

    @Test void aServerThatNeverAnswersTimesOut() {
        SymbolStores s = new SymbolStores(List.of(base + "/hang"), dir.resolve("cache"), Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        assertThat(s.load(KEY, new Events())).isEmpty();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(15_000);
        assertThat(s.problems()).singleElement().asString().contains("/hang/").containsIgnoringCase("timed out");
    }

    @Test void aCancelledDownloadLeavesNothingInTheCache() throws IOException {
        Path cache = dir.resolve("cache");
        SymbolStores s = new SymbolStores(List.of(base + "/store"), cache, Duration.ofSeconds(5));
        Events ev = new Events() {
            @Override public boolean cancelled() { return !progress().isEmpty(); }
        };
        assertThat(s.load(KEY, ev)).isEmpty();
        assertThat(s.problems()).anyMatch(p -> p.contains("cancelled"));
        assertThat(cache.resolve(KEY.path())).doesNotExist();
    }

    @Test void aDirectoryStoreIsReadInBreakpadsLayout() throws IOException {
        Path root = dir.resolve("store");
        Files.createDirectories(root.resolve(KEY.path()).getParent());
        Files.write(root.resolve("libdemo.so/431AC73A5E1D579A74CC36BB05C6E7C50/libdemo.so.sym"), sym);
        assertThat(SymbolStores.parse(dir.resolve("elsewhere") + ";" + root, Optional.of(dir.resolve("c"))).load(KEY, new Events())).isPresent();
        StoreKey pdb = new StoreKey("test_app.pdb", "5A9832E5287241C1838ED98914E9B7FF1");
        assertThat(pdb.path()).isEqualTo("test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym");
    }

    @Test void theStoresOfASymbolPathAreItsBreakpadEntriesPlainDirectoriesAndUrls() throws IOException {
        Path a = Files.createDirectories(dir.resolve("a")), b = Files.createDirectories(dir.resolve("b"));
        String path = "own;debuglink;build-id=" + a + ";breakpad=" + a + ";" + b + ";breakpad=http://h:1/s;https://x.example/;"
                + dir.resolve("gone") + ";breakpad=" + dir.resolve("gone") + ";debuginfod*" + a + "*http://y:2";
        assertThat(SymbolStores.breakpadEntries(path)).isEqualTo(a + ";" + b + ";http://h:1/s;https://x.example/");
    }

    @Test void namesFromTheDumpAreDataNotPaths() {
        for (String bad : List.of("..", "../etc/passwd", "a/b", "a\\b", "x\u0000y", "", "C:evil", "a..b")) {
            assertThatThrownBy(() -> new StoreKey(bad, "ABC")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new StoreKey("ok.so", "../../x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new StoreKey("my lib#1?.so", "AB").urlPath()).isEqualTo("my%20lib%231%3F.so/AB/my%20lib%231%3F.so.sym");
    }
}
