package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The ARM and AArch64 mapping symbols of an ELF file's {@code .symtab} (the ARM ELF ABI, section
 * "Mapping symbols"): local {@code STT_NOTYPE} symbols named {@code $a} (ARM code), {@code $t}
 * (Thumb code), {@code $x} (AArch64 code) and {@code $d} (data: literal pools, jump tables), each
 * possibly with a suffix ({@code $d.1}). Each says what the bytes from its address up to the next
 * mapping symbol of its section are; {@code objdump -d} prints a {@code $d} range as {@code .word}s.
 * They name no function. Link-time addresses (section-relative ones of a relocatable object placed
 * at the section's {@code sh_addr}). Immutable; a stripped file has none.
 */
public final class MappingSymbols {
    /** What the bytes from a mapping symbol on are. */
    public enum Kind { ARM, THUMB, AARCH64, DATA }

    /** One mapping symbol: {@code kind} from {@code address} on, in section {@code section} (its index). */
    public record Mark(int section, long address, Kind kind) {}

    private static final int STT_NOTYPE = 0, STB_LOCAL = 0, SHN_LORESERVE = 0xff00;

    private final Map<Integer, NavigableMap<Long, Kind>> bySection;

    private MappingSymbols(Map<Integer, NavigableMap<Long, Kind>> bySection) { this.bySection = bySection; }

    /** The mapping symbols of {@code .symtab}; none for a file without one, or when it cannot be read. */
    public static MappingSymbols read(ElfHeader eh, List<SectionHeader> sections, Function<SectionHeader, ByteReader> data) {
        Map<Integer, NavigableMap<Long, Kind>> out = new HashMap<>();
        for (SectionHeader s : sections) {
            if (s.type() != SectionHeader.SHT_SYMTAB || s.link() <= 0 || s.link() >= sections.size()) continue;
            try {
                readOne(eh, sections, data.apply(s), data.apply(sections.get(s.link())), s.name(), out);
            } catch (FormatException e) {
                // A table that cannot be read marks nothing: the listing falls back to decoding all as code.
            }
        }
        return new MappingSymbols(out);
    }

    private static void readOne(ElfHeader eh, List<SectionHeader> sections, ByteReader tab, ByteReader str, String what,
                                Map<Integer, NavigableMap<Long, Kind>> out) {
        int entsize = eh.is64() ? 24 : 16;
        long n = tab.size() / entsize;
        String w = what + " symbol";
        for (long i = 1; i < n; i++) {
            long o = i * entsize;
            int info = eh.is64() ? tab.u8(w, o + 4) : tab.u8(w, o + 12);
            if ((info & 0xf) != STT_NOTYPE || (info >>> 4) != STB_LOCAL) continue;
            int shndx = eh.is64() ? tab.u16(w, o + 6) : tab.u16(w, o + 14);
            if (shndx == 0 || shndx >= SHN_LORESERVE || shndx >= sections.size()) continue;
            long nameOff = tab.u32(w, o);
            if (nameOff + 2 > str.size() || str.u8(w, nameOff) != '$') continue;
            Optional<Kind> kind = kind(str.u8(w, nameOff + 1), nameOff + 2 < str.size() ? str.u8(w, nameOff + 2) : 0);
            if (kind.isEmpty()) continue;
            long value = eh.is64() ? tab.u64(w, o + 8) : tab.u32(w, o + 4);
            if (eh.type() == ElfHeader.ET_REL) value += sections.get(shndx).addr();
            out.computeIfAbsent(shndx, k -> new TreeMap<>(Long::compareUnsigned)).put(value, kind.get());
        }
    }

    /** {@code $a}, {@code $a.suffix}..., as binutils recognises them; {@code $abc} is an ordinary name. */
    private static Optional<Kind> kind(int letter, int after) {
        if (after != 0 && after != '.') return Optional.empty();
        return switch (letter) {
            case 'a' -> Optional.of(Kind.ARM);
            case 't' -> Optional.of(Kind.THUMB);
            case 'x' -> Optional.of(Kind.AARCH64);
            case 'd' -> Optional.of(Kind.DATA);
            default -> Optional.empty();
        };
    }

    public boolean isEmpty() { return bySection.isEmpty(); }

    /** What the byte at {@code address} of section {@code section} is: the last mapping symbol at or before it there. */
    public Optional<Mark> at(int section, long address) {
        NavigableMap<Long, Kind> m = bySection.getOrDefault(section, Collections.emptyNavigableMap());
        var e = m.floorEntry(address);
        return e == null ? Optional.empty() : Optional.of(new Mark(section, e.getKey(), e.getValue()));
    }

    /** The next mapping symbol of section {@code section} after {@code address}, where the kind may change. */
    public Optional<Mark> after(int section, long address) {
        NavigableMap<Long, Kind> m = bySection.getOrDefault(section, Collections.emptyNavigableMap());
        var e = m.higherEntry(address);
        return e == null ? Optional.empty() : Optional.of(new Mark(section, e.getKey(), e.getValue()));
    }
}
