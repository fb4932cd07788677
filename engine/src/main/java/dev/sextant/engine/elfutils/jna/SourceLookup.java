package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Name and line lookups a debugger needs to place breakpoints and step by source line, over a
 * {@link Dwfl} session: function name to address ({@code dwfl_module_getsym_info}), file:line to
 * addresses ({@code dwfl_module_getsrc_file}), address to line, and the line table of a CU
 * ({@code dwfl_getsrclines}). Absolute addresses throughout (module bias applied). Same thread as the Dwfl.
 */
public final class SourceLookup {
    private static final int STT_FUNC = 2, STT_GNU_IFUNC = 10, SHN_UNDEF = 0;

    /** One row of a line table: the address where a line's code starts. */
    public record LineRow(long address, String file, int line) {}

    /** A function symbol's range. */
    public record FunctionRange(String name, long start, long end) {}

    private final Dwfl dwfl;

    public SourceLookup(Dwfl dwfl) { this.dwfl = dwfl; }

    private List<Pointer> modules() {
        List<Pointer> mods = new ArrayList<>();
        LibDw.ModuleCallback cb = (module, userdata, name, start, arg) -> {
            mods.add(module);
            return LibDw.DWARF_CB_OK;
        };
        LibDw.dwfl_getmodules(dwfl.handle(), cb, null, 0);
        return mods;
    }

    /** Addresses of defined functions named {@code name} (exact, mangled or plain C name), main executable's first. */
    public List<Long> functionAddresses(String name) { return symbolAddresses(name, true); }

    /** Addresses of defined symbols named {@code name}: functions only, or any type (data such as {@code _r_debug}). */
    public List<Long> symbolAddresses(String name, boolean functionsOnly) {
        List<Long> out = new ArrayList<>();
        byte[] sym = new byte[24];
        long[] addr = new long[1];
        int[] shndx = new int[1];
        for (Pointer mod : modules()) {
            int n = LibDwMore.dwfl_module_getsymtab(mod);
            for (int i = 1; i < n; i++) {
                Pointer p = LibDwMore.dwfl_module_getsym_info(mod, i, sym, addr, shndx, null, null);
                if (p == null) continue;
                int type = sym[4] & 0xf;
                int secIndex = (sym[6] & 0xff) | (sym[7] & 0xff) << 8;
                if ((functionsOnly && type != STT_FUNC && type != STT_GNU_IFUNC) || secIndex == SHN_UNDEF) continue;
                String s = p.getString(0);
                if (s.equals(name) || (s.startsWith(name) && s.startsWith("@", name.length()))) {
                    if (!out.contains(addr[0])) out.add(addr[0]);
                }
            }
        }
        return out;
    }

    /** The function symbol containing {@code pc}. */
    public Optional<FunctionRange> function(long pc) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return Optional.empty();
        long[] off = new long[1];
        byte[] sym = new byte[24];
        Pointer name = LibDw.dwfl_module_addrinfo(mod, pc, off, sym, null, null, null);
        if (name == null) return Optional.empty();
        long size = java.nio.ByteBuffer.wrap(sym, 16, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        long start = pc - off[0];
        return Optional.of(new FunctionRange(name.getString(0), start, start + Math.max(size, 1)));
    }

    /** Addresses where {@code file:line} begins (the file matched by its path's end, as gdb does). */
    public List<Long> lineAddresses(String file, int line) {
        List<Long> out = new ArrayList<>();
        for (Pointer mod : modules()) {
            PointerByReference srcs = new PointerByReference();
            long[] n = new long[1];
            if (LibDwMore.dwfl_module_getsrc_file(mod, file, line, 0, srcs, n) != 0 || srcs.getValue() == null) continue;
            Pointer arr = srcs.getValue();
            try {
                for (int i = 0; i < n[0]; i++) {
                    Pointer l = arr.getPointer((long) i * com.sun.jna.Native.POINTER_SIZE);
                    long[] a = new long[1];
                    int[] ln = new int[1];
                    if (LibDw.dwfl_lineinfo(l, a, ln, null, null, null) != null && ln[0] == line && !out.contains(a[0])) out.add(a[0]);
                }
            } finally {
                Posix.free(arr);
            }
        }
        out.sort(Long::compareUnsigned);
        return out;
    }

