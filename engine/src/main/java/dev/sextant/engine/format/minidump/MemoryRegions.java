package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The target memory a minidump holds, from the memory list, the Memory64 list and the thread stacks,
 * as sorted, non-overlapping ranges over the file's bytes (nothing is copied). Descriptors that wrap
 * around the address space, point outside the file or overlap an earlier range are dropped, each
 * with a problem line on the dump. Immutable once built.
 */
public final class MemoryRegions {

    /** A {@code MINIDUMP_MEMORY_DESCRIPTOR}: target range [start, start+size) stored at file offset {@code rva}. */
    public record Descriptor(long start, long size, long rva) {
        public long end() { return start + size; }
    }

    /** A usable range of target memory and its bytes. */
    public record Region(long start, ByteReader bytes) {
        public long size() { return bytes.size(); }
        public long end() { return start + bytes.size(); }
    }

    /** Far more descriptors than any real dump has; a bigger count is corruption, refused before allocating. */
    public static final long MAX_DESCRIPTORS = 1 << 22;

    private final List<Region> regions;
    private final long[] starts;

    private MemoryRegions(List<Region> regions) {
        this.regions = List.copyOf(regions);
        this.starts = regions.stream().mapToLong(Region::start).toArray();
    }

    public List<Region> regions() { return regions; }

    public long totalBytes() { return regions.stream().mapToLong(Region::size).sum(); }

    static List<Descriptor> readList(ByteReader b, Minidump dump) {
        String w = "MemoryList";
        long count = b.u32(w + " count", 0);
        long start = Minidump.listStart(b, w, count, 4, 16);
        List<Descriptor> out = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            long o = start + 16L * i;
            out.add(new Descriptor(b.u64(w, o), b.u32(w, o + 8), b.u32(w, o + 12)));
        }
        return List.copyOf(out);
    }

    /** {@code MINIDUMP_MEMORY64_LIST}: ranges stored back to back from one base RVA. */
    static List<Descriptor> readList64(ByteReader b, Minidump dump) {
        String w = "Memory64List";
        long count = b.u64(w + " count", 0);
        long baseRva = b.u64(w + " base RVA", 8);
        if (count < 0 || count > MAX_DESCRIPTORS) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, b.base(), w, "claims " + Long.toUnsignedString(count) + " ranges");
        }
        Minidump.listStart(b, w, count, 16, 16);
        List<Descriptor> out = new ArrayList<>((int) count);
        long rva = baseRva;
        long fileSize = dump.fileSize();
        for (int i = 0; i < count; i++) {
            long o = 16 + 16L * i;
            long start = b.u64(w, o), size = b.u64(w, o + 8);
            if (size < 0 || rva < 0 || rva > fileSize || size > fileSize - rva) {
                dump.problem(w + " range " + i + " at 0x" + Long.toHexString(start) + " (" + Long.toUnsignedString(size)
                        + " bytes at file offset 0x" + Long.toHexString(rva) + ") runs past the end of the file; it and "
                        + (count - i - 1) + " later ranges are missing");
                break;
            }
            out.add(new Descriptor(start, size, rva));
            rva += size;
        }
        return List.copyOf(out);
    }

    static MemoryRegions build(Minidump dump) {
        record Source(String what, Descriptor d) {}
        List<Source> all = new ArrayList<>();
        List<Descriptor> list = dump.memoryList();
        for (int i = 0; i < list.size(); i++) all.add(new Source("MemoryList range " + i, list.get(i)));
        List<Descriptor> list64 = dump.memory64List();
        for (int i = 0; i < list64.size(); i++) all.add(new Source("Memory64List range " + i, list64.get(i)));
        for (ThreadRecord t : dump.threads()) {
            if (t.stack().size() > 0) all.add(new Source("stack of thread " + Integer.toUnsignedString(t.threadId()), t.stack()));
        }
        List<Region> regions = new ArrayList<>(all.size());
        List<Source> kept = new ArrayList<>(all.size());
        for (Source s : all) {
            Descriptor d = s.d();
            if (d.size() == 0) continue;
            if (Long.compareUnsigned(d.start() + d.size(), d.start()) < 0 && d.start() + d.size() != 0) {
                dump.problem(s.what() + " at 0x" + Long.toHexString(d.start()) + " wraps around the address space; ignored");
                continue;
            }
            try {
                regions.add(new Region(d.start(), dump.range(s.what(), d.rva(), d.size())));
                kept.add(s);
            } catch (FormatException e) {
                dump.problem(s.what() + " at 0x" + Long.toHexString(d.start()) + ": " + e.getMessage() + "; ignored");
            }
        }
        // Sort by start (unsigned), then drop ranges that overlap one kept before them.
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < regions.size(); i++) idx.add(i);
        idx.sort(Comparator.<Integer>comparingLong(i -> regions.get(i).start() ^ Long.MIN_VALUE).thenComparingInt(i -> i));
        List<Region> clean = new ArrayList<>(regions.size());
        Region last = null;
        for (int i : idx) {
            Region r = regions.get(i);
            if (last != null && Long.compareUnsigned(r.start(), last.end()) < 0 && last.end() != 0) {
                boolean duplicate = r.start() == last.start() && r.size() == last.size();
                // Thread stacks are normally also in the memory list: a duplicate is expected, not a problem.
                if (!duplicate) {
                    dump.problem(kept.get(i).what() + " [0x" + Long.toHexString(r.start()) + ", 0x" + Long.toHexString(r.end())
                            + ") overlaps memory already read [0x" + Long.toHexString(last.start()) + ", 0x"
                            + Long.toHexString(last.end()) + "); ignored");
                }
                continue;
            }
            clean.add(r);
            last = r;
        }
        return new MemoryRegions(clean);
    }

    /** The region holding {@code address}, if any. */
    public Optional<Region> regionAt(long address) {
        int lo = 0, hi = starts.length - 1, found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(starts[mid], address) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found < 0) return Optional.empty();
        Region r = regions.get(found);
        return Long.compareUnsigned(address - r.start(), r.size()) < 0 ? Optional.of(r) : Optional.empty();
    }

    /** {@code length} bytes at {@code address} if one region holds them all. */
    public Optional<byte[]> read(long address, int length) {
        Optional<Region> r = regionAt(address);
        if (r.isEmpty()) return Optional.empty();
        long off = address - r.get().start();
        if (!r.get().bytes().contains(off, length)) return Optional.empty();
        return Optional.of(r.get().bytes().bytes("memory", off, length));
    }

    /** A little-endian word of 4 or 8 bytes at {@code address}. */
    public OptionalLong readWord(long address, int wordSize) {
        Optional<Region> r = regionAt(address);
        if (r.isEmpty()) return OptionalLong.empty();
        long off = address - r.get().start();
        if (!r.get().bytes().contains(off, wordSize)) return OptionalLong.empty();
        ByteReader b = r.get().bytes();
        return OptionalLong.of(wordSize == 8 ? b.u64("memory", off) : b.u32("memory", off));
    }
}
