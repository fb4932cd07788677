package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.dump.secondary.Decoded;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real writer: a mingw-built program (native/minidump_writer.c) crashes under wine and its exception
 * filter calls {@code MiniDumpWriteDump}, with one user stream or three calls deep. Needs
 * {@code gcc-mingw-w64-x86-64} and {@code wine64}; skipped when either is missing.
 */
class WineMinidumpTest {
    static final String PAYLOAD = "sextant-user-stream: hello from the test";

    static final String MINGW = "x86_64-w64-mingw32-gcc", NM = "x86_64-w64-mingw32-nm";

    /** wine64 as Debian installs it (not on the PATH) or on the PATH. */
    static String wine() {
        if (Files.isExecutable(Path.of("/usr/lib/wine/wine64"))) return "/usr/lib/wine/wine64";
        Assumptions.assumeTrue(Tools.onPath("wine64"), "wine64 not installed (apt: wine64)");
        return "wine64";
    }

    /**
     * Builds native/minidump_writer.c with mingw ({@code flags}) as {@code dir/md.exe}, runs it under wine
     * in {@code mode} and returns the minidump its exception filter wrote; skips where a part is missing.
     */
    static Path crashUnderWine(Path dir, String mode, String... flags) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Tools.onPath(MINGW) && Tools.onPath(NM), "mingw-w64 gcc/nm not installed (apt: gcc-mingw-w64-x86-64)");
        String wine = wine();
        Path src = NativePrograms.source("minidump_writer", dir);
        List<String> cc = new ArrayList<>(List.of(MINGW));
        cc.addAll(List.of(flags));
        cc.addAll(List.of("-o", dir.resolve("md.exe").toString(), src.toString(), "-ldbghelp"));
        Tools.Result built = Tools.run(dir, 120, cc);
        Assumptions.assumeTrue(built.exit() == 0, "mingw build failed: " + built.stderr());
        Map<String, String> env = Map.of("WINEPREFIX", dir.resolve("prefix").toString(), "WINEDEBUG", "-all");
        Tools.Result out = Tools.run(dir, 200, env, StandardCharsets.UTF_8, List.of(wine, "md.exe", mode));
        // wine leaves its wineserver running for a while, writing into the prefix: wait for it to end
        // (else the test's directory cannot be deleted under it).
        Path server = Path.of(wine).resolveSibling("wineserver");
        if (Files.isExecutable(server) || Tools.onPath("wineserver")) {
            Tools.run(dir, 60, env, StandardCharsets.UTF_8, List.of(Files.isExecutable(server) ? server.toString() : "wineserver", "-w"));
        }
        Path dmp = dir.resolve("out.dmp");
        Assumptions.assumeTrue(Files.isRegularFile(dmp) && out.stdout().contains("written 1"), "wine did not write the dump: " + out.all());
        return dmp;
    }

    /** mingw's nm of md.exe: each text symbol by its address. */
    static TreeMap<Long, String> textSymbols(Path dir) throws IOException, InterruptedException {
        String syms = Tools.succeed(dir, NM, "-n", dir.resolve("md.exe").toString()).stdout();
        TreeMap<Long, String> text = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+) [Tt] (\\S+)$").matcher(syms);
        while (m.find()) text.put(Long.parseLong(m.group(1), 16), m.group(2));
        return text;
    }

    @Test @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void userStreamOfMiniDumpWriteDumpIsListedWithItsBytes(@TempDir Path dir) throws IOException, InterruptedException {
        Path dmp = crashUnderWine(dir, "stream", "-O0");
        DumpOverview o = MinidumpReader.read(dmp);
        assertThat(o.os()).startsWith("Windows NT");
        CrashReason c = o.crash().orElseThrow();
        assertThat(c.name()).isEqualTo("EXCEPTION_ACCESS_VIOLATION_WRITE");
        assertThat(c.address()).contains(Address.of(0x45));
        SecondaryData user = o.secondaryData().stream().filter(d -> d.tag().equals("minidump:0x53580001")).findFirst().orElseThrow();
        assertThat(user.component()).isEqualTo("user stream");
        byte[] expected = Arrays.copyOf(PAYLOAD.getBytes(StandardCharsets.US_ASCII), PAYLOAD.length() + 1);
        assertThat(user.size()).isEqualTo(expected.length);
        assertThat(user.bytes().bytes("user stream", 0, user.size())).isEqualTo(expected);
        // No decoder knows this tag: the browser shows hex.
        assertThat(user.decode()).isInstanceOf(Decoded.Hex.class);
        assertThat(user.decode().render()).startsWith("00000000  73 65 78 74 61 6e 74 2d").contains("sextant-user-str");

        // Frame 0 lies in crash() of md.exe, as the image's own symbol table (nm) places it.
        Module md = o.report().modules().stream().filter(m -> m.path().endsWith("md.exe")).findFirst().orElseThrow();
        StackFrame top = o.report().stackOf(c.tid().orElseThrow()).orElseThrow().frames().get(0);
        assertThat(top.module()).contains("md.exe");
        long pc = top.pc().value() - md.base().value() + 0x140000000L;      // at the image's preferred base, as nm shows it
        assertThat(textSymbols(dir).floorEntry(pc).getValue()).isEqualTo("crash");
    }

    @Test @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void x64StackUnwindsWithTheImagesUnwindInfo(@TempDir Path dir) throws IOException, InterruptedException {
        Path dmp = crashUnderWine(dir, "deep", "-O2", "-fomit-frame-pointer");
        DumpOverview o = MinidumpReader.read(dmp);
        CrashReason c = o.crash().orElseThrow();
        Module deep = o.report().modules().stream().filter(m -> m.path().endsWith("md.exe")).findFirst().orElseThrow();
        List<StackFrame> frames = o.report().stackOf(c.tid().orElseThrow()).orElseThrow().frames();
        assertThat(frames).hasSizeGreaterThanOrEqualTo(5);
        // Each frame's pc lies in the function nm names for it (return addresses: the byte before them).
        TreeMap<Long, String> text = textSymbols(dir);
        List<String> names = new ArrayList<>();
        for (StackFrame f : frames.subList(0, 5)) {
            long pc = f.pc().value() - deep.base().value() + 0x140000000L - (f.index() == 0 ? 0 : 1);
            names.add(text.floorEntry(pc).getValue());
        }
        assertThat(names).containsExactly("crash", "level2", "level1", "main", "__tmainCRTStartup");
        assertThat(frames.get(0).source()).isEqualTo(FrameSource.REGISTERS);
        assertThat(frames.subList(1, 5)).extracting(StackFrame::source).containsOnly(FrameSource.UNWIND_INFO);
    }
}
