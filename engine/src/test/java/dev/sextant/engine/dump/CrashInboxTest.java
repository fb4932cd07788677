package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.CrashInbox;
import dev.sextant.engine.api.CrashInbox.Group;
import dev.sextant.engine.api.CrashMetadata;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.testing.CrashInboxFixture;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The crash inbox over six real cores, compressed by the real tools, with systemd-coredump's attributes. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CrashInboxTest {
    @TempDir static Path work;
    static CrashInboxFixture.Inbox inbox;
    static CrashInbox listed;
    static String savedCache;

    @BeforeAll static void makeInbox() throws Exception {
        savedCache = System.getProperty("sextant.coreCache");
        System.setProperty("sextant.coreCache", Files.createDirectories(work.resolve("cache")).toString());
        inbox = CrashInboxFixture.make(work);
        listed = CrashInboxReader.read(List.of(inbox.directory()), Optional.empty(), true, new Cancellation(), (d, t) -> {});
    }

    @AfterAll static void restoreCache() {
        if (savedCache == null) System.clearProperty("sextant.coreCache");
        else System.setProperty("sextant.coreCache", savedCache);
    }

    @Test void threeGroupsOfTwoOneForEachWayToCrash() {
        assertThat(listed.crashes()).hasSize(6);
        assertThat(listed.groups()).hasSize(3).allSatisfy(g -> assertThat(g.count()).isEqualTo(2));
        for (Group g : listed.groups()) {
            List<String> kinds = g.crashes().stream().map(c -> kindOf(c.file())).distinct().toList();
            assertThat(kinds).as(g.signature().text()).hasSize(1);
            assertThat(g.signature().unnamed()).isEmpty();
            assertThat(g.signature().text()).doesNotContainPattern("0x[0-9a-f]|\\+");
            assertThat(g.first()).isBefore(g.last());
        }
        assertThat(listed.groups().stream().map(g -> g.signature().hash()).distinct()).hasSize(3);
        assertThat(listed.diagnostics()).isEmpty();
    }

    @Test void signaturesAreEuStacksTopFramesWithAbortAndRaiseSkipped() throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("eu-stack"), "no eu-stack (elfutils)");
        for (Group g : listed.groups()) {
            CrashInboxFixture.Crash made = made(g.crashes().get(0).file());
            List<String> eu = euStack(made.plain(), inbox.exe());
            int first = eu.indexOf(g.signature().frames().get(0));
            assertThat(first).as("eu-stack %s", eu).isGreaterThanOrEqualTo(0);
            // What the signature skipped is exactly eu-stack's frames above it: abort's and raise's, or none.
            List<String> skipped = eu.subList(0, first);
            if (made.kind().equals("abort")) {
                assertThat(skipped).contains("raise", "abort");
                assertThat(g.signature().frames()).startsWith("check_invariant", "validate_order", "main");
            } else {
                assertThat(skipped).isEmpty();
            }
            assertThat(eu.subList(first, first + g.signature().frames().size())).isEqualTo(g.signature().frames());
            assertThat(g.signal()).hasValue(made.kind().equals("segv") ? "SIGSEGV" : made.kind().equals("abort") ? "SIGABRT" : "SIGFPE");
        }
    }

    @Test void newestFirstWithMetadataFromTheAttributes() {
        Assumptions.assumeTrue(inbox.xattrs(), "this file system keeps no user extended attributes (setfattr failed), so systemd-coredump's cannot be set");
        assertThat(listed.crashes()).isSortedAccordingTo((a, b) -> b.time().compareTo(a.time()));
        for (CrashInbox.Crash c : listed.crashes()) {
            CrashInboxFixture.Crash made = made(c.file());
            CrashMetadata m = c.metadata().orElseThrow();
            assertThat(m.source()).isEqualTo("xattr, file name");
            assertThat(c.time()).isEqualTo(Instant.ofEpochSecond(made.usec() / 1_000_000));
            assertThat(c.pid()).hasValue(made.pid());
            assertThat(c.uid()).hasValue(inbox.uid());
            assertThat(m.gid()).hasValue(inbox.uid());
            assertThat(m.signal()).hasValue(made.signal());
            assertThat(c.executable()).hasValue(inbox.exe().toString());
            assertThat(c.commandLine()).hasValue(inbox.exe() + " " + made.kind());
            assertThat(m.hostname()).hasValue(CrashInboxFixture.HOSTNAME);
            assertThat(m.bootId()).hasValue(inbox.bootId());
            assertThat(m.rlimit()).hasValue("18446744073709551615");
            assertThat(c.program()).isEqualTo("crashkinds");
            assertThat(c.size()).isEqualTo(made.compressed().toFile().length());
        }
    }

    @Test void withoutAttributesTheFileNameSaysTimePidUidBootAndProgram() throws Exception {
        Path dir = Files.createDirectories(work.resolve("names-only"));
        CrashInboxFixture.Crash made = inbox.crashes().get(0);
        // What systemd escapes in COMM: "my.prog" is stored as my\x2eprog.
        String name = "core.my\\x2eprog." + inbox.uid() + "." + inbox.bootId() + "." + made.pid() + "." + made.usec() + ".zst";
        Path copy = Files.copy(made.compressed(), dir.resolve(name));
        CrashMetadata m = CrashMetadataReader.read(copy).orElseThrow();
        assertThat(m.source()).isEqualTo("file name");
        assertThat(m.comm()).hasValue("my.prog");
        assertThat(m.pid()).hasValue(made.pid());
        assertThat(m.uid()).hasValue(inbox.uid());
        assertThat(m.bootId()).hasValue(inbox.bootId());
        assertThat(m.time()).hasValue(Instant.ofEpochSecond(made.usec() / 1_000_000));
        assertThat(m.executable()).isEmpty();
        assertThat(CrashMetadataReader.read(made.plain())).isEmpty();
    }

    @Test void aCompressedCoresStacksEqualThePlainCores() {
        for (CrashInboxFixture.Crash made : inbox.crashes()) {
            DumpReport plain = ElfCoreReader.read(made.plain(), CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
            DumpReport packed = ElfCoreReader.read(made.compressed(), CoreOptions.DEFAULT, CoreReadListener.NONE, new Cancellation());
            assertThat(packed.stacks()).as(made.tool()).isEqualTo(plain.stacks());
            assertThat(packed.threads()).isEqualTo(plain.threads());
            assertThat(packed.signal()).isEqualTo(plain.signal());
            assertThat(packed.file()).isEqualTo(made.compressed());
            assertThat(packed.stacks().get(0).frames()).isNotEmpty();
        }
    }

    @Test void plainCoresInTheGivenDirectoryAreListedToo() throws Exception {
        CrashInbox plain = CrashInboxReader.read(List.of(inbox.crashes().get(0).plain().getParent()), Optional.empty(), true,
                new Cancellation(), (d, t) -> {});
        assertThat(plain.crashes()).hasSize(6);
        assertThat(plain.groups()).hasSize(3);
        assertThat(plain.groups().stream().map(g -> g.signature().hash()).sorted().toList())
                .isEqualTo(listed.groups().stream().map(g -> g.signature().hash()).sorted().toList());
        assertThat(plain.crashes()).allSatisfy(c -> assertThat(c.metadata()).isEmpty());
        assertThat(plain.crashes()).allSatisfy(c -> assertThat(c.pid()).isPresent());
    }

    @Test void sinceLeavesOlderCrashesOut() {
        Instant since = Instant.ofEpochSecond((CrashInboxFixture.BASE_USEC + 3 * 60_000_000L) / 1_000_000);
        CrashInbox recent = CrashInboxReader.read(List.of(inbox.directory()), Optional.of(since), false, new Cancellation(), (d, t) -> {});
        int expected = inbox.xattrs() ? 3 : 3;   // the name carries the time when the attributes are absent
        assertThat(recent.crashes()).hasSize(expected).allSatisfy(c -> assertThat(c.time()).isAfterOrEqualTo(since));
        assertThat(recent.groups()).isEmpty();
    }

    private static CrashInboxFixture.Crash made(Path file) {
        return inbox.crashes().stream().filter(c -> c.compressed().equals(file) || c.plain().equals(file)).findFirst().orElseThrow();
    }

    private static String kindOf(Path file) {
        return made(file).kind();
    }

    private static final Pattern EU_FRAME = Pattern.compile("^#\\d+\\s+0x[0-9a-f]+\\s+(\\S+)");

    /** eu-stack's function names for the core's first thread (the only one), versions dropped. */
    static List<String> euStack(Path core, Path exe) throws Exception {
        var r = NativePrograms.Tools.run(core.getParent(), 60, List.of("eu-stack", "--core", core.toString(), "-e", exe.toString()));
        List<String> out = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = EU_FRAME.matcher(line);
            if (m.find()) out.add(m.group(1).replaceAll("@.*", ""));
        }
        return out;
    }
}
