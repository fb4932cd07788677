package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import dev.sextant.engine.elfutils.dwarf.DwarfDie;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Declared;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.FrameScopes;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Op;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Ref;
import dev.sextant.engine.elfutils.dwarf.DwarfDie.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Variables in scope at a pc, their locations and types, read through libdw from one {@link Dwfl}
 * session (the translating class over {@code LibDwState}'s raw bindings; {@code elfutils.DwarfVariables}
 * is its concept): {@code dwarf_getscopes} (then {@code dwarf_getscopes_die} for the concrete chain of
 * inlined calls, as eu-stack does), {@code dwarf_getlocation_addr}, {@code dwarf_frame_cfa}. Results
 * are copied out as {@link DwarfDie} records. Used on the thread that owns the session; lives no
 * longer than it.
 */
public final class DwarfScopes {
    static final int TAG_LEXICAL_BLOCK = 0x0b, TAG_FORMAL_PARAMETER = 0x05, TAG_VARIABLE = 0x34, TAG_SUBPROGRAM = 0x2e,
            TAG_INLINED = 0x1d, TAG_NAMESPACE = 0x39;
    static final int AT_LOCATION = 0x02, AT_NAME = 0x03, AT_CONST_VALUE = 0x1c, AT_DECLARATION = 0x3c, AT_FRAME_BASE = 0x40,
            AT_TYPE = 0x49;

    private final Pointer dwfl;
    private final Map<Long, Mod> modules = new HashMap<>();
    final Memory attr = new Memory(LibDw.SIZEOF_DWARF_ATTRIBUTE);
    private final Memory exprs = new Memory(8), lens = new Memory(8);
    private final DwarfTypes types = new DwarfTypes(this);
    private final Map<Long, DwarfIndex> indexes = new HashMap<>();

    record Mod(Pointer mod, Pointer dbg, long bias, long start) {}

    public DwarfScopes(Dwfl session) {
        this.dwfl = session.dwfl;
    }

    Optional<Mod> moduleAt(long address) {
        Pointer mod = LibDwState.dwfl_addrmodule(dwfl, address);
        if (mod == null) return Optional.empty();
        long[] start = new long[1];
        LibDwState.dwfl_module_info(mod, null, start, null, null, null, null, null);
        return module(start[0], mod);
    }

    Optional<Mod> module(long start, Pointer known) {
        Mod m = modules.get(start);
        if (m != null) return Optional.of(m);
        Pointer mod = known != null ? known : LibDwState.dwfl_addrmodule(dwfl, start);
        if (mod == null) return Optional.empty();
        long[] bias = new long[1];
        Pointer dbg = LibDwState.dwfl_module_getdwarf(mod, bias);
        if (dbg == null) return Optional.empty();
        m = new Mod(mod, dbg, bias[0], start);
        modules.put(start, m);
        return Optional.of(m);
    }

    /** A DIE of a module into fresh memory, or null. */
    Memory die(Ref ref) {
        Optional<Mod> m = module(ref.module(), null);
        if (m.isEmpty()) return null;
        Memory d = new Memory(LibDw.SIZEOF_DWARF_DIE);
        return LibDwState.dwarf_offdie(m.get().dbg(), ref.offset(), d) == null ? null : d;
    }

    /** The types of this session's modules. */
    public DwarfTypes types() { return types; }

    /**
     * The frames at {@code pc} (a return address already moved back into its call): the inlined
     * calls innermost first, then the physical function. Empty where no DWARF covers the pc.
     */
    public List<FrameScopes> frames(long pc) {
        Optional<Mod> m = moduleAt(pc);
        if (m.isEmpty()) return List.of();
        long[] bias = new long[1];
        Pointer cudie = LibDwState.dwfl_module_addrdie(m.get().mod(), pc, bias);
        if (cudie == null) return List.of();
        long rel = pc - bias[0];
        boolean cplus = isCplus(LibDwState.dwarf_srclang(cudie));
        PointerByReference ref = new PointerByReference();
        int n = LibDwState.dwarf_getscopes(cudie, rel, ref);
        if (n <= 0 || ref.getValue() == null) return List.of();
        Pointer scopes = ref.getValue();
        Pointer chain = null;
        try {
            List<Pointer> dies = new ArrayList<>();
            int f = -1;
            for (int i = 0; i < n && f < 0; i++) {
                Pointer d = scopes.share((long) i * LibDw.SIZEOF_DWARF_DIE);
                dies.add(d);
                int tag = LibDwState.dwarf_tag(d);
                if (tag == TAG_SUBPROGRAM || tag == TAG_INLINED) f = i;
            }
            if (f < 0) return List.of();
            if (LibDwState.dwarf_tag(dies.get(f)) == TAG_INLINED) {
                PointerByReference cref = new PointerByReference();
                int k = LibDwState.dwarf_getscopes_die(dies.get(f), cref);
                if (k > 1 && cref.getValue() != null) {
                    chain = cref.getValue();
                    for (int i = 1; i < k; i++) dies.add(chain.share((long) i * LibDw.SIZEOF_DWARF_DIE));
                }
            }
            return group(dies, m.get().start(), bias[0], rel, cplus);
        } finally {
            Posix.free(scopes);
            if (chain != null) Posix.free(chain);
        }
    }

