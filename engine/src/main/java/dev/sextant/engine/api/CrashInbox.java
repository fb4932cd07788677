package dev.sextant.engine.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every crash found in the crash directories (systemd-coredump's and the ones given), newest
 * first, and the same crashes grouped by signature, the group seen last first. Immutable; crosses
 * the engine's door.
 */
public record CrashInbox(List<Path> directories, List<Crash> crashes, List<Group> groups, List<Diagnostic> diagnostics) {
    public CrashInbox {
        directories = List.copyOf(directories);
        crashes = List.copyOf(crashes);
        groups = List.copyOf(groups);
        diagnostics = List.copyOf(diagnostics);
    }

    /**
     * One core: its file and size, what the system recorded beside it, what its notes say where that
     * is silent (pid, executable, command line, signal), and its signature (absent when the listing
     * did not compute signatures). {@code time} is the recorded time, else the file's modification time.
     */
    public record Crash(Path file, long size, Instant time, String program, OptionalInt pid, OptionalInt uid,
                        Optional<String> executable, Optional<String> commandLine, Optional<String> signal,
                        Optional<CrashMetadata> metadata, Optional<Signature> signature) {}

    /**
     * A crash's signature: the crashing thread's top frames, normalized (function names without
     * offsets or clone suffixes, {@code ?? (module)} where nothing names a frame, the frames of
     * abort/raise/pthread_kill and signal trampolines skipped), joined with {@code " | "}; its hash
     * (16 hex digits of its SHA-256); the frames; which of them are unnamed (indexes into
     * {@code frames}); and, for a core that could not be read, why ({@code text} then says so).
     */
    public record Signature(String text, String hash, List<String> frames, List<Integer> unnamed, Optional<String> problem) {
        public Signature {
            frames = List.copyOf(frames);
            unnamed = List.copyOf(unnamed);
        }
    }

    /** Crashes with one signature: how many, first and last seen, the program and signal of the last, the crashes newest first. */
    public record Group(Signature signature, int count, Instant first, Instant last, String program, Optional<String> signal,
                       List<Crash> crashes) {
        public Group { crashes = List.copyOf(crashes); }
    }
}
