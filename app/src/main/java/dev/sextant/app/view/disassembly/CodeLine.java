package dev.sextant.app.view.disassembly;

import dev.sextant.engine.api.Instruction;
import java.util.Optional;

/** One row of the Disassembly view: a source line's header ({@code demo.c:33} and its text) or an instruction. Immutable. */
public sealed interface CodeLine {
    /** The text the row shows, as Copy writes it. */
    String text();

    /** {@code source} as the line table names it ({@code /src/demo.c:33}); {@code text} the line's text when the file was read. */
    record Header(String source, Optional<String> line) implements CodeLine {
        @Override public String text() { return source + line.map(l -> "    " + l.strip()).orElse(""); }
    }

    /** An instruction; its target named ({@code call puts@plt}, {@code jmp process_order+0x2a}). */
    record Code(Instruction instruction) implements CodeLine {
        @Override public String text() {
            Instruction i = instruction;
            return String.format("%-18s %-22s %-7s %s", i.address(), i.location().orElse(""), i.mnemonic(), operands(i));
        }

        public long address() { return instruction.address().value(); }

        public long end() { return instruction.address().value() + instruction.length(); }
    }

    /**
     * Operands with a direct target by name ({@code puts@plt} rather than {@code 0x7f…1030}), a
     * {@code rip}-relative operand followed by the name of what it refers to.
     */
    static String operands(Instruction i) {
        if (i.target().isEmpty() || i.targetName().isEmpty()) return i.operands();
        String hex = Long.toHexString(i.target().get().value());
        if (i.operands().equals(hex) || i.operands().equals("0x" + hex)) return i.targetName().get();
        return i.operands() + "    # " + i.targetName().get();
    }
}