    private List<FrameScopes> group(List<Pointer> dies, long module, long bias, long rel, boolean cplus) {
        List<FrameScopes> frames = new ArrayList<>();
        List<Scope> current = new ArrayList<>();
        for (Pointer d : dies) {
            int tag = LibDwState.dwarf_tag(d);
            if (tag != TAG_LEXICAL_BLOCK && tag != TAG_SUBPROGRAM && tag != TAG_INLINED) continue;
            current.add(new Scope(tag, name(d), declarations(d, rel, module)));
            if (tag == TAG_SUBPROGRAM || tag == TAG_INLINED) {
                frames.add(new FrameScopes(module, bias, List.copyOf(current), Optional.empty(), cplus));
                current.clear();
                if (tag == TAG_SUBPROGRAM) {
                    Optional<List<Op>> base = location(d, AT_FRAME_BASE, rel);
                    // every frame of this physical function uses its frame base, inlined ones included
                    for (int i = 0; i < frames.size(); i++) {
                        FrameScopes fs = frames.get(i);
                        frames.set(i, new FrameScopes(fs.module(), fs.bias(), fs.scopes(), base, cplus));
                    }
                    break;
                }
            }
        }
        return frames;
    }

    static boolean isCplus(int lang) {
        return lang == 0x04 || lang == 0x19 || lang == 0x1a || lang == 0x21;
    }

    static Optional<String> name(Pointer die) {
        Pointer n = LibDwState.dwarf_diename(die);
        return n == null ? Optional.empty() : Optional.of(n.getString(0));
    }

    /** The variables and parameters declared directly in a scope, in order. */
    List<Declared> declarations(Pointer scope, long rel, long module) {
        List<Declared> out = new ArrayList<>();
        Memory child = new Memory(LibDw.SIZEOF_DWARF_DIE);
        if (LibDwState.dwarf_child(scope, child) != 0) return out;
        do {
            int tag = LibDwState.dwarf_tag(child);
            if (tag != TAG_VARIABLE && tag != TAG_FORMAL_PARAMETER) continue;
            Optional<String> name = name(child);
            if (name.isEmpty() || LibDwState.dwarf_hasattr(child, AT_DECLARATION) != 0) continue;
            out.add(new Declared(name.get(), tag == TAG_FORMAL_PARAMETER, typeOf(child, module), variableLocation(child, rel)));
        } while (LibDwState.dwarf_siblingof(child, child) == 0);
        return out;
    }

    boolean flag(Pointer die, int at) {
        if (LibDwState.dwarf_attr_integrate(die, at, attr) == null) return false;
        byte[] v = new byte[1];
        return LibDwState.dwarf_formflag(attr, v) == 0 && v[0] != 0;
    }

    Optional<Ref> typeOf(Pointer die, long module) {
        if (LibDwState.dwarf_attr_integrate(die, AT_TYPE, attr) == null) return Optional.empty();
        Memory t = new Memory(LibDw.SIZEOF_DWARF_DIE);
        if (LibDwState.dwarf_formref_die(attr, t) == null) return Optional.empty();
        return Optional.of(new Ref(module, LibDwState.dwarf_dieoffset(t)));
    }

    DwarfDie.Location variableLocation(Pointer die, long rel) {
        Optional<List<Op>> ops = location(die, AT_LOCATION, rel);
        if (ops.isPresent()) return new DwarfDie.Expr(ops.get());
        if (LibDwState.dwarf_attr_integrate(die, AT_CONST_VALUE, attr) != null) {
            int form = LibDwState.dwarf_whatform(attr);
            if (form == 0x0a || form == 0x03 || form == 0x04 || form == 0x09 || form == 0x18 || form == 0x1e) {
                Memory block = new Memory(LibDwState.SIZEOF_DWARF_BLOCK);
                if (LibDwState.dwarf_formblock(attr, block) == 0) {
                    long len = block.getLong(0);
                    Pointer data = block.getPointer(8);
                    if (len >= 0 && len < (1 << 20) && data != null) return new DwarfDie.Constant(Optional.of(data.getByteArray(0, (int) len)), 0);
                }
            }
            long[] v = new long[1];
            if (LibDwState.dwarf_formsdata(attr, v) == 0 || LibDwState.dwarf_formudata(attr, v) == 0) {
                return new DwarfDie.Constant(Optional.empty(), v[0]);
            }
        }
        return new DwarfDie.Absent();
    }

