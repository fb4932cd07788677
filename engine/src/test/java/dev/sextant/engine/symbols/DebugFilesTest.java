package dev.sextant.engine.symbols;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.SymbolTable;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.unwind.UnwindTableListing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's separate debug file found on its own (no target): through {@code .gnu_debuglink} with its
 * CRC, and through the build-id directory; the Unwind tables listing then names every FDE from it,
 * as {@code nm} reads the debug file.
 */
@Timeout(120)
class DebugFilesTest {
    @TempDir Path dir;

    /** A program split as distributions ship it: the debug file beside it, the program stripped and linked to it. */
    private Path strippedWithDebuglink() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("objcopy") && Tools.onPath("strip"), "no binutils");
        Path exe = NativePrograms.compile("crash", dir);
        for (List<String> cmd : List.of(List.of("objcopy", "--only-keep-debug", "crash", "crash.debug"),
                List.of("strip", "--strip-all", "crash"), List.of("objcopy", "--add-gnu-debuglink=crash.debug", "crash"))) {
            Tools.Result r = Tools.run(dir, 60, cmd);
            assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.stderr()).isZero();
        }
        return exe;
    }

    /** Function symbols of a file by address, as nm lists them (t, T, w, W, i): every name at each address (aliases). */
    private Map<Long, Set<String>> nm(Path file, String... flags) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("nm", "--defined-only"));
        cmd.addAll(List.of(flags));
        cmd.add(file.toString());
        Tools.Result r = Tools.run(dir, 60, cmd);
        assertThat(r.exit()).isZero();
        Map<Long, Set<String>> out = new HashMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && "tTwWi".contains(f[1])) out.computeIfAbsent(Long.parseUnsignedLong(f[0], 16), k -> new HashSet<>()).add(f[2]);
        }
        return out;
    }

    @Test void strippedProgramIsNamedFromTheFileItsDebuglinkNames() throws Exception {
        Path exe = strippedWithDebuglink();
        Path debug = dir.resolve("crash.debug");
        assertThat(SymbolTable.open(exe).full()).as("stripped: no .symtab left").isFalse();
        assertThat(SymbolTable.open(exe).size()).isZero();

        assertThat(DebugFiles.findLocal(exe)).contains(debug);
        UnwindTableListing listing = UnwindTableListing.open(exe);
        assertThat(listing.symbolFile()).isEqualTo(debug);
        Map<Long, Set<String>> names = nm(debug);
        int checked = 0;
        for (UnwindTableListing.Entry e : listing.entries()) {
            Set<String> at = names.get(e.start());
            if (at == null) continue;
            assertThat(at).as("FDE at 0x%x", e.start()).contains(e.symbol());
            checked++;
        }
        assertThat(checked).as("FDEs that start at a function nm lists").isGreaterThanOrEqualTo(4);
        assertThat(listing.entries()).anyMatch(e -> e.symbol().equals("level2"));
    }

    @Test void aDebugFileWithAnotherCrcIsNotTaken() throws Exception {
        Path exe = strippedWithDebuglink();
        Files.write(dir.resolve("crash.debug"), new byte[] {0}, StandardOpenOption.APPEND);   // the CRC changes

        assertThat(DebugFiles.findLocal(exe)).isEmpty();
        UnwindTableListing listing = UnwindTableListing.open(exe);
        assertThat(listing.symbolFile()).isEqualTo(exe);
        assertThat(listing.entries()).isNotEmpty().allMatch(e -> e.symbol().isEmpty());
    }

    @Test void aFileWithItsSymbolsIsLeftAlone() throws Exception {
        Path exe = NativePrograms.compile("crash", dir);
        UnwindTableListing listing = UnwindTableListing.open(exe);
        assertThat(listing.symbolFile()).isEqualTo(exe);
        assertThat(listing.entries()).anyMatch(e -> e.symbol().equals("level1"));
    }

    @Test void installedLibcDebugFileIsFoundByBuildId() throws Exception {
        Path libc = Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6");
        Optional<String> id = BuildId.ofFile(libc);
        Assumptions.assumeTrue(id.isPresent(), "libc has no build-id");
        Path expected = Path.of("/usr/lib/debug/.build-id", id.get().substring(0, 2), id.get().substring(2) + ".debug");
        Assumptions.assumeTrue(Files.isRegularFile(expected), "libc's debug file is not installed (libc6-dbg)");

        assertThat(DebugFiles.findLocal(libc)).contains(expected);
        UnwindTableListing listing = UnwindTableListing.open(libc);
        assertThat(listing.symbolFile()).isEqualTo(expected);
        Map<Long, Set<String>> names = nm(expected);
        long named = listing.entries().stream().filter(e -> !e.symbol().isEmpty()).count();
        assertThat(named).as("FDEs named").isGreaterThan(listing.entries().size() * 95L / 100);
        // every FDE that starts where nm lists a function has one of that address's names, static ones included
        int checked = 0, statics = 0;
        Set<String> exported = nm(libc, "-D").values().stream().flatMap(Set::stream).collect(java.util.stream.Collectors.toSet());
        for (UnwindTableListing.Entry e : listing.entries()) {
            Set<String> at = names.get(e.start());
            if (at == null) continue;
            assertThat(at).as("FDE at 0x%x", e.start()).contains(e.symbol());
            checked++;
            if (!exported.contains(e.symbol())) statics++;
        }
        assertThat(checked).isGreaterThan(listing.entries().size() * 9 / 10);
        assertThat(statics).as("names the stripped file itself does not have").isGreaterThan(500);
    }
}
