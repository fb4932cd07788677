package dev.sextant.engine.format.breakpad;

import dev.sextant.engine.format.breakpad.SymbolRecords.WinFrame;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Parses one {@code STACK WIN} line (every number hex, as Breakpad's dump_syms writes them). */
final class WinRecord {
    private WinRecord() {}

    static WinFrame parse(String line, long offset) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        Fields f = new Fields(b, "STACK WIN ".length(), b.length, offset, "STACK WIN");
        int type = (int) f.hex("type");
        long rva = f.hex("rva"), code = f.hex("code size"), prolog = f.hex("prolog size"), epilog = f.hex("epilog size");
        long params = f.hex("parameter size"), saved = f.hex("saved register size"), locals = f.hex("local size");
        long maxStack = f.hex("max stack size");
        long hasProgram = f.hex("has program");
        if (hasProgram != 0) {
            String program = f.rest();
            if (program.isEmpty()) throw f.bad("program string", "missing");
            return new WinFrame(type, rva, code, prolog, epilog, params, saved, locals, maxStack, Optional.of(program), false);
        }
        boolean allocatesBp = f.hex("allocates base pointer") != 0;
        return new WinFrame(type, rva, code, prolog, epilog, params, saved, locals, maxStack, Optional.empty(), allocatesBp);
    }
}
