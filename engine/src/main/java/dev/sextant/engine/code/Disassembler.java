package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.code.jna.Capstone;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * Turns bytes into {@link Instruction}s with Capstone (x86-64 or i386, Intel syntax) and writes them as
 * {@code objdump -d -M intel} does: operands without blanks after commas or around {@code +}/{@code -},
 * numbers in hex, {@code QWORD PTR}; a byte that starts no valid instruction is {@code (bad)} and
 * decoding goes on at the next byte, as objdump does. Direct branch and call targets and
 * {@code rip}-relative operands (x86-64, x32) are named through {@link CodeSymbols}. One owner thread.
 */
public final class Disassembler implements AutoCloseable {
    private final Capstone capstone;
    private final java.util.Map<Capstone.Target, Capstone> others = new java.util.EnumMap<>(Capstone.Target.class);
    private final java.util.Map<Capstone.Target, X86Lines> lines = new java.util.EnumMap<>(Capstone.Target.class);

    public Disassembler() { this.capstone = Capstone.openX86_64(); }

    /**
     * Decodes code of {@code target}: x86-64 (x32 too) and i386 as
     * {@link #decode(byte[], int, long, int, CodeSymbols, LongFunction)} decodes x86-64; the other
     * architectures in Capstone's own syntax (see {@link ForeignSpelling}); RISC-V, which Capstone 4
     * lacks, by Sextant's own {@link RiscvDecoder} in objdump's syntax.
     */
    public List<Instruction> decode(Capstone.Target target, byte[] code, int length, long address, int max, CodeSymbols symbols,
                                    LongFunction<Optional<String>> source) {
        if (target == Capstone.Target.X86_64) return decode(code, length, address, max, symbols, source);
        if (target.x86()) return decodeX86(others.computeIfAbsent(target, Capstone::open), false, code, length, address, max, symbols, source);
        if (!target.capstone()) {
            List<Capstone.Decoded> decoded = new RiscvDecoder(target == Capstone.Target.RISCV64).decode(code, length, address, max);
            return ForeignSpelling.instructions(target, decoded, code, address, symbols, source);
        }
        Capstone c = others.computeIfAbsent(target, Capstone::open);
        return ForeignSpelling.decode(c, target, code, length, address, max, symbols, source);
    }

    /** Why disassembly cannot work on this machine (Capstone missing), or empty. */
    public static Optional<String> unavailableReason() { return Capstone.unavailableReason(); }

    /**
     * Decodes {@code code[0, length)} lying at {@code address}, at most {@code max} instructions;
     * {@code source} gives an instruction's source line (or nothing).
     */
    public List<Instruction> decode(byte[] code, int length, long address, int max, CodeSymbols symbols,
                                    LongFunction<Optional<String>> source) {
        return decodeX86(capstone, true, code, length, address, max, symbols, source);
    }

    /**
     * The x86 instructions of {@code code[0, length)} lying at {@code address} that start before
     * {@code stop}, decoded from the start as one run: a stretch of a longer run, whose last instruction
     * may end past {@code stop} (within {@code length}, the bytes that follow). The first instruction
     * from {@code stop} on is decoded too, not listed: objdump joins {@code fwait} to the instruction
     * after it ({@link ObjdumpSpelling#respell}), which may lie past the stop.
     */
    public List<Instruction> decodeStretch(Capstone.Target target, byte[] code, int length, int stop, long address,
                                           CodeSymbols symbols) {
        if (!target.x86()) throw new IllegalArgumentException(target + " code is decoded whole, not in stretches");
        Capstone c = target == Capstone.Target.X86_64 ? capstone : others.computeIfAbsent(target, Capstone::open);
        return decodeX86(c, target == Capstone.Target.X86_64, code, length, stop, address, CodeRange.MAX_COUNT * 16, symbols, a -> Optional.empty());
    }

    /**
     * Writes the text lines of the x86 stretch {@code code[0, length)} at {@code address} (the
     * instructions that start before {@code stop}, see {@link #decodeStretch}) to {@code out}, as
     * {@link ListingFormat} writes the instructions {@code decodeStretch} returns; returns where the last one ends.
     */
    long writeLines(Capstone.Target target, byte[] code, int stop, long address, CodeSymbols symbols, X86Lines.Spellings spellings,
                    ListingFormat.Text out, int entryDigits, boolean first) {
        if (!target.x86()) throw new IllegalArgumentException(target + " code is not written by X86Lines");
        Capstone c = target == Capstone.Target.X86_64 ? capstone : others.computeIfAbsent(target, Capstone::open);
        X86Lines lines = this.lines.computeIfAbsent(target, t -> new X86Lines(t == Capstone.Target.X86_64));
        return lines.write(c, code, code.length, stop, address, symbols, spellings, out, entryDigits, first);
    }

