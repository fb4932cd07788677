package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One {@code Dwfl_Module*} of a {@link Dwfl}, translated: its files, symbols, lines, CFI and inlined
 * calls, as libdwfl and libdw give them (names as in the file, not demangled; no caches but the
 * decoded file names of {@link #lineAt}). Valid while its session is open; same thread as the session.
 */
public final class DwflModule {
    private final Pointer mod;
    private final Map<Long, String> fileNames = new HashMap<>();
    private final int[] line = new int[1];
    private final long[] lineAddress = new long[1];

    DwflModule(Pointer mod) { this.mod = mod; }

    /** The module's files as libdwfl knows them now: name (path in the target), range, main and debug file. */
    public record Info(String name, long start, long end, Optional<String> mainFile, Optional<String> debugFile) {}

    /** A symbol covering an address: its name as in the file, the offset into it and its size. */
    public record SymbolAt(String name, long offset, long size) {}

    /** A line-table row: its address, file as the table names it, line (0 when none). */
    public record LineInfo(long address, String file, int line) {}

    /** One symbol-table entry: name as in the file, address (biased as libdwfl biases it), size, st_info, section index. */
    public record Symbol(String name, long address, long size, int info, int sectionIndex) {}

    /** DWARF loaded ({@code dwfl_module_getdwarf}), a line table found in its first units, libdwfl's message when not loaded. */
    public record DwarfStatus(boolean dwarf, boolean lines, Optional<String> error) {}

    /** An inlined-subroutine DIE: the inlined function's name as in the DWARF and where it was called from. */
    public record InlineCall(Optional<String> name, Optional<String> callFile, OptionalInt callLine) {}

    /** An inlined call and one address range it covers (module bias applied), with its depth in the unit's DIE tree. */
    public record InlineRange(long low, long high, int depth, InlineCall call) {}

    /** Identifies the module within its session (for caches). */
    public long key() { return Pointer.nativeValue(mod); }

    @Override public boolean equals(Object o) { return o instanceof DwflModule m && m.mod.equals(mod); }
    @Override public int hashCode() { return mod.hashCode(); }

    public Info info() {
        long[] start = new long[1], end = new long[1];
        PointerByReference main = new PointerByReference(), debug = new PointerByReference();
        Pointer name = LibDw.dwfl_module_info(mod, null, start, end, null, null, main, debug);
        return new Info(name == null ? "?" : name.getString(0), start[0], end[0],
                Optional.ofNullable(main.getValue()).map(p -> p.getString(0)),
                Optional.ofNullable(debug.getValue()).map(p -> p.getString(0)));
    }

    /** The module's name as reported ("?" when libdwfl has none). */
    public String name() {
        Pointer name = LibDw.dwfl_module_info(mod, null, null, null, null, null, null, null);
        return name == null ? "?" : name.getString(0);
    }

    /** The module's GNU build-id in hex ({@code dwfl_module_build_id}). */
    public Optional<String> buildId() { return buildId(mod); }

    static Optional<String> buildId(Pointer mod) {
        PointerByReference bits = new PointerByReference();
        long[] vaddr = new long[1];
        int len = LibDw.dwfl_module_build_id(mod, bits, vaddr);
        if (len <= 0 || bits.getValue() == null) return Optional.empty();
        return Optional.of(HexFormat.of().formatHex(bits.getValue().getByteArray(0, len)));
    }

    /** Finds the main ELF file now ({@code dwfl_module_getelf}): its bias, or empty when there is none. */
    public OptionalLong elfBias() {
        long[] bias = new long[1];
        return LibDw.dwfl_module_getelf(mod, bias) == null ? OptionalLong.empty() : OptionalLong.of(bias[0]);
    }

    /** {@code dwfl_module_addrinfo}: the symbol covering {@code address}. */
    public Optional<SymbolAt> symbolAt(long address) {
        long[] off = new long[1];
        byte[] sym = new byte[24];
        Pointer name = LibDw.dwfl_module_addrinfo(mod, address, off, sym, null, null, null);
        if (name == null) return Optional.empty();
        return Optional.of(new SymbolAt(name.getString(0), off[0], ByteBuffer.wrap(sym, 16, 8).order(ByteOrder.nativeOrder()).getLong()));
    }

    /** {@code dwfl_module_getsrc} and {@code dwfl_lineinfo}: the line-table row covering {@code address}. */
    public Optional<LineInfo> lineAt(long address) {
        Pointer l = LibDw.dwfl_module_getsrc(mod, address);
        return l == null ? Optional.empty() : lineInfo(l);
    }

    private Optional<LineInfo> lineInfo(Pointer l) {
        line[0] = 0;
        Pointer f = LibDw.dwfl_lineinfo(l, lineAddress, line, null, null, null);
        if (f == null) return Optional.empty();
        // libdw's file table strings live as long as the module's DWARF: their address names them
        String file = fileNames.computeIfAbsent(Pointer.nativeValue(f), k -> f.getString(0));
        return Optional.of(new LineInfo(lineAddress[0], file, line[0]));
    }

    /** Every row of the line table of the unit containing {@code address}, in table order. */
    public List<LineInfo> unitLines(long address) {
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, address, bias);
        if (cudie == null) return List.of();
        long[] n = new long[1];
        if (LibDwMore.dwfl_getsrclines(cudie, n) != 0) return List.of();
        List<LineInfo> out = new ArrayList<>((int) Math.min(n[0], 1 << 20));
        for (long i = 0; i < n[0]; i++) {
            Pointer l = LibDwMore.dwfl_onesrcline(cudie, i);
            if (l != null) lineInfo(l).ifPresent(out::add);
        }
        return out;
    }

    /**
     * The line rows of every unit of the module, one list per unit in table order
     * ({@code dwfl_module_nextcu}, {@code dwfl_getsrclines}). The end of a sequence is no line (the
     * address after the sequence's last instruction): its row has file "" and line 0.
     */
    public void forEachUnitLines(Consumer<List<LineInfo>> unit) {
        long[] bias = new long[1], n = new long[1], a = new long[1], dwBias = new long[1];
        int[] ln = new int[1];
        byte[] flag = new byte[1];
        for (Pointer cu = LibDwMore.dwfl_module_nextcu(mod, null, bias); cu != null; cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias)) {
            if (LibDwMore.dwfl_getsrclines(cu, n) != 0) continue;
            List<LineInfo> rows = new ArrayList<>((int) Math.min(n[0], 1 << 20));
            for (long i = 0; i < n[0]; i++) {
                Pointer l = LibDwMore.dwfl_onesrcline(cu, i);
                if (l == null) continue;
                ln[0] = 0;
                Pointer f = LibDw.dwfl_lineinfo(l, a, ln, null, null, null);
                Pointer dl = LibDwMore.dwfl_dwarf_line(l, dwBias);
                boolean end = dl != null && LibDwMore.dwarf_lineendsequence(dl, flag) == 0 && flag[0] != 0;
                String file = f == null || end ? "" : fileNames.computeIfAbsent(Pointer.nativeValue(f), k -> f.getString(0));
                rows.add(new LineInfo(a[0], file, f == null || end ? 0 : ln[0]));
            }
            unit.accept(rows);
        }
    }

    /** {@code dwfl_module_getsrc_file}: the rows for {@code file:line} (file matched by its path's end). */
    public List<LineInfo> lineRows(String file, int lineNo) {
        PointerByReference srcs = new PointerByReference();
        long[] n = new long[1];
        if (LibDwMore.dwfl_module_getsrc_file(mod, file, lineNo, 0, srcs, n) != 0 || srcs.getValue() == null) return List.of();
        Pointer arr = srcs.getValue();
        List<LineInfo> out = new ArrayList<>();
        try {
            for (int i = 0; i < n[0]; i++) lineInfo(arr.getPointer((long) i * Native.POINTER_SIZE)).ifPresent(out::add);
        } finally {
            Posix.free(arr);
        }
        return out;
    }

    /**
     * Whether an FDE ({@code .eh_frame}, else {@code .debug_frame}) covers {@code address}: what
     * libdwfl's unwinder looks for before it falls back to the frame pointer.
     */
    public boolean hasFde(long address) {
        long[] bias = new long[1];
        for (int k = 0; k < 2; k++) {
            Pointer cfi = k == 0 ? LibDw.dwfl_module_eh_cfi(mod, bias) : LibDw.dwfl_module_dwarf_cfi(mod, bias);
            if (cfi == null) continue;
            PointerByReference frame = new PointerByReference();
            if (LibDw.dwarf_cfi_addrframe(cfi, address - bias[0], frame) == 0) {
                Native.free(Pointer.nativeValue(frame.getValue()));
                return true;
            }
        }
        return false;
    }

    /** {@code dwfl_module_getsymtab}: the number of entries (entry 0 included), or -1. */
    public int symbolCount() { return LibDwMore.dwfl_module_getsymtab(mod); }

    /** Entry {@code i} of the symbol table ({@code dwfl_module_getsym_info}), or empty when it has no name. */
    public Optional<Symbol> symbol(int i) {
        byte[] sym = new byte[24];
        long[] addr = new long[1];
        int[] shndx = new int[1];
        Pointer name = LibDwMore.dwfl_module_getsym_info(mod, i, sym, addr, shndx, null, null);
        if (name == null) return Optional.empty();
        long size = ByteBuffer.wrap(sym).order(ByteOrder.nativeOrder()).getLong(16);
        return Optional.of(new Symbol(name.getString(0), addr[0], size, sym[4] & 0xff, shndx[0]));
    }

    /**
     * Whether the symbol table libdwfl uses is the main file's (else the debug file's), and the bias
     * of its addresses; empty when entry 1 cannot be read.
     */
    public Optional<Map.Entry<Boolean, Long>> symbolFile() {
        byte[] sym = new byte[24];
        long[] addr = new long[1], bias = new long[1], mainBias = new long[1];
        int[] shndx = new int[1];
        Memory elf = new Memory(Native.POINTER_SIZE);
        elf.setPointer(0, null);
        if (LibDwMore.dwfl_module_getsym_info(mod, 1, sym, addr, shndx, elf, bias) == null) return Optional.empty();
        Pointer mainElf = LibDw.dwfl_module_getelf(mod, mainBias);
        Pointer symElf = elf.getPointer(0);
        return Optional.of(Map.entry(symElf != null && symElf.equals(mainElf), bias[0]));
    }

    /** Loads the module's DWARF ({@code dwfl_module_getdwarf}) and looks for a line table in its first 64 units. */
    public DwarfStatus dwarf() {
        long[] bias = new long[1];
        Pointer dw = LibDwMore.dwfl_module_getdwarf(mod, bias);
        if (dw == null) return new DwarfStatus(false, false, Optional.ofNullable(LibDw.dwfl_errmsg(LibDw.dwfl_errno())));
        boolean lines = false;
        Pointer cu = null;
        long[] n = new long[1];
        for (int i = 0; i < 64 && !lines; i++) {
            cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias);
            if (cu == null) break;
            lines = LibDwMore.dwfl_getsrclines(cu, n) == 0 && n[0] > 0;
        }
        return new DwarfStatus(true, lines, Optional.empty());
    }

    /**
     * The inlined calls at {@code address}, innermost first. As eu-stack does: {@code dwarf_getscopes}
     * finds the innermost function-like DIE at the address, then {@code dwarf_getscopes_die} walks its
     * concrete parents (getscopes alone jumps into the abstract origin and loses the chain).
     */
    public List<InlineCall> inlineChain(long address) {
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, address, bias);
        if (cudie == null) return List.of();
        PointerByReference scopesRef = new PointerByReference();
        int n = LibDw.dwarf_getscopes(cudie, address - bias[0], scopesRef);
        if (n <= 0 || scopesRef.getValue() == null) return List.of();
        Pointer scopes = scopesRef.getValue();
        Pointer chain = null;
        try {
            Pointer innermost = null;
            for (int i = 0; i < n && innermost == null; i++) {
                Pointer die = scopes.share((long) i * LibDw.SIZEOF_DWARF_DIE);
                int tag = LibDw.dwarf_tag(die);
                if (tag == LibDw.DW_TAG_subprogram) return List.of();
                if (tag == LibDw.DW_TAG_inlined_subroutine) innermost = die;
            }
            if (innermost == null) return List.of();
            PointerByReference chainRef = new PointerByReference();
            int m = LibDw.dwarf_getscopes_die(innermost, chainRef);
            if (m <= 0 || chainRef.getValue() == null) return List.of();
            chain = chainRef.getValue();
            List<InlineCall> out = new ArrayList<>();
            InlineDies dies = new InlineDies(cudie);
            for (int i = 0; i < m; i++) {
                Pointer die = chain.share((long) i * LibDw.SIZEOF_DWARF_DIE);
                int tag = LibDw.dwarf_tag(die);
                if (tag == LibDw.DW_TAG_subprogram) break;
                if (tag == LibDw.DW_TAG_inlined_subroutine) out.add(dies.describe(die));
            }
            return out;
        } finally {
            Posix.free(scopes);
            if (chain != null) Posix.free(chain);
        }
    }

    /** The DIE offset of the unit containing {@code address} (with {@link #key()}, names the unit). */
    public OptionalLong unitOffset(long address) {
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, address, bias);
        return cudie == null ? OptionalLong.empty() : OptionalLong.of(LibDwMore.dwarf_dieoffset(cudie));
    }

    /** Every inlined call of the unit containing {@code address}, with its ranges: one walk of the unit's DIE tree. */
    public List<InlineRange> unitInlines(long address) {
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, address, bias);
        if (cudie == null) return List.of();
        return new InlineDies(cudie).walk(bias[0]);
    }

    /** Every inlined call of every unit of the module, with its ranges, unit by unit (one walk of each unit's DIE tree). */
    public void forEachUnitInlines(Consumer<List<InlineRange>> unit) {
        long[] bias = new long[1];
        for (Pointer cu = LibDwMore.dwfl_module_nextcu(mod, null, bias); cu != null; cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias)) {
            unit.accept(new InlineDies(cu).walk(bias[0]));
        }
    }
}
