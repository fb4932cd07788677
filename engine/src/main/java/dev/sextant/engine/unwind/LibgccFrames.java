package dev.sextant.engine.unwind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code .eh_frame} sections a target registered with libgcc's {@code __register_frame} before
 * Sextant looked (an attach to a running JIT, a core): libgcc keeps them in two static lists,
 * {@code unseen_objects} (registered, not yet searched) and {@code seen_objects} (sorted at the first
 * unwind through them), which its stripped symbol table does not name. Their addresses are read from
 * the code that uses them: {@code __register_frame_info_bases} loads the head of unseen_objects and
 * stores the new object there; {@code __deregister_frame_info_bases} walks both heads, taking the
 * address of each. Every address found is checked by walking its list. x86-64, libgcc's classic
 * registry (GCC up to 12; GCC 13 keeps a b-tree instead, which this does not read: nothing is found,
 * and registrations made while Sextant watches are still seen at their breakpoints).
 */
public final class LibgccFrames {
    /** The functions whose code names the lists. */
    public static final String REGISTER_INFO_BASES = "__register_frame_info_bases", DEREGISTER_INFO_BASES = "__deregister_frame_info_bases";
    /** {@code struct object}: pc_begin, tbase, dbase, u (single / array / sort), s (bit fields), next. */
    static final int U = 0x18, S = 0x20, NEXT = 0x28;
    private static final int SORTED = 1, FROM_ARRAY = 2;
    /** How far into each function to look, and bounds on what the lists may hold. */
    static final int CODE_BYTES = 0x140, MAX_OBJECTS = 1 << 16, MAX_ARRAY = 1 << 12;

    /** The runtime addresses of the two list heads. */
    public record Heads(long unseen, long seen) {}

    private LibgccFrames() {}

    /**
     * Finds the heads from the code of {@code __register_frame_info_bases} and
     * {@code __deregister_frame_info_bases} at their runtime addresses; empty when the code does not
     * have the expected shape (another libgcc) or the lists do not walk.
     */
    public static Optional<Heads> heads(TargetMemory code, TargetMemory data, long registerInfoBases, long deregisterInfoBases) {
        byte[] reg = code.read(registerInfoBases, CODE_BYTES);
        byte[] dereg = code.read(deregisterInfoBases, CODE_BYTES);
        if (reg.length < 16 || dereg.length < 16) return Optional.empty();
        // unseen_objects: a 64-bit load from X(%rip) followed, within a few instructions, by a store to X(%rip)
        long unseen = 0;
        List<long[]> loads = ripOperands(reg, registerInfoBases, 0x8b);
        List<long[]> stores = ripOperands(reg, registerInfoBases, 0x89);
        for (long[] l : loads) {
            for (long[] s : stores) {
                if (s[0] == l[0] && s[1] > l[1] && s[1] - l[1] < 24) { unseen = l[0]; break; }
            }
            if (unseen != 0) break;
        }
        if (unseen == 0) return Optional.empty();
        // seen_objects: near unseen_objects, both loaded and its address taken in __deregister_frame_info_bases
        Set<Long> loaded = new HashSet<>(), addressed = new HashSet<>();
        for (long[] l : ripOperands(dereg, deregisterInfoBases, 0x8b)) loaded.add(l[0]);
        for (long[] l : ripOperands(dereg, deregisterInfoBases, 0x8d)) addressed.add(l[0]);
        if (!loaded.contains(unseen)) return Optional.empty();
        for (long a : loaded) {
            if (a == unseen || !addressed.contains(a) || Math.abs(a - unseen) > 0x100) continue;
            Heads h = new Heads(unseen, a);
            if (walks(data, h.unseen()) && walks(data, h.seen())) return Optional.of(h);
        }
        return Optional.empty();
    }

    /**
     * Every registered section on both lists: each object's {@code .eh_frame} start (for an object
     * registered with a table of sections, each of them). What cannot be read is added to {@code problems}.
     */
    public static List<Long> sections(TargetMemory data, Heads heads, List<String> problems) {
        List<Long> out = new ArrayList<>();
        for (long head : new long[] {heads.unseen(), heads.seen()}) {
            OptionalLong o = data.readWord(head);
            Set<Long> visited = new HashSet<>();
            while (o.isPresent() && o.getAsLong() != 0) {
                long ob = o.getAsLong();
                if (!visited.add(ob) || visited.size() > MAX_OBJECTS) {
                    problems.add("libgcc's registered-frame list at 0x" + Long.toHexString(head) + " loops or is too long");
                    break;
                }
                OptionalLong u = data.readWord(ob + U), s = data.readWord(ob + S);
                if (u.isEmpty() || s.isEmpty()) {
                    problems.add("libgcc object at 0x" + Long.toHexString(ob) + " is not readable");
                    break;
                }
                long bits = s.getAsLong();
                long orig = u.getAsLong();
                if ((bits & SORTED) != 0) {   // u is the sorted vector; its first word is the original u
                    OptionalLong od = data.readWord(orig);
                    orig = od.orElse(0);
                }
                if ((bits & FROM_ARRAY) != 0) {   // a null-terminated array of sections
                    for (int i = 0; i < MAX_ARRAY; i++) {
                        OptionalLong p = data.readWord(orig + 8L * i);
                        if (p.isEmpty() || p.getAsLong() == 0) break;
                        out.add(p.getAsLong());
                    }
                } else if (orig != 0) {
                    out.add(orig);
                }
                o = data.readWord(ob + NEXT);
            }
        }
        return out;
    }

    /** A list that ends (a null next) within the bound, every object readable. */
    private static boolean walks(TargetMemory data, long head) {
        OptionalLong o = data.readWord(head);
        for (int n = 0; o.isPresent(); n++) {
            if (o.getAsLong() == 0) return true;
            if (n > MAX_OBJECTS) return false;
            o = data.readWord(o.getAsLong() + NEXT);
        }
        return false;
    }

    /**
     * Every {@code REX.W <opcode> modrm(mod=00, rm=101) disp32} in {@code code}: a 64-bit move to,
     * from or the address of a RIP-relative operand. Returns {target, offset in code} pairs; the
     * scan is byte by byte (no decoder), the callers' patterns rule out chance matches.
     */
    static List<long[]> ripOperands(byte[] code, long address, int opcode) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i + 7 <= code.length; i++) {
            int rex = code[i] & 0xff;
            if ((rex & 0xf8) != 0x48 || (code[i + 1] & 0xff) != opcode || (code[i + 2] & 0xc7) != 0x05) continue;
            int disp = (code[i + 3] & 0xff) | (code[i + 4] & 0xff) << 8 | (code[i + 5] & 0xff) << 16 | (code[i + 6] & 0xff) << 24;
            long next = address + i + 7;
            out.add(new long[] {next + disp, i});
        }
        return out;
    }
}
