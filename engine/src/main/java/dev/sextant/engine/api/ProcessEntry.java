package dev.sextant.engine.api;

import java.util.List;
import java.util.Optional;

/**
 * One process as the process picker lists it: pid, owner, short command name, the exact argument
 * vector, and why Sextant cannot attach to it (already traced, another user's, a kernel thread),
 * when it cannot. A snapshot read from /proc; immutable.
 */
public record ProcessEntry(Pid pid, int uid, String user, String command, List<String> arguments,
                           Optional<String> cannotAttach) {
    public ProcessEntry { arguments = List.copyOf(arguments); }

    /** The arguments joined by spaces; the command name in brackets for a process without one (a kernel thread). */
    public String commandLine() {
        return arguments.isEmpty() ? "[" + command + "]" : String.join(" ", arguments);
    }
}
