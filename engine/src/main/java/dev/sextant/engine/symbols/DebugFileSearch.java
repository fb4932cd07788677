package dev.sextant.engine.symbols;

import dev.sextant.engine.api.SearchStep;
import dev.sextant.engine.api.SymbolSource;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.elfutils.DebugInfoSearch;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.api.SearchStep.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Walks the symbol path for one module's separate debug file, step by step, each step told to a
 * {@link Sink}. The places are those of {@code dwfl_standard_find_debuginfo} (debuglink beside the
 * file, in {@code .debug/}, under the debug root; build-id directories) plus additional
 * directories and debuginfod, in the user's order. Engine thread only.
 */
final class DebugFileSearch implements AutoCloseable {

    /** Where the steps go: DEBUG_INFO text, progress, and the cancel query. */
    interface Sink {
        void step(String module, String text);
        /** Download progress; returns true to cancel. */
        boolean progress(String module, long base, long done, long total);
    }

    /** What one search found: the file and how, every step, and a note when the file is not a perfect match. */
    record Result(Optional<Path> file, Optional<SymbolSource> source, List<SearchStep> steps, Optional<String> caveat,
                  boolean cancelled) {}

    private final Map<SymbolPath.Debuginfod, Debuginfod> clients = new HashMap<>();
    private final Duration timeout;

    DebugFileSearch(Duration timeout) {
        this.timeout = timeout;
    }

