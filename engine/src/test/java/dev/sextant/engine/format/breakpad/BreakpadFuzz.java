package dev.sextant.engine.format.breakpad;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Breakpad symbol files: MODULE, FILE, INLINE_ORIGIN, FUNC with lines and INLINE records, PUBLIC,
 * STACK CFI and STACK WIN records, looked up at addresses around each record, and the postfix rule
 * expressions of CFI and WIN programs evaluated over made-up registers and memory. Input: a small
 * hand-written symbol file cut and patched, or any text. Contract: {@link FormatException} only.
 */
class BreakpadFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("BreakpadFuzz", FormatException.class);
    private static final byte[] BASE = String.join("\n",
            "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 crash",
            "INFO CODE_ID 0123456789ABCDEF",
            "FILE 0 /src/crash.c",
            "FILE 1 /src/util.h",
            "INLINE_ORIGIN 0 store_value",
            "FUNC 1130 2a 0 level3",
            "INLINE 0 5 0 0 1134 8",
            "1130 4 8 0",
            "1134 8 5 1",
            "113c 1e 9 0",
            "FUNC m 1160 20 8 level2",
            "1160 20 13 0",
            "PUBLIC 1190 0 main",
            "PUBLIC m 11c0 4 _start",
            "STACK CFI INIT 1130 2a .cfa: $rsp 8 + .ra: .cfa -8 + ^",
            "STACK CFI 1131 .cfa: $rsp 16 + $rbp: .cfa -16 + ^",
            "STACK CFI 1134 .cfa: $rbp 16 +",
            "STACK WIN 4 1160 20 4 0 8 0 10 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =",
            "STACK WIN 0 1190 10 1 0 0 4 8 0 0 1",
            "").getBytes(StandardCharsets.US_ASCII);
    private static final long[] ADDRESSES = {0, 0x1130, 0x1134, 0x1135, 0x115a, 0x1160, 0x117f, 0x1190, 0x11c2, 0xffffffffffffffffL};

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(BASE, data);
        CONTRACT.check(file.length, () -> {
            BreakpadSymbols s = BreakpadSymbols.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            s.module();
            s.problems();
            Postfix.Memory memory = (address, wordSize) -> OptionalLong.of(address ^ 0x5555);
            for (long a : ADDRESSES) {
                s.function(a);
                s.publicSymbol(a);
                s.frames(a);
                s.cfi(a).ifPresent(rules -> rules.rules().values().forEach(expr ->
                        Postfix.evaluate(expr, Map.of("$rsp", 0x7ff0L, "$rbp", 0x7ff8L, "$rip", a, ".cfa", 0x8000L), memory, 8)));
                s.win(a).flatMap(SymbolRecords.WinFrame::program).ifPresent(p ->
                        Postfix.execute(p, new HashMap<>(Map.of("$esp", 0x7ff0L, "$ebp", 0x7ff8L, "$eip", a)), memory, 4));
            }
            for (int id = 0; id < 3; id++) { s.fileName(id); s.originName(id); }
        });
    }
}
