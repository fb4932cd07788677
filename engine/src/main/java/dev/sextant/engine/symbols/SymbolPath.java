package dev.sextant.engine.symbols;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ordered list of places to look for a module's symbols. Text form ({@code --symbol-path}),
 * entries separated by {@code ;}:
 * <pre>
 *   own                          the module's own file (embedded .symtab / DWARF)
 *   debuglink                    its .gnu_debuglink file, CRC checked: beside it, in .debug/, under each build-id root
 *   build-id[=ROOT]              ROOT/.build-id/xx/yyyy.debug (ROOT defaults to /usr/lib/debug)
 *   debuginfod*[CACHE]*URL[*URL] debuginfod servers with a cache directory ({@code srv*} is the same, as in WinDbg)
 *   breakpad=DIR|URL             a Breakpad symbol store for minidumps: a directory NAME/ID/NAME.sym, or an http(s) server
 *                                of that layout (a bare http(s) URL is one too); the ELF search skips it
 *   DIR                          any other entry: an additional directory (a minidump's Breakpad store as well)
 * </pre>
 * {@link #defaults(Map)} is {@code own;debuglink;build-id} plus the servers of {@code DEBUGINFOD_URLS}.
 * Immutable.
 */
public record SymbolPath(List<Entry> entries) {
    public SymbolPath { entries = List.copyOf(entries); }

    /** One place of the symbol path. */
    public sealed interface Entry {}

    /** The module's own file. */
    public record OwnFile() implements Entry {
        @Override public String toString() { return "own"; }
    }

    /** The file named by the module's {@code .gnu_debuglink}. */
    public record DebugLink() implements Entry {
        @Override public String toString() { return "debuglink"; }
    }

    /** A root holding {@code .build-id/xx/yyyy.debug} (e.g. {@code /usr/lib/debug}). */
    public record BuildIdRoot(Path root) implements Entry {
        @Override public String toString() { return root.equals(DEFAULT_DEBUG_ROOT) ? "build-id" : "build-id=" + root; }
    }

    /** An additional directory searched by file name, debuglink name and {@code NAME.debug}. */
    public record Directory(Path dir) implements Entry {
        @Override public String toString() { return dir.toString(); }
    }

    /** debuginfod servers and the local cache directory they download into. */
    public record Debuginfod(List<String> urls, Path cache) implements Entry {
        public Debuginfod { urls = List.copyOf(urls); }
        @Override public String toString() { return "debuginfod*" + cache + "*" + String.join("*", urls); }
    }

    /** A Breakpad symbol store (minidumps only): a directory or an http(s) URL, as given. */
    public record BreakpadStore(String location) implements Entry {
        @Override public String toString() { return BREAKPAD + location; }
    }

    /** The prefix of a Breakpad store entry. */
    public static final String BREAKPAD = "breakpad=";

    public static final Path DEFAULT_DEBUG_ROOT = Path.of("/usr/lib/debug");

    /** Parses the text form above; throws {@link IllegalArgumentException} naming the bad entry. */
    public static SymbolPath parse(String text, Map<String, String> env) {
        List<Entry> out = new ArrayList<>();
        for (String raw : text.split("[;\n]")) {
            String e = raw.strip();
            if (e.isEmpty()) continue;
            String lower = e.toLowerCase(java.util.Locale.ROOT);
            if (lower.equals("own") || lower.equals("self")) {
                out.add(new OwnFile());
            } else if (lower.equals("debuglink")) {
                out.add(new DebugLink());
            } else if (lower.equals("build-id")) {
                out.add(new BuildIdRoot(DEFAULT_DEBUG_ROOT));
            } else if (lower.startsWith("build-id=")) {
                String root = e.substring("build-id=".length()).strip();
                if (root.isEmpty()) throw new IllegalArgumentException("symbol path entry '" + e + "': build-id= needs a directory");
                out.add(new BuildIdRoot(Path.of(root)));
            } else if (lower.startsWith("debuginfod*") || lower.startsWith("srv*")) {
                String[] parts = e.split("\\*", -1);
                if (parts.length < 3) {
                    throw new IllegalArgumentException("symbol path entry '" + e + "': expected debuginfod*CACHE*URL (CACHE may be empty)");
                }
                List<String> urls = new ArrayList<>();
                for (int i = 2; i < parts.length; i++) {
                    String u = parts[i].strip();
                    if (u.isEmpty()) continue;
                    // A URL's own "//" and ':' stay intact: '*' is the only separator.
                    if (!u.startsWith("http://") && !u.startsWith("https://") && !u.startsWith("file://")) {
                        throw new IllegalArgumentException("symbol path entry '" + e + "': '" + u + "' is not an http(s) or file URL");
                    }
                    urls.add(u);
                }
                if (urls.isEmpty()) throw new IllegalArgumentException("symbol path entry '" + e + "': no server URL");
                String cache = parts[1].strip();
                out.add(new Debuginfod(urls, cache.isEmpty() ? defaultCache(env) : Path.of(cache)));
            } else if (lower.startsWith(BREAKPAD) || lower.startsWith("http://") || lower.startsWith("https://")) {
                String at = lower.startsWith(BREAKPAD) ? e.substring(BREAKPAD.length()).strip() : e;
                if (at.isEmpty()) throw new IllegalArgumentException("symbol path entry '" + e + "': breakpad= needs a directory or an http(s) URL");
                if (at.contains("://") && !isHttp(at)) {
                    throw new IllegalArgumentException("symbol path entry '" + e + "': '" + at + "' is not an http(s) URL");
                }
                out.add(new BreakpadStore(at));
            } else {
                out.add(new Directory(Path.of(e)));
            }
        }
        return new SymbolPath(out);
    }

    /** Whether {@code s} is an http(s) URL with a host. */
    public static boolean isHttp(String s) {
        try {
            java.net.URI u = new java.net.URI(s);
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /** {@code own;debuglink;build-id}, then {@code DEBUGINFOD_URLS}' servers (if set) with {@code DEBUGINFOD_CACHE_PATH}. */
    public static SymbolPath defaults(Map<String, String> env) {
        List<Entry> out = new ArrayList<>(List.of(new OwnFile(), new DebugLink(), new BuildIdRoot(DEFAULT_DEBUG_ROOT)));
        fromEnvironment(env).ifPresent(out::add);
        return new SymbolPath(out);
    }

    /** The servers of {@code DEBUGINFOD_URLS} (space-separated) with the cache of {@code DEBUGINFOD_CACHE_PATH}. */
    public static Optional<Debuginfod> fromEnvironment(Map<String, String> env) {
        String urls = env.getOrDefault("DEBUGINFOD_URLS", "").strip();
        if (urls.isEmpty()) return Optional.empty();
        return Optional.of(new Debuginfod(Arrays.stream(urls.split("\\s+")).filter(s -> !s.isEmpty()).toList(), defaultCache(env)));
    }

    /** This path, with {@code DEBUGINFOD_URLS}' servers appended when it names no server itself. */
    public SymbolPath withEnvironment(Map<String, String> env) {
        if (entries.stream().anyMatch(e -> e instanceof Debuginfod)) return this;
        Optional<Debuginfod> d = fromEnvironment(env);
        if (d.isEmpty()) return this;
        List<Entry> out = new ArrayList<>(entries);
        out.add(d.get());
        return new SymbolPath(out);
    }

    /** As libdebuginfod: {@code DEBUGINFOD_CACHE_PATH}, else {@code $XDG_CACHE_HOME/debuginfod_client}, else {@code ~/.cache/debuginfod_client}. */
    static Path defaultCache(Map<String, String> env) {
        String c = env.get("DEBUGINFOD_CACHE_PATH");
        if (c != null && !c.isBlank()) return Path.of(c);
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "debuginfod_client");
        return Path.of(env.getOrDefault("HOME", "/tmp"), ".cache", "debuginfod_client");
    }

    /** The text form, which {@link #parse} reads back to an equal path. */
    @Override public String toString() {
        return String.join(";", entries.stream().map(Object::toString).toList());
    }
}
