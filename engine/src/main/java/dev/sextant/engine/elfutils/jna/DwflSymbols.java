package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PltStubs;
import dev.sextant.engine.format.elf.SymbolEntries;
import dev.sextant.engine.format.io.FormatException;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Symbol loading and symbol tables of the modules of a {@link Dwfl}: {@code dwfl_module_getdwarf},
 * {@code dwfl_module_getsymtab}, {@code dwfl_module_getsym_info}, and the bridge that installs a
 * {@link DebugInfoSearch} as {@code find_debuginfo}. Same thread rules as {@link Dwfl}.
 */
public final class DwflSymbols {
    private DwflSymbols() {}

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

    /**
     * A module's PLT stubs and the module's bias, for lookups by address in the target. The file's
     * section headers are read first; the stubs (and the relocations and symbols that name them)
     * only when an address falls in a PLT section. Engine thread only.
     */
    public static final class PltIndex {
        public static final PltIndex NONE = new PltIndex(null, 0);

        private final Path file;
        private final long bias;
        private long[] ranges;                   // start, end pairs of the PLT sections
        private List<PltStubs.Stub> stubs;

        public PltIndex(Path file, long bias) { this.file = file; this.bias = bias; }

        /** The stub at {@code address} ({@code puts@plt}, a C++ name demangled) and the offset into it. */
        public Optional<Map.Entry<String, Long>> pltStub(long address) {
            if (file == null) return Optional.empty();
            long a = address - bias;
            if (ranges == null) ranges = PltStubs.ranges(file);
            boolean in = false;
            for (int i = 0; i < ranges.length && !in; i += 2) {
                in = Long.compareUnsigned(a, ranges[i]) >= 0 && Long.compareUnsigned(a, ranges[i + 1]) < 0;
            }
            if (!in) return Optional.empty();
            if (stubs == null) stubs = PltStubs.ofFile(file);
            int lo = 0, hi = stubs.size() - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                PltStubs.Stub st = stubs.get(mid);
                if (Long.compareUnsigned(a, st.start()) < 0) hi = mid - 1;
                else if (Long.compareUnsigned(a - st.start(), st.size()) >= 0) lo = mid + 1;
                else return Optional.of(Map.entry(displayName(st.name()), a - st.start()));
            }
            return Optional.empty();
        }

