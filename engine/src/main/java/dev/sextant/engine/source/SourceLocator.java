package dev.sextant.engine.source;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.api.SourceText;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.symbols.SymbolPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a source file the debug information names, in gdb's order: through the user's
 * substitutions, at the DWARF path, under the compile unit's directory, beside the module's file,
 * then from debuginfod ({@code /buildid/ID/source/PATH}). Every place looked at is recorded, so
 * that "not found" can say where. One owner thread (the symbol handler's: downloads may be long).
 */
public final class SourceLocator implements AutoCloseable {
    /** Bigger files are refused rather than read into the window (a generated file, a wrong match). */
    public static final long MAX_BYTES = 64L << 20;

    /** What is known about the code the file belongs to. */
    public record Context(Optional<String> compDir, Optional<Path> moduleFile, Optional<String> buildId) {
        public static final Context NONE = new Context(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Download progress: bytes so far and the total (0 when unknown). */
    @FunctionalInterface
    public interface Progress {
        void onProgress(long done, long total);
    }

    private final Duration timeout;
    private final Map<SymbolPath.Debuginfod, Debuginfod> clients = new HashMap<>();

    public SourceLocator(Duration timeout) { this.timeout = timeout; }

    public SourceText locate(String file, Context ctx, List<SourceSubstitution> subs, List<SymbolPath.Debuginfod> servers,
                             Progress progress, Cancellation cancel) {
        List<String> looked = new ArrayList<>();
        Set<String> tried = new LinkedHashSet<>();
        Optional<String> absolute = absolute(file, ctx);
        // Substitutions first, as gdb applies them before anything else.
        for (String p : absolute.map(a -> List.of(a, file)).orElse(List.of(file))) {
            Optional<SourceSubstitutions.Rewritten> r = SourceSubstitutions.apply(subs, p);
            if (r.isPresent()) {
                Optional<SourceText> hit = tryRead(file, r.get().path(), "substitution " + r.get().by(), looked, tried);
                if (hit.isPresent()) return hit.get();
            }
        }
        if (subs.isEmpty()) looked.add("no source path substitutions are set");
        if (file.startsWith("/")) {
            Optional<SourceText> hit = tryRead(file, file, "DWARF path", looked, tried);
            if (hit.isPresent()) return hit.get();
        }
        if (ctx.compDir().isPresent()) {
            String cd = ctx.compDir().get();
            String under = file.startsWith("/") ? cd + "/" + baseName(file) : cd + "/" + file;
            Optional<SourceText> hit = tryRead(file, under, "compilation directory", looked, tried);
            if (hit.isPresent()) return hit.get();
        } else {
            looked.add("compilation directory: the compile unit names none");
        }
        if (ctx.moduleFile().isPresent() && ctx.moduleFile().get().getParent() != null) {
            Path dir = ctx.moduleFile().get().toAbsolutePath().getParent();
            List<String> beside = new ArrayList<>();
            if (!file.startsWith("/")) beside.add(dir.resolve(file).toString());
            beside.add(dir.resolve(baseName(file)).toString());
            for (String b : beside) {
                Optional<SourceText> hit = tryRead(file, b, "beside the executable", looked, tried);
                if (hit.isPresent()) return hit.get();
            }
        } else {
            looked.add("beside the executable: the module's file is not known");
        }
        Optional<SourceText> fetched = fetch(file, absolute, ctx, servers, progress, cancel, looked);
        return fetched.orElseGet(() -> new SourceText.NotFound(file, looked));
    }

    private static Optional<String> absolute(String file, Context ctx) {
        if (file.startsWith("/")) return Optional.of(file);
        return ctx.compDir().filter(d -> d.startsWith("/")).map(d -> d + "/" + file);
    }

    /** The last component of a path: {@code order.c}. */
    public static String baseNameOf(String file) { return baseName(file); }

    static String baseName(String file) {
        int slash = file.lastIndexOf('/');
        return slash >= 0 ? file.substring(slash + 1) : file;
    }

    private static Optional<SourceText> tryRead(String file, String candidate, String how, List<String> looked, Set<String> tried) {
        if (!tried.add(candidate)) return Optional.empty();
        Path p;
        try {
            p = Path.of(candidate);
        } catch (InvalidPathException e) {
            looked.add(how + ": " + candidate + ": not a path on this system");
            return Optional.empty();
        }
        if (!Files.exists(p)) {
            looked.add(how + ": " + candidate + ": no such file");
            return Optional.empty();
        }
        return read(file, p, how, looked);
    }

    private static Optional<SourceText> read(String file, Path p, String how, List<String> looked) {
        try {
            if (!Files.isRegularFile(p)) {
                looked.add(how + ": " + p + ": not a regular file");
                return Optional.empty();
            }
            long size = Files.size(p);
            if (size > MAX_BYTES) {
                looked.add(how + ": " + p + ": " + size + " bytes, more than a source file is read (" + MAX_BYTES + ")");
                return Optional.empty();
            }
            String text = new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            return Optional.of(new SourceText.Found(file, p.toString(), how, text));
        } catch (IOException | SecurityException e) {
            looked.add(how + ": " + p + ": cannot be read (" + e.getMessage() + ")");
            return Optional.empty();
        }
    }

    private Optional<SourceText> fetch(String file, Optional<String> absolute, Context ctx, List<SymbolPath.Debuginfod> servers,
                                       Progress progress, Cancellation cancel, List<String> looked) {
        if (servers.isEmpty()) {
            looked.add("debuginfod: no server in the symbol path (debuginfod*CACHE*URL) or DEBUGINFOD_URLS");
            return Optional.empty();
        }
        if (ctx.buildId().isEmpty()) {
            looked.add("debuginfod: the module has no build-id to ask for");
            return Optional.empty();
        }
        if (absolute.isEmpty()) {
            looked.add("debuginfod: '" + file + "' is relative and the compile unit names no directory");
            return Optional.empty();
        }
        Optional<String> refused = Debuginfod.checkSourcePath(absolute.get());
        if (refused.isPresent()) {
            looked.add("debuginfod: refused to ask for it: " + refused.get());
            return Optional.empty();
        }
        Optional<String> missing = Debuginfod.unavailableReason();
        if (missing.isPresent()) {
            looked.add("debuginfod: " + missing.get());
            return Optional.empty();
        }
        for (SymbolPath.Debuginfod d : servers) {
            cancel.throwIfCancelled();
            Debuginfod client = clients.computeIfAbsent(d, k -> new Debuginfod(k.urls(), k.cache(), timeout, timeout.multipliedBy(10)));
            Debuginfod.Fetch f = client.findSource(ctx.buildId().get(), absolute.get(), (done, total) -> {
                progress.onProgress(done, total);
                return cancel.isCancelled();
            });
            String where = f.url().orElse(String.join(" ", d.urls()));
            if (f.cancelled() || cancel.isCancelled()) {
                looked.add("debuginfod: " + where + ": cancelled");
                cancel.throwIfCancelled();
            }
            if (f.file().isEmpty()) {
                looked.add("debuginfod: " + where + ": " + f.reason() + " (errno " + f.errno() + ")");
                continue;
            }
            Path got = f.file().get();
            if (!insideCache(got, d.cache())) {
                looked.add("debuginfod: " + where + ": refused " + got + ", which is outside the cache " + d.cache());
                continue;
            }
            Optional<SourceText> hit = read(file, got, "debuginfod " + where, looked);
            if (hit.isPresent()) return hit;
        }
        return Optional.empty();
    }

    /** The cached file lies inside the cache directory once both are resolved (links included). */
    static boolean insideCache(Path file, Path cache) {
        try {
            return file.toRealPath().startsWith(cache.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    @Override public void close() {
        clients.values().forEach(Debuginfod::close);
        clients.clear();
    }
}
