package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.code.jna.Capstone;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * x86 code written straight into {@code objdump -d -M intel}'s text lines, with no object or
 * {@code String} per instruction where it can: what a listing of a whole library writes (libc: 340,000
 * instructions, of which 47,000 distinct encodings that are not direct branches). An encoding's
 * spelling (mnemonic and operands as {@link Disassembler} respells Capstone's, and the displacement of
 * a {@code rip}-relative operand) does not depend on where it lies, so it is made once, by the same
 * code as every other listing's, remembered by its bytes, and every sighting of it (the first too) is
 * written from it. A direct branch (whose operand is its target) is written from Capstone's text, read
 * as bytes; {@code fwait} (which objdump may join to the instruction after it), a byte Capstone does
 * not decode and the rare rest go the general way ({@link ListingFormat#line}). Symbols are asked in
 * the same order as {@link Disassembler} asks them (the lookup remembers its last answer). One owner thread.
 */
final class X86Lines {
    /** 64-bit code (x86-64, x32), where 40-4f are REX prefixes. */
    private final boolean rex;
    private final Capstone.Run run = new Capstone.Run();
    private final long[] key = new long[2];

    // The stretch being written (set by write, for line): one method call per instruction, which the JIT
    // compiles after a few hundred instructions, where the loop over a stretch's 2,000 instructions ran
    // interpreted for the first few dozen stretches (libc: a sixth of the workers' samples had no compiled frame)
    private byte[] code;
    private long address;
    private int stop;
    private CodeSymbols symbols;
    private Spellings spellings;
    private ListingFormat.Text out;
    private int entryDigits;
    private boolean first;
    private long end;

    X86Lines(boolean rex) { this.rex = rex; }

    /**
     * Writes the lines of the instructions of {@code code[0, length)} lying at {@code address} that
     * start before {@code stop} ({@link Disassembler#decodeStretch}'s run of decoding) to {@code out};
     * {@code first}: head the first line with its symbol whatever it is. Returns where the last written
     * instruction ends ({@code address} when none is). {@code spellings}: those of this code's
     * encodings seen so far, shared by the threads listing one file.
     */
    long write(Capstone capstone, byte[] code, int length, int stop, long address, CodeSymbols symbols, Spellings spellings,
               ListingFormat.Text out, int entryDigits, boolean first) {
        Disassembler.decodeX86(capstone, code, length, stop, address, Integer.MAX_VALUE, run);      // a stretch: all of it
        this.code = code;
        this.address = address;
        this.stop = stop;
        this.symbols = symbols;
        this.spellings = spellings;
        this.out = out;
        this.entryDigits = entryDigits;
        this.first = first;
        this.end = address;
        try {
            for (int i = 0, n = run.size(); i < n; ) i = line(i);
            return end;
        } finally {
            this.code = null;
            this.symbols = null;
            this.spellings = null;
            this.out = null;
        }
    }

    /** Writes the line of instruction {@code i} of the run (two when {@code fwait} joins the next); returns the index after it, past the end at the stop. */
    private int line(int i) {
        long at = run.address(i);
        int offset = (int) (at - address);
        if (offset >= stop) return Integer.MAX_VALUE;
        int size = run.length(i);
        if (run.fromCapstone(i) && branch(i)) {     // call 1030 <puts@plt>: the target is the operand
            long target = this.target;
            CodeSymbols.Named targetName = RememberedSymbols.find(symbols, target);
            byte[] text = run.text();
            int m = run.mnemonicAt(i), mEnd = m;
            while (text[mEnd] != 0) mEnd++;
            lineStart(at, offset, size);
            out.append(text, m, mEnd).pad(6 - (mEnd - m)).put(' ');
            targetName(out.hex(target, 1, '0'), targetName, target).put('\n');
            end = at + size;
            return i + 1;
        }
        Spelled s = run.fromCapstone(i) && Spellings.key(code, offset, size, key) ? spellings.get(key[0], key[1]) : null;
        return s == null ? unseen(i, at, offset, size) : written(i, at, offset, size, s);
    }

    /** Writes the line of instruction {@code i}, whose encoding is spelled {@code s}; returns the index after it. */
    private int written(int i, long at, int offset, int size, Spelled s) {
        ListingFormat.Text out = this.out;
        long target = at + size + s.displacement;
        CodeSymbols.Named targetName = s.rip ? RememberedSymbols.find(symbols, target) : null;
        lineStart(at, offset, size);
        out.append(s.mnemonic, 0, s.mnemonic.length);
        if (s.operands.length > 0) {
            out.pad(6 - s.mnemonic.length).put(' ').append(s.operands, 0, s.operands.length);
            if (s.rip) targetName(out.append(RIP_COMMENT, 0, RIP_COMMENT.length).hex(target, 1, '0'), targetName, target);
        }
        out.put('\n');
        end = at + size;
        return i + 1;
    }

    /** {@link #branch}'s target. */
    private long target;

    /**
     * Whether instruction {@code i} is a direct branch as {@link Disassembler#branchTarget} finds one,
     * read from Capstone's text without a {@code String}: a mnemonic of one word (a prefixed one, rare,
     * goes the general way) and its target in {@link #target}.
     */
    private boolean branch(int i) {
        byte[] t = run.text();
        int m = run.mnemonicAt(i);
        byte c = t[m];
        if (c == 'j') {
            for (int k = m + 1; t[k] != 0; k++) if (t[k] == ' ') return false;
        } else if (!(c == 'c' && word(t, m, "call") || c == 'l' && prefixWord(t, m, "loop") || c == 'x' && word(t, m, "xbegin"))) {
            return false;
        }
        int o = run.operandsAt(i);
        if (t[o] >= '0' && t[o] <= '9' && t[o + 1] == 0) {      // Capstone writes numbers up to 9 in decimal: call 0
            target = t[o] - '0';
            return true;
        }
        if (t[o] != '0' || t[o + 1] != 'x') return false;
        long v = 0;
        int digits = 0;
        for (int k = o + 2; t[k] != 0; k++, digits++) {
            int d = Character.digit(t[k], 16);
            if (d < 0) return false;
            v = v << 4 | d;
        }
        if (digits == 0 || digits > 16 && !leadingZeros(t, o + 2, digits - 16)) return false;     // as Long.parseUnsignedLong would refuse
        target = v;
        return true;
    }

    /** Whether the zero-ended text at {@code t[m]} is {@code w}. */
    private static boolean word(byte[] t, int m, String w) {
        for (int k = 0; k < w.length(); k++) if (t[m + k] != w.charAt(k)) return false;
        return t[m + w.length()] == 0;
    }

    /** Whether the zero-ended text at {@code t[m]} is one word that starts with {@code w}. */
    private static boolean prefixWord(byte[] t, int m, String w) {
        for (int k = 0; k < w.length(); k++) if (t[m + k] != w.charAt(k)) return false;
        for (int k = m + w.length(); t[k] != 0; k++) if (t[k] == ' ') return false;
        return true;
    }

    private static boolean leadingZeros(byte[] t, int from, int n) {
        for (int k = from; k < from + n; k++) if (t[k] != '0') return false;
        return true;
    }

    private static final byte[] RIP_COMMENT = "        # ".getBytes(StandardCharsets.US_ASCII);

    /** {@link #line} for an encoding not remembered: a direct branch, {@code fwait}, a byte Capstone did not decode, one not seen yet. */
    private int unseen(int i, long at, int offset, int size) {
        Capstone.Decoded d = run.decoded(i);
        if (run.fromCapstone(i) && !d.mnemonic().equals("wait")) {
            Optional<Address> branch = Disassembler.branchTarget(d.mnemonic(), d.operands());
            if (branch.isPresent()) {       // call 1030 <puts@plt>: the target is the operand
                long target = branch.get().value();
                CodeSymbols.Named targetName = RememberedSymbols.find(symbols, target);
                String mnemonic = ObjdumpSpelling.objdumpName(d.mnemonic());
                lineStart(at, offset, size);
                out.append(mnemonic).pad(6 - mnemonic.length()).put(' ');
                targetName(out.hex(target, 1, '0'), targetName, target).put('\n');
                end = at + size;
                return i + 1;
            }
        }
        if (run.fromCapstone(i) && !d.mnemonic().equals("wait")) {
            // An encoding not seen yet: spelled as every listing spells it (Disassembler.instruction), remembered, written as its next sightings
            Capstone.Decoded r = ObjdumpSpelling.respell(List.of(d), code, address).get(0);
            if (Disassembler.branchTarget(r.mnemonic(), r.operands()).isEmpty() && Spellings.key(code, offset, size, key)) {
                Spelled s = spelled(r, offset, at + size);
                if (s != null) {
                    spellings.put(s);
                    return written(i, at, offset, size, s);
                }
            }
        }
        // The general way: fwait and the instruction after it (objdump may join them), a byte Capstone did not decode, a prefixed branch,
        // an instruction longer than 15 bytes, text that is not ASCII
        int n = run.size();
        boolean pair = d.mnemonic().equals("wait") && i + 1 < n;
        List<Capstone.Decoded> respelled = ObjdumpSpelling.respell(pair ? List.of(d, run.decoded(i + 1)) : List.of(d), code, address);
        int next = i + 1;
        if (pair && respelled.size() == 1) next++;        // joined
        Capstone.Decoded r = respelled.get(0);
        Instruction ins = Disassembler.instruction(code, offset, r, rex, symbols, a -> Optional.empty());
        first = ListingFormat.line(out, ins, first, entryDigits);
        end = at + r.size();
        return next;
    }

    /**
     * How the encoding in {@link #key} (Capstone's {@code r}, respelled, at {@code offset}, before
     * {@code next}) is written: the operands of {@link Disassembler#instruction}, and its {@code rip}
     * target's displacement; null when the text is not plain ASCII (then written the general way).
     */
    private Spelled spelled(Capstone.Decoded r, int offset, long next) {
        String operands = ObjdumpOperands.respell(code, offset, r.size(), r.mnemonic(), Disassembler.objdumpOperands(r.operands()), rex);
        Optional<Address> rip = Disassembler.ripRelative(r.operands(), r.address() + r.size());
        byte[] m = r.mnemonic().getBytes(StandardCharsets.UTF_8), o = operands.getBytes(StandardCharsets.UTF_8);
        if (m.length != r.mnemonic().length() || o.length != operands.length()) return null;
        return new Spelled(key[0], key[1], m, o, rip.isPresent(), rip.isPresent() ? rip.get().value() - next : 0);
    }

    /** The heading when {@code first} or {@code at} starts a function, then the line up to the mnemonic. */
    private void lineStart(long at, int offset, int size) {
        CodeSymbols.Named location = RememberedSymbols.find(symbols, at);
        // Disassembler names a function's own start by its name alone, inside it name+0x2a: a heading where the name has no '+'
        boolean entry = location != null && location.start() == at && location.name().indexOf('+') < 0;
        if (first || entry) {
            named(ListingFormat.header(out, at, entryDigits), location, at).append(">:\n");
            first = false;
        }
        out.hex(at, 8, ' ').append(":\t").hexBytes(code, offset, size, 21).put('\t');
    }

    /** {@link Instruction#symbolicOperands}' name of a target: {@code  <puts@plt>}, or nothing. */
    private static ListingFormat.Text targetName(ListingFormat.Text out, CodeSymbols.Named n, long target) {
        return n == null ? out : named(out.append(" <"), n, target).put('>');
    }

    /** {@code name} or {@code name+0x2a} ({@link CodeSymbols.Named#at}) for {@code address}: without a name, nothing. */
    private static ListingFormat.Text named(ListingFormat.Text out, CodeSymbols.Named n, long address) {
        if (n == null) return out;
        out.append(n.name());
        return address == n.start() ? out : out.append("+0x").hex(address - n.start(), 1, '0');
    }

    /** How the encoding {@code (k0, k1)} is written: ASCII bytes; {@code rip}: the operands name {@code next + displacement}. */
    private record Spelled(long k0, long k1, byte[] mnemonic, byte[] operands, boolean rip, long displacement) {}

    /**
     * Spellings of one kind of code (x86-64 or i386) by encoding (at most 15 bytes, packed with the
     * length into two longs), open addressing; shared by the threads listing a file: looked up without
     * a lock (an entry is immutable, published whole), added under one.
     */
    static final class Spellings {
        /** Past this many, nothing more is remembered (about 25 MB). */
        private static final int MOST = 1 << 18;
        /** Room for libc's encodings without growing: libc has 47,000 distinct ones, a third of the slots. */
        private volatile Spelled[] table = new Spelled[1 << 17];
        private int count;

        /** The key of {@code code[offset, offset + size)} in {@code key}; false if it cannot have one (longer than 15 bytes). */
        static boolean key(byte[] code, int offset, int size, long[] key) {
            if (size <= 0 || size > 15) return false;
            long a = 0, b = (long) size << 56;
            for (int j = 0; j < size; j++) {
                long x = code[offset + j] & 0xffL;
                if (j < 8) a |= x << (8 * j);
                else b |= x << (8 * (j - 8));
            }
            key[0] = a;
            key[1] = b;
            return true;
        }

        Spelled get(long a, long b) {
            Spelled[] t = table;
            int mask = t.length - 1;
            for (int i = slot(a, b) & mask; ; i = (i + 1) & mask) {
                Spelled s = t[i];
                if (s == null || s.k0 == a && s.k1 == b) return s;
            }
        }

        /** Remembers how an encoding is written (another thread may have just done so: the first stays). */
        synchronized void put(Spelled s) {
            if (count >= MOST) return;
            if (3 * (count + 1) > table.length) {
                Spelled[] grown = new Spelled[table.length * 2];
                for (Spelled e : table) if (e != null) place(grown, e);
                table = grown;
            }
            if (place(table, s)) count++;
        }

        private static boolean place(Spelled[] t, Spelled s) {
            int mask = t.length - 1;
            int i = slot(s.k0, s.k1) & mask;
            while (t[i] != null) {
                if (t[i].k0 == s.k0 && t[i].k1 == s.k1) return false;
                i = (i + 1) & mask;
            }
            t[i] = s;
            return true;
        }

        private static int slot(long a, long b) {
            long h = (a ^ Long.rotateLeft(b, 29)) * 0x9E3779B97F4A7C15L;       // the product's high bits depend on all of the key's
            return (int) (h >>> 40);
        }
    }
}