        /** {@code _ZNSo3putEc@plt} shown as gdb shows it: {@code std::ostream::put(char)@plt}. */
        private static String displayName(String stub) {
            String base = stub.substring(0, stub.length() - "@plt".length());
            return base.startsWith("_Z") ? Demangler.demangle(base) + "@plt" : stub;
        }
    }

    /** One defined symbol: name as in the file (not demangled), absolute address, size, ELF type (STT_*) and binding (STB_*). */
    public record Symbol(String name, long address, long size, int type, int binding) {
        /** libdwfl's preference among symbols at one address: global, then weak, then local. */
        public int bindingRank() { return binding == 1 ? 3 : binding == 2 ? 2 : binding == 0 ? 1 : 0; }
    }

    public static final int STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4, STT_TLS = 6, STT_GNU_IFUNC = 10;

    /** Whether some module of {@code dwfl} contains {@code address}. */
    public static boolean hasModule(Dwfl dwfl, long address) {
        return LibDw.dwfl_addrmodule(dwfl.handle(), address) != null;
    }

    /**
     * Loads the symbol table and DWARF of the module containing {@code address}; this is what makes
     * libdwfl call {@code find_debuginfo}. libdwfl caches failures per module for the life of the Dwfl.
     */
    public static LoadResult load(Dwfl dwfl, long address, boolean wantLines) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        if (mod == null) throw new IllegalArgumentException("no module at 0x" + Long.toHexString(address));
        long[] bias = new long[1];
        int syms = LibDwMore.dwfl_module_getsymtab(mod);
        Pointer dw = wantLines ? LibDwMore.dwfl_module_getdwarf(mod, bias) : null;
        Optional<String> dwErr = Optional.empty();
        if (wantLines && dw == null) dwErr = Optional.ofNullable(LibDw.dwfl_errmsg(LibDw.dwfl_errno()));
        boolean lines = false;
        if (dw != null) {
            Pointer cu = null;
            long[] n = new long[1];
            for (int i = 0; i < 64 && !lines; i++) {
                cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias);
                if (cu == null) break;
                lines = LibDwMore.dwfl_getsrclines(cu, n) == 0 && n[0] > 0;
            }
        }
        PointerByReference main = new PointerByReference(), debug = new PointerByReference();
        LibDw.dwfl_module_info(mod, null, null, null, null, null, main, debug);
        Optional<String> mainFile = Optional.ofNullable(main.getValue()).map(p -> p.getString(0));
        Optional<String> debugFile = Optional.ofNullable(debug.getValue()).map(p -> p.getString(0));
        Table table = Table.EMPTY;
        if (syms > 0) table = fromFile(mod, syms, mainFile, debugFile).orElseGet(() -> table(mod));
        return new LoadResult(table.count(), table, dw != null, lines, mainFile, debugFile, dwErr);
    }

    /**
     * The module's symbol table read from the file libdwfl took it from, in one bulk copy instead of a
     * libdwfl call per symbol (45,000 in libLLVM's {@code .dynsym}: a fifth of a second through JNA).
     * Only when it must give what libdwfl gives: a 64-bit little-endian file that is not relocatable,
     * the same number of entries (so no auxiliary {@code .gnu_debugdata} table is merged in), and a
     * sample of entries with the same names and addresses as {@code dwfl_module_getsym_info}'s.
     * Otherwise empty, and the caller asks libdwfl symbol by symbol.
     */
    private static Optional<Table> fromFile(Pointer mod, int syms, Optional<String> mainFile, Optional<String> debugFile) {
        byte[] sym = new byte[24];
        long[] addr = new long[1], bias = new long[1], mainBias = new long[1];
        int[] shndx = new int[1];
        com.sun.jna.Memory elf = new com.sun.jna.Memory(Native.POINTER_SIZE);
        if (LibDwMore.dwfl_module_getsym_info(mod, 1, sym, addr, shndx, elf, bias) == null && syms > 1) return Optional.empty();
        Pointer mainElf = LibDw.dwfl_module_getelf(mod, mainBias);
        Pointer symElf = elf.getPointer(0);
        Optional<String> file = symElf != null && symElf.equals(mainElf) ? mainFile : debugFile;
        // a relative path (an --exe given so) is as libdwfl opened it, from this process's directory;
        // names such as "[in core memory]" (the vDSO) are no file
        if (file.isEmpty() || !java.nio.file.Files.isRegularFile(Path.of(file.get()))) return Optional.empty();
        SymbolEntries entries;
        try {
            Optional<SymbolEntries> read = SymbolEntries.read(Path.of(file.get()));
            if (read.isEmpty()) return Optional.empty();
            entries = read.get();
        } catch (java.io.IOException | FormatException e) {
            return Optional.empty();
        }
        if (entries.count() != syms || entries.header().type() == ElfHeader.ET_REL) return Optional.empty();
        long b = bias[0];
        for (int k : new int[] {1, syms / 4, syms / 2, 3 * (syms / 4), syms - 1}) {
            if (k < 1 || k >= syms) continue;
            Pointer name = LibDwMore.dwfl_module_getsym_info(mod, k, sym, addr, shndx, null, null);
            Optional<String> mine = entries.name(k);
            if (name == null ? mine.isPresent() : !mine.equals(Optional.of(name.getString(0)))) return Optional.empty();
            if (name != null && addr[0] != absolute(entries, k, b)) return Optional.empty();
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
        Table t = new Table(java.util.Arrays.copyOf(address, n), java.util.Arrays.copyOf(size, n),
                java.util.Arrays.copyOf(tb, n), null, new String[n], entries, java.util.Arrays.copyOf(entry, n), b);
        // the stubs are in the module's own file (a debug file's .plt holds no bytes)
        if (mainFile.isPresent() && java.nio.file.Files.isRegularFile(Path.of(mainFile.get()))) {
            t.plt = new PltIndex(Path.of(mainFile.get()), mainBias[0]);
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
    private static Table table(Pointer mod) {
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
    public static List<Symbol> symbols(Dwfl dwfl, long address) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        return mod == null ? List.of() : symbols(mod);
    }

    private static List<Symbol> symbols(Pointer mod) {
        List<Symbol> out = new ArrayList<>();
        symbols(mod, out, new ArrayList<>());
        return out;
    }

    /** Adds the defined symbols of {@code mod} to {@code out}, and to {@code special} whether each lies in a reserved section. */
    private static void symbols(Pointer mod, List<Symbol> out, List<Boolean> special) {
        int n = LibDwMore.dwfl_module_getsymtab(mod);
        byte[] sym = new byte[24];
        long[] addr = new long[1];
        int[] shndx = new int[1];
        ByteBuffer b = ByteBuffer.wrap(sym).order(ByteOrder.nativeOrder());
        for (int i = 1; i < n; i++) {
            Pointer name = LibDwMore.dwfl_module_getsym_info(mod, i, sym, addr, shndx, null, null);
            if (name == null) continue;
            int info = sym[4] & 0xff;
            int type = info & 0xf, bind = info >> 4;
            if (type == STT_SECTION || type == STT_FILE || shndx[0] == 0) continue;
            String s = name.getString(0);
            if (s.isEmpty()) continue;
            out.add(new Symbol(s, addr[0], b.getLong(16), type, bind));
            special.add(shndx[0] >= SymbolEntries.SHN_LORESERVE);
        }
    }

    /**
     * Module file name, nearest symbol (demangled), offset into it and source line of one address,
     * without the inline chain ({@code addr2line -f} without {@code -i}); empty parts where unknown.
     */
    public static ResolvedFrame locate(Dwfl dwfl, long address) {
        return locate(dwfl, address, true);
    }

    /** As {@link #locate(Dwfl, long)}; without {@code withSymbol} only the source line (the caller has its own table). */
    public static ResolvedFrame locate(Dwfl dwfl, long address, boolean withSymbol) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        if (mod == null) return new ResolvedFrame(Optional.empty(), Optional.empty(), 0, Optional.empty(), java.util.OptionalInt.empty(), false);
        Optional<String> module = Optional.empty();
        Pointer fn = null;
        long[] off = new long[1];
        if (withSymbol) {
            Pointer n = LibDw.dwfl_module_info(mod, null, null, null, null, null, null, null);
            String name = n == null ? "?" : n.getString(0);
            int slash = name.lastIndexOf('/');
            module = Optional.of(slash >= 0 ? name.substring(slash + 1) : name);
            fn = LibDw.dwfl_module_addrinfo(mod, address, off, new byte[24], null, null, null);
        }
        Optional<String> file = Optional.empty();
        java.util.OptionalInt line = java.util.OptionalInt.empty();
        Pointer l = LibDw.dwfl_module_getsrc(mod, address);
        if (l != null) {
            int[] ln = new int[1];
            Pointer f = LibDw.dwfl_lineinfo(l, null, ln, null, null, null);
            if (f != null) {
                file = Optional.of(f.getString(0));
                if (ln[0] > 0) line = java.util.OptionalInt.of(ln[0]);
            }
        }
        return new ResolvedFrame(module, fn == null ? Optional.empty() : Optional.of(Demangler.demangle(fn.getString(0))),
                fn == null ? 0 : off[0], file, line, false);
    }

    /** A source position: the file as the line table names it, and the line (absent when 0). */
    public record SourceLine(String file, java.util.OptionalInt line) {}

    /**
     * Address → source line in one module, for many addresses ({@code dwfl_module_getsrc},
     * {@code dwfl_lineinfo}): the module is found once, and file names are decoded once per file
     * (libdw's file table strings live as long as the module's DWARF, so their address names them).
     * Valid for the life of the {@link Dwfl} session it was made from; same thread as the Dwfl.
     */
    public static final class LineLookup {
        private final Pointer mod;
        private final int[] line = new int[1];
        private final java.util.HashMap<Long, String> files = new java.util.HashMap<>();

        public LineLookup(Dwfl dwfl, long address) {
            mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        }

        /** The line-table row covering {@code address} (absolute), or empty. */
        public Optional<SourceLine> at(long address) {
            if (mod == null) return Optional.empty();
            Pointer l = LibDw.dwfl_module_getsrc(mod, address);
            if (l == null) return Optional.empty();
            line[0] = 0;
            Pointer f = LibDw.dwfl_lineinfo(l, null, line, null, null, null);
            if (f == null) return Optional.empty();
            long key = Pointer.nativeValue(f);
            String file = files.get(key);
            if (file == null) files.put(key, file = f.getString(0));
            return Optional.of(new SourceLine(file, line[0] > 0 ? java.util.OptionalInt.of(line[0]) : java.util.OptionalInt.empty()));
        }
    }

    static LibDw.FindDebuginfo findDebuginfo(DebugInfoSearch search) {
        return (mod, userdata, modname, base, fileName, debuglink, crc, out) -> {
            Optional<Path> found;
            try {
                found = search.find(new DebugInfoSearch.Request(
                        modname == null ? "?" : modname.getString(0), base,
                        Optional.ofNullable(fileName).map(p -> p.getString(0)),
                        Optional.ofNullable(debuglink).map(p -> p.getString(0)), crc, Dwfl.buildId(mod)));
            } catch (RuntimeException e) {
                return -1;     // never unwind through libdwfl's frames
            }
            if (found.isEmpty()) return -1;
            int fd = Posix.open(found.get().toString(), Posix.O_RDONLY | Posix.O_CLOEXEC);
            if (fd < 0) return -1;
            out.setPointer(0, Posix.strdup(found.get().toString()));
            return fd;
        };
    }
}
