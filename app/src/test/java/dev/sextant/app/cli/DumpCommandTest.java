package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.Main;
import dev.sextant.engine.breakpad.SymbolStores;
import dev.sextant.engine.testing.Corpus;
import dev.sextant.engine.testing.LinuxMiniStore;
import dev.sextant.engine.testing.SymbolServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant dump FILE --json}: the documented JSON, read back by Python's json module, against the corpus facts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DumpCommandTest {

    record Result(int status, String out, String err) {}

    static synchronized Result dump(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] full = new String[args.length + 1];
            full[0] = "dump";
            System.arraycopy(args, 0, full, 1, args.length);
            int status = Main.run(full);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** Evaluates Python expressions over the parsed JSON ({@code j}), one output line each; skips without python3. */
    static List<String> query(String json, String... expressions) throws IOException, InterruptedException {
        StringBuilder script = new StringBuilder("import json,sys\nj=json.load(sys.stdin)\n");
        for (String e : expressions) script.append("print(").append(e).append(")\n");
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", script.toString()).start();
        } catch (IOException e) {
            Assumptions.abort("python3 not available to check the JSON");
            return List.of();
        }
        p.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("python: %s", err).isZero();
        return out.lines().toList();
    }

    @Test void windowsDumpAsJson() throws Exception {
        Result r = dump(Corpus.require("minidump/breakpad/minidump2.dmp").toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(query(r.out(), "j['format']", "j['system']['cpu'].split()[0]", "j['crash']['code']", "j['crash']['name']",
                "j['crash']['address']", "j['crash']['tid']", "len(j['threads'])", "[t['tid'] for t in j['threads'] if t['crashed']]",
                "[f['pc'] for f in j['threads'][0]['frames'][:4]]", "len(j['modules'])", "j['modules'][0]['base']",
                "j['modules'][0]['size']", "j['modules'][0]['id']", "j['modules'][12]['path']", "j['secondaryData'][0]['tag']"))
                .containsExactly("minidump (x86)", "x86", "0xc0000005", "EXCEPTION_ACCESS_VIOLATION_WRITE", "0x45", "3060", "2",
                        "[3060]", "['0x40429e', '0x404200', '0x4053ec', '0x7c816fd7']", "13", "0x400000", "0x2d000",
                        "5A9832E5287241C1838ED98914E9B7FF1", "C:\\WINDOWS\\system32\\psapi.dll", "minidump:0x47670001");
    }

    @Test void crashpadDumpAsJsonListsTheAnnotations() throws Exception {
        Result r = dump(Corpus.require("minidump/rust-minidump/simple-crashpad.dmp").toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(query(r.out(), "j['system']['os']", "len(j['modules'])",
                "[(d['tag'], d['name'], d['component'], d['size']) for d in j['secondaryData'] if d['tag'] == 'crashpad:simple']",
                "j['threads'][0]['frames'][0]['pc']"))
                .containsExactly("Mac OS X 10.15.7 19H114", "40", "[('crashpad:simple', 'hello', 'crashpad', 5)]", "0x7fff6f41333a");
    }

    @Test void linuxDumpAsText() {
        Result r = dump(Corpus.require("minidump/rust-minidump/linux-mini.dmp").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("Crash: SIGSEGV (SEGV_MAPERR: address not mapped) at 0x45", "Thread 1304 (crashed)", "crash + 0x1d72  [registers]",
                "[frame pointer]", "LinuxMaps", "/work/linux/build/crash");
    }

    @Test void coreAsJsonListsItsNotes(@TempDir Path dir) throws Exception {
        String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
        Assumptions.assumeTrue(!pattern.startsWith("|") && !pattern.contains("/"), "core_pattern writes no core here");
        Files.writeString(dir.resolve("c.c"), "static volatile int *p = (int *) 0x45; int main(void) { *p = 5; return 0; }\n");
        Process cc = new ProcessBuilder("cc", "-g", "-o", "c", "c.c").directory(dir.toFile()).inheritIO().start();
        Assumptions.assumeTrue(cc.waitFor() == 0, "cc failed");
        new ProcessBuilder("bash", "-c", "ulimit -c unlimited; exec ./c").directory(dir.toFile()).start().waitFor();
        Path core;
        try (var s = Files.list(dir)) { core = s.filter(p -> p.getFileName().toString().startsWith("core")).findFirst().orElse(null); }
        Assumptions.assumeTrue(core != null, "no core written");
        Result r = dump(core.toString(), "--json");
        assertThat(r.status()).as(r.err()).isIn(0, 1);
        assertThat(query(r.out(), "j['format'].split()[0:2]", "j['crash']['name']", "j['crash']['address']",
                "'note:CORE:0x1' in [d['tag'] for d in j['secondaryData']]",
                "[d['name'] for d in j['secondaryData'] if d['component'] == 'CORE'][:2]"))
                .containsExactly("['ELF', 'core']", "SIGSEGV", "0x45", "True", "['NT_PRSTATUS', 'NT_PRPSINFO']");
    }

    @Test void unreadableFilesExitWithStatus2AndOneLine(@TempDir Path dir) throws IOException {
        Result missing = dump(dir.resolve("nope.dmp").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.dmp: no such file");
        Path bad = dir.resolve("bad.dmp");
        Files.write(bad, new byte[]{'M', 'D', 'M', 'P', (byte) 0x93, (byte) 0xa7, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f});
        Result r = dump(bad.toString(), "--json");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).startsWith("sextant: ").contains("bad.dmp").doesNotContain("Exception").hasLineCount(1);
        assertThat(r.out()).isEmpty();
    }

    /** The symbol loads of {@code --symbols} reach stderr as the symbol handler's do for `symbols`: where, how far, how it ended. */
    @Test void symbolLoadsFromAnHttpStoreAreToldOnStderr(@TempDir Path dir) throws Exception {
        Path store = LinuxMiniStore.write(dir.resolve("served"), 300 << 10);
        System.setProperty(SymbolStores.CACHE_PROPERTY, dir.resolve("cache").toString());
        try (SymbolServer server = SymbolServer.serve(store)) {
            Result r = dump(Corpus.require("minidump/rust-minidump/linux-mini.dmp").toString(), "--symbols", server.url("fail") + ";" + server.url("store"));
            assertThat(r.out()).contains("crash_the_program");
            List<String> err = r.err().lines().toList();
            long size = Files.size(store.resolve("crash/" + LinuxMiniStore.ID + "/crash.sym"));
            assertThat(err).contains("sextant: symbol store: " + server.url("fail") + "/crash/" + LinuxMiniStore.ID + "/crash.sym: HTTP 500")
                    .doesNotContain("crash: Breakpad symbol server " + server.url("fail") + "/crash/" + LinuxMiniStore.ID + "/crash.sym: HTTP 500")
                    .anyMatch(l -> l.matches("crash: downloading symbols for crash: \\d+ of " + size + " bytes"))
                    .contains("crash: symbols loaded from Breakpad symbol server (" + dir.resolve("cache/crash/" + LinuxMiniStore.ID + "/crash.sym") + ")")
                    .anyMatch(l -> l.startsWith("libc-2.23.so: no symbols: no symbol file in the Breakpad stores: error: Breakpad symbol server " + server.url("fail")));
        } finally {
            System.clearProperty(SymbolStores.CACHE_PROPERTY);
        }
    }
}
