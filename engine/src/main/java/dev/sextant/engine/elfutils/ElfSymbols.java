package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.DwflModule;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.SymbolEntries;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Symbol loading and symbol tables of the modules of an {@link ElfSession}: DWARF and symbol tables
 * as libdwfl loads them, read in bulk from the file where that gives the same table. Same thread
 * rules as the session.
 */
public final class ElfSymbols {
    private ElfSymbols() {}

    /**
     * A module's symbols after loading: defined symbols in its symbol table ({@code .symtab}, else
     * {@code .dynsym}) and the symbols themselves, DWARF present, a line table present, the main and the debug file libdwfl uses,
     * and libdwfl's message when DWARF could not be had.
     */
    public record LoadResult(int symbolCount, Table symbols, boolean dwarf, boolean lines, Optional<String> mainFile,
                             Optional<String> debugFile, Optional<String> dwarfError) {}

    /**
     * A module's defined symbols (no sections, files, undefined or nameless ones) in table order:
     * absolute address, size, ELF type and binding, and the name as in the file, decoded on first
     * use when the table was read from the file. Engine thread only (names are cached as decoded).
     */
    public static final class Table {
        private final long[] address, size;
        private final byte[] typeBinding;
        private final boolean[] special;         // in no real section (SHN_ABS, …); null when read from the file
        private final String[] name;
        private final SymbolEntries entries;     // null when every name was copied from libdwfl
        private final int[] entry;
        private final long bias;                 // file address + bias = address in the target
        private PltIndex plt = PltIndex.NONE;

        private Table(long[] address, long[] size, byte[] typeBinding, boolean[] special, String[] name, SymbolEntries entries,
                      int[] entry, long bias) {
            this.address = address; this.size = size; this.typeBinding = typeBinding; this.special = special; this.name = name;
            this.entries = entries; this.entry = entry; this.bias = bias;
        }

        /**
         * The PLT stub at {@code address} ({@code puts@plt}) and the offset into it: binutils' and
         * gdb's name for code no symbol covers; libdwfl has none.
         */
        public Optional<Map.Entry<String, Long>> pltStub(long address) { return plt.pltStub(address); }

        public static final Table EMPTY = new Table(new long[0], new long[0], new byte[0], new boolean[0], new String[0], null, null, 0);

        public int count() { return address.length; }
        /** Whether the table was read from the file in bulk (else through libdwfl symbol by symbol). */
        public boolean readFromFile() { return entries != null; }
        public long address(int i) { return address[i]; }
        public long size(int i) { return size[i]; }
        public int type(int i) { return typeBinding[i] & 0xf; }
        public int binding(int i) { return (typeBinding[i] & 0xff) >>> 4; }
        /**
         * True for a symbol in a reserved section index ({@code SHN_ABS}, such as the version names
         * {@code GLIBC_2.2.5} or {@code LLVM_14} at 0): libdwfl names an address by one only when
         * the address is exactly its value.
         */
        public boolean special(int i) {
            return entries != null ? entries.sectionIndex(entry[i]) >= SymbolEntries.SHN_LORESERVE : special[i];
        }

        /**
         * Whether {@code address} lies in the section of symbol {@code i}, as libdwfl requires of a
         * sizeless symbol (an address in {@code .plt} is not {@code _init}'s in {@code .init}).
         * True when unknown (a table copied from libdwfl symbol by symbol).
         */
        public boolean sameSection(int i, long address) {
            if (entries == null) return true;
            int sec = entries.sectionIndex(entry[i]);
            return sec < SymbolEntries.SHN_LORESERVE && entries.sectionContaining(address - bias) == sec;
        }

        public String name(int i) {
            String n = name[i];
            if (n == null) name[i] = n = entries.name(entry[i]).orElse("");
            return n;
        }

        public Symbol symbol(int i) { return new Symbol(name(i), address[i], size[i], type(i), binding(i)); }
    }

