package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /etc/ld.so.cache} as ldconfig writes it: the {@code glibc-ld.so.cache1.1} format, alone
 * or after an old {@code ld.so-1.7.0} table (whose entries are skipped: the new table repeats
 * them). String offsets of the new format count from the start of the new header. Immutable.
 */
public record LdSoCache(List<Entry> entries, List<String> hwcapSubdirs, Map<String, List<Entry>> byName) {

    static final String OLD_MAGIC = "ld.so-1.7.0";
    static final String NEW_MAGIC = "glibc-ld.so.cache1.1";
    static final long HWCAP_EXTENSION = 1L << 62;
    static final long EXTENSION_MAGIC = 0xEAA42174L;

    /** Flag values as ldconfig writes them ({@code FLAG_ELF_LIBC6 | FLAG_X8664_LIB64}, …). */
    public static final int FLAG_ELF = 0x0001, FLAG_ELF_LIBC6 = 0x0003, FLAG_X8664_LIB64 = 0x0300,
            FLAG_AARCH64_LIB64 = 0x0a00, FLAG_X8664_LIBX32 = 0x0800;

    /** One cache entry: a library name and the path it stands for. */
    public record Entry(String name, String path, int flags, long hwcap, Optional<String> hwcapSubdir) {
        /** An entry for a {@code glibc-hwcaps} subdirectory ({@code x86-64-v3}, …). */
        public boolean namedHwcap() { return (hwcap >>> 32) == (HWCAP_EXTENSION >>> 32); }
    }

    public static LdSoCache read(Path file) throws IOException {
        return parse(ByteReader.of(java.nio.file.Files.readAllBytes(file), ByteOrder.nativeOrder()));   // small: reading beats mapping
    }

    public static LdSoCache parse(ByteReader file) {
        long start = 0;
        if (file.size() >= OLD_MAGIC.length() && file.fixedString("cache magic", 0, OLD_MAGIC.length()).equals(OLD_MAGIC)) {
            long nlibs = file.u32("old cache nlibs", 12);
            long end = 16 + nlibs * 12;
            start = (end + 7) & ~7L;
            if (!file.contains(start, 20) || !file.fixedString("cache magic", start, 20).equals(NEW_MAGIC)) {
                throw new FormatException(FormatException.Kind.UNSUPPORTED, 0, "ld.so.cache",
                        "only the old ld.so-1.7.0 format is present; ldconfig writes the new one since glibc 2.32");
            }
        }
        if (file.size() < 48 || !file.fixedString("cache magic", start, 20).equals(NEW_MAGIC)) {
            throw new FormatException(FormatException.Kind.BAD_MAGIC, start, "ld.so.cache", "no " + NEW_MAGIC + " header");
        }
        ByteReader c = file.slice("new cache", start, file.size() - start);
        int endian = c.u8("cache flags", 28);
        if (endian == 2) c = c.withOrder(ByteOrder.LITTLE_ENDIAN);
        else if (endian == 3) c = c.withOrder(ByteOrder.BIG_ENDIAN);
        long nlibs = c.u32("cache nlibs", 20);
        long extOff = c.u32("cache extension offset", 32);
        ByteReader table = c.slice("cache entries", 48, nlibs * 24);
        List<String> subdirs = extension(c, extOff);
        List<Entry> entries = new ArrayList<>((int) nlibs);
        Map<String, List<Entry>> byName = new HashMap<>();
        for (long i = 0; i < nlibs; i++) {
            String w = "cache entry " + i;
            int flags = table.s32(w, i * 24);
            String key = c.cString(w + " name", table.u32(w, i * 24 + 4), 4096);
            String value = c.cString(w + " path", table.u32(w, i * 24 + 8), 4096);
            long hwcap = table.u64(w, i * 24 + 16);
            Optional<String> sub = Optional.empty();
            if ((hwcap >>> 32) == (HWCAP_EXTENSION >>> 32)) {
                int idx = (int) (hwcap & 0xffffffffL);
                if (idx >= 0 && idx < subdirs.size()) sub = Optional.of(subdirs.get(idx));
            }
            Entry e = new Entry(key, value, flags, hwcap, sub);
            entries.add(e);
            byName.computeIfAbsent(key, k -> new ArrayList<>(2)).add(e);
        }
        return new LdSoCache(List.copyOf(entries), subdirs, byName);
    }

    /** The extension directory: tag 2 lists the glibc-hwcaps subdirectory names entries refer to. */
    private static List<String> extension(ByteReader c, long off) {
        if (off == 0 || !c.contains(off, 8) || c.u32("cache extension magic", off) != EXTENSION_MAGIC) return List.of();
        long count = Math.min(c.u32("cache extension count", off + 4), 64);
        List<String> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long s = off + 8 + i * 16;
            long tag = c.u32("cache extension section", s);
            long o = c.u32("cache extension section", s + 8);
            long size = c.u32("cache extension section", s + 12);
            if (tag == 2) {
                ByteReader arr = c.slice("glibc-hwcaps names", o, size);
                for (long k = 0; k + 4 <= size; k += 4) out.add(c.cString("glibc-hwcaps name", arr.u32("glibc-hwcaps name", k), 256));
            }
        }
        return List.copyOf(out);
    }

    /**
     * What ld.so's {@code search_cache} returns for {@code name}: among the entries whose flags
     * equal {@code expectedFlags}, the best {@code glibc-hwcaps} entry (earliest in
     * {@code supportedHwcaps}, highest priority first; asked for only when an entry names one), else
     * the first plain entry.
     */
    public Optional<String> lookup(String name, int expectedFlags, java.util.function.Supplier<List<String>> supportedHwcaps) {
        List<Entry> list = byName.get(name);
        if (list == null) return Optional.empty();
        String best = null;
        int bestPriority = Integer.MAX_VALUE;
        for (Entry e : list) {
            if (e.flags() != expectedFlags) continue;
            if (e.namedHwcap()) {
                int p = e.hwcapSubdir().map(supportedHwcaps.get()::indexOf).orElse(-1);
                if (p < 0 || p >= bestPriority) continue;
                bestPriority = p;
                best = e.path();
                continue;
            }
            if (best != null) break;
            if (e.hwcap() != 0) continue;       // legacy hwcap entries: not produced by glibc ≥ 2.37's ldconfig
            return Optional.of(e.path());
        }
        return Optional.ofNullable(best);
    }

    /** The flags ldconfig gives libraries of an ELF class and machine, as ld.so expects them. */
    public static int expectedFlags(ElfHeader eh) {
        return switch (eh.machine()) {
            case ElfHeader.EM_X86_64 -> eh.is64() ? FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 : FLAG_ELF_LIBC6 | FLAG_X8664_LIBX32;
            case ElfHeader.EM_AARCH64 -> FLAG_ELF_LIBC6 | FLAG_AARCH64_LIB64;
            default -> FLAG_ELF_LIBC6;
        };
    }
}
