package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Cross-checks the Java CFI parser against binutils readelf on real libraries. */
class ElfCfiReadelfTest {
    private static final Pattern SECTION = Pattern.compile("^Contents of the (\\S+) section");
    private static final Pattern FDE = Pattern.compile(
            "^([0-9a-f]{8,}) ([0-9a-f]+) ([0-9a-f]+) FDE cie=([0-9a-f]+) pc=([0-9a-f]+)\\.\\.([0-9a-f]+)");
    private static final Pattern REGREF = Pattern.compile("r(\\d+) \\(([^)]*)\\)");

    /** readelf's FDE list per section, as "offset begin..end" lines. */
    static Map<String, List<String>> readelfFdes(String out) {
        Map<String, List<String>> bySection = new LinkedHashMap<>();
        List<String> cur = null;
        for (String line : out.split("\n")) {
            Matcher s = SECTION.matcher(line);
            if (s.find()) { cur = bySection.computeIfAbsent(s.group(1), k -> new ArrayList<>()); continue; }
            Matcher m = FDE.matcher(line);
            if (m.find() && cur != null) {
                cur.add(Long.parseUnsignedLong(m.group(1), 16) + " " + Long.toHexString(Long.parseUnsignedLong(m.group(5), 16))
                        + ".." + Long.toHexString(Long.parseUnsignedLong(m.group(6), 16)));
            }
        }
        return bySection;
    }

    static List<String> ours(CfiSection t) {
        List<String> out = new ArrayList<>();
        for (CfiRecord r : t.records()) {
            if (r instanceof Fde f) out.add(f.offset() + " " + Long.toHexString(f.pcBegin()) + ".." + Long.toHexString(f.pcEnd()));
            else if (r instanceof CfiRecord.Bad b) out.add("BAD " + b.offset() + " " + b.problem());
        }
        return out;
    }

    private static void assertSameFdes(Path lib) throws IOException {
        Map<String, List<String>> ref = readelfFdes(ToolRunner.run("readelf", "--debug-dump=frames", lib.toString()));
        ElfUnwindTables t = ElfUnwindTables.open(lib);
        Map<String, List<String>> mine = new LinkedHashMap<>();
        for (CfiSection s : t.tables()) mine.put(s.kind().sectionName(), ours(s));
        ref.values().removeIf(List::isEmpty);
        mine.values().removeIf(List::isEmpty);
        assertThat(mine).as("FDEs of %s", lib).isEqualTo(ref);
    }

