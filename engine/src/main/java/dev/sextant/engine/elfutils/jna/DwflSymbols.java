package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
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
    public record LoadResult(int symbolCount, List<Symbol> symbols, boolean dwarf, boolean lines, Optional<String> mainFile,
                             Optional<String> debugFile, Optional<String> dwarfError) {}

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
        List<Symbol> table = syms > 0 ? symbols(dwfl, address) : List.of();
        return new LoadResult(table.size(), table, dw != null, lines,
                Optional.ofNullable(main.getValue()).map(p -> p.getString(0)),
                Optional.ofNullable(debug.getValue()).map(p -> p.getString(0)), dwErr);
    }

    /** The defined symbols (no sections, files or undefined ones) of the module containing {@code address}. */
    public static List<Symbol> symbols(Dwfl dwfl, long address) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), address);
        if (mod == null) return List.of();
        int n = LibDwMore.dwfl_module_getsymtab(mod);
        List<Symbol> out = new ArrayList<>(Math.max(0, n));
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
        }
        return out;
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
