package dev.sextant.engine.code;

import dev.sextant.engine.code.jna.Capstone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where Capstone 4 and {@code objdump -d -M intel} write the same bytes differently, the listing
 * follows objdump (what users compare against): instructions Capstone 4.0 predates
 * ({@code rdpkru}), {@code fwait} merged into the x87 control instruction after it ({@code fstcw}),
 * string instructions without the size suffix ({@code rep stos QWORD PTR [rdi],rax}), {@code fwait},
 * {@code 66 90} as {@code xchg ax,ax}, {@code f3 c3} as {@code repz ret}, {@code repz cmps} and
 * {@code repnz scas} (Capstone: {@code repe}, {@code repne}), i386's {@code pusha}/{@code popa}
 * (Capstone: {@code pushal}/{@code popal}). A byte that starts no instruction is {@code (bad)}.
 */
final class ObjdumpSpelling {
    private ObjdumpSpelling() {}

    static final String BAD = "(bad)";

    /** Three-byte encodings newer than Capstone 4.0.2: {@code 0f 01 xx}. */
    private static final Map<Integer, String> MISSING_0F01 = Map.of(0xee, "rdpkru", 0xef, "wrpkru", 0xe8, "serialize",
            0xd0, "xgetbv", 0xd1, "xsetbv", 0xd5, "xend", 0xd6, "xtest", 0xca, "clac", 0xcb, "stac");

    /** What objdump shows at a byte Capstone would not decode: a newer instruction, else a one-byte {@code (bad)}. */
    static Capstone.Decoded unknownToCapstone(byte[] code, int offset, int length, long at) {
        if (offset + 3 <= length && (code[offset] & 0xff) == 0x0f && (code[offset + 1] & 0xff) == 0x01) {
            String m = MISSING_0F01.get(code[offset + 2] & 0xff);
            if (m != null) return new Capstone.Decoded(at, 3, m, "");
        }
        return new Capstone.Decoded(at, 1, BAD, "");
    }

    private static final Set<String> NO_WAIT = Set.of("fnstcw", "fnstsw", "fnstenv", "fnsave", "fnclex", "fninit");
    private static final Set<String> STRING_OPS = Set.of("movs", "stos", "lods", "scas", "cmps", "ins", "outs");

    static List<Capstone.Decoded> respell(List<Capstone.Decoded> in, byte[] code, long address) {
        List<Capstone.Decoded> out = new ArrayList<>(in.size());
        for (int i = 0; i < in.size(); i++) {
            Capstone.Decoded d = in.get(i);
            if (d.mnemonic().equals("wait") && i + 1 < in.size() && NO_WAIT.contains(in.get(i + 1).mnemonic())
                    && in.get(i + 1).address() == d.address() + 1) {
                Capstone.Decoded n = in.get(++i);      // 9b d9 7d fe: objdump's one fstcw
                out.add(new Capstone.Decoded(d.address(), 1 + n.size(), "f" + n.mnemonic().substring(2), n.operands()));
            } else if (d.mnemonic().equals("wait")) {
                out.add(new Capstone.Decoded(d.address(), d.size(), "fwait", d.operands()));
            } else if (d.size() == 2 && d.mnemonic().equals("nop") && (code[(int) (d.address() - address)] & 0xff) == 0x66
                    && (code[(int) (d.address() - address) + 1] & 0xff) == 0x90) {
                out.add(new Capstone.Decoded(d.address(), 2, "xchg", "ax, ax"));
            } else if (d.mnemonic().equals("ret") && (code[(int) (d.address() - address)] & 0xff) == 0xf3) {
                out.add(new Capstone.Decoded(d.address(), d.size(), "repz ret", d.operands()));     // f3 c3: AMD's branch-predictor ret
            } else {
                String m = stringOp(objdumpName(d.mnemonic()), d.operands());
                out.add(m == d.mnemonic() ? d : new Capstone.Decoded(d.address(), d.size(), m, d.operands()));
            }
        }
        return out;
    }

    /** objdump's name where Capstone's differs: {@code repe}/{@code repne} as {@code repz}/{@code repnz}, i386's {@code pushal}, {@code sal}. */
    static String objdumpName(String mnemonic) {
        if (mnemonic.startsWith("repe ")) return "repz " + mnemonic.substring(5);
        if (mnemonic.startsWith("repne ")) return "repnz " + mnemonic.substring(6);
        return switch (mnemonic) {
            case "pushal" -> "pusha";
            case "popal" -> "popa";
            case "sal" -> "shl";        // d1 /6, the second encoding of shl: binutils 2.40 writes shl for both
            default -> mnemonic;
        };
    }

    /** {@code rep stosq} with memory operands → {@code rep stos}: the size is in the operands, as objdump writes it. */
    private static String stringOp(String mnemonic, String operands) {
        if (operands.isEmpty() || operands.indexOf('[') < 0 || operands.contains("xmm")) return mnemonic;
        int sp = mnemonic.lastIndexOf(' ');
        String base = mnemonic.substring(sp + 1);
        if (base.length() < 4) return mnemonic;
        char suffix = base.charAt(base.length() - 1);
        if ("bwdq".indexOf(suffix) < 0 || !STRING_OPS.contains(base.substring(0, base.length() - 1))) return mnemonic;
        if (!operands.contains("[rdi]") && !operands.contains("[rsi]") && !operands.contains("[edi]") && !operands.contains("[esi]")) return mnemonic;
        return mnemonic.substring(0, sp + 1) + base.substring(0, base.length() - 1);
    }
}
