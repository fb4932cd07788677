package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.engine.testing.CrashInboxFixture;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant crashes} and compressed cores through {@code stack}, {@code dump} and {@code symbols}, in-process. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrashesCommandTest {
    @TempDir static Path work;
    static CrashInboxFixture.Inbox inbox;

    @BeforeAll static void makeInbox() throws Exception { inbox = CrashInboxFixture.makeWithPrivateCache(work); }

    @AfterAll static void restoreCache() { CrashInboxFixture.restoreCache(); }

    static StackCommandTest.Run run(String... args) { return StackCommandTest.run(args); }

    private static List<String> keys(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> i = n.fieldNames(); i.hasNext(); ) out.add(i.next());
        return out;
    }

    @Test void jsonIsTheIssuesShapeThreeGroupsOfTwo() throws Exception {
        var r = run("crashes", "--dir", inbox.directory().toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertThat(keys(root)).containsExactly("groups");
        assertThat(root.get("groups")).hasSize(3);
        for (JsonNode g : root.get("groups")) {
            assertThat(keys(g)).containsExactly("signature", "hash", "count", "first", "last", "program", "signal", "crashes");
            assertThat(g.get("count").asInt()).isEqualTo(2);
            assertThat(g.get("crashes")).hasSize(2);
            assertThat(g.get("hash").asText()).matches("[0-9a-f]{16}");
            assertThat(Instant.parse(g.get("first").asText())).isBefore(Instant.parse(g.get("last").asText()));
            for (JsonNode c : g.get("crashes")) {
                assertThat(keys(c)).containsExactly("file", "time", "pid", "uid", "exe", "cmdline", "signal", "size");
                CrashInboxFixture.Crash made = inbox.crashes().stream().filter(m -> m.compressed().toString().equals(c.get("file").asText()))
                        .findFirst().orElseThrow();
                assertThat(c.get("pid").asInt()).isEqualTo(made.pid());
                assertThat(c.get("size").asLong()).isEqualTo(Files.size(made.compressed()));
                assertThat(Instant.parse(c.get("time").asText())).isEqualTo(Instant.ofEpochSecond(made.usec() / 1_000_000));
                assertThat(c.get("exe").asText()).isEqualTo(inbox.exe().toString());
                assertThat(c.get("signal").asText()).isEqualTo(g.get("signal").asText());
            }
        }
    }

    @Test void textSaysEachGroupAndSinceLeavesOlderOnesOut() {
        var r = run("crashes", "--dir", inbox.directory().toString(), "--since", "2026-05-28T00:03:00Z");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("3 crashes in 2 groups").contains("check_invariant | validate_order | main")
                .contains("divide_evenly | share_of | main").doesNotContain("store_into");
        var bad = run("crashes", "--dir", inbox.directory().toString(), "--since", "yesterday-ish");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--since yesterday-ish: not a time");
    }

    @Test void aCoreWhoseExecutableIsGoneStillGetsASignatureAndSaysWhichFramesAreUnnamed() throws Exception {
        Path dir = Files.createDirectories(work.resolve("gone"));
        Path exe = Files.copy(inbox.exe(), dir.resolve("vanished"));
        Path core = Files.move(NativePrograms.coreOf(exe, dir, "segv"), dir.resolve("core.4242"));
        Files.delete(exe);
        var r = run("crashes", "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("?? (vanished)").contains("of the signature are unnamed").contains(core.toString());
    }

    @Test void compressedCoresOpenInStackDumpAndSymbolsWithWhatWasRecorded() throws Exception {
        CrashInboxFixture.Crash made = inbox.crashes().get(2);          // abort, xz
        var plain = run("stack", "--core", made.plain().toString(), "--json");
        var packed = run("stack", "--core", made.compressed().toString(), "--json");
        assertThat(packed.exit()).as(packed.err()).isZero();
        ObjectMapper m = new ObjectMapper();
        JsonNode p = m.readTree(plain.out()), c = m.readTree(packed.out());
        assertThat(c.get("threads")).isEqualTo(p.get("threads"));
        assertThat(c.get("file").asText()).isEqualTo(made.compressed().toString());
        assertThat(p.get("recorded").isNull()).isTrue();
        JsonNode rec = c.get("recorded");
        assertThat(rec.get("pid").asInt()).isEqualTo(made.pid());
        assertThat(rec.get("bootId").asText()).isEqualTo(inbox.bootId());
        assertThat(Instant.parse(rec.get("time").asText())).isEqualTo(Instant.ofEpochSecond(made.usec() / 1_000_000));
        if (inbox.xattrs()) {
            assertThat(rec.get("hostname").asText()).isEqualTo(CrashInboxFixture.HOSTNAME);
            assertThat(rec.get("signal").asText()).isEqualTo("SIGABRT");
        }
        var dump = run("dump", made.compressed().toString());
        assertThat(dump.exit()).as(dump.err()).isIn(0, 1);
        assertThat(dump.out()).contains("check_invariant").contains("Recorded (");
        var symbols = run("symbols", "--core", made.compressed().toString(), "--find", "check_inv*");
        assertThat(symbols.exit()).as(symbols.err()).isZero();
        assertThat(symbols.out()).contains("check_invariant");
    }

    @Test void aTruncatedCompressedCoreIsOneLineNamingTheOffset() throws Exception {
        CrashInboxFixture.Crash made = inbox.crashes().get(0);
        byte[] all = Files.readAllBytes(made.compressed());
        Path cut = Files.write(work.resolve("core.cut"), java.util.Arrays.copyOf(all, all.length / 2));
        var r = run("stack", "--core", cut.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).startsWith("sextant: " + cut + ": ").contains(made.tool() + " stream at compressed offset")
                .contains("the file is damaged");
    }
}
