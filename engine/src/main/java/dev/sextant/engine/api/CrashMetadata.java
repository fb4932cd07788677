package dev.sextant.engine.api;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the system recorded about a crash beside the core: systemd-coredump's extended attributes
 * ({@code user.coredump.pid}, {@code .uid}, {@code .gid}, {@code .signal}, {@code .timestamp},
 * {@code .rlimit}, {@code .hostname}, {@code .comm}, {@code .exe}, {@code .cmdline}) and, where they
 * are absent, its file name {@code core.COMM.UID.BOOTID.PID.USEC[.zst|.lz4|.xz]}. Values from the
 * name are data (a program name, ids), never paths. {@code source} says where they came from:
 * {@code "xattr"}, {@code "file name"}, {@code "xattr, file name"}. Immutable; crosses the engine's door.
 */
public record CrashMetadata(Optional<Instant> time, OptionalInt pid, OptionalInt uid, OptionalInt gid, OptionalInt signal,
                            Optional<String> executable, Optional<String> commandLine, Optional<String> hostname,
                            Optional<String> bootId, Optional<String> comm, Optional<String> rlimit, String source) {

    /** The signal's name ({@code SIGSEGV}), when recorded. */
    public Optional<String> signalName() {
        return signal.isPresent() ? Optional.of(Signals.name(signal.getAsInt())) : Optional.empty();
    }
}
