package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;

/**
 * DWARF exception-handling pointer encodings ({@code DW_EH_PE_*}) as used by {@code .eh_frame},
 * {@code .eh_frame_hdr} and the LSDA: a value format in the low nibble, an application (pc-, text-,
 * data-, function-relative, aligned) in bits 4–6 and the {@code indirect} bit. Pure functions.
 */
public final class PointerEncoding {
    public static final int ABSPTR = 0x00, ULEB128 = 0x01, UDATA2 = 0x02, UDATA4 = 0x03, UDATA8 = 0x04,
            SLEB128 = 0x09, SDATA2 = 0x0a, SDATA4 = 0x0b, SDATA8 = 0x0c;
    public static final int PCREL = 0x10, TEXTREL = 0x20, DATAREL = 0x30, FUNCREL = 0x40, ALIGNED = 0x50;
    public static final int INDIRECT = 0x80, OMIT = 0xff;

    private PointerEncoding() {}

    /**
     * The bases that the relative applications add: {@code sectionAddress} is the link-time address
     * of the data's index 0 (for pcrel), {@code text} and {@code data} the bases for textrel/datarel
     * ({@code .text}, and {@code .got} or the {@code .eh_frame_hdr} itself), {@code function} the
     * start of the current FDE for funcrel. Absent bases are 0 with a flag, so a pointer that needs
     * one it does not have fails instead of silently being wrong.
     */
    public record Bases(long sectionAddress, long text, boolean hasText, long data, boolean hasData) {
        public static Bases of(long sectionAddress) { return new Bases(sectionAddress, 0, false, 0, false); }
        public Bases withText(long t) { return new Bases(sectionAddress, t, true, data, hasData); }
        public Bases withData(long d) { return new Bases(sectionAddress, text, hasText, d, true); }
    }

    /** A decoded pointer: its value and where the next field starts; {@code indirect} = value is the address of the pointer. */
    public record Decoded(long value, int length, boolean indirect) {}

    /** True if {@code encoding} is one this decoder knows. */
    public static boolean valid(int encoding) {
        if (encoding == OMIT) return true;
        int fmt = encoding & 0x0f, app = encoding & 0x70;
        boolean fmtOk = fmt == ABSPTR || fmt == ULEB128 || fmt == UDATA2 || fmt == UDATA4 || fmt == UDATA8
                || fmt == SLEB128 || fmt == SDATA2 || fmt == SDATA4 || fmt == SDATA8;
        return fmtOk && app <= ALIGNED;
    }

    /** Size in bytes of a fixed-size encoding, or -1 for LEB128 ones. */
    public static int fixedSize(int encoding, int addressSize) {
        return switch (encoding & 0x0f) {
            case ABSPTR -> addressSize;
            case UDATA2, SDATA2 -> 2;
            case UDATA4, SDATA4 -> 4;
            case UDATA8, SDATA8 -> 8;
            default -> -1;
        };
    }

    /**
     * Reads an encoded pointer at {@code offset} of {@code r}. {@code function} is the FDE's start for
     * funcrel (pass 0 when none). Fails with a typed error on an unknown encoding or a missing base.
     */
    public static Decoded read(ByteReader r, long offset, int encoding, int addressSize, Bases bases, long function, String what) {
        if (!valid(encoding) || encoding == OMIT) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, r.base() + offset, what,
                    "unknown pointer encoding 0x" + Integer.toHexString(encoding));
        }
        long start = offset;
        if ((encoding & 0x70) == ALIGNED) {
            long abs = bases.sectionAddress() + offset;
            long aligned = (abs + addressSize - 1) & -(long) addressSize;
            offset += aligned - abs;
        }
        long raw;
        int len;
        switch (encoding & 0x0f) {
            case ABSPTR -> { raw = addressSize == 8 ? r.u64(what, offset) : r.u32(what, offset); len = addressSize; }
            case UDATA2 -> { raw = r.u16(what, offset); len = 2; }
            case SDATA2 -> { raw = r.s16(what, offset); len = 2; }
            case UDATA4 -> { raw = r.u32(what, offset); len = 4; }
            case SDATA4 -> { raw = r.s32(what, offset); len = 4; }
            case UDATA8, SDATA8 -> { raw = r.u64(what, offset); len = 8; }
            case ULEB128 -> { ByteReader.Leb128 l = r.uleb128(what, offset); raw = l.value(); len = l.length(); }
            case SLEB128 -> { ByteReader.Leb128 l = r.sleb128(what, offset); raw = l.value(); len = l.length(); }
            default -> throw new IllegalStateException("checked by valid()");
        }
        long value = switch (encoding & 0x70) {
            case 0, ALIGNED -> raw;
            case PCREL -> raw + bases.sectionAddress() + offset;
            case TEXTREL -> {
                if (!bases.hasText()) throw missingBase(r, start, what, "textrel", ".text");
                yield raw + bases.text();
            }
            case DATAREL -> {
                if (!bases.hasData()) throw missingBase(r, start, what, "datarel", "data (.got)");
                yield raw + bases.data();
            }
            case FUNCREL -> raw + function;
            default -> throw new IllegalStateException("checked by valid()");
        };
        if (addressSize == 4) value &= 0xffffffffL;
        return new Decoded(value, (int) (offset - start) + len, (encoding & INDIRECT) != 0);
    }

    /** Reads a value in the encoding's format only, with no application (FDE address ranges). */
    public static Decoded readRange(ByteReader r, long offset, int encoding, int addressSize, String what) {
        return read(r, offset, encoding & 0x0f, addressSize, Bases.of(0), 0, what);
    }

    private static FormatException missingBase(ByteReader r, long offset, String what, String app, String base) {
        return new FormatException(FormatException.Kind.UNSUPPORTED, r.base() + offset, what,
                app + " pointer but the file has no " + base + " section to be relative to");
    }

    /** Human name, e.g. {@code "pcrel|sdata4"}, as a viewer shows it. */
    public static String name(int encoding) {
        if (encoding == OMIT) return "omit";
        String fmt = switch (encoding & 0x0f) {
            case ABSPTR -> "absptr"; case ULEB128 -> "uleb128"; case UDATA2 -> "udata2"; case UDATA4 -> "udata4";
            case UDATA8 -> "udata8"; case SLEB128 -> "sleb128"; case SDATA2 -> "sdata2"; case SDATA4 -> "sdata4";
            case SDATA8 -> "sdata8"; default -> "fmt" + (encoding & 0x0f);
        };
        String app = switch (encoding & 0x70) {
            case 0 -> ""; case PCREL -> "pcrel|"; case TEXTREL -> "textrel|"; case DATAREL -> "datarel|";
            case FUNCREL -> "funcrel|"; case ALIGNED -> "aligned|"; default -> "app" + (encoding & 0x70) + "|";
        };
        return ((encoding & INDIRECT) != 0 ? "indirect|" : "") + app + fmt;
    }
}
