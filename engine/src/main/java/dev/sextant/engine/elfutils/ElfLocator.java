package dev.sextant.engine.elfutils;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Where to look for a module's file when libdwfl's own search (build-id, the path in the core) fails. */
@FunctionalInterface
public interface ElfLocator {
    /** Candidate files for {@code modname}, each with the rule's name ("sysroot", "--exe"). */
    List<Map.Entry<String, Path>> candidates(String modname);
}
