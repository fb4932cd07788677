package dev.sextant.engine.breakpad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.SymbolFileWritten;
import dev.sextant.engine.elfutils.StandardDebugSearch;
import dev.sextant.engine.format.breakpad.BreakpadSymbols;
import dev.sextant.engine.format.breakpad.SymbolRecords.SourceFrame;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --export-breakpad of a program compiled now, checked against readelf, nm and addr2line -i on the same file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BreakpadExportTest {
    @TempDir Path dir;

    @Test void moduleFunctionsLinesAndInlinedCallsAgreeWithBinutils() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("addr2line") && Tools.onPath("nm") && Tools.onPath("readelf"), "binutils not installed");
        Path exe = NativePrograms.compile("inlined", dir, "-O2");
        SymbolFileWritten w = BreakpadExport.export(exe, dir.resolve("inlined.sym"), new Cancellation());
        BreakpadSymbols s = BreakpadSymbols.open(w.output());
        // MODULE: the build-id readelf prints, its first three GUID fields byte-swapped, then age 0.
        Matcher bid = Pattern.compile("Build ID: ([0-9a-f]+)").matcher(Tools.run(dir, 30, List.of("readelf", "-n", exe.toString())).stdout());
        assertThat(bid.find()).isTrue();
        String h = bid.group(1).toUpperCase();
        String expected = h.substring(6, 8) + h.substring(4, 6) + h.substring(2, 4) + h.substring(0, 2) + h.substring(10, 12)
                + h.substring(8, 10) + h.substring(14, 16) + h.substring(12, 14) + h.substring(16, 32) + "0";
        assertThat(s.module().id()).isEqualTo(expected).isEqualTo(w.moduleId());
        assertThat(s.module().name()).isEqualTo("inlined");
        assertThat(s.module().arch()).isEqualTo("x86_64");
        // Every sized function symbol nm lists is a FUNC at its address, by its name.
        for (String line : Tools.run(dir, 30, List.of("nm", "-S", "--defined-only", exe.toString())).stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 4 || !f[2].matches("[Tt]")) continue;
            long a = Long.parseUnsignedLong(f[0], 16);
            assertThat(s.function(a)).as(f[3]).hasValueSatisfying(fn -> {
                assertThat(fn.address()).isEqualTo(a);
                assertThat(fn.name()).isEqualTo(f[3]);
                assertThat(fn.size()).isEqualTo(Long.parseUnsignedLong(f[1], 16));
            });
        }
        // Every address of crash_here: the frames (inlined first) are addr2line -i -f's.
        var fn = s.function(symbol(exe, "crash_here")).orElseThrow();
        List<String> addrs = new ArrayList<>();
        for (long a = fn.address(); a < fn.address() + fn.size(); a++) addrs.add("0x" + Long.toHexString(a));
        List<String> cmd = new ArrayList<>(List.of("addr2line", "-i", "-f", "-e", exe.toString(), "-a"));
        cmd.addAll(addrs);
        String[] out = Tools.run(dir, 60, cmd).stdout().split("\n");
        int i = 0, inlinedSeen = 0;
        for (String addr : addrs) {
            assertThat(out[i++]).endsWith(addr.substring(2));
            List<String> theirs = new ArrayList<>();
            while (i < out.length && !out[i].startsWith("0x")) { theirs.add(out[i] + " " + out[i + 1].replaceAll(" \\(discriminator \\d+\\)", "")); i += 2; }
            List<String> ours = new ArrayList<>();
            for (SourceFrame f : s.frames(Long.parseUnsignedLong(addr.substring(2), 16))) {
                ours.add(f.function() + " " + f.file().orElse("??") + ":" + (f.line().isPresent() ? f.line().getAsInt() : "?"));
            }
            assertThat(ours).as("frames at %s", addr).isEqualTo(theirs);
            if (ours.size() > 1) inlinedSeen++;
        }
        assertThat(inlinedSeen).as("addresses inside inlined calls").isPositive();
        assertThat(Files.readString(w.output())).contains("INLINE_ORIGIN").contains("STACK CFI INIT " + Long.toHexString(fn.address()));
    }

    private long symbol(Path exe, String name) throws Exception {
        for (String line : Tools.run(dir, 30, List.of("nm", exe.toString())).stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[2].equals(name)) return Long.parseUnsignedLong(f[0], 16);
        }
        throw new AssertionError("no " + name);
    }

    /**
     * A program whose DWARF was split off as distributions do: its lines come from the debug file its
     * .gnu_debuglink names, beside it or in .debug/, as from the whole program; once the debug file is
     * gone the search finds no place to look (so libdw is not used) and the file has the same records
     * less the FILE, LINE and INLINE ones.
     */
    @Test void linesComeFromTheLinkedDebugFileAndWithoutItThereAreNone() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("objcopy") && Tools.onPath("strip") && Tools.onPath("readelf"), "binutils not installed");
        Path exe = NativePrograms.compile("inlined", dir, "-O2");
        String whole = Files.readString(BreakpadExport.export(exe, dir.resolve("whole.sym"), new Cancellation()).output());
        for (List<String> cmd : List.of(List.of("objcopy", "--only-keep-debug", "inlined", "inlined.debug"),
                List.of("strip", "--strip-debug", "inlined"), List.of("objcopy", "--add-gnu-debuglink=inlined.debug", "inlined"))) {
            Tools.Result r = Tools.run(dir, 60, cmd);
            assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.stderr()).isZero();
        }
        assertThat(Tools.run(dir, 30, List.of("readelf", "-SW", "inlined")).stdout()).doesNotContain(".debug_info").contains(".gnu_debuglink");
        Optional<String> id = BuildId.ofFile(exe);
        Optional<String> link = Optional.of("inlined.debug");

        assertThat(StandardDebugSearch.mayFind(exe, id, link)).as("beside the program").isTrue();
        assertThat(Files.readString(BreakpadExport.export(exe, dir.resolve("beside.sym"), new Cancellation()).output())).isEqualTo(whole);

        Files.createDirectory(dir.resolve(".debug"));
        Files.move(dir.resolve("inlined.debug"), dir.resolve(".debug/inlined.debug"));
        assertThat(StandardDebugSearch.mayFind(exe, id, link)).as("in .debug/").isTrue();
        assertThat(Files.readString(BreakpadExport.export(exe, dir.resolve("sub.sym"), new Cancellation()).output())).isEqualTo(whole);

        Files.delete(dir.resolve(".debug/inlined.debug"));
        assertThat(StandardDebugSearch.mayFind(exe, id, link)).as("nowhere").isFalse();
        SymbolFileWritten none = BreakpadExport.export(exe, dir.resolve("none.sym"), new Cancellation());
        assertThat(none.lines()).isZero();
        assertThat(none.problems()).isEmpty();
        List<String> kept = whole.lines().filter(l -> l.matches("(MODULE|INFO|FUNC|PUBLIC|STACK) .*")).toList();
        assertThat(kept).anyMatch(l -> l.startsWith("FUNC ")).anyMatch(l -> l.startsWith("STACK CFI INIT "));
        assertThat(Files.readAllLines(none.output())).isEqualTo(kept);
    }

    /** The demangler is bound ahead for files that link a C++ runtime (readelf -d's NEEDED), not for C ones. */
    @Test void cxxLibrariesAreToldByWhatTheyLink() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "binutils not installed");
        int checked = 0;
        for (String lib : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libz.so.1",
                "/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1", "/usr/lib/x86_64-linux-gnu/libicuuc.so.72")) {
            Path p = Path.of(lib);
            if (!Files.isRegularFile(p)) continue;
            String dynamic = Tools.run(dir, 30, List.of("readelf", "-dW", p.toString())).stdout();
            boolean cxx = dynamic.contains("Shared library: [libstdc++.") || dynamic.contains("Shared library: [libc++.");
            assertThat(dev.sextant.engine.format.elf.ElfSections.read(p, BreakpadExport::linksCxxLibrary)).as(lib).isEqualTo(cxx);
            checked++;
        }
        Path c = NativePrograms.compile("inlined", dir, "-O2");
        assertThat(dev.sextant.engine.format.elf.ElfSections.read(c, BreakpadExport::linksCxxLibrary)).as("a C program").isFalse();
        Assumptions.assumeTrue(checked > 0, "none of the libraries is installed");
    }

    @Test void aFileWithoutBuildIdIsRefusedWithWhatToDo() throws Exception {
        Path exe = NativePrograms.compile("inlined", dir, "-O2", "-Wl,--build-id=none");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BreakpadExport.export(exe, dir.resolve("x.sym"), new Cancellation()))
                .hasMessageContaining("build-id").hasMessageContaining("--build-id");
        assertThat(dir.resolve("x.sym")).doesNotExist();
    }
}
