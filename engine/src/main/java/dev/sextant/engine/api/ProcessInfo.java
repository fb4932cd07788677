package dev.sextant.engine.api;

import java.util.Optional;

/**
 * What is known of a target process: its id, parent, short command name, command line (from a
 * core, the first 80 bytes the kernel kept) and executable path. Immutable.
 */
public record ProcessInfo(Pid pid, Optional<Pid> parent, String command, String commandLine,
                          Optional<String> executable, String arch) {}