    /** The line-table row covering {@code pc} (the closest row at or below it). */
    public Optional<LineRow> lineAt(long pc) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return Optional.empty();
        Pointer l = LibDw.dwfl_module_getsrc(mod, pc);
        if (l == null) return Optional.empty();
        long[] a = new long[1];
        int[] ln = new int[1];
        Pointer f = LibDw.dwfl_lineinfo(l, a, ln, null, null, null);
        if (f == null || ln[0] <= 0) return Optional.empty();
        return Optional.of(new LineRow(a[0], f.getString(0), ln[0]));
    }

    /** Every row of the line table of the CU containing {@code pc}, in table order (end-sequence rows included, line 0 skipped). */
    public List<LineRow> cuLines(long pc) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return List.of();
        long[] bias = new long[1];
        Pointer cudie = LibDw.dwfl_module_addrdie(mod, pc, bias);
        if (cudie == null) return List.of();
        long[] n = new long[1];
        if (LibDwMore.dwfl_getsrclines(cudie, n) != 0) return List.of();
        List<LineRow> out = new ArrayList<>((int) Math.min(n[0], 1 << 20));
        long[] a = new long[1];
        int[] ln = new int[1];
        for (long i = 0; i < n[0]; i++) {
            Pointer l = LibDwMore.dwfl_onesrcline(cudie, i);
            if (l == null) continue;
            Pointer f = LibDw.dwfl_lineinfo(l, a, ln, null, null, null);
            if (f != null && ln[0] > 0) out.add(new LineRow(a[0], f.getString(0), ln[0]));
        }
        return out;
    }

    /**
     * The line rows of every compile unit of the module holding {@code pc}, one list per unit in table
     * order ({@code dwfl_module_nextcu}, {@code dwfl_getsrclines}); addresses are absolute.
     */
    public void forEachUnit(long pc, java.util.function.Consumer<List<LineRow>> unit) {
        Pointer mod = LibDw.dwfl_addrmodule(dwfl.handle(), pc);
        if (mod == null) return;
        long[] bias = new long[1], n = new long[1], a = new long[1];
        int[] ln = new int[1];
        byte[] flag = new byte[1];
        for (Pointer cu = LibDwMore.dwfl_module_nextcu(mod, null, bias); cu != null; cu = LibDwMore.dwfl_module_nextcu(mod, cu, bias)) {
            if (LibDwMore.dwfl_getsrclines(cu, n) != 0) continue;
            List<LineRow> rows = new ArrayList<>((int) Math.min(n[0], 1 << 20));
            for (long i = 0; i < n[0]; i++) {
                Pointer l = LibDwMore.dwfl_onesrcline(cu, i);
                if (l == null) continue;
                Pointer f = LibDw.dwfl_lineinfo(l, a, ln, null, null, null);
                // The end of a sequence is no line: the address after the sequence's last instruction.
                Pointer dl = LibDwMore.dwfl_dwarf_line(l, bias);
                boolean end = dl != null && LibDwMore.dwarf_lineendsequence(dl, flag) == 0 && flag[0] != 0;
                rows.add(new LineRow(a[0], f == null || end ? "" : f.getString(0), f == null || end ? 0 : ln[0]));
            }
            unit.accept(rows);
        }
    }

    /**
     * Where a breakpoint on a function goes, as gdb places it: the address where the function's
     * second line begins (after the prologue), else the entry itself.
     */
    public long afterPrologue(long entry) {
        Optional<FunctionRange> fn = function(entry);
        Optional<LineRow> first = lineAt(entry);
        if (fn.isEmpty() || first.isEmpty()) return entry;
        OptionalLong best = OptionalLong.empty();
        for (LineRow r : cuLines(entry)) {
            if (Long.compareUnsigned(r.address(), entry) > 0 && Long.compareUnsigned(r.address(), fn.get().end()) < 0
                    && r.line() != first.get().line()) {
                if (best.isEmpty() || Long.compareUnsigned(r.address(), best.getAsLong()) < 0) best = OptionalLong.of(r.address());
            }
        }
        return best.orElse(entry);
    }
}
