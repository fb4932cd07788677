package dev.sextant.engine.format.minidump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Diagnostic;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.dump.DumpOverview;
import dev.sextant.engine.dump.MemoryStackWalker;
import dev.sextant.engine.dump.MinidumpReader;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.Corpus;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Malformed minidumps: a typed error or a partial view with diagnostics, never a hang, OOM or stray exception. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MinidumpHostileTest {
    static final Path NAME = Path.of("hostile.dmp");
    static final long MODULE_BASE = 0x400000, MODULE_SIZE = 0x10000;
    static final byte[] BUILD_ID = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

    static DumpOverview read(byte[] bytes) {
        return MinidumpReader.read(NAME, ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN));
    }

    static List<String> messages(DumpOverview o) {
        return o.report().diagnostics().stream().map(Diagnostic::message).toList();
    }

    /** Reads every cut and renders everything a view would show, including decoded secondary data. */
    static void readAnyCut(byte[] whole, int cut) {
        byte[] part = Arrays.copyOf(whole, cut);
        DumpOverview o;
        try {
            o = read(part);
        } catch (TargetException e) {
            assertThat(e.getCause()).as("cut at %d", cut).isInstanceOf(FormatException.class);
            return;
        }
        o.secondaryData().forEach(SecondaryData::decode);
        boolean streamCut = false;
        Minidump d = Minidump.read(ByteReader.of(part, ByteOrder.LITTLE_ENDIAN));
        for (Minidump.StreamEntry e : d.directory()) if (e.type() != 0 && e.rva() + e.size() > cut) streamCut = true;
        if (streamCut) assertThat(o.report().diagnostics()).as("cut at %d leaves a stream short: says so", cut).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"minidump/breakpad/minidump2.dmp", "minidump/breakpad/tiny-exe-fastfail.dmp",
            "minidump/breakpad/linux_raise_sigabrt.dmp", "minidump/rust-minidump/linux-mini.dmp",
            "minidump/rust-minidump/simple-crashpad.dmp"})
    void truncationSweepGivesTypedErrorsOrPartialViews(String corpusFile) throws IOException {
        byte[] whole = Files.readAllBytes(Corpus.require(corpusFile));
        for (int cut = 0; cut < Math.min(whole.length, 600); cut++) readAnyCut(whole, cut);
        for (int cut = 600; cut < whole.length; cut += Math.max(7, whole.length / 400)) readAnyCut(whole, cut);
        readAnyCut(whole, whole.length - 1);
    }

    /** A dump with one thread, one module, a stack whose rbp chain gives two frames, and an exception. */
    static MinidumpBuilder walkable(int padding) {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_AMD64, SystemInfo.PLATFORM_LINUX, 2);
        long stackStart = 0x7ff000;
        long[] stack = new long[64];
        // frame at rbp=0x7ff040: saved rbp 0x7ff080, return 0x401234; at 0x7ff080: saved rbp 0, return 0x405678
        stack[8] = 0x7ff080; stack[9] = 0x401234;
        stack[16] = 0; stack[17] = 0x405678;
        MinidumpBuilder.W w = MinidumpBuilder.le(stack.length * 8);
        for (long v : stack) w.i64(v);
        long stackRva = b.blob(w.array());
        long ctx = b.amd64Context(0x400abc, stackStart + 0x10, 0x7ff040);
        b.threadList(padding, new long[][]{{77, stackStart, stack.length * 8, stackRva, ctx}});
        b.moduleList(padding, new Object[][]{{MODULE_BASE, MODULE_SIZE, "/usr/bin/prog", BUILD_ID}});
        b.memoryList(padding, new long[][]{{stackStart, stack.length * 8, stackRva}});
        b.exception(77, 11, 1, 0xdead, new long[0], 0);
        return b;
    }

    @Test void builtDumpWalksTheRbpChain() {
        DumpOverview o = read(walkable(0).build());
        assertThat(messages(o)).isEmpty();
        assertThat(o.crash().orElseThrow().name()).isEqualTo("SIGSEGV");
        ThreadStack st = o.report().stackOf(new Tid(77)).orElseThrow();
        assertThat(st.frames()).extracting(f -> f.pc().value()).containsExactly(0x400abcL, 0x401234L, 0x405678L);
        assertThat(st.frames()).extracting(StackFrame::source)
                .containsExactly(FrameSource.REGISTERS, FrameSource.FRAME_POINTER, FrameSource.FRAME_POINTER);
        assertThat(o.report().modules().get(0).buildId()).contains("0102030405060708090a0b0c0d0e0f1011121314");
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8})
    void listsPaddedAfterTheirCountAreReadPastThePadding(int padding) {
        DumpOverview o = read(walkable(padding).build());
        assertThat(messages(o)).isEmpty();
        assertThat(o.report().threads()).extracting(t -> t.tid().value()).containsExactly(77);
        assertThat(o.report().modules()).extracting(m -> m.path()).containsExactly("/usr/bin/prog");
        assertThat(o.report().stackOf(new Tid(77)).orElseThrow().frames()).hasSize(3);
    }

    @Test void streamPointingOutsideTheFileIsADiagnosticAndTheRestIsRead() {
        MinidumpBuilder b = walkable(0);
        b.rawEntry(StreamType.LINUX_MAPS, 0x7fff0000L, 64);
        b.rawEntry(StreamType.HANDLE_DATA, 0xfffffff0L, 0xffffffffL);
        DumpOverview o = read(b.build());
        assertThat(messages(o)).anyMatch(m -> m.contains("LinuxMaps") && m.contains("outside the file"));
        assertThat(messages(o)).anyMatch(m -> m.contains("HandleData"));
        assertThat(o.report().threads()).hasSize(1);
        assertThat(o.secondaryData()).extracting(SecondaryData::name).doesNotContain("LinuxMaps");
    }

    @Test void directoryOutsideTheFileFailsFast() {
        byte[] bytes = walkable(0).build();
        System.arraycopy(MinidumpBuilder.le(4).i32(0x7ffffff0).array(), 0, bytes, 12, 4);
        assertThatThrownBy(() -> Minidump.read(ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.kind()).isEqualTo(FormatException.Kind.OUT_OF_BOUNDS));
        assertThatThrownBy(() -> read(bytes)).isInstanceOf(TargetException.class).hasMessageContaining("stream directory");
    }

    @Test void absurdStreamCountFailsFastWithoutAllocating() {
        byte[] bytes = walkable(0).build();
        System.arraycopy(MinidumpBuilder.le(4).i32(0xffffffff).array(), 0, bytes, 8, 4);
        assertThatThrownBy(() -> Minidump.read(ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.kind()).isEqualTo(FormatException.Kind.INCONSISTENT));
    }

    @Test void absurdListCountsAreDiagnosticsNotOutOfMemory() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_AMD64, SystemInfo.PLATFORM_LINUX, 1);
        b.stream(StreamType.THREAD_LIST, MinidumpBuilder.le(52).i32(0xffffffff).array());
        b.stream(StreamType.MODULE_LIST, MinidumpBuilder.le(112).i32(0x7fffffff).array());
        b.stream(StreamType.MEMORY_LIST, MinidumpBuilder.le(20).i32(0x10000000).array());
        b.stream(StreamType.MEMORY64_LIST, MinidumpBuilder.le(32).i64(-1).i64(0).array());
        b.stream(StreamType.THREAD_NAMES, MinidumpBuilder.le(16).i32(0x40000000).array());
        b.stream(StreamType.MEMORY_INFO_LIST, MinidumpBuilder.le(64).i32(16).i32(48).i64(Long.MAX_VALUE).array());
        b.stream(StreamType.UNLOADED_MODULE_LIST, MinidumpBuilder.le(40).i32(12).i32(24).i32(0xfffffff).array());
        b.stream(StreamType.HANDLE_DATA, MinidumpBuilder.le(48).i32(16).i32(32).i32(0x7fffffff).i32(0).array());
        Minidump d = Minidump.read(ByteReader.of(b.build(), ByteOrder.LITTLE_ENDIAN));
        assertThat(d.threads()).isEmpty();
        assertThat(d.modules()).isEmpty();
        assertThat(d.memoryList()).isEmpty();
        assertThat(d.memory64List()).isEmpty();
        assertThat(d.threadNames()).isEmpty();
        assertThat(d.memoryInfo()).isEmpty();
        assertThat(d.unloadedModules()).isEmpty();
        assertThat(d.handles()).isEmpty();
        assertThat(d.problems()).hasSize(8).allMatch(p -> p.contains("claims") || p.contains("ranges"));
        DumpOverview o = read(b.build());
        assertThat(messages(o)).anyMatch(m -> m.contains("ThreadList stream unreadable"));
    }

    @Test void overlappingAndWrappingMemoryDescriptorsAreDropped() {
        MinidumpBuilder b = new MinidumpBuilder();
        long rva = b.blob(new byte[0x200]);
        b.memoryList(0, new long[][]{
                {0x1000, 0x100, rva},
                {0x1080, 0x100, rva},                 // overlaps the first
                {0x1000, 0x100, rva},                 // the same range again
                {0xffffffffffffff00L, 0x200, rva},    // wraps around the address space
                {0x9000, 0x100, 0x7ffffff0L}});       // bytes outside the file
        Minidump d = Minidump.read(ByteReader.of(b.build(), ByteOrder.LITTLE_ENDIAN));
        MemoryRegions m = d.memory();
        assertThat(m.regions()).extracting(MemoryRegions.Region::start).containsExactly(0x1000L);
        assertThat(d.problems()).anyMatch(p -> p.contains("overlaps")).anyMatch(p -> p.contains("wraps"))
                .anyMatch(p -> p.contains("0x9000"));
        assertThat(m.readWord(0x10f8, 8)).isPresent();
        assertThat(m.readWord(0x10fc, 8)).isEmpty();
    }

    @Test void memory64RangesPastTheEndOfTheFileAreCutWithADiagnostic() {
        MinidumpBuilder b = new MinidumpBuilder();
        long rva = b.blob(new byte[0x100]);
        b.stream(StreamType.MEMORY64_LIST, MinidumpBuilder.le(16 + 3 * 16).i64(3).i64(rva)
                .i64(0x1000).i64(0x80).i64(0x2000).i64(0x80).i64(0x3000).i64(Long.MAX_VALUE).array());
        Minidump d = Minidump.read(ByteReader.of(b.build(), ByteOrder.LITTLE_ENDIAN));
        assertThat(d.memory().regions()).extracting(MemoryRegions.Region::start).containsExactly(0x1000L, 0x2000L);
        assertThat(d.problems()).anyMatch(p -> p.contains("Memory64List range 2"));
    }

    private static final long STACK_START = 0x10000;
    private static final int STACK_WORDS = 4096;

    /** Makes {@code b} an amd64 Linux minidump and adds a stack of {@link #STACK_WORDS} words, word {@code i} being {@code word(i)}; answers its rva. */
    private static long amd64WithStack(MinidumpBuilder b, IntToLongFunction word) {
        b.systemInfo(SystemInfo.ARCH_AMD64, SystemInfo.PLATFORM_LINUX, 1);
        MinidumpBuilder.W w = MinidumpBuilder.le(STACK_WORDS * 8);
        for (int i = 0; i < STACK_WORDS; i++) w.i64(word.applyAsLong(i));
        return b.blob(w.array());
    }

    /** A frame-pointer chain that points at itself, or a stack full of return addresses: the walk ends, capped. */
    @Test void loopingStacksEndTheWalk() {
        MinidumpBuilder b = new MinidumpBuilder();
        long stackRva = amd64WithStack(b, i -> i % 2 == 0 ? STACK_START + 8L * i : MODULE_BASE + 0x1000 + i); // each saved rbp points at itself
        long ctx = b.amd64Context(MODULE_BASE + 0x500, STACK_START, STACK_START);
        b.threadList(0, new long[][]{{5, STACK_START, STACK_WORDS * 8, stackRva, ctx}});
        b.moduleList(0, new Object[][]{{MODULE_BASE, MODULE_SIZE, "prog", BUILD_ID}});
        b.memoryList(0, new long[][]{{STACK_START, STACK_WORDS * 8, stackRva}});
        DumpOverview o = read(b.build());
        ThreadStack st = o.report().stackOf(new Tid(5)).orElseThrow();
        assertThat(st.frames()).hasSize(MemoryStackWalker.MAX_FRAMES);
        assertThat(st.stopReason()).contains("stopped after " + MemoryStackWalker.MAX_FRAMES + " frames");
        for (int i = 1; i < st.frames().size(); i++) assertThat(st.frames().get(i).pc().value()).isNotEqualTo(st.frames().get(i - 1).pc().value());
    }

    /** Thousands of modules naming one 60 KiB string: copies stop at a budget instead of outgrowing memory. */
    @Test void entriesSharingOneHugeStringStopAtTheCopyBudget() {
        MinidumpBuilder b = new MinidumpBuilder();
        long name = b.utf16("x".repeat(30_000));
        int count = 20_000;
        MinidumpBuilder.W w = MinidumpBuilder.le(4 + 108 * count).i32(count);
        for (int i = 0; i < count; i++) w.i64(0x10000L * (i + 1)).i32(0x1000).i32(0).i32(0).i32((int) name).skip(52).skip(32);
        b.stream(StreamType.MODULE_LIST, w.array());
        byte[] bytes = b.build();
        Minidump d = Minidump.read(ByteReader.of(bytes, ByteOrder.LITTLE_ENDIAN));
        List<ModuleRecord> modules = d.modules();
        assertThat(modules).hasSize(count);
        long named = modules.stream().filter(m -> m.name().length() == 30_000).count();
        assertThat(named).isGreaterThan(0).isLessThanOrEqualTo((bytes.length + (1 << 20)) / 60_000 + 1);
        assertThat(d.problems()).hasSize(Minidump.MAX_PROBLEMS + 1).anyMatch(p -> p.contains("exceed"))
                .last().isEqualTo("… more problems not shown");
    }

    /** 20,000 threads sharing one stack of return addresses: the walk budget bounds the whole dump's frames. */
    @Test void manyThreadsSharingAHostileStackStopAtTheWalkBudget() {
        MinidumpBuilder b = new MinidumpBuilder();
        long stackRva = amd64WithStack(b, i -> MODULE_BASE + 0x1000 + i);
        long ctx = b.amd64Context(MODULE_BASE + 0x500, STACK_START, 0);
        int count = 20_000;
        long[][] threads = new long[count][];
        for (int i = 0; i < count; i++) threads[i] = new long[]{i + 1, STACK_START, STACK_WORDS * 8, stackRva, ctx};
        b.threadList(0, threads);
        b.moduleList(0, new Object[][]{{MODULE_BASE, MODULE_SIZE, "prog", BUILD_ID}});
        DumpOverview o = read(b.build());
        long frames = o.report().stacks().stream().mapToLong(s -> s.frames().size()).sum();
        assertThat(frames).isLessThanOrEqualTo(MemoryStackWalker.FRAME_BUDGET + count);
        assertThat(o.report().stacks().get(count - 1).frames()).hasSize(1);
        assertThat(o.report().stacks().get(count - 1).stopReason()).contains("the stack-walk budget for this dump is used up");
    }

    @Test void notAMinidumpIsABadMagic() {
        assertThatThrownBy(() -> Minidump.read(ByteReader.of("\u007fELF.....................................".getBytes(), ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.kind()).isEqualTo(FormatException.Kind.BAD_MAGIC));
        assertThatThrownBy(() -> Minidump.read(ByteReader.of(new byte[0], ByteOrder.LITTLE_ENDIAN)))
                .isInstanceOfSatisfying(FormatException.class, e -> assertThat(e.kind()).isEqualTo(FormatException.Kind.TRUNCATED));
    }
}
