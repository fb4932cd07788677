package dev.sextant.engine.format.minidump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.api.Tid;
import dev.sextant.engine.dump.DumpOverview;
import dev.sextant.engine.dump.MinidumpReader;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.dump.secondary.Decoded;
import dev.sextant.engine.format.io.ByteReader;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams the corpus dumps lack, written with the test-side builder in the documented layouts. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MinidumpStreamsTest {
    static final byte[] ID = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6};

    static Minidump parse(MinidumpBuilder b) { return Minidump.read(ByteReader.of(b.build(), ByteOrder.LITTLE_ENDIAN)); }

    static DumpOverview overview(MinidumpBuilder b) { return MinidumpReader.read(Path.of("built.dmp"), ByteReader.of(b.build(), ByteOrder.LITTLE_ENDIAN)); }

    /** Stack words at {@code start}, as a blob, with a matching memory descriptor returned. */
    static long[] stack(MinidumpBuilder b, long start, long[] words, int wordSize) {
        MinidumpBuilder.W w = MinidumpBuilder.le(words.length * wordSize);
        for (long v : words) { if (wordSize == 8) w.i64(v); else w.i32((int) v); }
        return new long[]{start, (long) words.length * wordSize, b.blob(w.array())};
    }

    static void thread(MinidumpBuilder b, int tid, long[] mem, long ctxRva, int ctxSize) {
        b.stream(StreamType.THREAD_LIST, MinidumpBuilder.le(52).i32(1).i32(tid).i32(0).i32(0).i32(0).i64(0)
                .i64(mem[0]).i32((int) mem[1]).i32((int) mem[2]).i32(ctxSize).i32((int) ctxRva).array());
    }

    @Test void arm64ContextAndTheX29ChainGiveFrames() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_ARM64, SystemInfo.PLATFORM_LINUX, 8);
        long base = 0x7000;
        long[] words = new long[16];
        words[4] = base + 0x40; words[5] = 0x401100;   // frame record at 0x7020
        words[8] = 0; words[9] = 0x402200;             // frame record at 0x7040, end of chain
        long[] mem = stack(b, base, words, 8);
        MinidumpBuilder.W c = MinidumpBuilder.le(ThreadContext.ARM64_SIZE).i32(0x400003).i32(0x60000000);
        for (int i = 0; i < 29; i++) c.i64(0x1000 + i);
        c.i64(base + 0x20).i64(0x400ff0).i64(base + 0x8).i64(0x400abc);
        long ctx = b.blob(c.array());
        thread(b, 42, mem, ctx, ThreadContext.ARM64_SIZE);
        b.moduleList(0, new Object[][]{{0x400000L, 0x10000L, "/bin/arm", ID}});
        b.memoryList(0, new long[][]{mem});
        DumpOverview o = overview(b);
        ThreadInfo t = o.report().threads().get(0);
        assertThat(t.registers().arch()).isEqualTo("arm64");
        assertThat(t.registers().find("x3").orElseThrow().value()).isEqualTo(0x1003);
        assertThat(t.registers().find("x30").orElseThrow().value()).isEqualTo(0x400ff0);
        assertThat(t.registers().pc().orElseThrow().value()).isEqualTo(0x400abc);
        assertThat(t.registers().find("sp").orElseThrow().value()).isEqualTo(base + 8);
        ThreadStack st = o.report().stackOf(new Tid(42)).orElseThrow();
        assertThat(st.frames()).extracting(f -> f.pc().value()).containsExactly(0x400abcL, 0x401100L, 0x402200L);
        assertThat(st.frames()).extracting(StackFrame::source)
                .containsExactly(FrameSource.REGISTERS, FrameSource.FRAME_POINTER, FrameSource.FRAME_POINTER);
        assertThat(o.report().diagnostics()).isEmpty();
    }

    @Test void x86ContextAndTheEbpChainGiveFrames() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_X86, SystemInfo.PLATFORM_WIN32_NT, 1);
        long base = 0x12f000;
        long[] words = new long[16];
        words[2] = base + 0x20; words[3] = 0x401500;   // ebp 0x12f008
        words[8] = 0; words[9] = 0x7c816fd7;           // ebp 0x12f020
        long[] mem = stack(b, base, words, 4);
        MinidumpBuilder.W c = MinidumpBuilder.le(ThreadContext.X86_SIZE).i32(0x1003f);
        c.at(180).i32((int) (base + 8)).i32(0x40429e);  // ebp, eip
        c.at(196).i32((int) (base + 4));                // esp
        long ctx = b.blob(c.array());
        thread(b, 3060, mem, ctx, ThreadContext.X86_SIZE);
        b.moduleList(0, new Object[][]{{0x400000L, 0x2d000L, "c:\\app.exe", ID}, {0x7c800000L, 0xf4000L, "c:\\kernel32.dll", ID}});
        b.memoryList(0, new long[][]{mem});
        DumpOverview o = overview(b);
        ThreadStack st = o.report().stackOf(new Tid(3060)).orElseThrow();
        assertThat(st.frames()).extracting(f -> f.pc().value()).containsExactly(0x40429eL, 0x401500L, 0x7c816fd7L);
        assertThat(st.frames()).extracting(f -> f.module().orElse("")).containsExactly("app.exe", "app.exe", "kernel32.dll");
        assertThat(o.report().threads().get(0).registers().find("esp").orElseThrow().value()).isEqualTo(base + 4);
    }

    @Test void threadNamesNameTheThreads() {
        MinidumpBuilder b = new MinidumpBuilder();
        long ctx = b.amd64Context(0x400100, 0, 0);
        b.threadList(0, new long[][]{{7, 0, 0, 0, ctx}, {8, 0, 0, 0, ctx}});
        long name = b.utf16("render-thread");
        b.stream(StreamType.THREAD_NAMES, MinidumpBuilder.le(16).i32(1).i32(8).i64(name).array());
        Minidump d = parse(b);
        assertThat(d.threadNames()).containsExactly(Map.entry(8, "render-thread"));
        DumpOverview o = overview(b);
        assertThat(o.report().threads()).extracting(t -> t.name().orElse("-")).containsExactly("-", "render-thread");
    }

    @Test void miscInfoUnloadedModulesMemoryInfoAndHandlesAreRead() {
        MinidumpBuilder b = new MinidumpBuilder();
        b.stream(StreamType.MISC_INFO, MinidumpBuilder.le(24).i32(24).i32(3).i32(4321).i32(1600000000).i32(5).i32(6).array());
        long un = b.utf16("c:\\gone.dll");
        b.stream(StreamType.UNLOADED_MODULE_LIST, MinidumpBuilder.le(12 + 24).i32(12).i32(24).i32(1)
                .i64(0x10000000L).i32(0x5000).i32(0).i32(0x5a5a5a5a).i32((int) un).array());
        b.stream(StreamType.MEMORY_INFO_LIST, MinidumpBuilder.le(16 + 48).i32(16).i32(48).i64(1)
                .i64(0x7000).i64(0x7000).i32(4).i32(0).i64(0x1000).i32(0x1000).i32(4).i32(0x20000).i32(0).array());
        long type = b.utf16("File"), obj = b.utf16("\\Device\\Null");
        b.stream(StreamType.HANDLE_DATA, MinidumpBuilder.le(16 + 32).i32(16).i32(32).i32(1).i32(0)
                .i64(0x44).i32((int) type).i32((int) obj).i32(0).i32(0x12019f).i32(1).i32(2).array());
        Minidump d = parse(b);
        MiscInfo m = d.miscInfo().orElseThrow();
        assertThat(m.processId().getAsLong()).isEqualTo(4321);
        assertThat(m.processCreateTime().getAsLong()).isEqualTo(1600000000L);
        assertThat(d.unloadedModules()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("c:\\gone.dll");
            assertThat(u.base()).isEqualTo(0x10000000L);
            assertThat(u.size()).isEqualTo(0x5000);
        });
        assertThat(d.memoryInfo()).singleElement().satisfies(i -> {
            assertThat(i.base()).isEqualTo(0x7000);
            assertThat(i.regionSize()).isEqualTo(0x1000);
            assertThat(i.state()).isEqualTo(MemoryInfo.MEM_COMMIT);
        });
        assertThat(d.handles()).singleElement().satisfies(h -> {
            assertThat(h.handle()).isEqualTo(0x44);
            assertThat(h.typeName()).contains("File");
            assertThat(h.objectName()).contains("\\Device\\Null");
            assertThat(h.grantedAccess()).isEqualTo(0x12019f);
        });
        assertThat(d.problems()).isEmpty();
        assertThat(overview(b).report().process().pid().value()).isEqualTo(4321);
    }

    @Test void memory64ListBytesAreReadable() {
        MinidumpBuilder b = new MinidumpBuilder();
        MinidumpBuilder.W data = MinidumpBuilder.le(32).i64(0x1111).i64(0x2222).i64(0x3333).i64(0x4444);
        long rva = b.blob(data.array());
        b.stream(StreamType.MEMORY64_LIST, MinidumpBuilder.le(16 + 32).i64(2).i64(rva).i64(0x5000).i64(16).i64(0x9000).i64(16).array());
        Minidump d = parse(b);
        assertThat(d.memory64List()).extracting(MemoryRegions.Descriptor::rva).containsExactly(rva, rva + 16);
        assertThat(d.memory().readWord(0x5008, 8).getAsLong()).isEqualTo(0x2222);
        assertThat(d.memory().readWord(0x9000, 8).getAsLong()).isEqualTo(0x3333);
        assertThat(d.memory().readWord(0x9010, 8)).isEmpty();
    }

    /** A full-memory dump over 2 GiB (sparse on disk): Memory64 data past the first 2 GiB, one range across the boundary. */
    @Test void filesOverTwoGibibytesReadMemoryBeyondTheFirstMapping(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        long base = (1L << 31) - 8;
        MinidumpBuilder b = new MinidumpBuilder();
        b.systemInfo(SystemInfo.ARCH_AMD64, SystemInfo.PLATFORM_WIN32_NT, 4);
        b.stream(StreamType.MEMORY64_LIST, MinidumpBuilder.le(16 + 32).i64(2).i64(base).i64(0x5000).i64(16).i64(0x9000).i64(16).array());
        Path f = dir.resolve("full.dmp");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
            raf.write(b.build());
            raf.seek(base);
            raf.write(MinidumpBuilder.le(32).i64(0x1111).i64(0x2222).i64(0x3333).i64(0x4444).array());
            raf.setLength(3L << 30);
        }
        Minidump d = Minidump.open(f);
        assertThat(d.fileSize()).isEqualTo(3L << 30);
        assertThat(d.file().size()).isEqualTo(Integer.MAX_VALUE);
        assertThat(d.memory().readWord(0x5000, 8).getAsLong()).isEqualTo(0x1111);
        assertThat(d.memory().readWord(0x5008, 8).getAsLong()).isEqualTo(0x2222);
        assertThat(d.memory().readWord(0x9008, 8).getAsLong()).isEqualTo(0x4444);
        assertThat(d.problems()).isEmpty();
        assertThat(MinidumpReader.read(f).cpu()).startsWith("amd64");
    }

    @Test void crashpadModuleAnnotationsOfEveryKindAreListed() {
        MinidumpBuilder b = new MinidumpBuilder();
        long ctx = b.amd64Context(0x400100, 0, 0);
        b.threadList(0, new long[][]{{1, 0, 0, 0, ctx}});
        b.moduleList(0, new Object[][]{{0x400000L, 0x1000L, "/usr/bin/app", ID}, {0x500000L, 0x1000L, "/usr/lib/libx.so", ID}});
        long k = b.utf8("channel"), v = b.utf8("beta");
        long dict = b.blob(MinidumpBuilder.le(12).i32(1).i32((int) k).i32((int) v).array());
        long l1 = b.utf8("first"), l2 = b.utf8("second");
        long list = b.blob(MinidumpBuilder.le(12).i32(2).i32((int) l1).i32((int) l2).array());
        long an = b.utf8("gpu"), av = b.blob(MinidumpBuilder.le(4 + 6).i32(6).bytes("radeon".getBytes(StandardCharsets.UTF_8)).array());
        long bn = b.utf8("blob"), bv = b.blob(MinidumpBuilder.le(4 + 3).i32(3).i8(1).i8(2).i8(3).array());
        long objs = b.blob(MinidumpBuilder.le(4 + 24).i32(2).i32((int) an).i16(1).i16(0).i32((int) av)
                .i32((int) bn).i16(0x8001).i16(0).i32((int) bv).array());
        long modInfo = b.blob(MinidumpBuilder.le(28).i32(1).i32(12).i32((int) list).i32(12).i32((int) dict).i32(28).i32((int) objs).array());
        long modList = b.blob(MinidumpBuilder.le(16).i32(1).i32(1).i32(28).i32((int) modInfo).array());
        long pk = b.utf8("prod"), pv = b.utf8("Sextant");
        long pdict = b.blob(MinidumpBuilder.le(12).i32(1).i32((int) pk).i32((int) pv).array());
        b.stream(StreamType.CRASHPAD_INFO, MinidumpBuilder.le(52).i32(1).skip(32).i32(12).i32((int) pdict).i32(16).i32((int) modList).array());
        b.stream(0x12345678, "tagged blob".getBytes(StandardCharsets.US_ASCII));
        b.stream(StreamType.COMMENT_W, "note from the writer\0".getBytes(StandardCharsets.UTF_16LE));
        DumpOverview o = overview(b);
        assertThat(o.report().diagnostics()).isEmpty();
        List<SecondaryData> s = o.secondaryData();
        assertThat(s).extracting(SecondaryData::tag, SecondaryData::name, SecondaryData::component).containsExactly(
                org.assertj.core.groups.Tuple.tuple("minidump:0x43500001", "CrashpadInfo", "crashpad"),
                org.assertj.core.groups.Tuple.tuple("minidump:0x12345678", "stream 0x12345678", "user stream"),
                org.assertj.core.groups.Tuple.tuple("minidump:0xb", "CommentW", "windows"),
                org.assertj.core.groups.Tuple.tuple("crashpad:simple", "prod", "crashpad"),
                org.assertj.core.groups.Tuple.tuple("crashpad:list", "list annotations", "crashpad module libx.so"),
                org.assertj.core.groups.Tuple.tuple("crashpad:simple", "channel", "crashpad module libx.so"),
                org.assertj.core.groups.Tuple.tuple("crashpad:annotation:0x1", "gpu", "crashpad module libx.so"),
                org.assertj.core.groups.Tuple.tuple("crashpad:annotation:0x8001", "blob", "crashpad module libx.so"));
        assertThat(s.get(1).decode()).isInstanceOf(Decoded.Hex.class);
        assertThat(s.get(1).bytes().bytes("x", 0, s.get(1).size())).isEqualTo("tagged blob".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.get(2).decode()).isEqualTo(new Decoded.Text("note from the writer"));
        assertThat(s.get(4).decode()).isEqualTo(new Decoded.Text("first\nsecond"));
        assertThat(s.get(5).decode()).isEqualTo(new Decoded.Text("beta"));
        assertThat(s.get(6).decode()).isEqualTo(new Decoded.Text("radeon"));
        assertThat(s.get(7).size()).isEqualTo(3);
        assertThat(s.get(7).decode().render()).startsWith("00000000  01 02 03");
    }
}