    Result search(DebugInfoSearch.Request r, SymbolPath path, Set<SymbolOption> options, Sink sink) {
        String mod = shortName(r.moduleName());
        List<SearchStep> steps = new ArrayList<>();
        List<SymbolPath.Entry> order = new ArrayList<>(path.entries());
        if (!options.contains(SymbolOption.PREFER_LOCAL)) {
            // Servers first: stable sort moves every debuginfod entry ahead of the local ones.
            order.sort((a, b) -> Boolean.compare(!(a instanceof SymbolPath.Debuginfod), !(b instanceof SymbolPath.Debuginfod)));
        }
        Optional<Path> main = r.mainFile().map(Path::of);
        Optional<String> caveat = Optional.empty();
        Path mismatched = null;
        for (SymbolPath.Entry e : order) {
            if (e instanceof SymbolPath.BreakpadStore) continue;     // minidumps' .sym files, not ELF debug files
            List<SearchStep> here = new ArrayList<>();
            Optional<Path> found = Optional.empty();
            SymbolSource src;
            if (e instanceof SymbolPath.OwnFile) {
                src = SymbolSource.EMBEDDED;
                here.add(new SearchStep(src, r.mainFile().orElse(r.moduleName()), Outcome.NOT_FOUND,
                        main.isPresent() ? "has no DWARF debug information" : "the module's file was not found on this machine"));
            } else if (e instanceof SymbolPath.DebugLink) {
                src = SymbolSource.DEBUGLINK;
                if (r.debugLink().isEmpty() || main.isEmpty()) {
                    here.add(new SearchStep(src, r.mainFile().orElse(r.moduleName()), Outcome.SKIPPED,
                            main.isEmpty() ? "no file to read .gnu_debuglink from" : "no .gnu_debuglink section"));
                } else {
                    for (Path c : debuglinkCandidates(main.get(), r.debugLink().get(), path)) {
                        SearchStep s = checkCrc(c, main.get(), r.debugLinkCrc(), src);
                        here.add(s);
                        if (s.outcome() == Outcome.FOUND) { found = Optional.of(c); break; }
                        if (s.outcome() == Outcome.MISMATCH && mismatched == null) mismatched = c;
                    }
                }
            } else if (e instanceof SymbolPath.BuildIdRoot b) {
                src = SymbolSource.BUILD_ID_DIRECTORY;
                if (r.buildId().isEmpty() || r.buildId().get().length() < 3) {
                    here.add(new SearchStep(src, b.root().toString(), Outcome.SKIPPED, "the module has no build-id"));
                } else {
                    String id = r.buildId().get();
                    Path c = b.root().resolve(".build-id").resolve(id.substring(0, 2)).resolve(id.substring(2) + ".debug");
                    SearchStep s = checkBuildId(c, id, src);
                    here.add(s);
                    if (s.outcome() == Outcome.FOUND) found = Optional.of(c);
                }
            } else if (e instanceof SymbolPath.Directory d) {
                src = SymbolSource.DIRECTORY;
                List<Path> cands = new ArrayList<>();
                r.debugLink().ifPresent(l -> cands.add(d.dir().resolve(l)));
                String base = shortName(main.map(Path::toString).orElse(r.moduleName()));
                cands.add(d.dir().resolve(base + ".debug"));
                cands.add(d.dir().resolve(base));
                for (Path c : cands.stream().distinct().toList()) {
                    if (main.isPresent() && c.toAbsolutePath().normalize().equals(main.get().toAbsolutePath().normalize())) continue;
                    SearchStep s = r.buildId().isPresent() ? checkBuildId(c, r.buildId().get(), src)
                            : main.isPresent() && r.debugLink().isPresent() ? checkCrc(c, main.get(), r.debugLinkCrc(), src)
                            : new SearchStep(src, c.toString(), Outcome.SKIPPED, "nothing to match it against (no build-id, no debuglink)");
                    here.add(s);
                    if (s.outcome() == Outcome.FOUND) { found = Optional.of(c); break; }
                }
            } else if (e instanceof SymbolPath.Debuginfod d) {
                src = SymbolSource.DEBUGINFOD;
                SearchStep s = fetch(d, r, options, sink, mod);
                here.add(s);
                if (s.outcome() == Outcome.FOUND) found = Optional.of(Path.of(s.location()));
                if (s.outcome() == Outcome.CANCELLED) {
                    here.forEach(x -> sink.step(mod, x.toString()));
                    steps.addAll(here);
                    return new Result(Optional.empty(), Optional.empty(), steps, Optional.of("cancelled"), true);
                }
            } else {
                throw new IllegalStateException("unknown symbol path entry " + e);
            }
            for (SearchStep s : here) sink.step(mod, s.toString());
            steps.addAll(here);
            if (found.isPresent()) return new Result(found, Optional.of(src), steps, Optional.empty(), false);
        }
        if (mismatched != null && options.contains(SymbolOption.LOAD_ANYTHING)) {
            caveat = Optional.of("debuglink CRC mismatch: " + mismatched + " does not match " + r.mainFile().orElse("?"));
            sink.step(mod, "loading " + mismatched + " anyway (LOAD_ANYTHING)");
            return new Result(Optional.of(mismatched), Optional.of(SymbolSource.DEBUGLINK), steps, caveat, false);
        }
        return new Result(Optional.empty(), Optional.empty(), steps, Optional.empty(), false);
    }

    /** As {@code dwfl_standard_find_debuginfo}: beside the file, in its {@code .debug/}, under each debug root + its directory. */
    private static List<Path> debuglinkCandidates(Path main, String link, SymbolPath path) {
        Path dir = main.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        if (dir == null) return out;
        out.add(dir.resolve(link));
        out.add(dir.resolve(".debug").resolve(link));
        List<Path> roots = new ArrayList<>();
        for (SymbolPath.Entry e : path.entries()) if (e instanceof SymbolPath.BuildIdRoot b) roots.add(b.root());
        if (roots.isEmpty()) roots.add(SymbolPath.DEFAULT_DEBUG_ROOT);
        for (Path root : roots) out.add(root.resolve(dir.toString().replaceFirst("^/+", "")).resolve(link));
        return out.stream().filter(p -> !p.normalize().equals(main.toAbsolutePath().normalize())).distinct().toList();
    }

