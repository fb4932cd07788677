package dev.sextant.engine.elfutils;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The files offered for a core's module, in order, each checked by {@link ModuleFileCheck} before
 * libdwfl sees it: the caller's {@code --exe} and sysroot rules, the absolute path the core records,
 * the caller's other rules (beside the core, beside {@code --exe}), then the build-id directory.
 * A name that is not absolute never becomes a path: nothing is looked up in the current directory.
 * A refused file is recorded in {@code rejected} (the caller shows it as a diagnostic).
 */
final class ModuleCandidates {
    /** The build-id directory libdwfl searches by default (its debuginfo_path ends in /usr/lib/debug). */
    private static final String BUILD_ID_DIR = "/usr/lib/debug/.build-id";

    private final CoreModules modules;
    private final Optional<Path> executable;
    private final ElfLocator locator;
    private final List<String> rejected;
    private final Set<String> said = new LinkedHashSet<>();

    ModuleCandidates(CoreModules modules, Optional<Path> executable, ElfLocator locator, List<String> rejected) {
        this.modules = modules;
        this.executable = executable;
        this.locator = locator;
        this.rejected = rejected;
    }

    /** The checked candidates for module {@code name} (rule, file), best first. */
    List<Map.Entry<String, Path>> of(String name) {
        Optional<CoreModules.Entry> module = modules.named(name);
        Optional<String> buildId = module.flatMap(CoreModules.Entry::buildId);
        List<Map.Entry<String, Path>> offered = new ArrayList<>(locator.candidates(module.flatMap(CoreModules.Entry::path).orElse(name)));
        int first = 0;
        while (first < offered.size() && (offered.get(first).getKey().equals("--exe") || offered.get(first).getKey().equals("sysroot"))) first++;
        Optional<String> recorded = module.flatMap(CoreModules.Entry::path).filter(p -> p.startsWith("/"));
        if (recorded.isPresent()) offered.add(first, Map.entry("path in core", Path.of(recorded.get())));
        buildId.filter(id -> id.length() > 2)
                .ifPresent(id -> offered.add(Map.entry("build-id directory", Path.of(BUILD_ID_DIR, id.substring(0, 2), id.substring(2)))));
        List<Map.Entry<String, Path>> out = new ArrayList<>(offered.size());
        for (Map.Entry<String, Path> c : offered) {
            Path file = c.getValue();
            // A name from the core is never resolved against the current directory; the user's own relative --exe is theirs to mean.
            if (!file.isAbsolute() && !c.getKey().equals("--exe")) continue;
            if (!java.nio.file.Files.exists(file)) continue;
            Optional<String> problem = modules.expected() == null ? Optional.empty()
                    : ModuleFileCheck.problem(file, modules.expected(), buildId);
            if (problem.isPresent()) {
                reject(name, file, c.getKey(), problem.get());
            } else {
                out.add(Map.entry(c.getKey(), file));
            }
        }
        return out;
    }

    /**
     * Whether {@code exe} may be handed to {@code dwfl_core_file_report} (a core without the notes
     * Sextant reports modules from): only an executable or shared object, never a relocatable file.
     */
    boolean acceptExecutable(Path exe) {
        Optional<String> problem = modules.expected() == null ? Optional.empty()
                : ModuleFileCheck.problem(exe, modules.expected(), Optional.empty());
        problem.ifPresent(p -> reject("the executable", exe, "--exe", p));
        return problem.isEmpty();
    }

    private void reject(String module, Path file, String rule, String why) {
        String line = module + ": " + file + " (" + rule + ") not used: " + why;
        if (said.add(line)) rejected.add(line);
    }
}
