package dev.sextant.engine.breakpad;

import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.symbols.SymbolPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Breakpad symbol stores on a symbol path ({@code ;}-separated): directories in Breakpad's layout
 * ({@code NAME/ID/NAME.sym}) and HTTP servers of the same layout, asked in order. A file downloaded
 * from a server lands in the local cache under the same layout (written to a {@code .part} file and
 * checked to start with {@code MODULE} before it is moved in, so a failed or garbage answer leaves
 * nothing behind) and is read from there next time. Each module's file is looked up once per store
 * set. One thread at a time.
 */
public final class SymbolStores {
    /**
     * What a lookup reports: each place it looks ({@code searching}), then what came of it there
     * ({@code found}, {@code failed}, or nothing when the place lacks the file), download progress
     * (each 64 KiB read, and once at the end); {@code cancelled} is polled between places and reads.
     */
    public interface Listener {
        default void searching(StoreKey key, String where) {}
        default void progress(StoreKey key, long done, long total) {}
        default void found(StoreKey key, Path file) {}
        default void failed(StoreKey key, String where, String why) {}
        default boolean cancelled() { return false; }
    }

    /** A symbol file larger than this is not downloaded. */
    static final long MAX_DOWNLOAD = 4L << 30;

    private final List<String> entries;
    private final Path cache;
    private final Duration timeout;
    private HttpClient http;
    private final Map<StoreKey, Optional<BreakpadSymbols>> loaded = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    public SymbolStores(List<String> entries, Path cache, Duration timeout) {
        this.entries = List.copyOf(entries);
        this.cache = cache;
        this.timeout = timeout;
    }

    /** Where downloads are cached when the system property {@value} names no other directory. */
    public static final String CACHE_PROPERTY = "sextant.breakpad.cache";

    /**
     * {@code DIR;https://host/symbols;…}; the cache is {@code cache} when given, else the directory the
     * system property {@value #CACHE_PROPERTY} names, else {@code $XDG_CACHE_HOME/sextant/breakpad}.
     */
    public static SymbolStores parse(String path, Optional<Path> cache) {
        List<String> e = new ArrayList<>();
        for (String s : path.split(";")) if (!s.isBlank()) e.add(s.strip());
        Path c = cache.or(() -> Optional.ofNullable(System.getProperty(CACHE_PROPERTY)).map(Path::of))
                .orElseGet(() -> Path.of(Optional.ofNullable(System.getenv("XDG_CACHE_HOME"))
                        .orElse(System.getProperty("user.home") + "/.cache"), "sextant", "breakpad"));
        return new SymbolStores(e, c, Duration.ofSeconds(30));
    }

    public List<String> entries() { return entries; }

    /**
     * The entries of a symbol path ({@code own;debuglink;build-id;breakpad=DIR;DIR;https://…}) that can be
     * Breakpad stores: {@code breakpad=} entries, plain directories that exist, and http(s) URLs; joined
     * with {@code ;}, empty when none.
     */
    public static String breakpadEntries(String symbolPath) {
        StringBuilder b = new StringBuilder();
        for (String raw : symbolPath.split("[;\n]")) {
            String e = raw.strip();
            if (e.regionMatches(true, 0, SymbolPath.BREAKPAD, 0, SymbolPath.BREAKPAD.length())) e = e.substring(SymbolPath.BREAKPAD.length()).strip();
            boolean url = e.startsWith("http://") || e.startsWith("https://");
            if (!url && (e.isEmpty() || e.contains("*") || e.contains("=") || !isDirectory(e))) continue;
            if (b.length() > 0) b.append(';');
            b.append(e);
        }
        return b.toString();
    }

    /** Problems met so far (unreadable files, servers that failed), one line each. */
    public List<String> problems() { return List.copyOf(problems); }

    /** Forgets what {@code key}'s lookup gave (a file or none): the next {@link #load} asks the stores again (a retry). */
    public void forget(StoreKey key) {
        loaded.remove(key);
    }

    /** The symbol file of {@code key}, from the first store that has it; empty when none has. */
    public Optional<BreakpadSymbols> load(StoreKey key, Listener listener) {
        Optional<BreakpadSymbols> known = loaded.get(key);
        if (known != null) return known;
        Optional<BreakpadSymbols> r = Optional.empty();
        for (String e : entries) {
            if (listener.cancelled()) break;
            boolean remote = e.startsWith("http://") || e.startsWith("https://");
            Optional<Path> file = remote ? download(e, key, listener) : local(Path.of(e), key, listener);
            if (file.isEmpty()) continue;
            try {
                BreakpadSymbols s = BreakpadSymbols.open(file.get());
                listener.found(key, file.get());
                r = Optional.of(s);
                break;
            } catch (FormatException | IOException x) {
                String why = x.getMessage();
                problems.add(file.get() + ": " + why);
                listener.failed(key, file.get().toString(), why);
            }
        }
        loaded.put(key, r);
        return r;
    }

    private static boolean isDirectory(String e) {
        try {
            return Files.isDirectory(Path.of(e));
        } catch (java.nio.file.InvalidPathException notAPath) {
            return false;
        }
    }

    private Optional<Path> local(Path root, StoreKey key, Listener l) {
        Path f = root.resolve(key.path());
        l.searching(key, f.toString());
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    private Optional<Path> download(String base, StoreKey key, Listener l) {
        Path cached = cache.resolve(key.path());
        String url = (base.endsWith("/") ? base : base + "/") + key.urlPath();
        if (Files.isRegularFile(cached)) {      // the cache is shared by every server: a place of its own
            l.searching(key, cached + " (the download cache)");
            return Optional.of(cached);
        }
        l.searching(key, url);
        try {
            if (http == null) http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
            HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() == 404) return Optional.empty();
                if (resp.statusCode() != 200) return fail(key, url, "HTTP " + resp.statusCode(), l);
                long total = resp.headers().firstValueAsLong("content-length").orElse(-1);
                if (total > MAX_DOWNLOAD) return fail(key, url, "the file is " + total + " bytes, more than " + MAX_DOWNLOAD, l);
                Files.createDirectories(cached.getParent());
                Path part = cached.resolveSibling(cached.getFileName() + ".part");
                try {
                    if (!copy(in, part, key, total, l)) return fail(key, url, "cancelled", l);
                    if (!startsWithModule(part)) return fail(key, url, "the answer is not a Breakpad symbol file (no MODULE line)", l);
                    Files.move(part, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return Optional.of(cached);
                } finally {
                    Files.deleteIfExists(part);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            return fail(key, url, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), l);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(key, url, "interrupted", l);
        }
    }

    private static boolean copy(InputStream in, Path part, StoreKey key, long total, Listener l) throws IOException {
        byte[] buf = new byte[1 << 16];
        long done = 0, reported = -1;
        BooleanSupplier cancelled = l::cancelled;
        try (OutputStream out = Files.newOutputStream(part)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                if (cancelled.getAsBoolean()) return false;
                out.write(buf, 0, n);
                done += n;
                if (done > MAX_DOWNLOAD) throw new IOException("more than " + MAX_DOWNLOAD + " bytes");
                if (done - reported >= 1 << 16) { l.progress(key, done, total); reported = done; }
            }
        }
        l.progress(key, done, total);
        return true;
    }

    private static boolean startsWithModule(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(7);
            return new String(head, java.nio.charset.StandardCharsets.US_ASCII).equals("MODULE ");
        }
    }

    private Optional<Path> fail(StoreKey key, String where, String why, Listener l) {
        problems.add(where + ": " + why);
        l.failed(key, where, why);
        return Optional.empty();
    }
}
