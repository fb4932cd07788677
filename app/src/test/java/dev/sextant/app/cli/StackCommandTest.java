package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sextant.app.Main;
import dev.sextant.engine.testing.NativePrograms;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant stack} in-process: the documented JSON, text output, exit codes and one-line errors. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StackCommandTest {
    @TempDir static Path dir;
    static Path exe, core;

    record Run(int exit, String out, String err) {}

    @BeforeAll static void makeCore() throws Exception {
        exe = NativePrograms.compile("abortthreads", dir);
        core = NativePrograms.coreOf(exe, dir, "5");
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * A core written by gdb while stopped at the first instruction of a PLT stub (a step into a
     * library call lands there): frame 0 is puts@plt, as gdb's own backtrace of that core says
     * (libdwfl and eu-stack name no symbol there), and the next frame is the caller.
     */
    @Test void aFrameInAPltStubIsNamedAsGdbNamesIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb (the reference) is not installed");
        Path pltDir = Files.createDirectories(dir.resolve("plt"));
        Path plt = NativePrograms.compile("plt", pltDir);
        Path pltCore = pltDir.resolve("core.plt");
        NativePrograms.Tools.Result g = NativePrograms.Tools.run(pltDir, 120, java.util.List.of("gdb", "-batch", "-nx",
                "-ex", "break puts@plt", "-ex", "run", "-ex", "generate-core-file " + pltCore, plt.toString()));
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(pltCore), "gdb could not write a core here: " + g.stderr());
        String bt = NativePrograms.Tools.run(pltDir, 120, java.util.List.of("gdb", "-batch", "-nx", "-ex", "bt", plt.toString(),
                pltCore.toString())).stdout();
        assertThat(bt).containsPattern("#0 +0x[0-9a-f]+ in puts@plt \\(\\)").containsPattern("#1 .* in main \\(\\)");

        Run r = run("stack", "--core", pltCore.toString(), "--exe", plt.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode frames = new ObjectMapper().readTree(r.out()).get("threads").get(0).get("frames");
        assertThat(frames.get(0).get("function").asText()).isEqualTo("puts@plt");
        assertThat(frames.get(1).get("function").asText()).startsWith("main");
        // the symbol handler's ln says the same for the address and one byte in
        long pc = Long.decode(frames.get(0).get("pc").asText());
        Run ln = run("symbols", "--core", pltCore.toString(), "--exe", plt.toString(), "--no-debuginfod", "--no-inlines",
                "--addr", "0x" + Long.toHexString(pc), "--addr", "0x" + Long.toHexString(pc + 1));
        assertThat(ln.out()).contains("!puts@plt\n").contains("!puts@plt+0x1\n");
    }

    @Test void jsonHasTheDocumentedShape() throws Exception {
        Run r = run("stack", "--core", core.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("process").get("pid").asInt()).isPositive();
        assertThat(j.get("signal").get("name").asText()).isEqualTo("SIGABRT");
        JsonNode threads = j.get("threads");
        assertThat(threads).hasSize(6);
        assertThat(threads.get(0).get("crashed").asBoolean()).isTrue();
        assertThat(threads.get(0).get("tid").asInt()).isEqualTo(j.get("process").get("pid").asInt());
        for (int i = 1; i < threads.size(); i++) {
            assertThat(threads.get(i).get("crashed").asBoolean()).isFalse();
            JsonNode frames = threads.get(i).get("frames");
            boolean sawWait = false;
            for (JsonNode f : frames) {
                assertThat(f.get("pc").asText()).startsWith("0x");
                assertThat(f.get("offset").asText()).startsWith("0x");
                assertThat(f.has("module") && f.has("function") && f.has("file") && f.has("line") && f.has("inline")).isTrue();
                if ("wait_here".equals(f.get("function").asText())) {
                    sawWait = true;
                    assertThat(f.get("line").asInt()).isEqualTo(NativePrograms.line("abortthreads", "wait_here"));
                    assertThat(f.get("file").asText()).endsWith("threads.c");
                    assertThat(f.get("module").asText()).isEqualTo("abortthreads");
                }
            }
            assertThat(sawWait).isTrue();
        }
        JsonNode modules = j.get("modules");
        assertThat(modules.size()).isGreaterThanOrEqualTo(3);
        boolean sawExe = false;
        for (JsonNode m : modules) {
            assertThat(m.get("base").asText()).startsWith("0x");
            assertThat(m.get("size").asText()).startsWith("0x");
            if (m.get("path").asText().equals(exe.toString())) {
                sawExe = true;
                assertThat(m.get("found").asBoolean()).isTrue();
                assertThat(m.get("buildId").asText()).matches("[0-9a-f]{40}");
            }
        }
        assertThat(sawExe).isTrue();
    }

    @Test void textNamesEveryThreadAndItsFrames() throws Exception {
        Run r = run("stack", "--core", core.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("Signal: SIGABRT").contains("(crashed):").contains(" wait_here+0x")
                .contains("threads.c:" + NativePrograms.line("abortthreads", "wait_here"));
        assertThat(r.out().lines().filter(l -> l.startsWith("Thread "))).hasSize(6);
    }

    /**
     * The target options stack shares with locals and eval (StateSource, a picocli mixin): the fast path
     * binds each as picocli does, and leaves to picocli what is not one plain target.
     */
    @Test void theFastPathBindsTheSharedTargetOptionsAsPicocliDoes() {
        String[] core = {"--core", "/srv/core.1", "--exe", "/srv/prog", "--sysroot=/srv/root"};
        String[] pid = {"--pid", "4242"};
        StateSource[] fast = {
                StackCommand.plain(core).orElseThrow().source, StackCommand.plain(pid).orElseThrow().source,
                LocalsCommand.plain(core).orElseThrow().source, LocalsCommand.plain(pid).orElseThrow().source,
                EvalCommand.plain(plus(core, "x + 1")).orElseThrow().source, EvalCommand.plain(plus(pid, "x + 1")).orElseThrow().source};
        StackCommand s1 = new StackCommand(), s2 = new StackCommand();
        LocalsCommand l1 = new LocalsCommand(), l2 = new LocalsCommand();
        EvalCommand e1 = new EvalCommand(), e2 = new EvalCommand();
        new picocli.CommandLine(s1).parseArgs(core);
        new picocli.CommandLine(s2).parseArgs(pid);
        new picocli.CommandLine(l1).parseArgs(core);
        new picocli.CommandLine(l2).parseArgs(pid);
        new picocli.CommandLine(e1).parseArgs(plus(core, "x + 1"));
        new picocli.CommandLine(e2).parseArgs(plus(pid, "x + 1"));
        StateSource[] picocli = {s1.source, s2.source, l1.source, l2.source, e1.source, e2.source};
        for (int i = 0; i < fast.length; i++) {
            boolean ofCore = i % 2 == 0;
            for (StateSource t : new StateSource[] {fast[i], picocli[i]}) {
                assertThat(t.target.core).isEqualTo(ofCore ? Path.of("/srv/core.1") : null);
                assertThat(t.target.pid).isEqualTo(ofCore ? null : 4242);
                assertThat(t.exe).isEqualTo(ofCore ? Path.of("/srv/prog") : null);
                assertThat(t.sysroot).isEqualTo(ofCore ? Path.of("/srv/root") : null);
            }
        }
        assertThat(StackCommand.plain(new String[] {"--core", "/srv/core.1", "--pid", "4242"})).isEmpty();
        assertThat(StackCommand.plain(new String[] {"--exe", "/srv/prog"})).isEmpty();
        assertThat(LocalsCommand.plain(new String[] {"--core", "/srv/core.1", "--pid", "4242"})).isEmpty();
    }

    private static String[] plus(String[] args, String last) {
        String[] out = java.util.Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }

    /** {@code stack --group}: bound by the fast path, every thread counted once, text and JSON agreeing. */
    @Test void groupedStacksCountEveryThreadOnce() throws Exception {
        assertThat(StackCommand.plain(new String[] {"--core", core.toString(), "--group", "--by-function", "--json"}))
                .hasValueSatisfying(c -> assertThat(c.group && c.byFunction && c.json).isTrue());
        Run j = run("stack", "--core", core.toString(), "--group", "--by-function", "--json");
        assertThat(j.exit()).isZero();
        JsonNode groups = new ObjectMapper().readTree(j.out()).get("groups");
        int threads = 0, crashed = 0;
        for (JsonNode g : groups) {
            assertThat(g.get("tids")).hasSize(g.get("count").asInt());
            assertThat(g.get("frames").size()).isPositive();
            threads += g.get("count").asInt();
            if (g.get("crashed").asBoolean()) crashed++;
        }
        assertThat(threads).isEqualTo(6);
        assertThat(crashed).isEqualTo(1);

        Run t = run("stack", "--core", core.toString(), "--group");
        assertThat(t.exit()).isZero();
        assertThat(t.out()).startsWith("6 threads in ").contains("(same pcs)").contains("(crashed):");
    }

    @Test void badFilesGiveOneLineAndExitTwo() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty"));
        Run r = run("stack", "--core", empty.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("sextant: " + empty + ": the file is empty, not a core file" + System.lineSeparator());

        Run notCore = run("stack", "--core", exe.toString());
        assertThat(notCore.exit()).isEqualTo(2);
        assertThat(notCore.err().lines()).hasSize(1);
        assertThat(notCore.err()).contains(exe.toString()).contains("not a core file").doesNotContain("Exception");

        Run missing = run("stack", "--core", dir.resolve("nope").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("sextant: " + dir.resolve("nope") + ": no such file" + System.lineSeparator());
    }

    @Test void missingExecutablePrintsWhatItCanAndSaysWhatToDo() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("gone"));
        Path exe2 = NativePrograms.compile("crash", sub);
        Path core2 = NativePrograms.coreOf(exe2, sub);
        Path kept = Files.copy(exe2, dir.resolve("kept-crash"));
        Files.delete(exe2);
        Run r = run("stack", "--core", core2.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("Signal: SIGSEGV");
        assertThat(r.err().lines()).containsExactly("sextant: " + core2 + ": executable " + exe2
                + " not found, so its frames have no symbols; pass --exe FILE");
        assertThat(r.out()).doesNotContain("level3");
        Run withExe = run("stack", "--core", core2.toString(), "--exe", kept.toString());
        assertThat(withExe.exit()).as(withExe.err()).isZero();
        assertThat(withExe.out()).contains("level3+0x");

        // A rebuild is another file (another build-id): refused, and said so.
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path rebuilt = NativePrograms.compile("crash", elsewhere);
        Run wrong = run("stack", "--core", core2.toString(), "--exe", rebuilt.toString());
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains(rebuilt + " is not the executable that produced this core");
        assertThat(wrong.out()).doesNotContain("level3");
    }

    @Test void usageErrorsExitNonZeroWithoutAStackTrace() {
        Run r = run("stack");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required argument").contains("--core=FILE").doesNotContain("at picocli");
    }
}
