package dev.sextant.engine.format.minidump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Register;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.dump.DumpOverview;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 32-bit arm minidumps (Breakpad and Crashpad on Android and Linux arm): {@code MDRawContextARM} and the r11 chain. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MinidumpArmContextTest {

    /** A context of r0..r15 = 0x100 + i except sp, fp (r11), lr and pc, which the stack below makes a chain of. */
    static long context(MinidumpBuilder b, long sp, long fp, long lr, long pc) {
        MinidumpBuilder.W c = MinidumpBuilder.le(ThreadContext.ARM_SIZE).i32((int) (ThreadContext.FLAG_ARM | 0x3));
        for (int i = 0; i < 16; i++) {
            long v = switch (i) { case 11 -> fp; case 13 -> sp; case 14 -> lr; case 15 -> pc; default -> 0x100 + i; };
            c.i32((int) v);
        }
        c.i32(0x60000010);                                  // cpsr: user mode, Z and C
        return b.blob(c.array());
    }

    @Test void armContextRegistersAndTheR11ChainGiveFrames() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_ARM, SystemInfo.PLATFORM_LINUX, 4);
        long base = 0xbe800000L;
        long[] words = new long[16];
        words[4] = base + 0x20; words[5] = 0x10840;        // frame record at base+0x10: caller fp, lr
        words[8] = 0; words[9] = 0x10a04;                   // frame record at base+0x20: end of chain
        long[] mem = MinidumpStreamsTest.stack(b, base, words, 4);
        long ctx = context(b, base + 0x8, base + 0x10, 0x10800, 0x10654);
        MinidumpStreamsTest.thread(b, 1234, mem, ctx, ThreadContext.ARM_SIZE);
        b.moduleList(0, new Object[][]{{0x10000L, 0x1000L, "/system/bin/app", MinidumpStreamsTest.ID}});
        b.memoryList(0, new long[][]{mem});

        DumpOverview o = MinidumpStreamsTest.overview(b);
        ThreadInfo t = o.report().threads().get(0);
        assertThat(t.registers().arch()).isEqualTo("arm");
        assertThat(t.registers().registers()).extracting(Register::name).containsExactly("r0", "r1", "r2", "r3", "r4",
                "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "sp", "lr", "pc", "cpsr");
        assertThat(t.registers().find("r7").orElseThrow().value()).isEqualTo(0x107);
        assertThat(t.registers().find("r11").orElseThrow().value()).isEqualTo(base + 0x10);
        assertThat(t.registers().find("lr").orElseThrow().value()).isEqualTo(0x10800);
        assertThat(t.registers().find("cpsr").orElseThrow().value()).isEqualTo(0x60000010L);
        assertThat(t.registers().pc().orElseThrow().value()).isEqualTo(0x10654);
        ThreadStack st = o.report().stackOf(new Tid(1234)).orElseThrow();
        assertThat(st.frames()).extracting(f -> f.pc().value()).containsExactly(0x10654L, 0x10840L, 0x10a04L);
        assertThat(st.frames()).extracting(StackFrame::source)
                .containsExactly(FrameSource.REGISTERS, FrameSource.FRAME_POINTER, FrameSource.FRAME_POINTER);
        assertThat(o.report().diagnostics()).isEmpty();
    }

    @Test void armContextIsRecognisedByItsFlagsWhenTheSystemInfoIsMissing() {
        MinidumpBuilder b = new MinidumpBuilder();
        long ctx = context(b, 0x9000, 0, 0, 0x20000);
        MinidumpStreamsTest.thread(b, 5, new long[]{0, 0, 0}, ctx, ThreadContext.ARM_SIZE);
        Minidump d = MinidumpStreamsTest.parse(b);
        DumpOverview o = MinidumpStreamsTest.overview(b);
        assertThat(o.report().threads().get(0).registers().arch()).isEqualTo("arm");
        assertThat(o.report().threads().get(0).registers().pc().orElseThrow().value()).isEqualTo(0x20000);
        assertThat(d.threads()).hasSize(1);
    }

    @Test void truncatedArmContextIsATypedError() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_ARM, SystemInfo.PLATFORM_LINUX, 4);
        long ctx = b.blob(MinidumpBuilder.le(40).i32((int) ThreadContext.FLAG_ARM).array());
        MinidumpStreamsTest.thread(b, 9, new long[]{0, 0, 0}, ctx, 40);
        DumpOverview o = MinidumpStreamsTest.overview(b);
        assertThat(o.report().diagnostics()).anySatisfy(diag -> assertThat(diag.message()).contains("arm context"));
    }
}