    /** One defined symbol: name as in the file (not demangled), absolute address, size, ELF type (STT_*) and binding (STB_*). */
    public record Symbol(String name, long address, long size, int type, int binding) {
        /** libdwfl's preference among symbols at one address: global, then weak, then local. */
        public int bindingRank() { return binding == 1 ? 3 : binding == 2 ? 2 : binding == 0 ? 1 : 0; }
    }

    public static final int STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4, STT_TLS = 6, STT_GNU_IFUNC = 10;

    /**
     * Loads the symbol table and DWARF of the module containing {@code address}; this is what makes
     * libdwfl call {@code find_debuginfo}. libdwfl caches failures per module for the life of the session.
     */
    public static LoadResult load(ElfSession session, long address, boolean wantLines) {
        DwflModule mod = session.dwfl.moduleAt(address)
                .orElseThrow(() -> new IllegalArgumentException("no module at 0x" + Long.toHexString(address)));
        int syms = mod.symbolCount();
        DwflModule.DwarfStatus dw = wantLines ? mod.dwarf() : new DwflModule.DwarfStatus(false, false, Optional.empty());
        DwflModule.Info info = mod.info();
        Table table = Table.EMPTY;
        if (syms > 0) table = fromFile(mod, syms, info.mainFile(), info.debugFile()).orElseGet(() -> table(mod));
        return new LoadResult(table.count(), table, dw.dwarf(), dw.lines(), info.mainFile(), info.debugFile(), dw.error());
    }

    /**
     * The module's symbol table read from the file libdwfl took it from, in one bulk copy instead of a
     * libdwfl call per symbol (45,000 in libLLVM's {@code .dynsym}: a fifth of a second through JNA).
     * Only when it must give what libdwfl gives: a 64-bit little-endian file that is not relocatable,
     * the same number of entries (so no auxiliary {@code .gnu_debugdata} table is merged in), and a
     * sample of entries with the same names and addresses as {@code dwfl_module_getsym_info}'s.
     * Otherwise empty, and the caller asks libdwfl symbol by symbol.
     */
    private static Optional<Table> fromFile(DwflModule mod, int syms, Optional<String> mainFile, Optional<String> debugFile) {
        Optional<Map.Entry<Boolean, Long>> symFile = mod.symbolFile();
        if (symFile.isEmpty() && syms > 1) return Optional.empty();
        boolean inMain = symFile.map(Map.Entry::getKey).orElse(false);
        Optional<String> file = inMain ? mainFile : debugFile;
        // a relative path (an --exe given so) is as libdwfl opened it, from this process's directory;
        // names such as "[in core memory]" (the vDSO) are no file
        if (file.isEmpty() || !Files.isRegularFile(Path.of(file.get()))) return Optional.empty();
        SymbolEntries entries;
        try {
            Optional<SymbolEntries> read = SymbolEntries.read(Path.of(file.get()));
            if (read.isEmpty()) return Optional.empty();
            entries = read.get();
        } catch (IOException | FormatException e) {
            return Optional.empty();
        }
        if (entries.count() != syms || entries.header().type() == ElfHeader.ET_REL) return Optional.empty();
        long b = symFile.map(Map.Entry::getValue).orElse(0L);
        for (int k : new int[] {1, syms / 4, syms / 2, 3 * (syms / 4), syms - 1}) {
            if (k < 1 || k >= syms) continue;
            Optional<DwflModule.Symbol> theirs = mod.symbol(k);
            Optional<String> mine = entries.name(k);
            if (!mine.equals(theirs.map(DwflModule.Symbol::name))) return Optional.empty();
            if (theirs.isPresent() && theirs.get().address() != absolute(entries, k, b)) return Optional.empty();
        }
        int n = 0;
        long[] address = new long[syms], size = new long[syms];
        byte[] tb = new byte[syms];
        int[] entry = new int[syms];
        for (int i = 1; i < syms; i++) {
            int type = entries.type(i), sec = entries.sectionIndex(i);
            if (sec == SymbolEntries.SHN_XINDEX) return Optional.empty();
            if (type == STT_SECTION || type == STT_FILE || sec == SymbolEntries.SHN_UNDEF) continue;
            if (entries.nameOffset(i) == 0 || entries.nameIsEmpty(i)) continue;
            address[n] = absolute(entries, i, b);
            size[n] = entries.size(i);
            tb[n] = (byte) (type | entries.binding(i) << 4);
            entry[n] = i;
            n++;
        }
        Table t = new Table(Arrays.copyOf(address, n), Arrays.copyOf(size, n),
                Arrays.copyOf(tb, n), null, new String[n], entries, Arrays.copyOf(entry, n), b);
        // the stubs are in the module's own file (a debug file's .plt holds no bytes)
        OptionalLong mainBias = mod.elfBias();
        if (mainFile.isPresent() && mainBias.isPresent() && Files.isRegularFile(Path.of(mainFile.get()))) {
            t.plt = new PltIndex(Path.of(mainFile.get()), mainBias.getAsLong());
        }
        return Optional.of(t);
    }

