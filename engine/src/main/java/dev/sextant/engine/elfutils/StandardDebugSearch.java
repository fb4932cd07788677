package dev.sextant.engine.elfutils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where libdwfl's standard search ({@code dwfl_build_id_find_elf}, {@code dwfl_standard_find_debuginfo}
 * with the default debuginfo path {@code :.debug:/usr/lib/debug}, no debuginfod: a session's libdwfl
 * has no servers of its own) would look for a file's DWARF when the file has none: the build-id
 * directory, then the {@code .gnu_debuglink} name (or the file's own name, with and without
 * {@code .debug}) beside the file, in its {@code .debug} directory and under {@code /usr/lib/debug}
 * by each tail of the file's directory. A superset of the places: when none of them exists, a
 * session over the file would find no DWARF, and a caller that only wants DWARF can do without one
 * (binding libdw and starting a session cost a short command tens of milliseconds).
 */
public final class StandardDebugSearch {
    private StandardDebugSearch() {}

    private static final String DEBUG_ROOT = "/usr/lib/debug";

    /**
     * False when no place libdwfl's search looks for {@code file}'s separate debug file (or for the file
     * by its build-id) exists; true when one does, or a name is one no search should be trusted with
     * (a debug link holding a '/', a build-id of odd hex).
     */
    public static boolean mayFind(Path file, Optional<String> buildIdHex, Optional<String> debugLink) {
        if (buildIdHex.isPresent()) {
            String id = buildIdHex.get();
            if (id.length() <= 2 || !id.matches("[0-9a-f]+")) return true;
            Path byId = Path.of(DEBUG_ROOT, ".build-id", id.substring(0, 2), id.substring(2));
            if (exists(byId) || exists(Path.of(byId + ".debug"))) return true;
        }
        if (debugLink.isPresent() && (debugLink.get().isEmpty() || debugLink.get().indexOf('/') >= 0)) return true;
        Path given = file.toAbsolutePath().normalize();
        Set<Path> files = new LinkedHashSet<>();
        files.add(given);
        try {
            files.add(given.toRealPath());
        } catch (IOException e) {
            // the file as given is the one libdwfl opens
        }
        for (Path f : files) {
            Path dir = f.getParent();
            if (dir == null || f.getFileName() == null) return true;
            String base = f.getFileName().toString();
            Set<String> names = new LinkedHashSet<>();
            debugLink.ifPresent(names::add);
            names.add(base + ".debug");
            names.add(base);
            for (String name : names) {
                if (!name.equals(base) && exists(dir.resolve(name))) return true;   // the file itself is no debug file
                if (exists(dir.resolve(".debug").resolve(name))) return true;
                Path root = Path.of(DEBUG_ROOT);
                if (exists(root.resolve(name))) return true;
                for (int i = 0; i < dir.getNameCount(); i++) {           // /usr/lib/debug/usr/lib/x, /usr/lib/debug/lib/x, ...
                    if (exists(root.resolve(dir.subpath(i, dir.getNameCount())).resolve(name))) return true;
                }
            }
        }
        return false;
    }

    private static boolean exists(Path p) {
        return Files.exists(p);
    }
}
