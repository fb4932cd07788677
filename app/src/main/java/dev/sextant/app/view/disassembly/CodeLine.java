package dev.sextant.app.view.disassembly;

import dev.sextant.engine.api.Instruction;
import java.util.Optional;

/** One row of the Disassembly view: a source line's header ({@code demo.c:33} and its text) or an instruction. Immutable. */
public sealed interface CodeLine {
    /** The text the row shows, as Copy writes it. */
    String text();

    /** {@code source} as the line table names it ({@code /src/demo.c:33}); {@code text} the line's text when the file was read. */
    record Header(String source, Optional<String> line) implements CodeLine {
        /** The file's name and the line: {@code demo.c:33    total += id;}. */
        @Override public String text() { return source.substring(source.lastIndexOf('/') + 1) + line.map(l -> "    " + l.strip()).orElse(""); }
    }

    /** Where a function starts: {@code <process_order>:}. */
    record Symbol(String name) implements CodeLine {
        @Override public String text() { return "<" + name + ">:"; }
    }

    /** An instruction; its target named ({@code call puts@plt}, {@code jmp process_order+0x2a}). */
    record Code(Instruction instruction) implements CodeLine {
        @Override public String text() {
            Instruction i = instruction;
            return String.format("%-14s %-7s %-6s %s", i.address(), offset(i), i.mnemonic(), operands(i));
        }

        public long address() { return instruction.address().value(); }

        public long end() { return instruction.address().value() + instruction.length(); }
    }

    /** gdb's {@code <+10>}: the offset in the function, decimal; empty without a symbol. */
    static String offset(Instruction i) {
        if (i.location().isEmpty()) return "";
        String l = i.location().get();
        int plus = l.lastIndexOf("+0x");
        if (plus < 0) return "<+0>";
        try {
            return "<+" + Long.parseLong(l.substring(plus + 3), 16) + ">";
        } catch (NumberFormatException e) {
            return "";
        }
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
