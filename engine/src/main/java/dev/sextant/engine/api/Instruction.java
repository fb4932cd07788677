package dev.sextant.engine.api;

import java.util.Optional;

/**
 * One disassembled machine instruction, immutable. {@code address} is absolute for live memory and
 * as in the file for a module file (as objdump shows it); {@code bytes} its encoding as lower-case
 * hex pairs separated by spaces ({@code "48 89 e5"}); {@code mnemonic} and {@code operands} in Intel
 * syntax as {@code objdump -d -M intel} writes them ({@code "QWORD PTR [rbp-0x8]"}), a bad byte as
 * {@code (bad)}; data in code (an ARM or AArch64 literal pool, marked by a {@code $d} mapping
 * symbol) as objdump writes it: mnemonic {@code .word}, {@code .short} or {@code .byte}, operands
 * the value in hex ({@code 0x000000a8}), see {@link #isData()}. {@code location}: the function and offset this instruction lies in
 * ({@code process_order+0x2a}). {@code target}: where a direct call or jump goes, or the address a
 * {@code rip}-relative operand refers to, with its symbolic name ({@code puts@plt}). {@code source}:
 * the source line the instruction belongs to ({@code demo.c:33}) where line information exists.
 */
public record Instruction(Address address, String bytes, String mnemonic, String operands, Optional<String> location,
                          Optional<Address> target, Optional<String> targetName, Optional<String> source) {
    /** True for data in code ({@code .word 0x000000a8}), not an instruction. */
    public boolean isData() { return mnemonic.equals(".word") || mnemonic.equals(".short") || mnemonic.equals(".byte"); }

    /** Bytes in the encoding. */
    public int length() { return bytes.isEmpty() ? 0 : (bytes.length() + 1) / 3; }

    /**
     * Operands with the target named, as objdump prints them: {@code 1030 <puts@plt>} for a direct
     * branch, {@code QWORD PTR [rip+0x2fe2]        # 4018 <counter>} for a {@code rip}-relative operand.
     */
    public String symbolicOperands() {
        if (target.isEmpty()) return operands;
        String hex = Long.toHexString(target.get().value());
        String named = targetName.map(n -> " <" + n + ">").orElse("");
        return operands.equals(hex) ? operands + named : operands + "        # " + hex + named;
    }
}