    /** The address libdwfl gives entry {@code i}: biased, except absolute symbols and those in sections not loaded. */
    private static long absolute(SymbolEntries e, int i, long bias) {
        int sec = e.sectionIndex(i);
        boolean biased = sec != SymbolEntries.SHN_ABS && (sec >= SymbolEntries.SHN_LORESERVE || e.inLoadedSection(i));
        return biased ? e.value(i) + bias : e.value(i);
    }

    /** The defined symbols of {@code mod} through libdwfl, one call per symbol. */
    private static Table table(DwflModule mod) {
        List<Symbol> list = new ArrayList<>();
        List<Boolean> specials = new ArrayList<>();
        symbols(mod, list, specials);
        int n = list.size();
        long[] address = new long[n], size = new long[n];
        byte[] tb = new byte[n];
        boolean[] special = new boolean[n];
        String[] name = new String[n];
        for (int i = 0; i < n; i++) {
            Symbol s = list.get(i);
            address[i] = s.address(); size[i] = s.size(); tb[i] = (byte) (s.type() | s.binding() << 4); name[i] = s.name();
            special[i] = specials.get(i);
        }
        return new Table(address, size, tb, special, name, null, null, 0);
    }

    /** The defined symbols (no sections, files or undefined ones) of the module containing {@code address}. */
    public static List<Symbol> symbols(ElfSession session, long address) {
        List<Symbol> out = new ArrayList<>();
        session.dwfl.moduleAt(address).ifPresent(mod -> symbols(mod, out, new ArrayList<>()));
        return out;
    }

    /** Adds the defined symbols of {@code mod} to {@code out}, and to {@code special} whether each lies in a reserved section. */
    private static void symbols(DwflModule mod, List<Symbol> out, List<Boolean> special) {
        int n = mod.symbolCount();
        for (int i = 1; i < n; i++) {
            Optional<DwflModule.Symbol> found = mod.symbol(i);
            if (found.isEmpty()) continue;
            DwflModule.Symbol s = found.get();
            int type = s.info() & 0xf, bind = s.info() >> 4;
            if (type == STT_SECTION || type == STT_FILE || s.sectionIndex() == 0 || s.name().isEmpty()) continue;
            out.add(new Symbol(s.name(), s.address(), s.size(), type, bind));
            special.add(s.sectionIndex() >= SymbolEntries.SHN_LORESERVE);
        }
    }

    /** A source position: the file as the line table names it, and the line (absent when 0). */
    public record SourceLine(String file, OptionalInt line) {}

    /**
     * Address → source line in one module, for many addresses ({@code dwfl_module_getsrc},
     * {@code dwfl_lineinfo}): the module is found once, and file names are decoded once per file.
     * Valid for the life of the session it was made from; same thread as the session.
     */
    public static final class LineLookup {
        private final Optional<DwflModule> mod;

        public LineLookup(ElfSession session, long address) {
            mod = session.dwfl.moduleAt(address);
        }

        /** The line-table row covering {@code address} (absolute), or empty. */
        public Optional<SourceLine> at(long address) {
            return mod.flatMap(m -> m.lineAt(address))
                    .map(l -> new SourceLine(l.file(), l.line() > 0 ? OptionalInt.of(l.line()) : OptionalInt.empty()));
        }
    }
}
