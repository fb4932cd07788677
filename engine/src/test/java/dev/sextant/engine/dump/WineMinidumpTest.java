package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.CrashReason;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.StackFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real writer: a mingw-built program crashes under wine and its exception filter calls
 * {@code MiniDumpWriteDump} with one user stream. Needs {@code gcc-mingw-w64-x86-64} and {@code wine64};
 * skipped when either is missing.
 */
class WineMinidumpTest {
    static final String PAYLOAD = "sextant-user-stream: hello from the test";

    static Optional<Path> tool(String... candidates) {
        for (String c : candidates) {
            if (c.contains("/")) { if (Files.isExecutable(Path.of(c))) return Optional.of(Path.of(c)); continue; }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir, c);
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static String run(Path cwd, List<String> cmd, long seconds, String... env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        for (int i = 0; i + 1 < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) { p.destroyForcibly(); throw new IOException(cmd + " timed out"); }
        return new String(out, StandardCharsets.UTF_8);
    }

    @Test @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void userStreamOfMiniDumpWriteDumpIsListedWithItsBytes(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<Path> gcc = tool("x86_64-w64-mingw32-gcc");
        Optional<Path> wine = tool("wine64", "/usr/lib/wine/wine64");
        Assumptions.assumeTrue(gcc.isPresent(), "x86_64-w64-mingw32-gcc not installed (apt: gcc-mingw-w64-x86-64)");
        Assumptions.assumeTrue(wine.isPresent(), "wine64 not installed (apt: wine64)");
        Path src = Path.of("src/test/native/minidump_user_stream.c").toAbsolutePath();
        Path exe = dir.resolve("md.exe");
        String cc = run(dir, List.of(gcc.get().toString(), "-O0", "-o", exe.toString(), src.toString(), "-ldbghelp"), 120);
        Assumptions.assumeTrue(Files.isRegularFile(exe), "mingw build failed: " + cc);
        String out = run(dir, List.of(wine.get().toString(), "md.exe"), 200, "WINEPREFIX", dir.resolve("prefix").toString(), "WINEDEBUG", "-all");
        Path dmp = dir.resolve("out.dmp");
        Assumptions.assumeTrue(Files.isRegularFile(dmp) && out.contains("written 1"), "wine did not write the dump: " + out);

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
        assertThat(user.decode()).isInstanceOf(dev.sextant.engine.dump.secondary.Decoded.Hex.class);
        assertThat(user.decode().render()).startsWith("00000000  73 65 78 74 61 6e 74 2d").contains("sextant-user-str");

        // Frame 0 lies in crash() of md.exe, as the image's own symbol table (nm) places it.
        Module md = o.report().modules().stream().filter(m -> m.path().endsWith("md.exe")).findFirst().orElseThrow();
        StackFrame top = o.report().stackOf(c.tid().orElseThrow()).orElseThrow().frames().get(0);
        assertThat(top.module()).contains("md.exe");
        Optional<Path> nm = tool("x86_64-w64-mingw32-nm");
        if (nm.isPresent()) {
            String syms = run(dir, List.of(nm.get().toString(), "-n", exe.toString()), 60);
            Matcher crash = Pattern.compile("(?m)^([0-9a-f]+) T crash$").matcher(syms);
            Matcher main = Pattern.compile("(?m)^([0-9a-f]+) T main$").matcher(syms);
            assertThat(crash.find() && main.find()).isTrue();
            long preferred = 0x140000000L;
            long pc = top.pc().value() - md.base().value() + preferred;
            assertThat(pc).isBetween(Long.parseLong(crash.group(1), 16), Long.parseLong(main.group(1), 16) - 1);
        }
    }

    @Test @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void x64StackUnwindsWithTheImagesUnwindInfo(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<Path> gcc = tool("x86_64-w64-mingw32-gcc");
        Optional<Path> wine = tool("wine64", "/usr/lib/wine/wine64");
        Optional<Path> nm = tool("x86_64-w64-mingw32-nm");
        Assumptions.assumeTrue(gcc.isPresent() && nm.isPresent(), "mingw-w64 gcc/nm not installed (apt: gcc-mingw-w64-x86-64)");
        Assumptions.assumeTrue(wine.isPresent(), "wine64 not installed (apt: wine64)");
        Path src = Path.of("src/test/native/minidump_deep.c").toAbsolutePath();
        Path exe = dir.resolve("deep.exe");
        String cc = run(dir, List.of(gcc.get().toString(), "-O2", "-fomit-frame-pointer", "-o", exe.toString(), src.toString(), "-ldbghelp"), 120);
        Assumptions.assumeTrue(Files.isRegularFile(exe), "mingw build failed: " + cc);
        String out = run(dir, List.of(wine.get().toString(), "deep.exe"), 200, "WINEPREFIX", dir.resolve("prefix").toString(), "WINEDEBUG", "-all");
        Path dmp = dir.resolve("deep.dmp");
        Assumptions.assumeTrue(Files.isRegularFile(dmp) && out.contains("written 1"), "wine did not write the dump: " + out);

        DumpOverview o = MinidumpReader.read(dmp);
        CrashReason c = o.crash().orElseThrow();
        Module deep = o.report().modules().stream().filter(m -> m.path().endsWith("deep.exe")).findFirst().orElseThrow();
        List<StackFrame> frames = o.report().stackOf(c.tid().orElseThrow()).orElseThrow().frames();
        assertThat(frames).hasSizeGreaterThanOrEqualTo(5);
        // Each frame's pc lies in the function nm names for it (return addresses: the byte before them).
        String syms = run(dir, List.of(nm.get().toString(), "-n", exe.toString()), 60);
        java.util.TreeMap<Long, String> text = new java.util.TreeMap<>();
        Matcher m = Pattern.compile("(?m)^([0-9a-f]+) [Tt] (\\S+)$").matcher(syms);
        while (m.find()) text.put(Long.parseLong(m.group(1), 16), m.group(2));
        List<String> names = new java.util.ArrayList<>();
        for (StackFrame f : frames.subList(0, 5)) {
            long pc = f.pc().value() - deep.base().value() + 0x140000000L - (f.index() == 0 ? 0 : 1);
            names.add(text.floorEntry(pc).getValue());
        }
        assertThat(names).containsExactly("crash", "level2", "level1", "main", "__tmainCRTStartup");
        assertThat(frames.get(0).source()).isEqualTo(dev.sextant.engine.api.FrameSource.REGISTERS);
        assertThat(frames.subList(1, 5)).extracting(StackFrame::source).containsOnly(dev.sextant.engine.api.FrameSource.UNWIND_INFO);
    }
}
