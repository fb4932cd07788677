package dev.sextant.engine.source;

import dev.sextant.engine.api.SourceSubstitution;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The user's source path substitutions (gdb's {@code set substitute-path}), kept in one file per
 * user: {@code $XDG_CONFIG_HOME/sextant/substitute-path} (else {@code ~/.config/sextant/…}), one
 * {@code FROM<TAB>TO} a line. The system property {@code sextant.config.dir} names another directory
 * (tests use it so that they never touch the user's own file).
 */
public final class SourceSubstitutions {
    private SourceSubstitutions() {}

    /** The file the substitutions of this user are kept in. */
    public static Path defaultFile(Map<String, String> env) {
        String dir = System.getProperty("sextant.config.dir");
        if (dir != null && !dir.isBlank()) return Path.of(dir, "substitute-path");
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("sextant").resolve("substitute-path");
    }

    /** The substitutions in {@code file}; none when it does not exist. Lines that do not parse are skipped. */
    public static List<SourceSubstitution> load(Path file) {
        if (!Files.isRegularFile(file)) return List.of();
        List<SourceSubstitution> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab <= 0 || tab == line.length() - 1) continue;
                try {
                    out.add(new SourceSubstitution(line.substring(0, tab), line.substring(tab + 1)));
                } catch (IllegalArgumentException e) {
                    // a hand-edited line that says nothing usable
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return List.copyOf(out);
    }

    /** Writes {@code subs} to {@code file} (through a temporary file and a rename: never half a file). */
    public static void save(Path file, List<SourceSubstitution> subs) {
        StringBuilder b = new StringBuilder();
        for (SourceSubstitution s : subs) {
            if (s.from().indexOf('\n') >= 0 || s.to().indexOf('\n') >= 0 || s.from().indexOf('\t') >= 0 || s.to().indexOf('\t') >= 0) {
                throw new IllegalArgumentException("a substitution's directories cannot contain tabs or line breaks: " + s);
            }
            b.append(s.from()).append('\t').append(s.to()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the source path substitutions to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code path} rewritten by the first substitution whose {@code from} is a leading directory of
     * it (whole components, as gdb matches: {@code /build} rewrites {@code /build/a.c}, not {@code /buildx/a.c}).
     */
    public static Optional<Rewritten> apply(List<SourceSubstitution> subs, String path) {
        for (SourceSubstitution s : subs) {
            String from = s.from();
            if (path.equals(from) || (path.startsWith(from) && (from.endsWith("/") || path.charAt(from.length()) == '/'))) {
                return Optional.of(new Rewritten(s, s.to() + path.substring(from.length())));
            }
        }
        return Optional.empty();
    }

    /** A path and the substitution that made it. */
    public record Rewritten(SourceSubstitution by, String path) {}
}
