package dev.sextant.engine.breakpad;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.SymbolFileWritten;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import dev.sextant.engine.unwind.ElfUnwindTables;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The STACK CFI records planned from {@code .eh_frame_hdr}'s search table against the same records
 * from the walk of {@code .eh_frame} (every FDE decoded and sorted), on real libraries and on programs
 * compiled now; and readelf's FDE ranges, each of which is a {@code STACK CFI INIT}.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CfiExportTest {
    @TempDir Path dir;

    private static final Pattern FDE = Pattern.compile(" FDE cie=\\S+ pc=([0-9a-f]+)\\.\\.([0-9a-f]+)");

    @Test void theSearchTablesPlanWritesWhatTheSectionWalkWritesForRealLibraries() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "binutils not installed");
        int checked = 0;
        // (libLLVM's 95,000 FDEs are bench/export-breakpad.sh's round trip: readelf's listing of them runs to 100 MB)
        for (String lib : List.of("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6")) {
            Path p = Path.of(lib);
            if (!Files.isRegularFile(p)) continue;
            ElfUnwindTables t = ElfUnwindTables.open(p);
            assertThat(t.ehFrameHdr()).as(lib).isPresent();
            int machine = t.header().machine();
            // The table is taken (not declined for the walk), and writes the walk's text byte for byte.
            assertThat(CfiExport.fromHdr(machine, 0, t.tables(), t.ehFrameHdr(), new Cancellation())).as(lib).isNotNull();
            String viaTable = text(CfiExport.start(machine, 0, t.tables(), t.ehFrameHdr(), new Cancellation()));
            String viaWalk = text(CfiExport.start(machine, 0, t.tables(), Optional.empty(), new Cancellation()));
            assertThat(viaTable).as(lib).isEqualTo(viaWalk);
            Set<String> ranges = readelfRanges(p);
            assertThat(ranges).as(lib).isNotEmpty();
            // Every FDE readelf lists, but those whose CFA is a DWARF expression (no postfix form: libc's signal return)
            ranges.removeAll(inits(viaTable));
            assertThat(ranges).as(lib + ": FDEs not written").isSubsetOf(expressionCfa(p));
            checked++;
        }
        Assumptions.assumeTrue(checked > 0, "none of the libraries is installed");
    }

    @Test void aProgramWithoutEhFrameHdrIsExportedFromItsSections() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "binutils not installed");
        Path exe = NativePrograms.compile("inlined", dir, "-O2", "-Wl,--no-eh-frame-hdr");
        Assumptions.assumeFalse(Tools.run(dir, 30, List.of("readelf", "-SW", exe.toString())).stdout().contains(".eh_frame_hdr"),
                "the linker wrote .eh_frame_hdr all the same");
        ElfUnwindTables t = ElfUnwindTables.open(exe);
        assertThat(t.ehFrameHdr()).isEmpty();
        assertThat(CfiExport.fromHdr(t.header().machine(), 0, t.tables(), t.ehFrameHdr(), new Cancellation())).isNull();
        SymbolFileWritten w = BreakpadExport.export(exe, dir.resolve("inlined.sym"), new Cancellation());
        Set<String> ranges = readelfRanges(exe);
        Set<String> inits = inits(Files.readString(w.output()));
        assertThat(ranges).hasSizeGreaterThan(3);
        assertThat(w.cfiEntries()).isEqualTo(inits.size());
        ranges.removeAll(inits);
        assertThat(ranges).as("FDEs not written").isSubsetOf(expressionCfa(exe));   // the PLT's
    }

    /**
     * A table that lists one FDE fewer than {@code .eh_frame} has (its count lowered by one) is not
     * trusted: the walk is taken, and the last FDE is still written.
     */
    @Test void aSearchTableThatMissesAnFdeIsNotTaken() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "binutils not installed");
        Path exe = NativePrograms.compile("inlined", dir, "-O2");
        ElfUnwindTables t = ElfUnwindTables.open(exe);
        Assumptions.assumeTrue(t.ehFrameHdr().isPresent() && t.ehFrameHdr().get().fdeCount() > 1, "no search table");
        String whole = text(CfiExport.start(t.header().machine(), 0, t.tables(), t.ehFrameHdr(), new Cancellation()));

        var hdr = t.sections().stream().filter(s -> s.name().equals(".eh_frame_hdr")).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(exe);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = (int) hdr.offset();
        assertThat(bytes[at + 2] & 0xff).as("fde_count encoding (udata4)").isEqualTo(0x03);
        int countAt = at + 8;     // version, three encodings, eh_frame_ptr (4 bytes), then fde_count
        assertThat((long) b.getInt(countAt)).isEqualTo(t.ehFrameHdr().get().fdeCount());
        b.putInt(countAt, b.getInt(countAt) - 1);
        Path cut = dir.resolve("cut");
        Files.write(cut, bytes);

        ElfUnwindTables c = ElfUnwindTables.open(cut);
        assertThat(c.ehFrameHdr().get().fdeCount()).isEqualTo(t.ehFrameHdr().get().fdeCount() - 1);
        assertThat(CfiExport.fromHdr(c.header().machine(), 0, c.tables(), c.ehFrameHdr(), new Cancellation())).isNull();
        assertThat(text(CfiExport.start(c.header().machine(), 0, c.tables(), c.ehFrameHdr(), new Cancellation()))).isEqualTo(whole);
    }

    private static final Pattern INTERP = Pattern.compile(" FDE cie=\\S+ pc=([0-9a-f]+)\\.\\.([0-9a-f]+)\n.*\n[0-9a-f]+ +(\\S+)");

    /** {@code ADDRESS SIZE} of the FDEs whose first row's CFA readelf shows as an expression. */
    private Set<String> expressionCfa(Path file) throws Exception {
        Set<String> s = new HashSet<>();
        Matcher m = INTERP.matcher(Tools.run(dir, 120, List.of("readelf", "--debug-dump=frames-interp", file.toString())).stdout());
        while (m.find()) {
            long lo = Long.parseUnsignedLong(m.group(1), 16), hi = Long.parseUnsignedLong(m.group(2), 16);
            if (m.group(3).equals("exp")) s.add(Long.toHexString(lo) + " " + Long.toHexString(hi - lo));
        }
        return s;
    }

    private static String text(CfiExport e) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (e) {
            e.writeTo(out);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    /** {@code ADDRESS SIZE} of every STACK CFI INIT. */
    private static Set<String> inits(String sym) {
        Set<String> s = new HashSet<>();
        for (String line : sym.split("\n")) {
            if (!line.startsWith("STACK CFI INIT ")) continue;
            String[] f = line.split(" ");
            s.add(f[3] + " " + f[4]);
        }
        return s;
    }

    /** {@code ADDRESS SIZE} of every FDE readelf lists that covers something (a shared library's addresses are the .sym's). */
    private Set<String> readelfRanges(Path file) throws Exception {
        Set<String> s = new HashSet<>();
        Matcher m = FDE.matcher(Tools.run(dir, 120, List.of("readelf", "--debug-dump=frames", file.toString())).stdout());
        while (m.find()) {
            long lo = Long.parseUnsignedLong(m.group(1), 16), hi = Long.parseUnsignedLong(m.group(2), 16);
            if (hi > lo) s.add(Long.toHexString(lo) + " " + Long.toHexString(hi - lo));
        }
        return s;
    }
}
