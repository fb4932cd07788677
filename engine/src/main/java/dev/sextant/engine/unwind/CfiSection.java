package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The CIEs and FDEs of one {@code .eh_frame} or {@code .debug_frame} section. The section's bytes
 * stay where they are (usually a mapped file); entries are decoded on demand and a CIE once. An
 * entry that cannot be decoded becomes a {@link CfiRecord.Bad}, so one broken FDE does not hide the
 * others. Not thread-safe (the CIE cache); give each thread its own instance.
 */
public final class CfiSection {

    /** Which of the two section formats: they differ in CIE ids, CIE pointers and address encodings. */
    public enum Kind {
        EH_FRAME(".eh_frame"), DEBUG_FRAME(".debug_frame");
        private final String sectionName;
        Kind(String sectionName) { this.sectionName = sectionName; }
        public String sectionName() { return sectionName; }
    }

    /** A bound on entries listed, far above real files (libLLVM has 10⁵), so a hostile section cannot exhaust memory. */
    public static final int MAX_RECORDS = 1 << 24;

    private final ByteReader data;
    private final Kind kind;
    private final int addressSize;
    private final PointerEncoding.Bases bases;
    private final Map<Long, CfiRecord> cies = new HashMap<>();

    /**
     * @param data        the section's bytes
     * @param addressSize 4 or 8 (the ELF class), the default for {@code .debug_frame} CIEs before version 4
     * @param bases       section address and text/data bases for the pointer encodings
     */
    public CfiSection(ByteReader data, Kind kind, int addressSize, PointerEncoding.Bases bases) {
        this.data = data;
        this.kind = kind;
        this.addressSize = addressSize;
        this.bases = bases;
    }

    public ByteReader data() { return data; }
    public Kind kind() { return kind; }
    public int addressSize() { return addressSize; }
    public PointerEncoding.Bases bases() { return bases; }

    /** Every entry in file order (zero terminators skipped). Stops at an entry whose length runs past the end. */
    public List<CfiRecord> records() {
        Index index = index();
        List<CfiRecord> out = new ArrayList<>(index.count() + 1);
        for (int i = 0; i < index.count(); i++) out.add(recordAt(index.offsets()[i]));
        index.last().ifPresent(out::add);
        return out;
    }

    /**
     * Where the entries start, in file order, found from their length fields alone (nothing decoded),
     * so that callers can decode ranges of them on several threads (one {@link #copy} each).
     * {@code last} is the bad entry the walk stopped at, if it stopped early.
     */
    public record Index(long[] offsets, int count, Optional<CfiRecord.Bad> last) {}

    /** The offsets of every entry, as {@link #records()} visits them. */
    public Index index() {
        long[] offs = new long[1024];
        int n = 0;
        CfiRecord.Bad last = null;
        long off = 0;
        long size = data.size();
        while (off < size) {
            long len32;
            try {
                len32 = data.u32("CFI entry length", off);
            } catch (FormatException e) {
                last = new CfiRecord.Bad(off, e.getMessage());
                break;
            }
            if (len32 == 0) { off += 4; continue; }
            if (n >= MAX_RECORDS) {
                last = new CfiRecord.Bad(off, "more than " + MAX_RECORDS + " entries; the rest of " + kind.sectionName() + " is not read");
                break;
            }
            long next = nextOffset(off);
            if (next < 0) {
                last = new CfiRecord.Bad(off, "entry length runs past the end of " + kind.sectionName());
                break;
            }
            if (n == offs.length) offs = Arrays.copyOf(offs, n * 2);
            offs[n++] = off;
            off = next;
        }
        return new Index(offs, n, Optional.ofNullable(last));
    }

    /**
     * Where the entries that are FDEs by their CIE pointer start: bit {@code off} of the set (word
     * {@code off >>> 6}) for each, found from the length and id fields alone (nothing decoded), in one
     * pass; {@code count} of them. Empty when the walk stops at an entry it cannot read, or at more than
     * {@link #MAX_RECORDS} (the entries before it are then only found by {@link #records()}).
     */
    public record FdeStarts(long[] bits, int count) {}

    public Optional<FdeStarts> fdeStarts() {
        long size = data.size();
        long[] bits = new long[(int) (size >>> 6) + 1];
        int n = 0, entries = 0;
        long off = 0;
        try {
            while (off < size) {
                long len = data.u32("CFI entry length", off);
                if (len == 0) { off += 4; continue; }
                if (++entries > MAX_RECORDS) return Optional.empty();
                boolean wide = len == 0xffffffffL;
                long hdr = 4;
                if (wide) { len = data.u64("CFI entry 64-bit length", off + 4); hdr = 12; }
                long end = off + hdr + len;
                if (len < 0 || end < off || end > size) return Optional.empty();
                long id = wide ? data.u64("CIE id", off + hdr) : data.u32("CIE id", off + hdr);
                boolean isCie = kind == Kind.EH_FRAME ? id == 0 : (wide ? id == -1L : id == 0xffffffffL);
                if (!isCie) { bits[(int) (off >>> 6)] |= 1L << off; n++; }
                off = end;
            }
        } catch (FormatException e) {
            return Optional.empty();
        }
        return Optional.of(new FdeStarts(bits, n));
    }