    @Test @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void fdeCountAndRangesMatchReadelfForSampleOfLibraries() throws IOException {
        assumeTrue(ToolRunner.onPath("readelf"), "readelf (binutils) is not installed");
        List<Path> libs = ToolRunner.sampleLibraries(20);
        assumeTrue(libs.size() >= 5, "too few shared libraries in /usr/lib/x86_64-linux-gnu");
        int checked = 0;
        for (Path lib : libs) {
            assertSameFdes(lib);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(5);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aarch64DebugFrameMatchesReadelf() throws IOException {
        assumeTrue(ToolRunner.onPath("readelf"), "readelf (binutils) is not installed");
        Path exe = ToolRunner.corpus().map(c -> c.resolve("elfcore/elfutils/backtrace.aarch64.exec")).orElse(null);
        assumeTrue(exe != null && Files.exists(exe), "corpus backtrace.aarch64.exec is absent");
        ElfUnwindTables t = ElfUnwindTables.open(exe);
        assertThat(t.table(CfiSection.Kind.DEBUG_FRAME)).isPresent();
        assertSameFdes(exe);
        assertSameRows(exe, Integer.MAX_VALUE);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void i386EhFrameMatchesReadelf() throws IOException {
        assumeTrue(ToolRunner.onPath("readelf"), "readelf (binutils) is not installed");
        Path exe = ToolRunner.corpus().map(c -> c.resolve("elfcore/elfutils/backtrace.i386.exec")).orElse(null);
        assumeTrue(exe != null && Files.exists(exe), "corpus backtrace.i386.exec is absent");
        assertSameFdes(exe);
        assertSameRows(exe, Integer.MAX_VALUE);
    }

    @Test @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void decodedRowsMatchReadelfFramesInterp() throws IOException {
        assumeTrue(ToolRunner.onPath("readelf"), "readelf (binutils) is not installed");
        List<Path> libs = ToolRunner.sampleLibraries(20);
        assumeTrue(!libs.isEmpty(), "no shared libraries");
        // libc (last) in full, every fourth library of the sample for its first 400 FDEs
        assertSameRows(libs.get(libs.size() - 1), Integer.MAX_VALUE);
        for (int i = 0; i < libs.size() - 1; i += 4) assertSameRows(libs.get(i), 400);
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void ehFrameHdrBinarySearchFindsEveryFdeOfLibc() throws IOException {
        List<Path> libs = ToolRunner.sampleLibraries(20);
        assumeTrue(!libs.isEmpty(), "no shared libraries");
        Path libc = libs.get(libs.size() - 1);
        ElfUnwindTables t = ElfUnwindTables.open(libc);
        assumeTrue(t.ehFrameHdr().isPresent(), "no .eh_frame_hdr in " + libc);
        List<Fde> fdes = t.table(CfiSection.Kind.EH_FRAME).orElseThrow().fdes();
        assertThat(t.ehFrameHdr().get().fdeCount()).isEqualTo(fdes.size());
        int checked = 0;
        for (Fde f : fdes) {
            if (f.pcBegin() == f.pcEnd()) continue;
            for (long pc : new long[] {f.pcBegin(), (f.pcBegin() + f.pcEnd()) / 2, f.pcEnd() - 1}) {
                ElfUnwindTables.Match m = t.lookup(pc).orElseThrow();
                assertThat(m.fde().offset()).as("FDE for 0x%x", pc).isEqualTo(f.offset());
                CfiRow row = CfaProgram.decode(m.section(), m.fde()).rowAt(pc);
                assertThat(row).isNotNull();
                assertThat(Long.compareUnsigned(row.location(), pc)).isLessThanOrEqualTo(0);
            }
            checked++;
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(t.lookup(0)).isEmpty();
    }

    /** One FDE block of frames-interp output: header line, column header tokens and row lines. */
    private record Block(long offset, List<String> header, List<List<String>> rows) {}

    private static List<String> tokens(String line) {
        String norm = REGREF.matcher(line.trim()).replaceAll("r$1($2)");
        List<String> out = new ArrayList<>();
        for (String tok : norm.split("\\s+")) if (!tok.isEmpty()) out.add(tok);
        return out;
    }

    private static Map<String, Map<Long, Block>> readelfRows(String out) {
        Map<String, Map<Long, Block>> bySection = new HashMap<>();
        Map<Long, Block> cur = null;
        Block block = null;
        for (String line : out.split("\n")) {
            Matcher s = SECTION.matcher(line);
            if (s.find()) { cur = bySection.computeIfAbsent(s.group(1), k -> new HashMap<>()); block = null; continue; }
            Matcher m = FDE.matcher(line);
            if (m.find() && cur != null) {
                block = new Block(Long.parseUnsignedLong(m.group(1), 16), new ArrayList<>(), new ArrayList<>());
                cur.put(block.offset(), block);
                continue;
            }
            if (line.isBlank() || line.matches("^[0-9a-f]{8} .*(CIE|ZERO).*")) { block = null; continue; }
            if (block == null) continue;
            if (line.startsWith("   LOC")) { block.header().addAll(tokens(line)); continue; }
            block.rows().add(tokens(line));
        }
        return bySection;
    }

    private static void assertSameRows(Path lib, int maxFdes) throws IOException {
        Map<String, Map<Long, Block>> ref = readelfRows(ToolRunner.run("readelf", "--debug-dump=frames-interp", lib.toString()));
        ElfUnwindTables t = ElfUnwindTables.open(lib);
        int machine = t.header().machine();
        int width = t.header().is64() ? 16 : 8;
        int compared = 0;
        for (CfiSection s : t.tables()) {
            Map<Long, Block> blocks = ref.getOrDefault(s.kind().sectionName(), Map.of());
            int n = 0;
            for (Fde f : s.fdes()) {
                if (n++ >= maxFdes) break;
                Block b = blocks.get(f.offset());
                assertThat(b).as("readelf block for FDE 0x%x of %s in %s", f.offset(), s.kind().sectionName(), lib).isNotNull();
                CfaProgram.Table table = CfaProgram.decode(s, f);
                if (table.onlyNops()) {
                    assertThat(b.rows()).as("nop-only FDE 0x%x of %s", f.offset(), lib).isEmpty();
                    assertThat(table.rows()).hasSize(1);
                    continue;
                }
                List<String> header = new ArrayList<>(List.of("LOC", "CFA"));
                for (int c : table.columns()) {
                    header.add(c == f.cie().returnAddressRegister() ? "ra" : DwarfRegisters.name(machine, c));
                }
                String what = String.format("FDE 0x%x of %s in %s", f.offset(), s.kind().sectionName(), lib);
                assertThat(header).as("columns of " + what).isEqualTo(b.header());
                List<List<String>> mine = new ArrayList<>();
                for (CfiRow row : table.rows()) {
                    StringBuilder sb = new StringBuilder(String.format("%0" + width + "x %s", row.location(), CfiText.cfa(machine, row.cfa())));
                    for (int c : table.columns()) sb.append(' ').append(CfiText.rule(machine, row.rule(c)));
                    mine.add(tokens(sb.toString()));
                }
                assertThat(mine).as("rows of " + what).isEqualTo(b.rows());
                compared++;
            }
        }
        assertThat(compared).as("FDEs with rows compared in %s", lib).isPositive();
    }
}
