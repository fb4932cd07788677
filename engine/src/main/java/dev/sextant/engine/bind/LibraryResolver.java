package dev.sextant.engine.bind;

import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.LdSoCache;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the file for one {@code DT_NEEDED} name the way glibc's {@code _dl_map_object} does:
 * a name with a slash is opened as is; otherwise the {@code DT_RPATH} of the loader and of its
 * loaders (only when the loader has no {@code DT_RUNPATH}), then {@code LD_LIBRARY_PATH}, then the
 * loader's {@code DT_RUNPATH}, then the ld.so cache, then the system directories (the last two not
 * under {@code DF_1_NODEFLIB}); each directory with its hwcaps subdirectories first. A file of the
 * wrong ELF class or machine is skipped and the search goes on, as ld.so does. Never runs anything.
 * Parsed files are kept for the resolver's lifetime, so several binds share them. One thread per
 * resolver; resolvers made with {@link #sharing} share their parsed files across threads.
 */
final class LibraryResolver {

    /** A candidate that was accepted, with the rule that found it and every path tried before. */
    record Found(Path path, DynamicObject elf, String foundBy, List<String> trail) {}

    /** Nothing acceptable: why, and every path tried. */
    record NotFound(String message, List<String> trail) {}

    private sealed interface Probe permits Missing, Ok, Rejected {}
    private record Missing() implements Probe {}
    private record Ok(DynamicObject elf) implements Probe {}
    private record Rejected(String why, boolean wrongClass) implements Probe {}

    // Shared by resolvers made with #sharing, each on its own thread: a file is parsed once for all.
    private final Map<String, Probe> probes;
    private final Map<String, Boolean> dirExists;
    private final Map<Path, Optional<LdSoCache>> caches;

    LibraryResolver() {
        probes = new ConcurrentHashMap<>();
        dirExists = new ConcurrentHashMap<>();
        caches = new ConcurrentHashMap<>();
    }

    private LibraryResolver(LibraryResolver other) {
        probes = other.probes;
        dirExists = other.dirExists;
        caches = other.caches;
    }

    /** A resolver for another thread that shares this one's parsed files and directory checks. */
    LibraryResolver sharing() {
        return new LibraryResolver(this);
    }

    /** Result of a search: exactly one of the two is present. */
    record Outcome(Optional<Found> found, Optional<NotFound> notFound) {}

    Outcome resolve(String name, LoadedObject loader, LoadedObject main, ElfHeader want, SearchPath sp, SearchPlatform pf) {
        List<String> trail = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        if (name.indexOf('/') >= 0) {
            String p = expand(name, loader, pf);
            if (p == null) return notFound("cannot expand " + name, trail);
            Optional<Found> f = tryFile(absolute(p, main), want, "path in DT_NEEDED", trail, rejected);
            return f.isPresent() ? new Outcome(f, Optional.empty()) : notFound(why(rejected), trail);
        }
        if (loader.runpath().isEmpty()) {
            boolean didMain = false;
            for (LoadedObject l = loader; l != null; l = l.loader) {
                Optional<String> rp = l.rpath();
                if (rp.isEmpty()) continue;
                Optional<Found> f = tryPath(name, rp.get(), l, want, "DT_RPATH of " + l.name, trail, rejected, pf, main);
                if (f.isPresent()) return new Outcome(f, Optional.empty());
                didMain |= l == main;
            }
            if (!didMain && main.rpath().isPresent()) {
                Optional<Found> f = tryPath(name, main.rpath().get(), main, want, "DT_RPATH of " + main.name, trail, rejected, pf, main);
                if (f.isPresent()) return new Outcome(f, Optional.empty());
            }
        }
        if (sp.ldLibraryPath().isPresent()) {
            Optional<Found> f = tryPath(name, sp.ldLibraryPath().get(), main, want, "LD_LIBRARY_PATH", trail, rejected, pf, main);
            if (f.isPresent()) return new Outcome(f, Optional.empty());
        }
        if (loader.runpath().isPresent()) {
            Optional<Found> f = tryPath(name, loader.runpath().get(), loader, want, "DT_RUNPATH of " + loader.name, trail, rejected, pf, main);
            if (f.isPresent()) return new Outcome(f, Optional.empty());
        }
        boolean nodeflib = loader.noDefaultLib();
        Optional<LdSoCache> cache = sp.ldSoCache().flatMap(this::cache);
        if (cache.isPresent()) {
            Optional<String> hit = cache.get().lookup(name, LdSoCache.expectedFlags(want), pf::searchedHwcaps);
            if (hit.isPresent() && nodeflib && pf.systemDirs().stream().anyMatch(d -> hit.get().startsWith(d + "/"))) {
                trail.add(hit.get() + " (ld.so.cache; skipped: DF_1_NODEFLIB)");
            } else if (hit.isPresent()) {
                Optional<Found> f = tryFile(hit.get(), want, "ld.so.cache", trail, rejected);
                if (f.isPresent()) return new Outcome(f, Optional.empty());
            }
        }
        if (!nodeflib) {
            for (String d : pf.systemDirs()) {
                Optional<Found> f = tryDir(name, d, want, "system directory", trail, rejected, pf);
                if (f.isPresent()) return new Outcome(f, Optional.empty());
            }
        }
        for (Path d : sp.extraDirs()) {
            Optional<Found> f = tryDir(name, d.toAbsolutePath().toString(), want, "search path", trail, rejected, pf);
            if (f.isPresent()) return new Outcome(f, Optional.empty());
        }
        return notFound(rejected.isEmpty() ? "cannot open shared object file: No such file or directory" : why(rejected), trail);
    }

    private static String why(List<String> rejected) {
        return rejected.isEmpty() ? "cannot open shared object file: No such file or directory" : String.join("; ", rejected);
    }

    private static Outcome notFound(String message, List<String> trail) {
        return new Outcome(Optional.empty(), Optional.of(new NotFound(message, List.copyOf(trail))));
    }

    private Optional<Found> tryPath(String name, String path, LoadedObject owner, ElfHeader want, String rule,
                                    List<String> trail, List<String> rejected, SearchPlatform pf, LoadedObject main) {
        // fillin_rpath: ':'-separated (LD_LIBRARY_PATH also ';'); an empty element is the current directory
        String[] parts = path.split(rule.equals("LD_LIBRARY_PATH") ? "[:;]" : ":", -1);
        for (String part : parts) {
            String dir = part.isEmpty() ? "." : expand(part, owner, pf);
            if (dir == null) continue;      // an unknown or unusable DST drops the element
            Optional<Found> f = tryDir(name, absolute(dir, main), want, rule, trail, rejected, pf);
            if (f.isPresent()) return f;
        }
        return Optional.empty();
    }

    private Optional<Found> tryDir(String name, String dir, ElfHeader want, String rule, List<String> trail,
                                   List<String> rejected, SearchPlatform pf) {
        String base = dir.endsWith("/") ? dir : dir + "/";
        // glibc-hwcaps first, in the order ld.so itself gives (asked only when there is such a directory)
        if (dirExists.computeIfAbsent(base + "glibc-hwcaps", k -> Files.isDirectory(Path.of(k)))) {
            for (String h : pf.searchedHwcaps()) {
                String d = base + "glibc-hwcaps/" + h + "/";
                if (!dirExists.computeIfAbsent(d, k -> Files.isDirectory(Path.of(k)))) continue;
                Optional<Found> f = tryFile(d + name, want, rule, trail, rejected);
                if (f.isPresent()) return f;
            }
        }
        for (String sub : pf.subdirs()) {
            String d = base + sub;
            if (!dirExists.computeIfAbsent(d, k -> Files.isDirectory(Path.of(k)))) continue;
            Optional<Found> f = tryFile(d + name, want, rule, trail, rejected);
            if (f.isPresent()) return f;
        }
        return Optional.empty();
    }

    private Optional<Found> tryFile(String file, ElfHeader want, String rule, List<String> trail, List<String> rejected) {
        Probe p = probes.computeIfAbsent((want.is64() ? "64:" : "32:") + want.machine() + ":" + file, k -> probe(file, want));
        if (p instanceof Ok ok && !sameKind(ok.elf().header(), want)) p = new Rejected(kind(ok.elf().header()), true);
        if (p instanceof Ok ok) {
            return Optional.of(new Found(Path.of(file), ok.elf(), rule, List.copyOf(trail)));
        }
        if (p instanceof Rejected r) {
            trail.add(file + " (" + rule + "; skipped: " + r.why() + ")");
            rejected.add(file + ": " + r.why());
        } else {
            trail.add(file + " (" + rule + ")");
        }
        return Optional.empty();
    }

    private static boolean sameKind(ElfHeader h, ElfHeader want) {
        return h.is64() == want.is64() && h.order().equals(want.order()) && h.machine() == want.machine();
    }

    private static String kind(ElfHeader h) {
        return "wrong ELF class or machine: " + (h.is64() ? "ELFCLASS64 " : "ELFCLASS32 ") + h.machineName();
    }

    private static Probe probe(String file, ElfHeader want) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) return new Missing();
        ElfHeader h;
        try {
            h = ElfHeader.read(ByteReader.of(DynamicObject.head(p, 64), want.order()));
        } catch (IOException e) {
            return new Rejected("cannot read: " + e.getMessage(), false);
        } catch (FormatException e) {
            return new Rejected("invalid ELF header: " + e.getMessage(), false);
        }
        if (!sameKind(h, want)) return new Rejected(kind(h), true);
        if (h.type() != ElfHeader.ET_DYN && h.type() != ElfHeader.ET_EXEC) {
            return new Rejected("only ET_DYN and ET_EXEC can be loaded", false);
        }
        try {
            return new Ok(DynamicObject.read(p));
        } catch (IOException e) {
            return new Rejected("cannot read: " + e.getMessage(), false);
        } catch (FormatException e) {
            return new Rejected("unreadable dynamic tables: " + e.getMessage(), false);
        }
    }

    /** Parses a file once per resolver (the image goes through here too). */
    DynamicObject open(Path file) throws IOException {
        return DynamicObject.read(file);
    }

    private Optional<LdSoCache> cache(Path file) {
        return caches.computeIfAbsent(file, f -> {
            try {
                return Optional.of(LdSoCache.read(f));
            } catch (IOException | FormatException e) {
                return Optional.empty();
            }
        });
    }

    /** The parsed ld.so cache, if readable (for reports). */
    Optional<LdSoCache> cacheFor(SearchPath sp) {
        return sp.ldSoCache().flatMap(this::cache);
    }

    private static String absolute(String p, LoadedObject main) {
        return p.startsWith("/") ? p : Path.of(p).toAbsolutePath().normalize().toString();
    }

    /**
     * Dynamic string tokens ({@code _dl_dst_substitute}): {@code $ORIGIN}, {@code $LIB},
     * {@code $PLATFORM}, braced or not; null when the element must be dropped.
     */
    static String expand(String s, LoadedObject owner, SearchPlatform pf) {
        if (s.indexOf('$') < 0) return s;
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$') { out.append(c); i++; continue; }
            String rest = s.substring(i + 1);
            String[] names = {"ORIGIN", "PLATFORM", "LIB"};
            boolean done = false;
            for (String n : names) {
                int len;
                if (rest.startsWith("{" + n + "}")) len = n.length() + 2;
                else if (rest.startsWith(n) && (rest.length() == n.length() || !isIdent(rest.charAt(n.length())))) len = n.length();
                else continue;
                String val = switch (n) {
                    case "ORIGIN" -> owner.origin;
                    case "PLATFORM" -> pf.platform();
                    default -> pf.lib();
                };
                if (val == null || val.isEmpty()) return null;
                out.append(val);
                i += 1 + len;
                done = true;
                break;
            }
            if (!done) { out.append(c); i++; }
        }
        return out.toString();
    }

    private static boolean isIdent(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
