package dev.sextant.engine.dump;

import dev.sextant.engine.api.CrashMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what systemd-coredump recorded about a core: its extended attributes (written by
 * {@code coredump.c} as {@code user.coredump.*}) and, for what they lack, the file name it chose,
 * {@code core.COMM.UID.BOOTID.PID.USEC} plus the compression's suffix (COMM with {@code .},
 * {@code /} and blanks escaped as {@code \xNN}). Every value is data: bounded, control
 * characters replaced, never used as a path.
 */
public final class CrashMetadataReader {
    private CrashMetadataReader() {}

    /** The attributes systemd-coredump sets (without the {@code user.} namespace, as Java lists them). */
    static final String PREFIX = "coredump.";

    /** Compiled at the first name that could be one: a core named otherwise ({@code core}) compiles no pattern (2.4-2.9 ms of CPU in a fresh JVM). */
    private static final class Name {
        static final Pattern NAME = Pattern.compile(
                "core\\.(.{1,64})\\.(\\d{1,10})\\.([0-9a-f]{32})\\.(\\d{1,10})\\.(\\d{1,20})(?:\\.(?:zst|lz4|xz))?");
    }
    private static final int MAX_VALUE = 64 * 1024;

    /** What is recorded about {@code file}; empty when it has neither the attributes nor such a name. */
    public static Optional<CrashMetadata> read(Path file) {
        Map<String, String> x = attributes(file);
        Optional<Matcher> name = Optional.ofNullable(file.getFileName()).map(Path::toString).filter(n -> n.startsWith("core."))
                .map(n -> Name.NAME.matcher(n)).filter(Matcher::matches);
        if (x.isEmpty() && name.isEmpty()) return Optional.empty();
        Optional<Instant> time = micros(x.get("timestamp")).or(() -> name.flatMap(m -> micros(m.group(5))));
        OptionalInt pid = integer(x.get("pid")), uid = integer(x.get("uid"));
        if (pid.isEmpty() && name.isPresent()) pid = integer(name.get().group(4));
        if (uid.isEmpty() && name.isPresent()) uid = integer(name.get().group(2));
        Optional<String> comm = text(x.get("comm")).or(() -> name.map(m -> unescape(m.group(1))));
        String source = x.isEmpty() ? "file name" : name.isEmpty() ? "xattr" : "xattr, file name";
        return Optional.of(new CrashMetadata(time, pid, uid, integer(x.get("gid")), integer(x.get("signal")),
                text(x.get("exe")), text(x.get("cmdline")), text(x.get("hostname")),
                name.map(m -> m.group(3)), comm, text(x.get("rlimit")), source));
    }

    /** The {@code user.coredump.*} attributes of {@code file}; none where the file system keeps no user attributes. */
    static Map<String, String> attributes(Path file) {
        Map<String, String> out = new HashMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
        if (view == null) return out;
        try {
            for (String n : view.list()) {
                if (!n.startsWith(PREFIX)) continue;
                int size = view.size(n);
                if (size < 0 || size > MAX_VALUE) continue;
                ByteBuffer b = ByteBuffer.allocate(size);
                view.read(n, b);
                out.put(n.substring(PREFIX.length()), new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // No user attributes here (a file system without them, or a permission): the file name may say enough.
        }
        return out;
    }

    private static Optional<Instant> micros(String v) {
        if (v == null) return Optional.empty();
        try {
            long us = Long.parseLong(v.strip());
            return us <= 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(us / 1_000_000, (us % 1_000_000) * 1000));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static OptionalInt integer(String v) {
        if (v == null) return OptionalInt.empty();
        try {
            return OptionalInt.of(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /** A value for display: trailing NULs dropped, control characters replaced, blank as absent. */
    static Optional<String> text(String v) {
        if (v == null) return Optional.empty();
        String s = v.replaceAll("\0+$", "").replace('\0', ' ');
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        String t = b.toString().strip();
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }

    /** systemd escapes {@code .}, {@code /} and blanks in COMM as {@code \xNN}. */
    static String unescape(String comm) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < comm.length(); i++) {
            char c = comm.charAt(i);
            if (c == '\\' && i + 3 < comm.length() && comm.charAt(i + 1) == 'x') {
                try {
                    b.append((char) Integer.parseInt(comm.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return text(b.toString()).orElse("?");
    }
}