    /** {@code rex}: 64-bit code (x86-64, x32), where 40-4f are REX prefixes. */
    private static List<Instruction> decodeX86(Capstone capstone, boolean rex, byte[] code, int length, long address, int max,
                                               CodeSymbols symbols, LongFunction<Optional<String>> source) {
        return decodeX86(capstone, rex, code, length, length, address, max, symbols, source);
    }

    private static List<Instruction> decodeX86(Capstone capstone, boolean rex, byte[] code, int length, int stop, long address, int max,
                                               CodeSymbols symbols, LongFunction<Optional<String>> source) {
        Capstone.Run run = new Capstone.Run();
        decodeX86(capstone, code, length, stop, address, max, run);
        List<Capstone.Decoded> decoded = new ArrayList<>(run.size());
        for (int i = 0; i < run.size(); i++) decoded.add(run.decoded(i));
        List<Instruction> out = new ArrayList<>(decoded.size());
        for (Capstone.Decoded d : ObjdumpSpelling.respell(decoded, code, address)) {
            if (d.address() - address >= stop) break;
            out.add(instruction(code, (int) (d.address() - address), d, rex, symbols, source));
        }
        return out;
    }

    /**
     * Decodes {@code code[0, length)} lying at {@code address} into {@code run} (emptied first), as
     * objdump's one run of decoding: a byte Capstone does not decode is {@link ObjdumpSpelling#unknownToCapstone};
     * of the instructions from {@code stop} on, only the first is kept (see {@link #decodeStretch}).
     */
    static void decodeX86(Capstone capstone, byte[] code, int length, int stop, long address, int max, Capstone.Run run) {
        run.clear();
        capstone.load(code, length);
        int offset = 0;
        while (offset < stop && run.size() < max) {
            offset = capstone.decodeFrom(offset, address, max, run);
            if (offset < stop && run.size() < max) {      // Capstone stopped: an encoding it does not know, or a bad byte
                Capstone.Decoded missing = ObjdumpSpelling.unknownToCapstone(code, offset, length, address + offset);
                run.add(missing);
                offset += missing.size();
            }
        }
        if (stop < length) {        // a stretch: Capstone's batch ran on into the bytes after it; keep one of those
            int keep = 0;
            while (keep < run.size() && run.address(keep) - address < stop) keep++;
            if (keep == run.size() && offset < length && capstone.decodeFrom(offset, address, keep + 1, run) == offset) {
                run.add(ObjdumpSpelling.unknownToCapstone(code, offset, length, address + offset));
            }
            run.truncate(Math.min(keep + 1, run.size()));
        }
    }

    static Instruction instruction(byte[] code, int offset, Capstone.Decoded d, boolean rex, CodeSymbols symbols,
                                           LongFunction<Optional<String>> source) {
        String operands = ObjdumpOperands.respell(code, offset, d.size(), d.mnemonic(), objdumpOperands(d.operands()), rex);
        long next = d.address() + d.size();
        Optional<Address> branch = branchTarget(d.mnemonic(), d.operands());
        if (branch.isPresent()) operands = Long.toHexString(branch.get().value());     // objdump: "call 1030 <puts@plt>"
        // No lambdas here: a capturing one is a new object per instruction, made through a method handle in C1's code
        Optional<Address> target = branch.isPresent() ? branch : ripRelative(d.operands(), next);
        Optional<String> targetName = target.isPresent() ? named(symbols, target.get().value()) : Optional.empty();
        long at = d.address();
        return new Instruction(Address.of(at), hex(code, offset, d.size()), d.mnemonic(), operands,
                named(symbols, at), target, targetName, source.apply(at));
    }

    /** {@code name} or {@code name+0x2a} for {@code address}, or nothing. */
    private static Optional<String> named(CodeSymbols symbols, long address) {
        Optional<CodeSymbols.Named> n = symbols.containing(address);
        return n.isPresent() ? Optional.of(n.get().at(address)) : Optional.empty();
    }