    /** A section over the same bytes with its own CIE cache, for another thread. */
    public CfiSection copy() {
        return new CfiSection(data, kind, addressSize, bases);
    }

    /** All FDEs in file order (bad entries left out). */
    public List<Fde> fdes() {
        List<Fde> out = new ArrayList<>();
        for (CfiRecord r : records()) if (r instanceof Fde f) out.add(f);
        return out;
    }

    /** Offset of the entry after the one at {@code off}, or -1 if its length is unreadable or too long. */
    private long nextOffset(long off) {
        try {
            long len = data.u32("CFI entry length", off);
            long hdr = 4;
            if (len == 0xffffffffL) { len = data.u64("CFI entry 64-bit length", off + 4); hdr = 12; }
            if (len < 0) return -1;
            long end = off + hdr + len;
            return end < off || end > data.size() ? -1 : end;
        } catch (FormatException e) {
            return -1;
        }
    }

    /** Decodes the entry at section offset {@code off}: a CIE, an FDE, or a bad entry saying why. */
    public CfiRecord recordAt(long off) {
        try {
            return decode(off);
        } catch (FormatException e) {
            return new CfiRecord.Bad(off, e.getMessage());
        }
    }

    private CfiRecord decode(long off) {
        long len = data.u32("CFI entry length", off);
        int hdr = 4, offsetSize = 4;
        if (len == 0xffffffffL) { len = data.u64("CFI entry 64-bit length", off + 4); hdr = 12; offsetSize = 8; }
        long end = off + hdr + len;
        if (len < 0 || end < off || end > data.size()) {
            throw FormatException.truncated("CFI entry at 0x" + Long.toHexString(off), data.base() + off, hdr + len,
                    data.size() - off);
        }
        long idPos = off + hdr;
        long id = offsetSize == 8 ? data.u64("CIE id", idPos) : data.u32("CIE id", idPos);
        boolean isCie = kind == Kind.EH_FRAME ? id == 0 : (offsetSize == 8 ? id == -1L : id == 0xffffffffL);
        if (isCie) return cieAt(off);
        long cieOff = kind == Kind.EH_FRAME ? idPos - id : id;
        return fde(off, len, end, idPos + offsetSize, cieOff);
    }

    /** The CIE at {@code off} (cached), or a bad entry. */
    public CfiRecord cieAt(long off) {
        CfiRecord c = cies.get(off);
        if (c == null) {
            try {
                c = parseCie(off);
            } catch (FormatException e) {
                c = new CfiRecord.Bad(off, e.getMessage());
            }
            cies.put(off, c);
        }
        return c;
    }

