package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.sextant.engine.api.NativeCallException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * One libdebuginfod client ({@code debuginfod_begin} … {@code debuginfod_end}), translated: queries by
 * hex build-id with a progress function that may cancel. The environment it reads at each query is
 * set with {@link #setenv}; the servers are unset again as soon as the query has read them (its
 * first progress call, or its end). Not thread-safe.
 */
public final class DebuginfodClient implements AutoCloseable {

    /** A query's answer: the file's path in the cache, or {@code -errno}; the server's URL; whether progress cancelled it. */
    public record Answer(int rc, Optional<String> path, Optional<String> url, boolean cancelledByProgress) {}

    private final Pointer client;
    private BiPredicate<Long, Long> current;
    private boolean cancelledByProgress;
    // Strong reference: libdebuginfod keeps only the function pointer.
    private final LibDebuginfod.ProgressFn progressFn = (c, a, b) -> {
        BiPredicate<Long, Long> p = current;
        clearServers();     // the query has read them: from here on no other libdebuginfod user sees them
        try {
            if (p != null && p.test(a, b)) {
                cancelledByProgress = true;
                return 1;
            }
            return 0;
        } catch (RuntimeException e) {
            cancelledByProgress = true;
            return 1;      // an exception must not unwind through libcurl's frames
        }
    };

    /** {@code debuginfod_begin}; {@link LinkageError} when the library is missing. */
    public DebuginfodClient() {
        this.client = LibDebuginfod.debuginfod_begin();
        if (client == null) throw new NativeCallException("debuginfod_begin", 0, "debuginfod_begin returned NULL");
        LibDebuginfod.debuginfod_set_progressfn(client, progressFn);
        LibDebuginfod.debuginfod_set_user_data(client, null);
    }

    /** {@code debuginfod_find_executable} or {@code debuginfod_find_debuginfo}; {@code progress} answers true to cancel. */
    public Answer find(String buildIdHex, boolean executable, BiPredicate<Long, Long> progress) {
        return find(buildIdHex, executable ? Kind.EXECUTABLE : Kind.DEBUGINFO, null, progress);
    }

    /**
     * {@code debuginfod_find_source}: the file {@code absolutePath} of the build-id's compilation
     * ({@code /buildid/ID/source/PATH}); libdebuginfod percent-encodes the path into the URL. The
     * caller checks the path (it comes from debug information).
     */
    public Answer findSource(String buildIdHex, String absolutePath, BiPredicate<Long, Long> progress) {
        return find(buildIdHex, Kind.SOURCE, absolutePath, progress);
    }

    private enum Kind { DEBUGINFO, EXECUTABLE, SOURCE }

    private Answer find(String buildIdHex, Kind kind, String source, BiPredicate<Long, Long> progress) {
        // Hex build-ids are passed as a string with length 0, as debuginfod.h allows.
        byte[] id = (buildIdHex + "\0").getBytes(StandardCharsets.US_ASCII);
        PointerByReference path = new PointerByReference();
        current = progress;
        cancelledByProgress = false;
        int rc;
        try {
            rc = switch (kind) {
                case EXECUTABLE -> LibDebuginfod.debuginfod_find_executable(client, id, 0, path);
                case DEBUGINFO -> LibDebuginfod.debuginfod_find_debuginfo(client, id, 0, path);
                case SOURCE -> LibDebuginfod.debuginfod_find_source(client, id, 0, source, path);
            };
        } finally {
            current = null;
            clearServers();
        }
        Pointer urlPtr = LibDebuginfod.debuginfod_get_url(client);
        Optional<String> url = urlPtr == null ? Optional.empty() : Optional.of(urlPtr.getString(0));
        Optional<String> file = Optional.empty();
        if (rc >= 0) {
            Posix.close(rc);
            Pointer p = path.getValue();
            if (p != null) {
                file = Optional.of(p.getString(0));
                Posix.free(p);
            }
        }
        return new Answer(rc, file, url, cancelledByProgress);
    }

    /** libc's {@code setenv}: libdebuginfod reads its URLs, cache path and timeouts from the environment. */
    public static void setenv(String name, String value) {
        LibDebuginfod.Env.setenv(name, value, 1);
    }

    /**
     * Unsets {@code DEBUGINFOD_URLS}, which {@link #setenv} names just before a query: libdwfl's own
     * client (libdwfl loads libdebuginfod with itself) reads it at each miss of a debug file, and
     * would otherwise download behind the symbol handler's back.
     */
    public static void clearServers() {
        LibDebuginfod.Env.unsetenv("DEBUGINFOD_URLS");
    }

    /** libc's {@code strerror}. */
    public static String strerror(int errno) {
        return LibDebuginfod.Env.strerror(errno);
    }

    @Override public void close() {
        LibDebuginfod.debuginfod_end(client);
    }

    /** Loads libdebuginfod now; a {@link LinkageError} when it is missing. */
    public static void load() {
        LibDebuginfod.LIB.getFunction("debuginfod_begin");
    }
}
