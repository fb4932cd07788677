package dev.sextant.engine.code;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * x86 operands (already in objdump's punctuation, see {@link Disassembler#objdumpOperands}) as
 * {@code objdump -d -M intel} writes what Capstone 4 writes otherwise, in 32- and 64-bit code alike:
 * a scale in decimal and {@code *1} when an index has none ({@code [eax+edx*1]}); an absolute
 * address with its segment ({@code ds:0x810b00c}, {@code gs:0x14}), no size for the {@code a0}-{@code a3}
 * moves ({@code mov eax,ds:0x810b00c}); a string instruction's {@code es:[edi]} and {@code ds:[esi]};
 * {@code d1}'s shift by {@code 1}; {@code xchg esi,eax} for {@code 96}; {@code [rip+0x0]}.
 */
final class ObjdumpOperands {
    private ObjdumpOperands() {}

    private static final Pattern MEMORY = Pattern.compile("(\\b[a-z]s:)?\\[([^\\]]*)\\]");
    private static final Pattern REGISTER = Pattern.compile("[a-z][a-z0-9]*");
    private static final Set<String> STRING_OPS = Set.of("movs", "cmps", "lods", "stos", "scas", "ins", "outs");

    /**
     * {@code operands} of the instruction {@code code[offset, offset + size)}, respelled; {@code rex}:
     * 64-bit code, where 40-4f are REX prefixes rather than {@code inc}/{@code dec}.
     */
    static String respell(byte[] code, int offset, int size, String mnemonic, String operands, boolean rex) {
        if (operands.isEmpty()) return operands;
        String out = operands.indexOf('[') < 0 ? operands : memory(operands, stringOp(mnemonic));
        int op = opcode(code, offset, size, rex);
        if (op < 0) return out;
        int b = code[op] & 0xff;
        if (b >= 0xa0 && b <= 0xa3) return out.replaceAll("\\b(BYTE|WORD|DWORD|QWORD) PTR ", "");     // mov eax,ds:0x810b00c
        if ((b == 0xd0 || b == 0xd1) && out.endsWith(",0x1")) return out.substring(0, out.length() - 3) + "1";
        if (b >= 0x91 && b <= 0x97) {
            int comma = out.indexOf(',');
            if (comma > 0) return out.substring(comma + 1) + "," + out.substring(0, comma);
        }
        return out;
    }

    /** Every {@code [...]} of {@code operands} respelled; {@code string}: the operands of a string instruction. */
    private static String memory(String operands, boolean string) {
        Matcher m = MEMORY.matcher(operands);
        StringBuilder out = new StringBuilder(operands.length() + 8);
        while (m.find()) {
            String segment = m.group(1);
            String inner = m.group(2);
            String text;
            if (inner.startsWith("0x") && inner.indexOf('+') < 0 && inner.indexOf('-') < 0 && inner.indexOf('*') < 0) {
                text = (segment == null ? "ds:" : segment) + inner;          // an absolute address
            } else if (inner.equals("rip") || inner.equals("eip")) {
                text = (segment == null ? "" : segment) + "[" + inner + "+0x0]";     // rip-relative: always a disp32
            } else {
                inner = scaled(inner);
                if (segment == null && string) segment = inner.endsWith("di") ? "es:" : inner.endsWith("si") ? "ds:" : null;
                text = (segment == null ? "" : segment) + "[" + inner + "]";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code eax+edx*0x4-0x4} → {@code eax+edx*4-0x4}; {@code eax+edx} → {@code eax+edx*1}. */
    private static String scaled(String inner) {
        String s = inner.replace("*0x", "*");
        int plus = s.indexOf('+');
        if (plus < 0 || !REGISTER.matcher(s.substring(0, plus)).matches()) return s;
        int end = plus + 1;
        while (end < s.length() && Character.isLetterOrDigit(s.charAt(end))) end++;
        String index = s.substring(plus + 1, end);
        if (!REGISTER.matcher(index).matches() || index.equals("rip") || index.equals("eip")) return s;
        if (end < s.length() && s.charAt(end) == '*') return s;
        return s.substring(0, end) + "*1" + s.substring(end);
    }

    private static boolean stringOp(String mnemonic) {
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