    private static SearchStep checkCrc(Path c, Path main, int expected, SymbolSource src) {
        if (!Files.isRegularFile(c)) return new SearchStep(src, c.toString(), Outcome.NOT_FOUND, "no such file");
        try {
            int crc = crc32(c);
            if (crc != expected) {
                return new SearchStep(src, c.toString(), Outcome.MISMATCH, String.format(
                        "debuglink CRC mismatch: file has %08x, %s expects %08x", crc, main.getFileName(), expected));
            }
            return new SearchStep(src, c.toString(), Outcome.FOUND, String.format("found, CRC %08x matches", crc));
        } catch (IOException ex) {
            return new SearchStep(src, c.toString(), Outcome.ERROR, "cannot read: " + ex.getMessage());
        }
    }

    private static SearchStep checkBuildId(Path c, String id, SymbolSource src) {
        if (!Files.isRegularFile(c)) return new SearchStep(src, c.toString(), Outcome.NOT_FOUND, "no such file");
        Optional<String> got = BuildId.ofFile(c);
        if (got.isEmpty()) return new SearchStep(src, c.toString(), Outcome.MISMATCH, "not an ELF file with a build-id");
        if (!got.get().equals(id)) {
            return new SearchStep(src, c.toString(), Outcome.MISMATCH, "build-id " + got.get() + " differs from the module's " + id);
        }
        return new SearchStep(src, c.toString(), Outcome.FOUND, "found, build-id matches");
    }

    /** The GNU debuglink checksum: CRC-32 (the zlib polynomial) of the whole file. */
    static int crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return (int) crc.getValue();
    }

    private SearchStep fetch(SymbolPath.Debuginfod d, DebugInfoSearch.Request r, Set<SymbolOption> options, Sink sink, String mod) {
        String where = String.join(" ", d.urls());
        SymbolSource src = SymbolSource.DEBUGINFOD;
        if (!options.contains(SymbolOption.DEBUGINFOD)) return new SearchStep(src, where, Outcome.SKIPPED, "debuginfod is off in the options");
        if (r.buildId().isEmpty()) return new SearchStep(src, where, Outcome.SKIPPED, "the module has no build-id");
        Optional<String> missing = Debuginfod.unavailableReason();
        if (missing.isPresent()) return new SearchStep(src, where, Outcome.ERROR, missing.get());
        Debuginfod client = clients.computeIfAbsent(d, k -> new Debuginfod(k.urls(), k.cache(), timeout, timeout.multipliedBy(10)));
        boolean[] downloaded = {false};
        sink.step(mod, "asking " + where + " for build-id " + r.buildId().get() + " (cache " + d.cache() + ")");
        Debuginfod.Fetch f = client.findDebuginfo(r.buildId().get(), (done, total) -> {
            downloaded[0] = true;
            return sink.progress(mod, r.base(), done, total);
        });
        String at = f.url().orElse(where);
        if (f.file().isPresent()) {
            // The server's word is not proof: a proxy or a broken server can send anything.
            Optional<String> got = BuildId.ofFile(f.file().get());
            if (!got.equals(r.buildId())) {
                // Drop it from the cache, or every later load would be answered with it.
                if (f.file().get().startsWith(d.cache())) {
                    try { Files.deleteIfExists(f.file().get()); } catch (IOException e) { /* the step below says what was wrong */ }
                }
                return new SearchStep(src, at, Outcome.MISMATCH, "the server sent " + f.file().get() + ", which is "
                        + got.map(g -> "an ELF file with build-id " + g).orElse("not an ELF file with a build-id"));
            }
            return new SearchStep(src, f.file().get().toString(), Outcome.FOUND,
                    downloaded[0] ? "downloaded from " + at : "found in the cache " + d.cache());
        }
        if (f.cancelled()) return new SearchStep(src, at, Outcome.CANCELLED, "download cancelled");
        return new SearchStep(src, at, f.errno() == Debuginfod.ENOENT ? Outcome.NOT_FOUND : Outcome.ERROR,
                f.reason() + " (errno " + f.errno() + ")");
    }

    static String shortName(String name) {
        int slash = name.lastIndexOf('/');
        return slash >= 0 ? name.substring(slash + 1) : name;
    }

    @Override public void close() {
        clients.values().forEach(Debuginfod::close);
        clients.clear();
    }
}
