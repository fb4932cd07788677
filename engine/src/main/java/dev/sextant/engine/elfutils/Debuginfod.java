package dev.sextant.engine.elfutils;

import dev.sextant.engine.api.NativeCallException;
import dev.sextant.engine.elfutils.jna.DebuginfodClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A debuginfod client ({@code debuginfod_begin} … {@code debuginfod_end}) fetching files by
 * build-id, with progress and cancellation. libdebuginfod takes its servers, cache directory and
 * timeouts from the environment ({@code DEBUGINFOD_URLS}, {@code DEBUGINFOD_CACHE_PATH},
 * {@code DEBUGINFOD_TIMEOUT}, {@code DEBUGINFOD_MAXTIME}, {@code DEBUGINFOD_RETRY_LIMIT}) at each query, so each fetch sets them
 * from this client's settings first (libc's environment; this is why one thread, the engine's,
 * owns every client). Not thread-safe.
 */
public final class Debuginfod implements AutoCloseable {

    /** Receives download progress: bytes so far and the total (0 when unknown). Returns true to cancel. */
    @FunctionalInterface
    public interface Progress {
        boolean onProgress(long done, long total);
    }

    /**
     * The outcome of one query: the file in the cache, or the errno libdebuginfod returned
     * ({@code ENOENT} not on any server, {@code ECANCELED} cancelled by the progress function,
     * {@code ETIMEDOUT}, {@code ENOSYS} no server configured, …) with its text.
     */
    public record Fetch(Optional<Path> file, int errno, String reason, Optional<String> url) {
        public boolean cancelled() { return errno == ECANCELED; }
    }

    public static final int ENOENT = 2, EACCES = 13, ENOSYS = 38, ETIME = 62, ECANCELED = 125, ETIMEDOUT = 110;

    private final List<String> urls;
    private final Path cacheDir;
    private final Duration timeout;
    private final Duration maxTime;
    private final DebuginfodClient client;

    /**
     * {@code debuginfod_begin}; throws {@link NativeCallException} when it returns NULL, and
     * {@link LinkageError} when the library is missing (see {@link #unavailableReason()}).
     *
     * @param timeout  {@code DEBUGINFOD_TIMEOUT}: connecting, and the wait for the first bytes
     * @param maxTime  {@code DEBUGINFOD_MAXTIME}: the whole transfer of one file
     */
    public Debuginfod(List<String> urls, Path cacheDir, Duration timeout, Duration maxTime) {
        this.urls = List.copyOf(urls);
        this.cacheDir = cacheDir;
        this.timeout = timeout;
        this.maxTime = maxTime;
        this.client = new DebuginfodClient();
    }

    /** {@code debuginfod_find_debuginfo} by build-id (hex). */
    public Fetch findDebuginfo(String buildIdHex, Progress progress) {
        return find(buildIdHex, progress, false);
    }

    /** {@code debuginfod_find_executable} by build-id (hex). */
    public Fetch findExecutable(String buildIdHex, Progress progress) {
        return find(buildIdHex, progress, true);
    }

    private Fetch find(String buildIdHex, Progress progress, boolean executable) {
        if (urls.isEmpty()) return new Fetch(Optional.empty(), ENOSYS, "no debuginfod server configured", Optional.empty());
        DebuginfodClient.setenv("DEBUGINFOD_URLS", String.join(" ", urls));
        DebuginfodClient.setenv("DEBUGINFOD_CACHE_PATH", cacheDir.toString());
        DebuginfodClient.setenv("DEBUGINFOD_TIMEOUT", Long.toString(Math.max(1, timeout.toSeconds())));
        DebuginfodClient.setenv("DEBUGINFOD_MAXTIME", Long.toString(Math.max(1, maxTime.toSeconds())));
        // libdebuginfod retries a failed transfer twice by default, tripling the wait on a hung
        // server; Sextant's retry is the user's (Retry on the module), so one attempt per query.
        DebuginfodClient.setenv("DEBUGINFOD_RETRY_LIMIT", "0");
        DebuginfodClient.Answer a = client.find(buildIdHex, executable, progress::onProgress);
        if (a.rc() < 0) {
            // A progress function that stops the transfer makes libdebuginfod break out of its loop and
            // report what curl saw (often ENOENT): say it was a cancel.
            int errno = a.cancelledByProgress() ? ECANCELED : -a.rc();
            if (a.cancelledByProgress()) forgetNegativeEntry(buildIdHex, executable ? "executable" : "debuginfo");
            return new Fetch(Optional.empty(), errno, reason(errno), a.url());
        }
        if (a.path().isEmpty()) return new Fetch(Optional.empty(), 0, "no path returned", a.url());
        return new Fetch(Optional.of(Path.of(a.path().get())), 0, "ok", a.url());
    }

    /**
     * libdebuginfod records a failed query as an empty file in the cache (a negative entry, trusted
     * for {@code cache_miss_s}, 10 minutes by default), and a cancel counts as a failure: without
     * this a retry right after a cancel would be answered "not found" from the cache.
     */
    private void forgetNegativeEntry(String buildIdHex, String kind) {
        Path entry = cacheDir.resolve(buildIdHex).resolve(kind);
        try {
            if (Files.isRegularFile(entry) && Files.size(entry) == 0) Files.delete(entry);
        } catch (IOException e) {
            // Left in place: the retry then reports "not found" with the cache path in the step.
        }
    }

    private static String reason(int errno) {
        return switch (errno) {
            case ENOENT -> "not found on the server(s)";
            case ECANCELED -> "cancelled";
            case ETIMEDOUT, ETIME -> "timed out (no answer within DEBUGINFOD_TIMEOUT)";
            case ENOSYS -> "no debuginfod server configured";
            case EACCES -> "permission denied (cache directory not writable?)";
            default -> DebuginfodClient.strerror(errno);
        };
    }

    @Override public void close() {
        client.close();
    }

    /** Loads libdebuginfod now; empty when it works, else what to install. */
    public static Optional<String> unavailableReason() {
        try {
            DebuginfodClient.load();
            return Optional.empty();
        } catch (LinkageError e) {
            return Optional.of("libdebuginfod.so.1 could not be loaded (" + e.getMessage()
                    + "); install it with: sudo apt-get install libdebuginfod1");
        }
    }
}
