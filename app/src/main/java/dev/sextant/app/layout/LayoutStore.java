package dev.sextant.app.layout;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Properties;

/**
 * The window's remembered layout (size, position, divider positions, selected tabs, the summary
 * folded or not) in {@code layout.properties} of Sextant's configuration directory:
 * {@code $XDG_CONFIG_HOME/sextant}, else {@code ~/.config/sextant}; the system property
 * {@code sextant.config.dir} overrides both (tests use a temporary one). A file that cannot be
 * read or parsed is ignored: the defaults apply, and the next save writes a good one.
 */
public final class LayoutStore {
    public static final String FILE = "layout.properties";
    private final Path file;
    private final Properties values = new Properties();

    private LayoutStore(Path file) { this.file = file; }

    /** The configuration directory, as the XDG base directory rules say (see the class comment). */
    public static Path defaultDirectory() {
        String override = System.getProperty("sextant.config.dir");
        if (override != null && !override.isBlank()) return Path.of(override);
        String xdg = System.getenv("XDG_CONFIG_HOME");
        // The spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) return Path.of(xdg, "sextant");
        return Path.of(System.getProperty("user.home"), ".config", "sextant");
    }

    public static LayoutStore load(Path directory) {
        LayoutStore s = new LayoutStore(directory.resolve(FILE));
        if (Files.isRegularFile(s.file)) {
            try (Reader r = Files.newBufferedReader(s.file, StandardCharsets.UTF_8)) {
                s.values.load(r);
            } catch (IOException | IllegalArgumentException e) {
                s.values.clear();
            }
        }
        return s;
    }

    public Path file() { return file; }

    public Optional<String> text(String key) { return Optional.ofNullable(values.getProperty(key)); }

    public OptionalDouble number(String key) {
        String v = values.getProperty(key);
        if (v == null) return OptionalDouble.empty();
        try {
            double d = Double.parseDouble(v);
            return Double.isFinite(d) ? OptionalDouble.of(d) : OptionalDouble.empty();
        } catch (NumberFormatException e) {
            return OptionalDouble.empty();
        }
    }

    public void put(String key, String value) { values.setProperty(key, value); }

    public void put(String key, double value) { values.setProperty(key, Double.toString(value)); }

    /** Writes the file (a temporary file, then renamed over it: a crash mid-write never leaves half a file). */
    public void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), FILE, ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            values.store(w, "Sextant's window layout; delete this file to go back to the defaults");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
