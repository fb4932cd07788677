package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.app.Main;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code sextant unwind} end to end, through {@link Main#run}, checked against readelf and the corpus facts. */
class UnwindCommandTest {
    private static final Path LIBZ = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1");

    private record Result(int status, String out) {}

    private static Result run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            int status = Main.run(args);
            capture.flush();
            return new Result(status, bytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private static Path corpus(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/corpus").resolve(rel);
            if (Files.exists(c)) return c;
        }
        assumeTrue(false, "corpus file " + rel + " is absent");
        return null;
    }

    private static String readelf(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "readelf";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        p.waitFor();
        return out;
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void jsonListsEveryFdeThatReadelfLists() throws Exception {
        assumeTrue(Files.exists(LIBZ), "libz.so.1 is not installed");
        Result r = run("unwind", "--json", LIBZ.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).startsWith("{\"file\":").contains("\"format\":\"elf\"").contains("\"section\":\".eh_frame\"");
        String ref = readelf("--debug-dump=frames", LIBZ.toString());
        assertThat(count(r.out(), "\"start\":")).isEqualTo(count(ref, " FDE cie="));
        assertThat(r.out()).contains("\"symbol\":\"adler32_z\"").contains("\"regs\":{\"rip\":\"c-8\"}");
    }

    /**
     * A library with more FDEs than the parallel threshold goes through the worker threads and the
     * table of repeated programs (whose rows are the first FDE's, shifted): every row's location and
     * CFA rule, FDE by FDE, equals readelf's frames-interp.
     */
    @Test @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void largeListingRowsEqualReadelfRowByRow() throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/libcrypto.so.3");
        assumeTrue(Files.exists(lib), "libcrypto.so.3 is not installed");
        Result r = run("unwind", "--json", lib.toString());
        assertThat(r.status()).isZero();
        java.util.List<String> ours = new java.util.ArrayList<>();
        Matcher entry = Pattern.compile("\\{\"offset\":\"0x[0-9a-f]+\",\"start\":\"0x([0-9a-f]+)\"[^\\[]*\"rows\":\\[(.*?)\\]\\}").matcher(r.out());
        Pattern row = Pattern.compile("\"loc\":\"0x([0-9a-f]+)\",\"cfa\":\"([^\"]+)\"");
        while (entry.find()) {
            StringBuilder b = new StringBuilder(entry.group(1));
            Matcher m = row.matcher(entry.group(2));
            while (m.find()) b.append(' ').append(m.group(1)).append('=').append(m.group(2));
            ours.add(b.toString());
        }
        // readelf prints no rows for an FDE whose program is only nops (the CIE's row holds): Sextant
        // lists that row at the FDE's start, so take it from the CIE
        java.util.List<String> theirs = new java.util.ArrayList<>();
        java.util.Map<String, String> cieCfa = new java.util.HashMap<>();
        String cieAt = null, fdeCie = null, start = null;
        StringBuilder cur = null;
        Pattern cie = Pattern.compile("^([0-9a-f]+) [0-9a-f]+ [0-9a-f]+ CIE");
        Pattern fde = Pattern.compile("^[0-9a-f]+ [0-9a-f]+ [0-9a-f]+ FDE cie=([0-9a-f]+) pc=0*([0-9a-f]+)\\.\\.");
        Pattern refRow = Pattern.compile("^0*([0-9a-f]*) +(\\S+)");
        for (String line : (readelf("--debug-dump=frames-interp", lib.toString()) + "\n\n").split("\n")) {
            Matcher c = cie.matcher(line), f = fde.matcher(line);
            if (c.find()) { cieAt = c.group(1); continue; }
            if (f.find()) {
                fdeCie = f.group(1);
                start = f.group(2).isEmpty() ? "0" : f.group(2);
                cur = new StringBuilder(start);
                continue;
            }
            if (line.isBlank()) {
                if (cur != null) {
                    if (cur.toString().equals(start)) cur.append(' ').append(start).append('=').append(cieCfa.get(fdeCie));
                    theirs.add(cur.toString());
                }
                cur = null; cieAt = null;
                continue;
            }
            Matcher m = refRow.matcher(line);
            if (line.startsWith("   LOC") || !m.find()) continue;
            if (cur != null) cur.append(' ').append(m.group(1).isEmpty() ? "0" : m.group(1)).append('=').append(m.group(2));
            else if (cieAt != null) cieCfa.putIfAbsent(cieAt, m.group(2));
        }
        assertThat(ours).hasSizeGreaterThan(8192);
        assertThat(ours).containsExactlyElementsOf(theirs);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void atPrintsTheEntryAndTheRowInEffect() throws Exception {
        assumeTrue(Files.exists(LIBZ), "libz.so.1 is not installed");
        // pick an FDE from readelf and ask for its second row's address
        String ref = readelf("--debug-dump=frames-interp", LIBZ.toString());
        Matcher m = Pattern.compile("FDE cie=\\S+ pc=([0-9a-f]+)\\.\\.([0-9a-f]+)\\n.*\\n([0-9a-f]+) (\\S+).*\\n([0-9a-f]+) (\\S+)").matcher(ref);
        assertThat(m.find()).isTrue();
        long second = Long.parseLong(m.group(5), 16);
        Result r = run("unwind", "--json", "--at", "0x" + Long.toHexString(second), LIBZ.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("\"start\":\"0x" + Long.toHexString(Long.parseLong(m.group(1), 16)) + "\"")
                .contains("\"row\":{\"loc\":\"0x" + Long.toHexString(second) + "\",\"cfa\":\"" + m.group(6) + "\"");
        Result text = run("unwind", "--at", "0x" + Long.toHexString(second), LIBZ.toString());
        assertThat(text.out()).contains("row in effect at 0x" + Long.toHexString(second));
        assertThat(run("unwind", "--at", "0x1", LIBZ.toString()).status()).isEqualTo(1);
    }

    @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void peImagesListPdataAndMarkTheChainLoop() {
        Result hello = run("unwind", "--json", corpus("pe/symbolic/hello-dwarf.exe").toString());
        assertThat(hello.status()).isZero();
        assertThat(hello.out()).contains("\"format\":\"pe\"").contains("\"section\":\".pdata\"");
        int dwarf = hello.out().indexOf("\"section\":\".debug_frame\"");
        assertThat(dwarf).as("MinGW's .debug_frame is listed too").isPositive();
        assertThat(count(hello.out().substring(0, dwarf), "\"start\":")).isEqualTo(95);
        assertThat(count(hello.out().substring(dwarf), "\"start\":")).isEqualTo(92);
        Result loop = run("unwind", "--json", corpus("pe/symbolic/cfi_chained_loop.exe").toString());
        assertThat(loop.status()).isEqualTo(1);
        assertThat(loop.out()).contains("exceeded unwind chain length");
    }

    /** A stripped program names its FDEs from the debug file its .gnu_debuglink names (nm reads the same names there). */
    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void strippedProgramIsNamedFromItsDebugFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(Tools.onPath("objcopy") && Tools.onPath("strip") && Tools.onPath("nm"), "no binutils");
        Path exe = NativePrograms.compile("crash", dir);
        String before = run("unwind", "--json", exe.toString()).out();
        for (java.util.List<String> cmd : java.util.List.of(java.util.List.of("objcopy", "--only-keep-debug", "crash", "crash.debug"),
                java.util.List.of("strip", "--strip-all", "crash"), java.util.List.of("objcopy", "--add-gnu-debuglink=crash.debug", "crash"))) {
            assertThat(Tools.run(dir, 60, cmd).exit()).as(String.join(" ", cmd)).isZero();
        }
        String nm = Tools.run(dir, 60, java.util.List.of("nm", "crash.debug")).stdout();
        Matcher level2 = Pattern.compile("(?m)^0*([0-9a-f]+) T level2$").matcher(nm);
        assertThat(level2.find()).isTrue();

        Result r = run("unwind", "--json", exe.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("\"symbolFile\":\"" + dir.resolve("crash.debug") + "\"")
                .contains("\"start\":\"0x" + level2.group(1) + "\",\"end\"")
                .containsPattern("\"start\":\"0x" + level2.group(1) + "\",\"end\":\"0x[0-9a-f]+\",\"symbol\":\"level2\"");
        assertThat(before).contains("\"symbolFile\":\"" + exe + "\"").contains("\"symbol\":\"level2\"");
        assertThat(run("unwind", exe.toString()).out()).contains(", symbols from " + dir.resolve("crash.debug"));
        Result at = run("unwind", "--json", "--at", "0x" + level2.group(1), exe.toString());
        assertThat(at.out()).contains("\"symbolFile\":\"" + dir.resolve("crash.debug") + "\"").contains("\"symbol\":\"level2\"");
    }

    @Test @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void unreadableFileExitsWithTwo() throws Exception {
        Path notElf = Files.createTempFile("sextant", ".txt");
        try {
            Files.writeString(notElf, "hello, not an image");
            assertThat(run("unwind", notElf.toString()).status()).isEqualTo(2);
        } finally {
            Files.delete(notElf);
        }
    }
}
