package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.OptionalLong;

/**
 * {@code .eh_frame_hdr}: the pointer to {@code .eh_frame} and the sorted table of
 * (initial location, FDE address) pairs that the unwinder binary-searches. Values are link-time
 * addresses. Immutable; the table stays in the section's bytes.
 */
public final class EhFrameHdr {
    private final ByteReader data;
    private final long address;
    private final int addressSize;
    private final long ehFramePointer;
    private final long fdeCount;
    private final int tableEncoding;
    private final long tableOffset;
    private final int entrySize;
    private final PointerEncoding.Bases bases;

    private EhFrameHdr(ByteReader data, long address, int addressSize, long ehFramePointer, long fdeCount,
                       int tableEncoding, long tableOffset, int entrySize, PointerEncoding.Bases bases) {
        this.data = data; this.address = address; this.addressSize = addressSize; this.ehFramePointer = ehFramePointer;
        this.fdeCount = fdeCount; this.tableEncoding = tableEncoding; this.tableOffset = tableOffset;
        this.entrySize = entrySize; this.bases = bases;
    }

    /**
     * Parses the header. A table whose entries have no fixed size (LEB128) or is omitted gets a count
     * of 0: the binary search is then unavailable and callers scan {@code .eh_frame} instead.
     */
    public static EhFrameHdr parse(ByteReader data, long address, int addressSize, PointerEncoding.Bases textBase) {
        String w = ".eh_frame_hdr";
        int version = data.u8(w + " version", 0);
        if (version != 1) throw new FormatException(FormatException.Kind.UNSUPPORTED, data.base(), w, "version " + version);
        int ptrEnc = data.u8(w, 1), countEnc = data.u8(w, 2), tableEnc = data.u8(w, 3);
        PointerEncoding.Bases b = new PointerEncoding.Bases(address, textBase.text(), textBase.hasText(), address, true);
        long p = 4;
        PointerEncoding.Decoded ptr = PointerEncoding.read(data, p, ptrEnc, addressSize, b, 0, w + " eh_frame_ptr");
        p += ptr.length();
        long count = 0;
        if (countEnc != PointerEncoding.OMIT && tableEnc != PointerEncoding.OMIT) {
            PointerEncoding.Decoded c = PointerEncoding.read(data, p, countEnc, addressSize, b, 0, w + " fde_count");
            p += c.length();
            count = c.value();
        }
        int fixed = tableEnc == PointerEncoding.OMIT ? -1 : PointerEncoding.fixedSize(tableEnc, addressSize);
        if (fixed < 0 || !PointerEncoding.valid(tableEnc)) count = 0;
        int entry = Math.max(fixed, 0) * 2;
        if (count != 0 && (count < 0 || count > (data.size() - p) / entry)) {
            throw FormatException.truncated(w + " search table", data.base() + p, count * entry, data.size() - p);
        }
        return new EhFrameHdr(data, address, addressSize, ptr.value(), count, tableEnc, p, entry, b);
    }

    /** Link-time address of {@code .eh_frame} as the header records it. */
    public long ehFramePointer() { return ehFramePointer; }
    public long fdeCount() { return fdeCount; }
    public int tableEncoding() { return tableEncoding; }

    /** Initial location of table entry {@code i}. */
    public long initialLocation(long i) {
        return PointerEncoding.read(data, tableOffset + i * entrySize, tableEncoding, addressSize, bases, 0,
                ".eh_frame_hdr entry " + i).value();
    }

    /** FDE address of table entry {@code i}. */
    public long fdeAddress(long i) {
        return PointerEncoding.read(data, tableOffset + i * entrySize + entrySize / 2, tableEncoding, addressSize, bases, 0,
                ".eh_frame_hdr entry " + i).value();
    }

    /**
     * The whole search table: initial locations into {@code locations} and FDE addresses into
     * {@code fdes} (link-time, table order; both of {@link #fdeCount()} entries), in one pass: the
     * usual {@code datarel|sdata4} table of a 64-bit file as a bulk copy of its words, others entry by entry.
     */
    public void table(long[] locations, long[] fdes) {
        int n = (int) fdeCount;
        if (tableEncoding == (PointerEncoding.DATAREL | PointerEncoding.SDATA4) && addressSize == 8) {
            int[] w = data.s32Array(".eh_frame_hdr search table", tableOffset, 2 * n);
            for (int i = 0, j = 0; i < n; i++, j += 2) {
                locations[i] = address + w[j];
                fdes[i] = address + w[j + 1];
            }
        } else {
            for (int i = 0; i < n; i++) {
                locations[i] = initialLocation(i);
                fdes[i] = fdeAddress(i);
            }
        }
    }

    /** Binary search: the address of the FDE whose initial location is the greatest one ≤ {@code pc}. */
    public OptionalLong lookup(long pc) {
        long lo = 0, hi = fdeCount - 1, found = -1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(initialLocation(mid), pc) <= 0) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? OptionalLong.empty() : OptionalLong.of(fdeAddress(found));
    }

    public long address() { return address; }
}
