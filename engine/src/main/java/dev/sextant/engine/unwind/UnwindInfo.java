package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A decoded x64 {@code UNWIND_INFO} (version 1 or 2). {@code frameOffset} is the raw 4-bit field (the
 * frame register is set to RSP + 16 × frameOffset). Version 2's leading {@code UWOP_EPILOG} codes
 * stay in {@link #codes()} in order: the first gives the epilog size in {@code codeOffset} (bit 0 of
 * {@code info} set: an epilog ends the function), the following ones an offset back from the
 * function's end in {@code value} (0 = padding). {@code handler} is the exception/termination handler
 * RVA and {@code handlerData} the RVA of its language-specific data; {@code chained} the parent
 * function entry when {@code UNW_FLAG_CHAININFO} is set. Immutable.
 */
public record UnwindInfo(long rva, int version, int flags, int prologSize, int codeCount, int frameRegister,
                         int frameOffset, List<UnwindCode> codes, OptionalLong handler, OptionalLong handlerData,
                         Optional<RuntimeFunction> chained, int sizeOfBlock) {

    public static final int UNW_FLAG_EHANDLER = 1, UNW_FLAG_UHANDLER = 2, UNW_FLAG_CHAININFO = 4;

    public UnwindInfo {
        codes = List.copyOf(codes);
    }

    /** binutils' name for the flags ({@code none}, {@code UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER}…). */
    public String flagsName() {
        return switch (flags) {
            case 0 -> "none";
            case 1 -> "UNW_FLAG_EHANDLER";
            case 2 -> "UNW_FLAG_UHANDLER";
            case 3 -> "UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER";
            case 4 -> "UNW_FLAG_CHAININFO";
            default -> "unknown flags value 0x" + Integer.toHexString(flags);
        };
    }

    /**
     * Decodes the {@code UNWIND_INFO} whose bytes start at index 0 of {@code data} (which may run on
     * past it); {@code rva} is only for messages and the record. Unknown versions, codes that need more
     * slots than the count gives, and structures cut off by the end of the data are typed errors.
     */
    public static UnwindInfo decode(ByteReader data, long rva) {
        String w = "UNWIND_INFO at RVA 0x" + Long.toHexString(rva);
        int b0 = data.u8(w, 0);
        int version = b0 & 7, flags = b0 >>> 3;
        if (version != 1 && version != 2) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, data.base(), w, "unwind info version " + version);
        }
        int prolog = data.u8(w, 1), count = data.u8(w, 2), frame = data.u8(w, 3);
        ByteReader raw = data.slice(w + " unwind codes", 4, 2L * count);
        List<UnwindCode> codes = new ArrayList<>(count);
        int i = 0;
        if (version == 2 && count > 0 && (raw.u8(w, 1) & 0xf) == 6) {
            codes.add(new UnwindCode(raw.u8(w, 0), UnwindCode.Op.EPILOG, raw.u8(w, 1) >>> 4, -1, raw.u8(w, 0), 1));
            for (i = 1; i < count && (raw.u8(w, 2L * i + 1) & 0xf) == 6; i++) {
                int lo = raw.u8(w, 2L * i), info = raw.u8(w, 2L * i + 1) >>> 4;
                codes.add(new UnwindCode(lo, UnwindCode.Op.EPILOG, info, -1, lo | (info << 8), 1));
            }
        }
        while (i < count) {
            int off = raw.u8(w, 2L * i), opInfo = raw.u8(w, 2L * i + 1);
            int op = opInfo & 0xf, info = opInfo >>> 4;
            UnwindCode c = switch (op) {
                case 0 -> new UnwindCode(off, UnwindCode.Op.PUSH_NONVOL, info, info, 0, 1);
                case 1 -> info == 0
                        ? new UnwindCode(off, UnwindCode.Op.ALLOC_LARGE, info, -1, slot16(raw, i, count, w) * 8L, 2)
                        : new UnwindCode(off, UnwindCode.Op.ALLOC_LARGE, info, -1, slot32(raw, i, count, w), 3);
                case 2 -> new UnwindCode(off, UnwindCode.Op.ALLOC_SMALL, info, -1, (info + 1) * 8L, 1);
                case 3 -> new UnwindCode(off, UnwindCode.Op.SET_FPREG, info, frame & 0xf, (frame >>> 4) * 16L, 1);
                case 4 -> new UnwindCode(off, UnwindCode.Op.SAVE_NONVOL, info, info, slot16(raw, i, count, w) * 8L, 2);
                case 5 -> new UnwindCode(off, UnwindCode.Op.SAVE_NONVOL_FAR, info, info, slot32(raw, i, count, w), 3);
                case 6 -> version == 1
                        ? new UnwindCode(off, UnwindCode.Op.SAVE_XMM, info, info, slot16(raw, i, count, w) * 8L, 2)
                        : new UnwindCode(off, UnwindCode.Op.EPILOG, info, -1, off | (info << 8), 1);
                case 7 -> new UnwindCode(off, UnwindCode.Op.SAVE_XMM_FAR, info, info, slot32(raw, i, count, w) * 8L, 3);
                case 8 -> new UnwindCode(off, UnwindCode.Op.SAVE_XMM128, info, info, slot16(raw, i, count, w) * 16L, 2);
                case 9 -> new UnwindCode(off, UnwindCode.Op.SAVE_XMM128_FAR, info, info, slot32(raw, i, count, w) * 16L, 3);
                case 10 -> new UnwindCode(off, UnwindCode.Op.PUSH_MACHFRAME, info, -1, info == 0 ? 40 : 48, 1);
                default -> new UnwindCode(off, UnwindCode.Op.UNKNOWN, info, -1, op, 1);
            };
            codes.add(c);
            i += c.slots();
        }
        long p = 4 + 2L * ((count + 1) & ~1);
        OptionalLong handler = OptionalLong.empty(), handlerData = OptionalLong.empty();
        Optional<RuntimeFunction> chained = Optional.empty();
        if ((flags & UNW_FLAG_CHAININFO) != 0) {
            chained = Optional.of(new RuntimeFunction(-1, data.u32(w + " chained function", p),
                    data.u32(w + " chained function", p + 4), data.u32(w + " chained function", p + 8)));
            p += 12;
        } else if ((flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) != 0) {
            handler = OptionalLong.of(data.u32(w + " exception handler", p));
            p += 4;
            handlerData = OptionalLong.of(rva + p);
        }
        return new UnwindInfo(rva, version, flags, prolog, count, frame & 0xf, frame >>> 4, codes, handler,
                handlerData, chained, (int) p);
    }

    private static long slot16(ByteReader raw, int i, int count, String w) {
        need(raw, i, 2, count, w);
        return raw.u16(w, 2L * i + 2);
    }

    private static long slot32(ByteReader raw, int i, int count, String w) {
        need(raw, i, 3, count, w);
        return raw.u32(w, 2L * i + 2);
    }

    private static void need(ByteReader raw, int i, int slots, int count, String w) {
        if (i + slots > count) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, raw.base() + 2L * i, w,
                    "unwind code " + i + " needs " + slots + " slots but only " + (count - i) + " remain");
        }
    }
}
