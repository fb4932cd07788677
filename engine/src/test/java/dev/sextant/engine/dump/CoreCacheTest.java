package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.testing.CrashInboxFixture;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The core cache over a real core compressed by the real tools: hits, damaged streams, cancel, the bound. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoreCacheTest {
    @TempDir static Path work;
    static Path plain;
    static final Map<String, Path> packed = new java.util.LinkedHashMap<>();

    @BeforeAll static void compress() throws Exception {
        for (String tool : CrashInboxFixture.TOOLS) org.junit.jupiter.api.Assumptions.assumeTrue(NativePrograms.Tools.onPath(tool), "no " + tool);
        Path exe = NativePrograms.compile("crashkinds", work);
        plain = Files.move(NativePrograms.coreOf(exe, work, "segv"), work.resolve("core.plain"));
        for (String tool : CrashInboxFixture.TOOLS) {
            Path out = work.resolve("core.1234." + tool);       // no telling suffix: found by the magic
            CrashInboxFixture.compress(tool, plain, out, work);
            packed.put(tool, out);
        }
    }

    private static CoreCache cache(String name, long max) throws Exception {
        return new CoreCache(Files.createDirectories(work.resolve(name)), max);
    }

    @Test void eachToolsStreamDecompressesToTheCoreByteForByteAndTheSecondOpenIsFree() throws Exception {
        CoreCache cache = cache("hits", CoreCache.DEFAULT_MAX_BYTES);
        for (var e : packed.entrySet()) {
            assertThat(CoreCompression.of(e.getValue()).orElseThrow().label()).isEqualTo(e.getKey());
            List<long[]> progress = new ArrayList<>();
            Path out = cache.plain(e.getValue(), (d, t) -> progress.add(new long[]{d, t}), new Cancellation());
            assertThat(out.getParent()).isEqualTo(cache.directory());
            assertThat(Files.mismatch(out, plain)).as(e.getKey()).isEqualTo(-1L);
            assertThat(progress).isNotEmpty();
            assertThat(progress.get(progress.size() - 1)[0]).isEqualTo(Files.size(e.getValue()));
            Object inode = Files.getAttribute(out, "unix:ino");
            // Second open: the same file, not written again, and no decompression (no progress).
            List<long[]> again = new ArrayList<>();
            assertThat(cache.plain(e.getValue(), (d, t) -> again.add(new long[]{d, t}), new Cancellation())).isEqualTo(out);
            assertThat(Files.getAttribute(out, "unix:ino")).isEqualTo(inode);
            assertThat(again).isEmpty();
        }
        assertThat(cache.plain(plain, CoreCache.Progress.NONE, new Cancellation())).isEqualTo(plain);
        assertThat(partFiles(cache)).isEmpty();
    }

    /**
     * A stream of many output buffers (decoding and writing overlap across them): the copy is equal
     * to what went in, byte for byte, and its zero blocks are holes, as {@code zstd -d} leaves them.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {900, 1024})
    void aLargeZstdStreamIsCopiedWholeWithItsZeroBlocksAsHoles(int blocks) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativePrograms.Tools.onPath("zstd"), "no zstd");
        Path big = work.resolve("big" + blocks + ".plain");
        java.util.Random random = new java.util.Random(20261207);
        byte[] block = new byte[64 * 1024];
        try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(big))) {
            // 900 blocks: 56 MiB, every third block data, the rest and a tail of 12,345 bytes zero.
            // 1,024: exactly 64 MiB, ending with data (the stream's end falls on an output buffer's).
            for (int i = 0; i < blocks; i++) {
                java.util.Arrays.fill(block, (byte) 0);
                if (i % 3 == 0 && i < 850 || i == blocks - 1 && blocks == 1024) random.nextBytes(block);
                out.write(block);
            }
            if (blocks == 900) out.write(new byte[12345]);
        }
        Path packedBig = work.resolve("big" + blocks + ".zst");
        Process z = new ProcessBuilder("zstd", "-q", "-1", "-f", "-o", packedBig.toString(), big.toString()).inheritIO().start();
        assertThat(z.waitFor()).isZero();
        Path out = cache("big" + blocks, CoreCache.DEFAULT_MAX_BYTES).plain(packedBig, CoreCache.Progress.NONE, new Cancellation());
        assertThat(Files.size(out)).isEqualTo(Files.size(big));
        assertThat(Files.mismatch(out, big)).isEqualTo(-1L);
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", out.toString()).start();
        String[] st = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        long allocated = Long.parseLong(st[0]) * Long.parseLong(st[1]);
        assertThat(allocated).as("bytes on disk").isLessThan(Files.size(big) / 2);
    }

    @Test void aTruncatedStreamIsAnErrorNamingTheOffset() throws Exception {
        CoreCache cache = cache("truncated", CoreCache.DEFAULT_MAX_BYTES);
        for (var e : packed.entrySet()) {
            byte[] all = Files.readAllBytes(e.getValue());
            Path cut = Files.write(work.resolve("cut." + e.getKey()), java.util.Arrays.copyOf(all, all.length / 2));
            assertThatThrownBy(() -> cache.plain(cut, CoreCache.Progress.NONE, new Cancellation()))
                    .as(e.getKey()).isInstanceOf(TargetException.class)
                    .hasMessageContaining(cut.toString())
                    .hasMessageContaining(e.getKey() + " stream")
                    .hasMessageMatching("(?s).*(truncated|corrupt) .* at compressed offset \\d+ of " + all.length / 2 + ".*");
            assertThat(cache.cached(cut)).isFalse();
        }
        assertThat(partFiles(cache)).isEmpty();
    }

    @Test void aCorruptStreamIsAnErrorNamingTheOffset() throws Exception {
        CoreCache cache = cache("corrupt", CoreCache.DEFAULT_MAX_BYTES);
        for (var e : packed.entrySet()) {
            byte[] all = Files.readAllBytes(e.getValue());
            for (int i = all.length / 3; i < all.length / 3 + 64; i++) all[i] ^= 0x5a;
            Path bad = Files.write(work.resolve("bad." + e.getKey()), all);
            assertThatThrownBy(() -> cache.plain(bad, CoreCache.Progress.NONE, new Cancellation()))
                    .as(e.getKey()).isInstanceOf(TargetException.class)
                    .hasMessageContaining(bad.toString())
                    .hasMessageMatching("(?s).*(corrupt|truncated) " + e.getKey() + " stream at compressed offset \\d+ of " + all.length + ".*");
            assertThat(cache.cached(bad)).isFalse();
        }
        assertThat(partFiles(cache)).isEmpty();
    }

    @Test void cancelLeavesNothingBehind() throws Exception {
        CoreCache cache = cache("cancel", CoreCache.DEFAULT_MAX_BYTES);
        Cancellation cancel = new Cancellation();
        cancel.cancel();
        assertThatThrownBy(() -> cache.plain(packed.get("zstd"), CoreCache.Progress.NONE, cancel)).isInstanceOf(CancellationException.class);
        assertThat(cache.cached(packed.get("zstd"))).isFalse();
        assertThat(partFiles(cache)).isEmpty();
    }

    @Test void theCacheKeepsItsBoundByEvictingTheLeastRecentlyUsed() throws Exception {
        long one = Files.size(plain);
        CoreCache cache = cache("bounded", 2 * one + one / 2);
        Path first = cache.plain(packed.get("zstd"), CoreCache.Progress.NONE, new Cancellation());
        Path second = cache.plain(packed.get("lz4"), CoreCache.Progress.NONE, new Cancellation());
        Files.setLastModifiedTime(first, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        Files.setLastModifiedTime(second, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 30_000));
        cache.plain(packed.get("zstd"), CoreCache.Progress.NONE, new Cancellation());     // a hit: now the most recent
        Path third = cache.plain(packed.get("xz"), CoreCache.Progress.NONE, new Cancellation());
        assertThat(Files.exists(first)).isTrue();
        assertThat(Files.exists(second)).isFalse();
        assertThat(Files.exists(third)).isTrue();
    }

    @Test void theStandardCacheFollowsXdgCacheHome() {
        assertThat(CoreCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/srv/cache"))).isEqualTo(Path.of("/srv/cache/sextant/cores"));
        assertThat(CoreCache.defaultDirectory(Map.of())).isEqualTo(Path.of(System.getProperty("user.home"), ".cache/sextant/cores"));
        assertThat(CoreCache.maxBytes("500M")).isEqualTo(500L << 20);
        assertThat(CoreCache.maxBytes("nonsense")).isEqualTo(CoreCache.DEFAULT_MAX_BYTES);
    }

    private static List<Path> partFiles(CoreCache cache) throws Exception {
        try (Stream<Path> s = Files.list(cache.directory())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }
}
