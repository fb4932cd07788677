package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant symbols} in-process: x (--find) and ln (--addr), JSON and text, checked against nm and eu-addr2line. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SymbolsCommandTest {
    @TempDir static Path dir;
    static NativePrograms.Crashed crash;

    @BeforeAll static void makeCore() throws Exception { crash = NativePrograms.crashed("crash", dir); }

    static StackCommandTest.Run run(String... args) {
        return StackCommandTest.run(args);
    }

    static String[] base(String... more) {
        List<String> a = new ArrayList<>(List.of("symbols", "--core", crash.core().toString(), "--exe", crash.exe().toString(),
                "--symbol-path", "own;debuglink", "--no-debuginfod"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** A listing says where each module's symbols come from (it loads them); --deferred lists without loading, and says so. */
    @Test void aListingLoadsSymbolsAndDeferredSaysWhatItSkipped() throws Exception {
        StackCommandTest.Run r = run(base());
        assertThat(r.exit()).as(r.err()).isZero();
        String exeLine = r.out().lines().filter(l -> l.split(" ")[2].equals("crash")).findFirst().orElseThrow();
        assertThat(exeLine).contains(" loaded from own file " + crash.exe()).contains(" symbols").doesNotContain("deferred");
        assertThat(r.out().lines()).noneMatch(l -> l.contains(" deferred"));
        r = run(base("--deferred"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).isNotEmpty().allMatch(l -> l.contains(" deferred (not loaded: --deferred"));
    }

    @Test void findMatchesNmAndLnMatchesEuAddr2line() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("nm") && Tools.onPath("eu-addr2line"), "needs nm and eu-addr2line");
        StackCommandTest.Run r = run(base("--find", "crash!level*", "--json"));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        long exeBase = 0;
        for (JsonNode m : j.get("modules")) {
            if (m.get("name").asText().endsWith("crash")) {
                exeBase = Long.parseUnsignedLong(m.get("base").asText().substring(2), 16);
                assertThat(m.get("status").asText()).isEqualTo("LOADED");
                assertThat(m.get("source").asText()).isEqualTo("EMBEDDED");
                assertThat(m.get("lines").asBoolean()).isTrue();
            }
        }
        String nm = Tools.run(dir, 60, List.of("nm", "--defined-only", crash.exe().toString())).stdout();
        JsonNode syms = j.get("symbols");
        assertThat(syms).hasSize(3);
        for (JsonNode s : syms) {
            String name = s.get("name").asText();
            long want = nm.lines().map(l -> l.split(" ")).filter(f -> f.length == 3 && f[2].equals(name))
                    .mapToLong(f -> Long.parseUnsignedLong(f[0], 16)).findFirst().orElseThrow();
            assertThat(Long.parseUnsignedLong(s.get("address").asText().substring(2), 16) - exeBase).as(name).isEqualTo(want);
        }
        JsonNode level3 = null;
        for (JsonNode s : syms) if (s.get("name").asText().equals("level3")) level3 = s;
        long start = Long.parseUnsignedLong(level3.get("address").asText().substring(2), 16);
        List<String> addrs = new ArrayList<>();
        for (long a = start; a < start + level3.get("size").asLong(); a += 2) addrs.add("--addr=0x" + Long.toHexString(a));
        List<String> args = new ArrayList<>(List.of(base("--json")));
        args.addAll(addrs);
        r = run(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        boolean sawInline = false;
        for (JsonNode a : new ObjectMapper().readTree(r.out()).get("addresses")) {
            assertThat(a.get("symbol").asText()).isEqualTo("level3");
            String hex = a.get("address").asText();
            String want = Tools.run(dir, 60, List.of("eu-addr2line", "--core=" + crash.core(), "-e", crash.exe().toString(), hex)).stdout()
                    .strip().replaceFirst("^(.*:\\d+):\\d+$", "$1");
            assertThat(a.get("file").asText() + ":" + a.get("line").asInt()).as(hex).isEqualTo(want);
            for (JsonNode in : a.get("inlines")) if (in.get("function").asText().equals("store_value")) sawInline = true;
        }
        assertThat(sawInline).as("store_value is inlined into level3").isTrue();
    }

    /**
     * The batch path (--addr-file, --no-inlines: sorted symbol table read from the file, one line lookup
     * per module, byte-buffer output) on 2,000 random addresses in libc's .text: symbol+offset and
     * file:line equal {@code eu-addr2line -S --relative}'s (libdwfl's dwfl_module_addrinfo and line
     * table). Sextant prints file names as the line table gives them; eu-addr2line by default, and
     * llvm-addr2line, put the CU's DW_AT_comp_dir in front of relative ones.
     */
    @Test void addrFileOnLibcAgreesWithEuAddr2line() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-addr2line") && Tools.onPath("eu-readelf"), "needs eu-addr2line and eu-readelf");
        StackCommandTest.Run r = run("symbols", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--symbol-path",
                "own;debuglink;build-id", "--no-debuginfod", "--load-all", "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode libc = null;
        for (JsonNode m : new ObjectMapper().readTree(r.out()).get("modules")) if (m.get("name").asText().startsWith("libc.so")) libc = m;
        Assumptions.assumeTrue(libc != null && libc.get("symbolFile").isTextual(), "the test program has no libc.so module with a file");
        long base = Long.parseUnsignedLong(libc.get("base").asText().substring(2), 16);
        // The debug file keeps the section addresses (its .text is NOBITS, with address and size).
        String[] text = Tools.run(dir, 60, List.of("eu-readelf", "-S", libc.get("symbolFile").asText())).stdout().lines()
                .map(l -> l.trim().split("\\s+")).filter(f -> f.length > 5 && f[1].equals(".text")).findFirst().orElseThrow();
        long textAddr = Long.parseUnsignedLong(text[3], 16), textSize = Long.parseUnsignedLong(text[5], 16);
        java.util.Random random = new java.util.Random(11);
        List<String> addrs = new ArrayList<>();
        // libc's first PT_LOAD is at 0: address = base + link-time address.
        for (int i = 0; i < 2000; i++) addrs.add("0x" + Long.toHexString(base + textAddr + (long) (random.nextDouble() * textSize)));
        Path file = dir.resolve("libc-addresses.txt");
        java.nio.file.Files.write(file, addrs);
        r = run("symbols", "--core", crash.core().toString(), "--exe", crash.exe().toString(), "--symbol-path", "own;debuglink;build-id",
                "--no-debuginfod", "--no-inlines", "--addr-file", file.toString());
        assertThat(r.exit()).as(r.err()).isIn(0, 1);
        List<String> ours = r.out().lines().toList();
        List<String> cmd = new ArrayList<>(List.of("eu-addr2line", "--core=" + crash.core(), "-e", crash.exe().toString(), "-S", "--relative"));
        cmd.addAll(addrs);
        List<String> eu = Tools.run(dir, 120, cmd).stdout().lines().toList();
        assertThat(ours).hasSize(addrs.size());
        assertThat(eu).hasSize(2 * addrs.size());
        int withLines = 0;
        for (int i = 0; i < addrs.size(); i++) {
            String[] f = ours.get(i).split(" ");
            assertThat(f[0]).isEqualTo(addrs.get(i));
            String sym = f[1].substring(f[1].indexOf('!') + 1);
            String wantSym = eu.get(2 * i).startsWith("()+") ? "?" : eu.get(2 * i);
            assertThat(sym).as(addrs.get(i)).isEqualTo(wantSym);
            String want = eu.get(2 * i + 1).replaceFirst("^(.*:\\d+):\\d+$", "$1");
            String got = f.length > 2 ? f[2] : "??:0";
            assertThat(got).as(addrs.get(i)).isEqualTo(want);
            if (!got.startsWith("??")) withLines++;
        }
        if (libc.get("lines").asBoolean()) assertThat(withLines).as("addresses with a line (libc6-dbg)").isGreaterThan(1500);
    }

    @Test void textListsModulesWithTheirSymbolState() {
        StackCommandTest.Run r = run(base("--load-all"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^0x[0-9a-f]+ 0x[0-9a-f]+ crash loaded from own file .*, lines$");
        assertThat(r.out()).containsPattern("(?m) libc\\.so\\.6 (loaded|partial)");
    }

    @Test void noisyPrintsTheSeedsEventNames() {
        StackCommandTest.Run r = run(base("--noisy", "--find", "level1"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("CBA_DEFERRED_SYMBOL_LOAD_START").contains("CBA_DEFERRED_SYMBOL_LOAD_COMPLETE");
        assertThat(r.out()).containsPattern("0x[0-9a-f]+ \\d+ crash!level1");
    }

    @Test void mistakesGiveOneLineAndExitStatus() {
        StackCommandTest.Run r = run(base("--find", "no_such_symbol_anywhere"));
        assertThat(r.exit()).isEqualTo(1);
        r = run("symbols", "--core", crash.core().toString(), "--symbol-path", "srv*/c*ftp://x");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("sextant: ").contains("ftp://x").doesNotContain("\n");
        r = run("symbols", "--core", dir.resolve("missing-core").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("missing-core");
    }
}