    /** A direct call, jump or loop to an immediate address. */
    static Optional<Address> branchTarget(String mnemonic, String operands) {
        int space = mnemonic.lastIndexOf(' ');
        String m = space < 0 ? mnemonic : mnemonic.substring(space + 1);
        boolean branch = m.startsWith("j") || m.equals("call") || m.startsWith("loop") || m.equals("xbegin");
        // Capstone writes numbers up to 9 in decimal: call 0, in an i386 static executable's _init
        if (branch && operands.length() == 1 && Character.isDigit(operands.charAt(0))) return Optional.of(Address.of(operands.charAt(0) - '0'));
        if (!branch || !operands.startsWith("0x")) return Optional.empty();
        for (int i = 2; i < operands.length(); i++) if (Character.digit(operands.charAt(i), 16) < 0) return Optional.empty();
        try {
            return Optional.of(Address.of(Long.parseUnsignedLong(operands.substring(2), 16)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The address a {@code [rip + 0x2ed6]} operand refers to: the next instruction's address plus the displacement. */
    static Optional<Address> ripRelative(String operands, long next) {
        int i = operands.indexOf("[rip");
        if (i < 0) return Optional.empty();
        int close = operands.indexOf(']', i);
        if (close < 0) return Optional.empty();
        String inner = operands.substring(i + 4, close).strip();
        if (inner.isEmpty()) return Optional.of(Address.of(next));
        boolean minus = inner.startsWith("-");
        if (!minus && !inner.startsWith("+")) return Optional.empty();
        String n = inner.substring(1).strip();
        try {
            long disp = n.startsWith("0x") ? Long.parseUnsignedLong(n.substring(2), 16) : Long.parseLong(n);
            return Optional.of(Address.of(minus ? next - disp : next + disp));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Capstone's {@code qword ptr [rbp - 8], 1} as objdump's {@code QWORD PTR [rbp-0x8],0x1}. */
    static String objdumpOperands(String op) {
        StringBuilder out = new StringBuilder(op.length() + 8);
        int n = op.length();
        for (int i = 0; i < n; ) {
            char c = op.charAt(i);
            if (c == ' ' && i + 2 < n && (op.charAt(i + 1) == '+' || op.charAt(i + 1) == '-' || op.charAt(i + 1) == '*') && op.charAt(i + 2) == ' ') {
                out.append(op.charAt(i + 1));
                i += 3;
            } else if (c == ',' && i + 1 < n && op.charAt(i + 1) == ' ') {
                out.append(',');
                i += 2;
            } else if (Character.isDigit(c) && (i == 0 || !Character.isLetterOrDigit(op.charAt(i - 1)) && op.charAt(i - 1) != '(')) {
                int j = i;
                if (c == '0' && i + 1 < n && op.charAt(i + 1) == 'x') {
                    j = i + 2;
                    while (j < n && Character.digit(op.charAt(j), 16) >= 0) j++;
                    out.append(op, i, j);
                } else {
                    while (j < n && Character.isDigit(op.charAt(j))) j++;
                    if (j < n && Character.isLetter(op.charAt(j))) {
                        out.append(op, i, j);       // part of a name
                    } else {
                        out.append("0x").append(Long.toHexString(Long.parseUnsignedLong(op.substring(i, j))));
                    }
                }
                i = j;
            } else if (Character.isLetter(c)) {
                int j = i;
                while (j < n && Character.isLetterOrDigit(op.charAt(j))) j++;
                String word = op.substring(i, j);
                if (j + 4 <= n && op.startsWith(" ptr", j)) {
                    out.append(sizeName(word)).append(" PTR");
                    j += 4;
                } else {
                    out.append(word);
                }
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String sizeName(String capstone) {
        return switch (capstone) {
            case "xword" -> "TBYTE";
            default -> capstone.toUpperCase(java.util.Locale.ROOT);
        };
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    static String hex(byte[] b, int offset, int length) {
        byte[] out = new byte[Math.max(0, length * 3 - 1)];
        for (int i = 0; i < length; i++) {
            int v = b[offset + i] & 0xff;
            out[i * 3] = HEX[v >>> 4];
            out[i * 3 + 1] = HEX[v & 0xf];
            if (i + 1 < length) out[i * 3 + 2] = ' ';
        }
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    @Override public void close() {
        capstone.close();
        others.values().forEach(Capstone::close);
        others.clear();
    }
}
