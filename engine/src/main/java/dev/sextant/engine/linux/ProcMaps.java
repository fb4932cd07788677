package dev.sextant.engine.linux;

import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /proc/PID/maps}: one {@link Mapping} per line ("start-end perms offset dev inode path").
 * Malformed lines fail with a {@link FormatException} whose offset is the line's byte offset.
 */
public final class ProcMaps {
    private ProcMaps() {}

    /** One mapped range; {@code path} is empty for anonymous memory, {@code [stack]}-style names are kept. */
    public record Mapping(long start, long end, String perms, long fileOffset, long inode, Optional<String> path) {
        public boolean executable() { return perms.length() > 2 && perms.charAt(2) == 'x'; }
        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    public static List<Mapping> read(int pid) throws IOException {
        return parse(Files.readString(Path.of("/proc/" + pid + "/maps"), StandardCharsets.UTF_8));
    }

    public static List<Mapping> parse(String text) {
        List<Mapping> out = new ArrayList<>();
        int pos = 0;
        int lineNo = 0;
        while (pos < text.length()) {
            int nl = text.indexOf('\n', pos);
            if (nl < 0) nl = text.length();
            String line = text.substring(pos, nl);
            lineNo++;
            if (!line.isBlank()) out.add(parseLine(line, pos, lineNo));
            pos = nl + 1;
        }
        return out;
    }

    private static Mapping parseLine(String line, long offset, int lineNo) {
        String what = "maps line " + lineNo;
        String[] f = line.trim().split("\\s+", 6);
        if (f.length < 5) throw new FormatException(FormatException.Kind.TRUNCATED, offset, what, "expected at least 5 fields: " + line);
        int dash = f[0].indexOf('-');
        if (dash < 0) throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "address range without '-': " + f[0]);
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            if (Long.compareUnsigned(end, start) < 0) {
                throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "range ends before it starts: " + f[0]);
            }
            long fileOffset = Long.parseUnsignedLong(f[2], 16);
            long inode = Long.parseLong(f[4]);
            Optional<String> path = f.length == 6 && !f[5].isBlank() ? Optional.of(f[5].strip()) : Optional.empty();
            return new Mapping(start, end, f[1], fileOffset, inode, path);
        } catch (NumberFormatException e) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, offset, what, "not a number: " + e.getMessage());
        }
    }
}
