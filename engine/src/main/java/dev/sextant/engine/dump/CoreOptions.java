package dev.sextant.engine.dump;

import java.nio.file.Path;
import java.util.Optional;

/** Where to find the files a core refers to: the main executable ({@code --exe}) and a system root ({@code --sysroot}). */
public record CoreOptions(Optional<Path> executable, Optional<Path> sysroot) {
    public static final CoreOptions DEFAULT = new CoreOptions(Optional.empty(), Optional.empty());
}
