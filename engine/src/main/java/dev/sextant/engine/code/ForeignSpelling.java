package dev.sextant.engine.code;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.code.jna.Capstone;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Code of the architectures other than x86-64 (aarch64, arm/Thumb, ppc64, s390x, mips), as Capstone
 * 4 writes it. The instruction boundaries and mnemonics are those of the cross binutils' objdump;
 * the operand syntax is Capstone's, which differs from GNU's in documented ways: immediates in hex
 * with {@code #} on arm ({@code [sp, #-0x10]!} where objdump writes {@code [sp, #-16]!}), s390x
 * registers with {@code %} ({@code %r15}) as objdump, ppc registers as {@code r1} where objdump
 * writes {@code 1}, aliases now and then ({@code movz} where objdump says {@code mov}). A unit that
 * decodes to nothing is {@code (bad)} (objdump: {@code .inst}/{@code .long}) and decoding goes on
 * after it. Direct branches ({@code bl #0x400580}) get their target named. RISC-V comes from
 * {@link RiscvDecoder}, in objdump's own syntax, and is named here the same way.
 */
final class ForeignSpelling {
    private ForeignSpelling() {}

    static List<Instruction> decode(Capstone c, Capstone.Target target, byte[] code, int length, long address, int max,
                                    CodeSymbols symbols, LongFunction<Optional<String>> source) {
        List<Capstone.Decoded> decoded = new ArrayList<>(Math.min(max, length / target.unit() + 1));
        c.load(code, length);
        int offset = 0;
        while (offset < length && decoded.size() < max) {
            offset = c.decodeFrom(offset, address, max, decoded);
            if (offset < length && decoded.size() < max) {
                int size = Math.min(target.unit(), length - offset);
                decoded.add(new Capstone.Decoded(address + offset, size, ObjdumpSpelling.BAD, ""));
                offset += size;
            }
        }
        return instructions(target, decoded, code, address, symbols, source);
    }

    /** {@code decoded} (from {@code code} lying at {@code address}) as instructions, direct branches' targets named. */
    static List<Instruction> instructions(Capstone.Target target, List<Capstone.Decoded> decoded, byte[] code, long address,
                                          CodeSymbols symbols, LongFunction<Optional<String>> source) {
        List<Instruction> out = new ArrayList<>(decoded.size());
        for (Capstone.Decoded d : decoded) {
            long at = d.address();
            Optional<Address> branch = branchTarget(target, d.mnemonic(), d.operands());
            Optional<String> name = branch.flatMap(t -> symbols.containing(t.value()).map(n -> n.at(t.value())));
            out.add(new Instruction(Address.of(at), Disassembler.hex(code, (int) (at - address), d.size()), d.mnemonic(), d.operands(),
                    symbols.containing(at).map(n -> n.at(at)), branch, name, source.apply(at)));
        }
        return out;
    }

    /**
     * Data in code (an ARM or AArch64 {@code $d} range: a literal pool, a jump table) as objdump prints
     * it: from each address the rest of its 4-byte word, cut at {@code code[length]} (the next mapping
     * symbol), a {@code .word}, {@code .short} or {@code .byte} of the value in the file's byte order
     * ({@code .word 0x000000a8}); three bytes left are a {@code .short} (even address) or a {@code .byte}.
     */
    static List<Instruction> data(byte[] code, int length, long address, int max, java.nio.ByteOrder order, CodeSymbols symbols) {
        List<Instruction> out = new ArrayList<>();
        for (int offset = 0; offset < length && out.size() < max; ) {
            long at = address + offset;
            int size = Math.min(4 - (int) (at & 3), length - offset);
            if (size == 3) size = (at & 1) != 0 ? 1 : 2;
            long value = 0;
            for (int i = 0; i < size; i++) {
                int b = code[offset + (order == java.nio.ByteOrder.LITTLE_ENDIAN ? size - 1 - i : i)] & 0xff;
                value = value << 8 | b;
            }
            String mnemonic = size == 4 ? DATA_WORD : size == 2 ? DATA_SHORT : DATA_BYTE;
            out.add(new Instruction(Address.of(at), Disassembler.hex(code, offset, size), mnemonic,
                    String.format("0x%0" + (size * 2) + "x", value), symbols.containing(at).map(n -> n.at(at)),
                    Optional.empty(), Optional.empty(), Optional.empty()));
            offset += size;
        }
        return out;
    }

    /** The mnemonics of data in code, as objdump writes them. */
    static final String DATA_WORD = ".word", DATA_SHORT = ".short", DATA_BYTE = ".byte";

    private static final Set<String> NOT_BRANCHES = Set.of("bic", "bics", "bfi", "bfc", "bfxil", "bfm", "bkpt", "break", "bpermd",
            "bswap", "brk", "bti");

    private static final Set<String> RISCV_BRANCHES = Set.of("j", "jal", "beq", "bne", "blt", "bge", "bltu", "bgeu", "beqz", "bnez",
            "bltz", "bgez", "blez", "bgtz");

    /**
     * A direct branch or call: its last operand is an address ({@code #0x400580}, {@code 0x10000500};
     * on RISC-V objdump's bare hex, {@code j 10450}, {@code beqz a0,1046c}).
     */
    static Optional<Address> branchTarget(Capstone.Target target, String mnemonic, String operands) {
        String m = mnemonic;
        if (target == Capstone.Target.RISCV64 || target == Capstone.Target.RISCV32) {
            if (!RISCV_BRANCHES.contains(m)) return Optional.empty();
            String last = operands.substring(operands.lastIndexOf(',') + 1);
            if (last.isEmpty() || last.length() > 16) return Optional.empty();
            for (int i = 0; i < last.length(); i++) if (Character.digit(last.charAt(i), 16) < 0) return Optional.empty();
            return Optional.of(Address.of(Long.parseUnsignedLong(last, 16)));
        }
        boolean branch = switch (target) {
            case AARCH64, ARM, THUMB -> m.startsWith("b") || m.startsWith("cb") || m.startsWith("tb");
            case PPC64, PPC64LE -> m.startsWith("b");
            case S390X -> m.startsWith("j") || m.startsWith("br") || m.startsWith("bras");
            case MIPS64, MIPS64EL, MIPS32, MIPS32EL -> m.startsWith("b") || m.startsWith("j");
            case X86_64, I386, RISCV64, RISCV32 -> false;
        };
        if (!branch || NOT_BRANCHES.contains(m)) return Optional.empty();
        int comma = operands.lastIndexOf(',');
        String last = (comma < 0 ? operands : operands.substring(comma + 1)).strip();
        if (last.startsWith("#")) last = last.substring(1);
        if (!last.startsWith("0x") || last.length() < 3) return Optional.empty();
        for (int i = 2; i < last.length(); i++) if (Character.digit(last.charAt(i), 16) < 0) return Optional.empty();
        try {
            return Optional.of(Address.of(Long.parseUnsignedLong(last.substring(2), 16)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
