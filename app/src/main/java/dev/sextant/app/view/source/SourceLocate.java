package dev.sextant.app.view.source;

import dev.sextant.engine.api.SourceSubstitution;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * "Locate…" for a source file that was not found: the user picks the file, and the directories
 * that differ between the DWARF path and the choice become a substitution (gdb's
 * {@code set substitute-path}), so that every other file of the same tree is found too.
 */
public final class SourceLocate {
    private SourceLocate() {}

    public static void choose(Window owner, String file, SourceModel model, Consumer<String> error, Consumer<String> status) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Locate " + file);
        fc.setInitialFileName(Path.of(file).getFileName().toString());
        File chosen = fc.showOpenDialog(owner);
        if (chosen == null) return;
        SourceSubstitution s = substitutionFor(file, chosen.toPath().toAbsolutePath());
        model.actions().substitutions(now -> {
            List<SourceSubstitution> next = new ArrayList<>(now);
            next.removeIf(x -> x.from().equals(s.from()));
            next.add(0, s);
            model.actions().setSubstitutions(next, done -> {
                status.accept("Source path substitution " + s + " (kept for the next runs)");
                model.relocate();
            }, e -> error.accept("The substitution could not be set: " + e.getMessage()));
        }, e -> error.accept("The substitutions could not be read: " + e.getMessage()));
    }

    /** The substitution that maps {@code dwarf} to {@code chosen}: their differing leading directories. */
    static SourceSubstitution substitutionFor(String dwarf, Path chosen) {
        List<String> d = parts(dwarf), c = parts(chosen.toString());
        if (d.isEmpty() || !d.get(d.size() - 1).equals(c.get(c.size() - 1))) return new SourceSubstitution(dwarf, chosen.toString());
        int k = 0;
        while (k < d.size() && k < c.size() && d.get(d.size() - 1 - k).equals(c.get(c.size() - 1 - k))) k++;
        if (k == d.size()) k--;       // a relative name matched whole: replace its first directory
        String from = (dwarf.startsWith("/") ? "/" : "") + String.join("/", d.subList(0, d.size() - k));
        String to = "/" + String.join("/", c.subList(0, c.size() - k));
        return new SourceSubstitution(from, to);
    }

    private static List<String> parts(String p) {
        return Arrays.stream(p.split("/")).filter(x -> !x.isEmpty()).toList();
    }
}
