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
 * code as every other listing's, and remembered by its bytes. A direct branch (whose operand is its
 * target) is written from Capstone's text; {@code fwait} (which objdump may join to the instruction
 * after it) and a byte Capstone does not decode go the general way. Symbols are asked in the same
 * order as {@link Disassembler} asks them (the lookup remembers its last answer). One owner thread.
 */
final class X86Lines {
    /** 64-bit code (x86-64, x32), where 40-4f are REX prefixes. */
    private final boolean rex;
    private final Capstone.Run run = new Capstone.Run();
    private final long[] key = new long[2];

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
        long end = address;
        int n = run.size();
        for (int i = 0; i < n; i++) {
            long at = run.address(i);
            int offset = (int) (at - address);
            if (offset >= stop) break;
            int size = run.length(i);
            Spelled s = run.fromCapstone(i) && Spellings.key(code, offset, size, key) ? spellings.get(key[0], key[1]) : null;
            if (s != null) {
                long target = at + size + s.displacement;
                Optional<CodeSymbols.Named> targetName = s.rip ? symbols.containing(target) : Optional.empty();
                first = lineStart(out, symbols, at, code, offset, size, first, entryDigits);
                out.append(s.mnemonic, 0, s.mnemonic.length);
                if (s.operands.length > 0) {
                    out.pad(6 - s.mnemonic.length).put(' ').append(s.operands, 0, s.operands.length);
                    if (s.rip) targetName(out.append("        # ").hex(target, 1, '0'), targetName, target);
                }
                out.put('\n');
                end = at + size;
                continue;
            }
            Capstone.Decoded d = run.decoded(i);
            if (run.fromCapstone(i) && !d.mnemonic().equals("wait")) {
                Optional<Address> branch = Disassembler.branchTarget(d.mnemonic(), d.operands());
                if (branch.isPresent()) {       // call 1030 <puts@plt>: the target is the operand
                    long target = branch.get().value();
                    Optional<CodeSymbols.Named> targetName = symbols.containing(target);
                    String mnemonic = ObjdumpSpelling.objdumpName(d.mnemonic());
                    first = lineStart(out, symbols, at, code, offset, size, first, entryDigits);
                    out.append(mnemonic).pad(6 - mnemonic.length()).put(' ');
                    targetName(out.hex(target, 1, '0'), targetName, target).put('\n');
                    end = at + size;
                    continue;
                }
            }
            // The general way: fwait and the instruction after it (objdump may join them), a byte Capstone did not decode, an encoding not seen yet
            boolean pair = d.mnemonic().equals("wait") && i + 1 < n;
            List<Capstone.Decoded> respelled = ObjdumpSpelling.respell(pair ? List.of(d, run.decoded(i + 1)) : List.of(d), code, address);
            if (pair && respelled.size() == 1) i++;        // joined
            Capstone.Decoded r = respelled.get(0);
            Instruction ins = Disassembler.instruction(code, offset, r, rex, symbols, a -> Optional.empty());
            first = ListingFormat.line(out, ins, first, entryDigits);
            end = at + r.size();
            if (!d.mnemonic().equals("wait") && run.fromCapstone(i) && Disassembler.branchTarget(r.mnemonic(), r.operands()).isEmpty()
                    && Spellings.key(code, offset, size, key)) {
                spellings.remember(key, ins, at + size);
            }
        }
        return end;
    }

    /** The heading when {@code first} or {@code at} starts a function, then the line up to the mnemonic; returns {@code first} for the next. */
    private static boolean lineStart(ListingFormat.Text out, CodeSymbols symbols, long at, byte[] code, int offset, int size,
                                     boolean first, int entryDigits) {
        Optional<CodeSymbols.Named> location = symbols.containing(at);
        // Disassembler names a function's own start by its name alone, inside it name+0x2a: a heading where the name has no '+'
        boolean entry = location.isPresent() && location.get().start() == at && location.get().name().indexOf('+') < 0;
        if (first || entry) {
            named(ListingFormat.header(out, at, entryDigits), location, at).append(">:\n");
            first = false;
        }
        out.hex(at, 8, ' ').append(":\t").hexBytes(code, offset, size, 21).put('\t');
        return first;
    }

    /** {@link Instruction#symbolicOperands}' name of a target: {@code  <puts@plt>}, or nothing. */
    private static ListingFormat.Text targetName(ListingFormat.Text out, Optional<CodeSymbols.Named> n, long target) {
        return n.isEmpty() ? out : named(out.append(" <"), n, target).put('>');
    }

    /** {@code name} or {@code name+0x2a} ({@link CodeSymbols.Named#at}) for {@code address}: without a name, nothing. */
    private static ListingFormat.Text named(ListingFormat.Text out, Optional<CodeSymbols.Named> n, long address) {
        if (n.isEmpty()) return out;
        out.append(n.get().name());
        return address == n.get().start() ? out : out.append("+0x").hex(address - n.get().start(), 1, '0');
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

        /** Remembers how {@code ins}, lying before {@code next}, is written, if it is plain ASCII. */
        void remember(long[] key, Instruction ins, long next) {
            byte[] m = ins.mnemonic().getBytes(StandardCharsets.UTF_8), o = ins.operands().getBytes(StandardCharsets.UTF_8);
            if (m.length != ins.mnemonic().length() || o.length != ins.operands().length()) return;
            boolean rip = ins.target().isPresent();
            put(new Spelled(key[0], key[1], m, o, rip, rip ? ins.target().get().value() - next : 0));
        }

        private synchronized void put(Spelled s) {
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