    private Cie parseCie(long off) {
        String w = "CIE at 0x" + Long.toHexString(off);
        long len = data.u32(w, off);
        int hdr = 4, offsetSize = 4;
        if (len == 0xffffffffL) { len = data.u64(w, off + 4); hdr = 12; offsetSize = 8; }
        long end = off + hdr + len;
        if (len < 0 || end < off || end > data.size()) throw FormatException.truncated(w, data.base() + off, hdr + len, data.size() - off);
        long id = offsetSize == 8 ? data.u64(w, off + hdr) : data.u32(w, off + hdr);
        boolean isCie = kind == Kind.EH_FRAME ? id == 0 : (offsetSize == 8 ? id == -1L : id == 0xffffffffL);
        if (!isCie) throw new FormatException(FormatException.Kind.INCONSISTENT, data.base() + off, w, "entry is not a CIE");
        ByteReader e = data.slice(w, 0, end);   // reads past the entry's end fail
        long p = off + hdr + offsetSize;
        int version = e.u8(w + " version", p++);
        if (version != 1 && version != 3 && version != 4) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, data.base() + p - 1, w, "CIE version " + version);
        }
        String aug = e.cString(w + " augmentation", p, 64);
        p += aug.length() + 1;
        int addrSize = addressSize, segSize = 0;
        if (version >= 4) { addrSize = e.u8(w, p++); segSize = e.u8(w, p++); }
        if (addrSize != 4 && addrSize != 8) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, data.base() + p, w, "address size " + addrSize);
        }
        if (aug.startsWith("eh")) p += addrSize;     // old GCC: the EH data pointer
        ByteReader.Leb128 caf = e.uleb128(w + " code alignment", p); p += caf.length();
        ByteReader.Leb128 daf = e.sleb128(w + " data alignment", p); p += daf.length();
        int ra;
        if (version == 1) { ra = e.u8(w + " return address register", p++); }
        else { ByteReader.Leb128 l = e.uleb128(w + " return address register", p); p += l.length(); ra = (int) l.value(); }
        int fdeEnc = PointerEncoding.ABSPTR, lsdaEnc = PointerEncoding.OMIT, persEnc = PointerEncoding.OMIT;
        OptionalLong personality = OptionalLong.empty();
        boolean indirect = false, signal = false, hasAug = false;
        if (aug.startsWith("z")) {
            hasAug = true;
            ByteReader.Leb128 augLen = e.uleb128(w + " augmentation length", p); p += augLen.length();
            long augEnd = p + augLen.value();
            if (augLen.value() < 0 || augEnd > end) {
                throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, data.base() + p, w, "augmentation data runs past the CIE");
            }
            long q = p;
            for (int i = 1; i < aug.length(); i++) {
                char c = aug.charAt(i);
                switch (c) {
                    case 'L' -> lsdaEnc = encoding(e, q++, w + " LSDA encoding");
                    case 'R' -> fdeEnc = encoding(e, q++, w + " FDE encoding");
                    case 'P' -> {
                        persEnc = encoding(e, q++, w + " personality encoding");
                        PointerEncoding.Decoded d = PointerEncoding.read(e, q, persEnc, addrSize, bases, 0, w + " personality");
                        personality = OptionalLong.of(d.value());
                        indirect = d.indirect();
                        q += d.length();
                    }
                    case 'S' -> signal = true;
                    case 'B', 'G' -> { }          // AArch64 BTI / MTE tagged frames: no data
                    default -> i = aug.length();  // unknown: the length lets us skip the rest
                }
            }
            if (q > augEnd) {
                throw new FormatException(FormatException.Kind.INCONSISTENT, data.base() + p, w, "augmentation fields overrun their length");
            }
            p = augEnd;
        } else if (!aug.isEmpty() && !aug.equals("eh")) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, data.base() + off, w, "unknown augmentation \"" + aug + "\"");
        }
        if (p > end) throw new FormatException(FormatException.Kind.INCONSISTENT, data.base() + off, w, "header runs past the CIE");
        return new Cie(off, len, version, aug, caf.value(), daf.value(), ra, fdeEnc, lsdaEnc, persEnc, personality,
                indirect, signal, addrSize, segSize, hasAug, p, (int) (end - p));
    }

    private static int encoding(ByteReader e, long p, String what) {
        int enc = e.u8(what, p);
        if (!PointerEncoding.valid(enc)) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, e.base() + p, what, "unknown pointer encoding 0x" + Integer.toHexString(enc));
        }
        return enc;
    }

    private CfiRecord fde(long off, long len, long end, long p, long cieOff) {
        final String w = "FDE";   // a constant, so that the names below are too (no string built per FDE)
        if (cieOff < 0 || cieOff >= data.size()) {
            return new CfiRecord.Bad(off, "FDE at 0x" + Long.toHexString(off) + ": CIE pointer 0x" + Long.toHexString(cieOff) + " is outside " + kind.sectionName());
        }
        CfiRecord c = cieAt(cieOff);
        if (!(c instanceof Cie cie)) {
            return new CfiRecord.Bad(off, "FDE at 0x" + Long.toHexString(off) + ": its CIE at 0x" + Long.toHexString(cieOff) + " is bad: " + ((CfiRecord.Bad) c).problem());
        }
        ByteReader e = data;   // reads past the FDE's end are caught by the p > end check below
        long begin, range;
        if (kind == Kind.EH_FRAME) {
            PointerEncoding.Decoded b = PointerEncoding.read(e, p, cie.fdeEncoding(), cie.addressSize(), bases, 0, w + " initial location");
            p += b.length();
            PointerEncoding.Decoded r = PointerEncoding.readRange(e, p, cie.fdeEncoding(), cie.addressSize(), w + " address range");
            p += r.length();
            begin = b.value();
            range = r.value();
        } else {
            p += cie.segmentSize();
            begin = e.word(w + " initial location", p, cie.addressSize() == 8); p += cie.addressSize();
            range = e.word(w + " address range", p, cie.addressSize() == 8); p += cie.addressSize();
        }
        long endPc = begin + range;
        if (cie.addressSize() == 4) endPc &= 0xffffffffL;
        OptionalLong lsda = OptionalLong.empty();
        if (cie.hasAugmentationData()) {
            ByteReader.Leb128 augLen = e.uleb128(w + " augmentation length", p); p += augLen.length();
            long augEnd = p + augLen.value();
            if (augLen.value() < 0 || augEnd > end) {
                throw new FormatException(FormatException.Kind.OUT_OF_BOUNDS, data.base() + p, w, "augmentation data runs past the FDE");
            }
            if (cie.lsdaEncoding() != PointerEncoding.OMIT && cie.augmentation().indexOf('L') > 0 && augLen.value() > 0) {
                lsda = OptionalLong.of(PointerEncoding.read(e, p, cie.lsdaEncoding(), cie.addressSize(), bases, begin, w + " LSDA").value());
            }
            p = augEnd;
        }
        if (p > end) throw new FormatException(FormatException.Kind.INCONSISTENT, data.base() + off, w, "header runs past the FDE");
        return new Fde(off, len, cie, begin, endPc, lsda, p, (int) (end - p));
    }
}
