package dev.sextant.engine.format.breakpad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.format.breakpad.SymbolRecords.SourceFrame;
import dev.sextant.engine.format.breakpad.SymbolRecords.WinFrame;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The symbol file parser on hand-written records (the format's own examples), hostile lines and cut files. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BreakpadSymbolsTest {
    static final String SYM = """
            MODULE Linux x86_64 F1C3BCC0279865FE3058404B2831D9E60 crash
            INFO CODE_ID C0BCC3F19827FE653058404B2831D9E64135386C
            FILE 0 /src/crash.c
            FILE 1 /usr/include/stdlib.h
            INLINE_ORIGIN 0 do_crash
            INLINE_ORIGIN 1 inner helper(int)
            FUNC 1000 40 0 main
            1000 10 10 0
            1010 30 12 0
            FUNC m 1040 30 8 crash_here
            INLINE 0 21 0 0 1048 10
            INLINE 1 33 1 1 1050 4
            1040 8 20 0
            1048 8 31 0
            1050 4 40 1
            1054 1c 22 0
            PUBLIC 2000 0 _start
            PUBLIC m 2100 4 other stuff
            STACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^
            STACK CFI 1001 .cfa: $rsp 16 + $rbp: .cfa -16 + ^
            STACK CFI 1004 .cfa: $rbp 16 +
            STACK WIN 4 3000 20 4 0 8 4 10 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =
            STACK WIN 0 3000 20 4 0 8 4 10 0 0 1
            STACK WIN 0 3100 10 2 0 0 0 0 0 0 0
            """;

    static BreakpadSymbols parse(String text) {
        return BreakpadSymbols.read(ByteReader.of(text.getBytes(StandardCharsets.UTF_8), ByteOrder.LITTLE_ENDIAN));
    }

    @Test void moduleFunctionsAndPublicsAreFoundByAddress() {
        BreakpadSymbols s = parse(SYM);
        assertThat(s.module().os()).isEqualTo("Linux");
        assertThat(s.module().arch()).isEqualTo("x86_64");
        assertThat(s.module().id()).isEqualTo("F1C3BCC0279865FE3058404B2831D9E60");
        assertThat(s.module().name()).isEqualTo("crash");
        assertThat(s.function(0x1000).orElseThrow().name()).isEqualTo("main");
        assertThat(s.function(0x103f).orElseThrow().name()).isEqualTo("main");
        var f = s.function(0x1040).orElseThrow();
        assertThat(f.multiple()).isTrue();
        assertThat(f.parameterSize()).isEqualTo(8);
        assertThat(f.size()).isEqualTo(0x30);
        assertThat(s.function(0x1070)).isEmpty();
        assertThat(s.function(0xfff)).isEmpty();
        assertThat(s.publicSymbol(0x2050).orElseThrow().name()).isEqualTo("_start");
        var p = s.publicSymbol(0x2100).orElseThrow();
        assertThat(p.name()).isEqualTo("other stuff");
        assertThat(p.multiple()).isTrue();
        assertThat(p.parameterSize()).isEqualTo(4);
        assertThat(s.publicSymbol(0x1fff)).isEmpty();
        assertThat(s.problems()).isEmpty();
    }

    @Test void linesAndInlinedCallsAreFramesOfTheirOwn() {
        BreakpadSymbols s = parse(SYM);
        assertThat(s.frames(0x1012)).containsExactly(new SourceFrame("main", java.util.Optional.of("/src/crash.c"), OptionalInt.of(12), false, 0x1000));
        // 0x1051: inner helper(int) (depth 1, at stdlib.h:40) inlined into do_crash at stdlib.h:33,
        // do_crash (depth 0) inlined into crash_here at crash.c:21.
        List<SourceFrame> fr = s.frames(0x1051);
        assertThat(fr).extracting(SourceFrame::function).containsExactly("inner helper(int)", "do_crash", "crash_here");
        assertThat(fr).extracting(SourceFrame::inlined).containsExactly(true, true, false);
        assertThat(fr).extracting(x -> x.file().orElseThrow() + ":" + x.line().getAsInt())
                .containsExactly("/usr/include/stdlib.h:40", "/usr/include/stdlib.h:33", "/src/crash.c:21");
        assertThat(s.frames(0x1049)).extracting(SourceFrame::function).containsExactly("do_crash", "crash_here");
        assertThat(s.frames(0x1060)).extracting(SourceFrame::function).containsExactly("crash_here");
        assertThat(s.frames(0x1060).get(0).line()).hasValue(22);
        assertThat(s.frames(0x2000)).isEmpty();
    }

    @Test void cfiRulesAreTheInitRulesWithTheDeltasUpToTheAddress() {
        BreakpadSymbols s = parse(SYM);
        assertThat(s.cfi(0x1000).orElseThrow().rules()).isEqualTo(Map.of(".cfa", "$rsp 8 +", ".ra", ".cfa -8 + ^"));
        assertThat(s.cfi(0x1002).orElseThrow().rules()).isEqualTo(Map.of(".cfa", "$rsp 16 +", ".ra", ".cfa -8 + ^", "$rbp", ".cfa -16 + ^"));
        assertThat(s.cfi(0x1030).orElseThrow().rules()).containsEntry(".cfa", "$rbp 16 +").containsEntry("$rbp", ".cfa -16 + ^");
        assertThat(s.cfi(0x1040)).isEmpty();
    }

    @Test void stackWinPrefersFrameDataAndReadsFpo() {
        BreakpadSymbols s = parse(SYM);
        WinFrame w = s.win(0x3010).orElseThrow();
        assertThat(w.type()).isEqualTo(WinFrame.FRAME_DATA);
        assertThat(w.program()).hasValue("$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =");
        assertThat(w.parameterSize()).isEqualTo(8);
        assertThat(w.savedRegisterSize()).isEqualTo(4);
        assertThat(w.localSize()).isEqualTo(0x10);
        WinFrame fpo = s.win(0x3105).orElseThrow();
        assertThat(fpo.type()).isEqualTo(WinFrame.FPO);
        assertThat(fpo.program()).isEmpty();
        assertThat(fpo.allocatesBasePointer()).isFalse();
        assertThat(s.win(0x3110)).isEmpty();
    }

    @Test void postfixEvaluatesCfiRulesAndRunsWinPrograms() {
        Map<Long, Long> mem = Map.of(0x7ff0L, 0x401234L, 0x7fe8L, 0x7ff8L, 0x1008L, 0x55L, 0x1000L, 0x2000L);
        Postfix.Memory m = (a, w) -> mem.containsKey(a) ? OptionalLong.of(mem.get(a)) : OptionalLong.empty();
        assertThat(Postfix.evaluate("$rsp 16 +", Map.of("$rsp", 0x7fe0L), m, 8)).hasValue(0x7ff0L);
        assertThat(Postfix.evaluate(".cfa -8 + ^", Map.of(".cfa", 0x7ff8L), m, 8)).hasValue(0x401234L);
        assertThat(Postfix.evaluate("$rsp 0x10 -", Map.of("$rsp", 0x20L), m, 8)).hasValue(0x10L);
        assertThat(Postfix.evaluate("$esp 8 -", Map.of("$esp", 4L), m, 4)).hasValue(0xfffffffcL);
        assertThat(Postfix.evaluate("$sp 16 @", Map.of("$sp", 0x1237L), m, 8)).hasValue(0x1230L);
        assertThat(Postfix.evaluate("x29 8 + ^", Map.of("x29", 0x7fe8L), m, 8)).hasValue(0x401234L);
        assertThat(Postfix.evaluate("$nope 8 +", Map.of(), m, 8)).isEmpty();
        assertThat(Postfix.evaluate("$rsp ^", Map.of("$rsp", 0x9999L), m, 8)).isEmpty();
        Map<String, Long> regs = new HashMap<>(Map.of("$ebp", 0x1000L, "$esp", 0xff0L));
        assertThat(Postfix.execute("$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =", regs, (a, w) ->
                a == 0x1004 ? OptionalLong.of(0x401000) : a == 0x1000 ? OptionalLong.of(0x2000) : OptionalLong.empty(), 4)).isTrue();
        assertThat(regs).containsEntry("$eip", 0x401000L).containsEntry("$ebp", 0x2000L).containsEntry("$esp", 0x1008L);
        assertThatThrownBy(() -> Postfix.evaluate("$rsp +", Map.of("$rsp", 1L), m, 8)).isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> Postfix.evaluate("1 2", Map.of(), m, 8)).isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> Postfix.evaluate("$a 1 =", Map.of(), m, 8)).isInstanceOf(FormatException.class);
    }

    @Test void badLinesAreSkippedAndReported() {
        String text = """
                MODULE Linux x86_64 0123 lib.so
                FUNC zz 10 0 broken
                FUNC 100 10 0 fine
                100 10 7 0
                1000 10 7 0 stray-line-after-public
                PUBLIC nothex 0 x
                STACK CFI 100 .cfa: $rsp 8 +
                STACK CFI INIT 200 10 .cfa: $rsp 8 +
                WHAT is this
                FUNC ffffffffffffffffff 1 0 too_big
                """;
        BreakpadSymbols s = parse(text);
        assertThat(s.function(0x105).orElseThrow().name()).isEqualTo("fine");
        assertThat(s.problemCount()).isEqualTo(5);
        assertThat(s.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
        assertThatThrownBy(() -> s.cfi(0x200)).isInstanceOf(FormatException.class).hasMessageContaining(".ra");
    }

    @Test void aFileWithoutModuleLineIsRefused() {
        assertThatThrownBy(() -> parse("FUNC 0 1 0 x\n")).isInstanceOf(FormatException.class).hasMessageContaining("MODULE");
        assertThatThrownBy(() -> parse("")).isInstanceOf(FormatException.class);
        assertThatThrownBy(() -> parse("MODULE Linux\n")).isInstanceOf(FormatException.class);
    }

    @Test void everyCutOfTheFileGivesAnIndexOrAFormatException() {
        byte[] all = SYM.getBytes(StandardCharsets.UTF_8);
        for (int n = 0; n <= all.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(all, n);
            try {
                BreakpadSymbols s = BreakpadSymbols.read(ByteReader.of(cut, ByteOrder.LITTLE_ENDIAN));
                for (long a = 0xff0; a < 0x3120; a += 0x11) {
                    s.function(a);
                    s.frames(a);
                    s.publicSymbol(a);
                    s.win(a);
                    try { s.cfi(a); } catch (FormatException ok) { /* a cut INIT line */ }
                }
            } catch (FormatException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }
}
