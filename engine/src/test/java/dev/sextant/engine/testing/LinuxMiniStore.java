package dev.sextant.engine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Breakpad store for the corpus's {@code minidump/rust-minidump/linux-mini.dmp}, whose program
 * {@code /work/linux/build/crash} is on no machine here: its build-id f1c3bcc0279865fe3058404b2831d9e64135386c
 * is Breakpad id {@value #ID}. The hand-written {@code crash.sym} names the crash frame
 * {@code crash_the_program} (crash.c:17) with {@code write_it} (util.h:3) inlined into it, and is padded
 * with functions past the program's code to {@code size} bytes, so that a throttled download takes a while.
 */
public final class LinuxMiniStore {
    public static final String MODULE = "crash", ID = "C0BCC3F19827FE653058404B2831D9E60";

    private LinuxMiniStore() {}

    /** Writes {@code root/crash/ID/crash.sym} of at least {@code size} bytes; returns {@code root}. */
    public static Path write(Path root, int size) throws IOException {
        Path sym = root.resolve(MODULE).resolve(ID).resolve(MODULE + ".sym");
        Files.createDirectories(sym.getParent());
        StringBuilder b = new StringBuilder("MODULE Linux x86_64 " + ID + " crash\n"
                + "FILE 0 /work/linux/crash.c\nFILE 1 /work/linux/util.h\nINLINE_ORIGIN 0 write_it\n"
                + "FUNC 1d50 40 0 crash_the_program\nINLINE 0 17 0 0 1d70 8\n1d50 20 15 0\n1d70 8 3 1\n1d78 18 18 0\n");
        // In address order, as dump_syms writes them: a large file is searched in place.
        for (long a = 0x100000; b.length() < size; a += 0x10) b.append(String.format("FUNC %x 10 0 padding_%x\n", a, a));
        Files.writeString(sym, b, StandardCharsets.US_ASCII);
        return root;
    }
}
