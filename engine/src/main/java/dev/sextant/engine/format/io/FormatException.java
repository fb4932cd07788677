package dev.sextant.engine.format.io;

import java.util.Objects;

/**
 * A file is not what a parser expected. Carries the kind of failure, the file offset where it was
 * noticed and what was being read, so that a message can say "core.123: truncated at offset 0x1a0
 * while reading program header 3". Thrown by every parser instead of the JDK's buffer exceptions.
 */
public final class FormatException extends RuntimeException {

    /** What went wrong, coarse enough for callers to branch on. */
    public enum Kind { TRUNCATED, BAD_MAGIC, UNSUPPORTED, OUT_OF_BOUNDS, SIZE_MISMATCH, INCONSISTENT }

    private final Kind kind;
    private final long offset;
    private final String what;

    public FormatException(Kind kind, long offset, String what, String detail) {
        super(detail);
        this.kind = Objects.requireNonNull(kind);
        this.offset = offset;
        this.what = Objects.requireNonNull(what);
    }

    public static FormatException outOfBounds(String what, long offset, long length) {
        return new FormatException(Kind.OUT_OF_BOUNDS, offset, what,
                "needs " + length + " bytes at offset 0x" + Long.toHexString(offset) + ", beyond the end of the data");
    }

    public static FormatException truncated(String what, long offset, long needed, long available) {
        return new FormatException(Kind.TRUNCATED, offset, what,
                "truncated: needs " + needed + " bytes at offset 0x" + Long.toHexString(offset)
                        + " but only " + Math.max(0, available) + " remain");
    }

    public Kind kind() { return kind; }

    /** Absolute offset in the file (or stream) where the problem was noticed. */
    public long offset() { return offset; }

    /** The structure being read, e.g. {@code "program header 3"}. */
    public String what() { return what; }

    /** {@link #getMessage()} with the offset, unless the message names it already ("needs 8 bytes at offset 0x40 ..."). */
    public String messageWithOffset() {
        String at = "at offset 0x" + Long.toHexString(offset);
        return getMessage().contains(at) ? getMessage() : getMessage() + " (" + at + ")";
    }

    /** One line for users: what was read, where, and what is wrong. */
    @Override public String getMessage() {
        return what + ": " + super.getMessage();
    }
}
