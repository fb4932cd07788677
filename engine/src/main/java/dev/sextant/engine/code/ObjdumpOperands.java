package dev.sextant.engine.code;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * x86 operands (already in objdump's punctuation, see {@link Disassembler#objdumpOperands}) as
 * {@code objdump -d -M intel} writes what Capstone 4 writes otherwise, in 32- and 64-bit code alike:
 * a scale in decimal and {@code *1} when an index has none ({@code [eax+edx*1]}); an absolute
 * address with its segment ({@code ds:0x810b00c}, {@code gs:0x14}), no size for the {@code a0}-{@code a3}
 * moves ({@code mov eax,ds:0x810b00c}); a string instruction's {@code es:[edi]} and {@code ds:[esi]};
 * {@code d1}'s shift by {@code 1}; {@code xchg esi,eax} for {@code 96}; {@code [rip+0x0]}; a displacement
 * of 0 and an {@code eiz} index that the bytes encode ({@code [esi+eiz*1+0x0]}); a sign-extended
 * immediate as an unsigned number ({@code 0xffffffff}); a nop's segment only as the prefix word;
 * x87 register operands ({@code faddp st(1),st}); a backward rip-relative displacement as objdump
 * adds it ({@code [rip+0xfffffffffffffe92]}); the sizes Capstone 4 gets wrong ({@code comiss}).
 */
final class ObjdumpOperands {
    private ObjdumpOperands() {}

    // Precompiled, and the common cases scanned by hand: a listing of libc respells 340,000 operands.
    private static final Pattern NOP_SEGMENT = Pattern.compile("\\b[c-gs]s:\\[");
    private static final Pattern MOFFS_SIZE = Pattern.compile("\\b(BYTE|WORD|DWORD|QWORD) PTR ");
    private static final Pattern GENERAL = Pattern.compile("[re]?[abcd]x|[re]?[sd]i|[re]?[sb]p"), BYTE = Pattern.compile("[abcd][lh]|[sd]il|[sb]pl|r\\d+b"),
            WORD = Pattern.compile("r\\d+w"), DWORD = Pattern.compile("r\\d+d"), QWORD = Pattern.compile("r\\d+");
    private static final Set<String> STRING_OPS = Set.of("movs", "cmps", "lods", "stos", "scas", "ins", "outs");

    /**
     * {@code operands} of the instruction {@code code[offset, offset + size)}, respelled; {@code rex}:
     * 64-bit code, where 40-4f are REX prefixes rather than {@code inc}/{@code dec}.
     */
    static String respell(byte[] code, int offset, int size, String mnemonic, String operands, boolean rex) {
        if (operands.isEmpty()) return operands;
        String out = unsignedImmediate(operands.indexOf('[') < 0 ? operands : memory(operands, stringOp(mnemonic, operands)));
        if (out.startsWith("-0x") && (mnemonic.equals("push") || mnemonic.equals("xabort"))) {
            out = unsigned(out.substring(3), mnemonic.equals("xabort") ? 8 : rex ? 64 : 32);          // push 0xffffffff
        }
        out = sized(mnemonic, out);
        if (mnemonic.endsWith("nop") && out.indexOf("s:[") >= 0) out = NOP_SEGMENT.matcher(out).replaceFirst("[");      // objdump: cs nop WORD PTR [rax+rax*1+0x0]
        if (mnemonic.startsWith("f") && out.startsWith("st(")) return x87(mnemonic, out);
        int op = opcode(code, offset, size, rex);
        if (op < 0) return out;
        int b = code[op] & 0xff;
        if (b >= 0xa0 && b <= 0xa3) return MOFFS_SIZE.matcher(out).replaceAll("");     // mov eax,ds:0x810b00c
        if ((b == 0xd0 || b == 0xd1) && out.endsWith(",0x1")) return out.substring(0, out.length() - 3) + "1";
        if (b >= 0x91 && b <= 0x97) {
            int comma = out.indexOf(',');
            if (comma > 0) return out.substring(comma + 1) + "," + out.substring(0, comma);
        }
        return out.indexOf('[') < 0 || out.indexOf('[') != out.lastIndexOf('[') ? out : encodedZero(code, offset, size, op, out, rex);
    }

    /**
     * objdump writes what the ModRM and SIB bytes encode where Capstone leaves it out: a displacement
     * of 0 ({@code [ebp+0x0]}, {@code [ebx+0x0]} in an object before relocation) and an index-less
     * SIB byte's {@code eiz} ({@code 8d 74 26 00}: {@code lea esi,[esi+eiz*1+0x0]}, a nop of 4 bytes).
     * Only for a memory operand of one register, as Capstone writes it ({@code [esi]}).
     */
    private static String encodedZero(byte[] code, int offset, int size, int op, String operands, boolean rex) {
        int end = offset + size;
        int modrm = modrm(code, op, end, rex);
        if (modrm < 0 || modrm >= end) return operands;
        for (int i = offset; i < op; i++) if ((code[i] & 0xff) == 0x67 && !rex) return operands;     // 16-bit addressing
        boolean addr32 = false;
        for (int i = offset; i < op; i++) if ((code[i] & 0xff) == 0x67) addr32 = true;
        int rexX = op > offset && rex && (code[op - 1] & 0xf0) == 0x40 ? code[op - 1] & 0x02 : 0;
        int m = code[modrm] & 0xff, mod = m >> 6, rm = m & 7;
        if (mod == 3 || mod == 0 && rm == 5) return operands;
        boolean sib = rm == 4;
        if (sib && modrm + 1 >= end) return operands;
        int s = sib ? code[modrm + 1] & 0xff : 0, base = s & 7, index = s >> 3 & 7, scale = s >> 6;
        boolean noBase = sib && mod == 0 && base == 5;              // [eax*8+disp32]
        if (noBase && index == 4 && rexX == 0) return operands;     // no base, no index: an absolute disp32
        int disp = modrm + (sib ? 2 : 1), dispSize = mod == 1 ? 1 : mod == 2 || noBase ? 4 : 0;
        if (disp + dispSize > end) return operands;
        boolean zero = dispSize > 0;
        for (int i = disp; i < disp + dispSize; i++) zero &= code[i] == 0;
        int open = operands.indexOf('['), close = operands.indexOf(']', open);
        String inner = operands.substring(open + 1, close);
        boolean lone = register(inner, 0, inner.length());
        boolean eiz = lone && sib && index == 4 && rexX == 0 && (base != 4 || scale != 0);
        zero &= inner.indexOf("0x") < 0;
        if (!zero && !eiz) return operands;
        String more = (eiz ? "+" + (rex && !addr32 ? "riz" : "eiz") + "*" + (1 << scale) : "") + (zero ? "+0x0" : "");
        return operands.substring(0, close) + more + operands.substring(close);
    }

    /**
     * Where the ModRM byte of the instruction whose opcode starts at {@code op} lies (an operand in
     * memory says there is one): after {@code 0f}, {@code 0f 38}/{@code 0f 3a}, or a VEX/EVEX prefix; -1 if unsure.
     */
    private static int modrm(byte[] code, int op, int end, boolean rex) {
        int b = code[op] & 0xff;
        boolean vexSpace = op + 1 < end && (rex || (code[op + 1] & 0xc0) == 0xc0);     // in 32-bit code c4/c5/62 are les/lds/bound otherwise
        if (b == 0xc5 && vexSpace) return op + 3;
        if (b == 0xc4 && vexSpace) return op + 4;
        if (b == 0x62 && vexSpace) return op + 5;
        if (b == 0x8f && op + 1 < end && (code[op + 1] & 0x38) != 0) return -1;      // XOP
        if (b != 0x0f) return op + 1;
        if (op + 1 >= end) return -1;
        int b2 = code[op + 1] & 0xff;
        if (b2 == 0x0f) return -1;                                                        // 3DNow!
        return b2 == 0x38 || b2 == 0x3a ? op + 3 : op + 2;
    }

    /** Memory operand sizes Capstone 4 gets wrong: {@code comiss} reads a DWORD, {@code comisd} a QWORD, {@code fnstsw} writes a WORD. */
    private static String sized(String mnemonic, String operands) {
        return switch (mnemonic) {
            case "comiss", "vcomiss" -> operands.replace("XMMWORD PTR", "DWORD PTR");
            case "comisd", "vcomisd" -> operands.replace("XMMWORD PTR", "QWORD PTR");
            case "fnstsw", "fstsw" -> operands.replace("DWORD PTR", "WORD PTR");
            default -> operands;
        };
    }

    private static final Set<String> X87_TO_ST = Set.of("fadd", "fmul", "fsub", "fsubr", "fdiv", "fdivr", "fcomi", "fucomi", "fcomip", "fucomip");
    private static final Set<String> X87_FROM_ST = Set.of("faddp", "fmulp", "fsubp", "fsubrp", "fdivp", "fdivrp");

    /**
     * x87 register operands: objdump writes the top of the stack {@code st} and names both operands of
     * the arithmetic ({@code fmul st,st(1)}, {@code faddp st(1),st}) where Capstone gives {@code st(0)}
     * or one operand ({@code fmul st(1)}, {@code faddp st(1)}).
     */
    private static String x87(String mnemonic, String operands) {
        if (operands.indexOf(',') >= 0) {
            if (operands.startsWith("st(0),")) return "st," + operands.substring(6);
            return operands.endsWith(",st(0)") ? operands.substring(0, operands.length() - 6) + ",st" : operands;
        }
        if (X87_TO_ST.contains(mnemonic)) return "st," + operands;
        if (X87_FROM_ST.contains(mnemonic)) return operands + ",st";
        return operands;
    }

    /**
     * {@code cmp eax,-0x1} as {@code cmp eax,0xffffffff}: objdump writes a sign-extended immediate as
     * the unsigned number of the operand's size, which the first operand gives (a register, or a size PTR).
     */
    static String unsignedImmediate(String operands) {
        int at = operands.lastIndexOf(",-0x");       // the last operand, hex digits to the end
        if (at < 0 || operands.length() == at + 4 || operands.length() - at - 4 > 16) return operands;
        for (int i = at + 4; i < operands.length(); i++) {
            char c = operands.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return operands;
        }
        int bits = bits(operands.substring(0, operands.indexOf(',')));
        if (bits == 0) return operands;
        return operands.substring(0, at) + "," + unsigned(operands.substring(at + 4), bits);
    }

    /** {@code -0x<hex>} as the unsigned number of {@code bits}. */
    private static String unsigned(String hex, int bits) {
        if (hex.isEmpty() || hex.length() > 16) return "-0x" + hex;
        long v = -Long.parseUnsignedLong(hex, 16);
        return "0x" + Long.toHexString(bits == 64 ? v : v & ((1L << bits) - 1));
    }

    /** The size of a first operand: {@code eax} 32, {@code BYTE PTR [esp]} 8; 0 when unknown. */
    private static int bits(String first) {
        if (first.startsWith("BYTE PTR")) return 8;
        if (first.startsWith("WORD PTR")) return 16;
        if (first.startsWith("DWORD PTR")) return 32;
        if (first.startsWith("QWORD PTR")) return 64;
        if (!register(first, 0, first.length())) return 0;
        if (GENERAL.matcher(first).matches()) return first.length() == 2 ? 16 : first.charAt(0) == 'e' ? 32 : 64;
        if (BYTE.matcher(first).matches()) return 8;
        if (WORD.matcher(first).matches()) return 16;
        if (DWORD.matcher(first).matches()) return 32;
        if (QWORD.matcher(first).matches()) return 64;
        return 0;
    }

    /** Every {@code [...]} of {@code operands} (with the segment before it, {@code fs:[...]}) respelled; {@code string}: the operands of a string instruction. */
    private static String memory(String operands, boolean string) {
        StringBuilder out = new StringBuilder(operands.length() + 8);
        int done = 0;
        for (int open = operands.indexOf('['); open >= 0; open = operands.indexOf('[', done)) {
            int close = operands.indexOf(']', open);
            if (close < 0) break;
            int from = open;
            String segment = null;
            if (open - 3 >= done && operands.charAt(open - 1) == ':' && operands.charAt(open - 2) == 's' && isLower(operands.charAt(open - 3))
                    && (open - 3 == 0 || !isWord(operands.charAt(open - 4)))) {
                from = open - 3;
                segment = operands.substring(from, open);
            }
            out.append(operands, done, from).append(memoryOperand(segment, operands.substring(open + 1, close), string));
            done = close + 1;
        }
        return out.append(operands, done, operands.length()).toString();
    }

    private static String memoryOperand(String segment, String inner, boolean string) {
        if (inner.startsWith("0x") && inner.indexOf('+') < 0 && inner.indexOf('-') < 0 && inner.indexOf('*') < 0) {
            return (segment == null ? "ds:" : segment) + inner;          // an absolute address
        }
        if (inner.equals("rip") || inner.equals("eip")) {
            return (segment == null ? "" : segment) + "[" + inner + "+0x0]";     // rip-relative: always a disp32
        }
        if ((inner.startsWith("rip-0x") || inner.startsWith("eip-0x")) && inner.length() <= 14) {
            long back = -Long.parseUnsignedLong(inner.substring(6), 16);          // objdump adds: [rip+0xfffffffffffffe92]
            return (segment == null ? "" : segment) + "[" + inner.substring(0, 3) + "+0x"
                    + Long.toHexString(inner.startsWith("e") ? back & 0xffffffffL : back) + "]";
        }
        inner = scaled(inner);
        if (segment == null && string) segment = inner.endsWith("di") ? "es:" : inner.endsWith("si") ? "ds:" : null;
        return (segment == null ? "" : segment) + "[" + inner + "]";
    }

    private static boolean isLower(char c) { return c >= 'a' && c <= 'z'; }

    /** A regular expression's word character: {@code \w}. */
    private static boolean isWord(char c) { return isLower(c) || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'; }

    /** {@code s[from, to)} is a register's name: {@code [a-z][a-z0-9]*}. */
    private static boolean register(String s, int from, int to) {
        if (from >= to || !isLower(s.charAt(from))) return false;
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!isLower(c) && !(c >= '0' && c <= '9')) return false;
        }
        return true;
    }

    /** {@code eax+edx*0x4-0x4} → {@code eax+edx*4-0x4}; {@code eax+edx} → {@code eax+edx*1}. */
    private static String scaled(String inner) {
        String s = inner.replace("*0x", "*");
        int plus = s.indexOf('+');
        if (plus < 0 || !register(s, 0, plus)) return s;
        int end = plus + 1;
        while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) end++;
        String index = s.substring(plus + 1, end);
        if (!register(index, 0, index.length()) || index.equals("rip") || index.equals("eip")) return s;
        if (end < s.length() && s.charAt(end) == '*') return s;
        return s.substring(0, end) + "*1" + s.substring(end);
    }

    private static boolean stringOp(String mnemonic, String operands) {
        if (operands.contains("xmm")) return false;        // movsd, cmpsd of SSE2
        String base = mnemonic.substring(mnemonic.lastIndexOf(' ') + 1);
        if (STRING_OPS.contains(base)) return true;
        return base.length() > 3 && "bwdq".indexOf(base.charAt(base.length() - 1)) >= 0
                && STRING_OPS.contains(base.substring(0, base.length() - 1));
    }

    /** The index of the opcode's first byte, after the legacy prefixes (and REX in 64-bit code), or -1. */
    private static int opcode(byte[] code, int offset, int size, boolean rex) {
        for (int i = offset; i < offset + size; i++) {
            int b = code[i] & 0xff;
            boolean prefix = b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26
                    || b == 0x64 || b == 0x65 || b == 0x66 || b == 0x67 || rex && (b & 0xf0) == 0x40;
            if (!prefix) return i;
        }
        return -1;
    }
}