    /** The expression of a location attribute at {@code rel} (module-relative pc), or empty when none covers it. */
    Optional<List<Op>> location(Pointer die, int at, long rel) {
        if (LibDwState.dwarf_attr_integrate(die, at, attr) == null) return Optional.empty();
        int n = LibDwState.dwarf_getlocation_addr(attr, rel, exprs, lens, 1);
        if (n <= 0) return Optional.empty();
        return Optional.of(ops(exprs.getPointer(0), lens.getLong(0)));
    }

    static List<Op> ops(Pointer p, long count) {
        List<Op> out = new ArrayList<>((int) Math.min(count, 256));
        for (long i = 0; i < count && i < 4096; i++) {
            long o = i * LibDwState.SIZEOF_DWARF_OP;
            int atom = p.getByte(o) & 0xff;
            long number = p.getLong(o + 8), number2 = p.getLong(o + 16);
            byte[] block = null;
            if ((atom == 0x9e || atom == 0xa3 || atom == 0xf3) && number2 != 0 && number >= 0 && number < (1 << 16)) {
                block = new Pointer(number2).getByteArray(0, (int) number);
            }
            out.add(new Op(atom, number, number2, block));
        }
        return List.copyOf(out);
    }

    /**
     * The CFA rule at {@code pc} as operations ({@code DW_OP_bregN off}, or the CFA expression), from
     * .debug_frame, else .eh_frame; empty where no FDE covers the pc.
     */
    public Optional<List<Op>> cfa(long pc) {
        Optional<Mod> m = moduleAt(pc);
        if (m.isEmpty()) return Optional.empty();
        for (int k = 0; k < 2; k++) {
            long[] bias = new long[1];
            Pointer cfi = k == 0 ? LibDwState.dwfl_module_dwarf_cfi(m.get().mod(), bias) : LibDwState.dwfl_module_eh_cfi(m.get().mod(), bias);
            if (cfi == null) continue;
            PointerByReference frame = new PointerByReference();
            if (LibDwState.dwarf_cfi_addrframe(cfi, pc - bias[0], frame) != 0 || frame.getValue() == null) continue;
            try {
                PointerByReference ops = new PointerByReference();
                long[] nops = new long[1];
                if (LibDwState.dwarf_frame_cfa(frame.getValue(), ops, nops) == 0 && ops.getValue() != null) {
                    return Optional.of(ops(ops.getValue(), nops[0]));
                }
            } finally {
                Posix.free(frame.getValue());
            }
        }
        return Optional.empty();
    }

    /** A global variable of the module that holds {@code pc}, as a one-variable frame (for its bias). */
    public Optional<FrameScopes> global(long pc, String name) {
        Optional<Mod> m = moduleAt(pc);
        if (m.isEmpty()) return Optional.empty();
        return index(m.get()).variable(name).map(d -> new FrameScopes(m.get().start(), m.get().bias(),
                List.of(new Scope(0x11, Optional.empty(), List.of(d))), Optional.empty(), false));
    }

    /** A type by the name a cast gives ({@code int}, {@code struct point}, a typedef) in the module that holds {@code pc}. */
    public Optional<Ref> namedType(long pc, String name) {
        return moduleAt(pc).flatMap(m -> index(m).type(name));
    }

    private DwarfIndex index(Mod m) {
        return indexes.computeIfAbsent(m.start(), k -> DwarfIndex.build(this, m));
    }

    /** The ELF symbol that covers {@code address} (its name as the table spells it) and the offset in it. */
    public Optional<DwarfDie.Symbol> symbolAt(long address) {
        Pointer mod = LibDwState.dwfl_addrmodule(dwfl, address);
        if (mod == null) return Optional.empty();
        long[] off = new long[1];
        byte[] sym = new byte[24];
        Pointer name = LibDwState.dwfl_module_addrinfo(mod, address, off, sym, null, null, null);
        if (name == null) return Optional.empty();
        String n = name.getString(0);
        return n.isEmpty() ? Optional.empty() : Optional.of(new DwarfDie.Symbol(n, off[0]));
    }
}
