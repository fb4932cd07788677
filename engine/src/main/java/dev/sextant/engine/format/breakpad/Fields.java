package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.io.FormatException;
import java.nio.charset.StandardCharsets;

/**
 * Space-separated fields of one line of a symbol file, read left to right from a byte array. Numbers
 * are checked (hex addresses up to 64 bits, decimal counts); a bad field throws a {@link FormatException}
 * naming the record, the field and the file offset of the line.
 */
final class Fields {
    private final byte[] b;
    private final int end;
    private final long fileOffset;
    private final String record;
    private final int start;
    private int pos;

    Fields(byte[] b, int start, int end, long fileOffset, String record) {
        this.b = b;
        this.start = start;
        this.pos = start;
        this.end = end;
        this.fileOffset = fileOffset;
        this.record = record;
    }

    private void skipSpaces() { while (pos < end && (b[pos] == ' ' || b[pos] == '\t' || b[pos] == '\r')) pos++; }

    /** The next field as text; absent fields are an error. */
    String token(String field) {
        skipSpaces();
        int s = pos;
        while (pos < end && b[pos] != ' ' && b[pos] != '\t' && b[pos] != '\r') pos++;
        if (s == pos) throw bad(field, "missing");
        return new String(b, s, pos - s, StandardCharsets.UTF_8);
    }

    /** True (and consumed) if the next field is exactly {@code word}. */
    boolean accept(String word) {
        skipSpaces();
        int n = word.length();
        if (end - pos < n) return false;
        for (int i = 0; i < n; i++) if (b[pos + i] != word.charAt(i)) return false;
        if (pos + n < end && b[pos + n] != ' ' && b[pos + n] != '\t' && b[pos + n] != '\r') return false;
        pos += n;
        return true;
    }

    long hex(String field) {
        skipSpaces();
        int s = pos;
        long v = 0;
        while (pos < end) {
            int d = Character.digit(b[pos], 16);
            if (d < 0) break;
            if (pos - s >= 16) throw bad(field, "more than 64 bits");
            v = v << 4 | d;
            pos++;
        }
        if (s == pos || pos < end && b[pos] != ' ' && b[pos] != '\t' && b[pos] != '\r') throw bad(field, "not a hex number");
        return v;
    }

    long decimal(String field) {
        skipSpaces();
        int s = pos;
        long v = 0;
        while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
            if (v > (Long.MAX_VALUE - 9) / 10) throw bad(field, "too large");
            v = v * 10 + (b[pos] - '0');
            pos++;
        }
        if (s == pos || pos < end && b[pos] != ' ' && b[pos] != '\t' && b[pos] != '\r') throw bad(field, "not a decimal number");
        return v;
    }

    /** The rest of the line (a name may hold spaces), without trailing blanks; empty allowed. */
    String rest() {
        skipSpaces();
        int e = end;
        while (e > pos && (b[e - 1] == ' ' || b[e - 1] == '\r' || b[e - 1] == '\t')) e--;
        String s = new String(b, pos, e - pos, StandardCharsets.UTF_8);
        pos = end;
        return s;
    }

    /** Offset in the file of the next field (where a name starts). */
    long here() { skipSpaces(); return fileOffset + (pos - start); }

    boolean atEnd() { skipSpaces(); return pos >= end; }

    FormatException bad(String field, String why) {
        return new FormatException(FormatException.Kind.INCONSISTENT, fileOffset, record + " record",
                field + " " + why + " (line at offset 0x" + Long.toHexString(fileOffset) + ")");
    }
}
