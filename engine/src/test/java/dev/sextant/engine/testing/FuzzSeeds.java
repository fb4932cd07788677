package dev.sextant.engine.testing;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import dev.sextant.engine.testing.NativePrograms.Tools;

/**
 * The real files fuzz targets start from, made once per JVM at test time (never corpus copies): the
 * test programs compiled with {@code cc}, a core of one, a PE image from mingw. A file this machine
 * cannot make is empty, and the targets then fuzz raw bytes only.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {}

    private static Path dir;

    private static synchronized Path dir() throws IOException {
        if (dir == null) dir = Files.createTempDirectory("sextant-fuzz-seeds");
        return dir;
    }

    private static final Memo EXE = new Memo(() -> bytes(() -> NativePrograms.compile("crash", dir())));
    private static final Memo PLT = new Memo(() -> bytes(() -> NativePrograms.compile("plt", dir(), "-O1")));
    private static final Memo CORE_HEAD = new Memo(() -> bytes(() -> {
        Path exe = NativePrograms.compile("crash", dir());
        Path core = NativePrograms.coreOf(exe, dir());
        return headOfCore(core);
    }));
    private static final Memo PE = new Memo(() -> bytes(() -> {
        if (!Tools.onPath("x86_64-w64-mingw32-gcc")) return null;
        Path src = NativePrograms.source("crash", dir());
        Path exe = dir().resolve("crash.exe");
        Tools.Result r = Tools.run(dir(), 120, List.of("x86_64-w64-mingw32-gcc", "-O1", "-o", exe.toString(), src.toString()));
        return r.exit() == 0 ? exe : null;
    }));

    /** {@code crash.c} compiled with {@code cc -g}: an executable with sections, notes, DWARF, .eh_frame. */
    public static byte[] executable() { return EXE.get(); }

    /** {@code plt.c} compiled with {@code cc -O1}: calls through the PLT into libc. */
    public static byte[] pltProgram() { return PLT.get(); }

    /** The head of a real core of {@code crash}: ELF header, program headers and notes, no memory image. */
    public static byte[] coreHead() { return CORE_HEAD.get(); }

    /** {@code crash.c} compiled by mingw-w64 into a PE32+ executable. */
    public static byte[] pe() { return PE.get(); }

    private static Path headOfCore(Path core) throws IOException {
        byte[] all = Files.readAllBytes(core);
        ByteReader r = ByteReader.of(all, ByteOrder.LITTLE_ENDIAN);
        ElfHeader eh = ElfHeader.read(r);
        long end = all.length;
        for (ProgramHeader ph : ProgramHeader.readAll(r, eh)) {
            if (ph.type() == ProgramHeader.PT_LOAD && ph.offset() > 0) end = Math.min(end, ph.offset());
        }
        Path head = core.resolveSibling("core.head");
        Files.write(head, Arrays.copyOf(all, (int) Math.min(end, 1 << 20)));
        return head;
    }

    private interface Maker { Path make() throws Exception; }

    private static byte[] bytes(Maker maker) {
        try {
            Path p = maker.make();
            return p == null ? new byte[0] : Files.readAllBytes(p);
        } catch (Exception | AssertionError e) {
            // no cc, no core on this machine (a skipped assumption), no mingw: fuzz raw bytes only
            System.err.println("fuzz seeds: " + e);
            return new byte[0];
        }
    }

    private static final class Memo {
        private final Supplier<byte[]> make;
        private byte[] value;
        Memo(Supplier<byte[]> make) { this.make = make; }
        synchronized byte[] get() {
            if (value == null) value = make.get();
            return value;
        }
    }
}
