package dev.sextant.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.EngineListener;
import dev.sextant.engine.api.SourceSubstitution;
import dev.sextant.engine.api.SourceText;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.SymbolOption;
import dev.sextant.engine.elfutils.Debuginfod;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.symbols.SymbolPath;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Source files found as gdb finds them, on real cores of a program compiled at test time: at the
 * DWARF path, under the compilation directory, through a substitution (kept across engines), beside
 * the executable; a missing file lists every place looked; hostile paths are never asked of a server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SourceLocateTest {
    @TempDir static Path dir;
    static Path src, exe, core, absExe, absCore, mappedExe, mappedCore, config;
    static final String MAPPED = "/nonexistent-sextant-build";
    static String previousConfig;

    @BeforeAll static void build() throws Exception {
        Path srcDir = Files.createDirectories(dir.resolve("src"));
        src = NativePrograms.source("srcview", srcDir);
        Files.createDirectories(dir.resolve("bin"));
        exe = compile(dir.resolve("bin/srcview"));
        core = NativePrograms.coreOf(exe, dir);
        Files.createDirectories(dir.resolve("abs"));
        absExe = compile(dir.resolve("abs/srcview"), src.toString());
        absCore = NativePrograms.coreOf(absExe, dir.resolve("abs"));
        Files.createDirectories(dir.resolve("mapped"));
        mappedExe = compile(dir.resolve("mapped/srcview"), "-ffile-prefix-map=" + dir + "=" + MAPPED);
        mappedCore = NativePrograms.coreOf(mappedExe, dir.resolve("mapped"));
        config = dir.resolve("config");
        previousConfig = System.getProperty("sextant.config.dir");
        System.setProperty("sextant.config.dir", config.toString());
    }

    @AfterAll static void restore() {
        if (previousConfig == null) System.clearProperty("sextant.config.dir");
        else System.setProperty("sextant.config.dir", previousConfig);
    }

    /** Compiles in {@code dir} (DW_AT_comp_dir), the source named {@code src/srcview.c} unless a flag names it. */
    static Path compile(Path out, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("cc", "-g", "-O0", "-fno-omit-frame-pointer", "-o", out.toString()));
        cmd.addAll(List.of(flags));
        if (List.of(flags).stream().noneMatch(f -> f.endsWith(".c"))) cmd.add("src/srcview.c");
        Tools.Result r = Tools.run(dir, 120, cmd);       // compiled in dir: DW_AT_comp_dir is dir, the name src/srcview.c
        if (r.exit() != 0) throw new IllegalStateException("cc: " + r.stderr());
        return out;
    }

    static EngineThread engine(String symbolPath, boolean debuginfod) {
        EnumSet<SymbolOption> opts = EnumSet.of(SymbolOption.DEFERRED_LOADS, SymbolOption.LOAD_LINES, SymbolOption.PREFER_LOCAL);
        if (debuginfod) opts.add(SymbolOption.DEBUGINFOD);
        return new EngineThread(SymbolPath.parse(symbolPath, Map.of()), opts);
    }

    static DumpReport open(EngineThread e, Path core, Path exe) throws Exception {
        e.addListener(ev -> { });       // a listener, as the window has: the symbol handler opens the core
        return e.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
    }

    static StackFrame frame(DumpReport r, String function) {
        return r.stacks().stream().flatMap(s -> s.frames().stream()).filter(f -> f.function().equals(Optional.of(function)))
                .findFirst().orElseThrow(() -> new AssertionError("no frame in " + function + ": " + r.stacks()));
    }

    static SourceText locate(EngineThread e, StackFrame f, String file) throws Exception {
        return e.submit(new Command.LocateSource(f.pc(), file, new Cancellation())).get(60, TimeUnit.SECONDS);
    }

    static String line(String text, int line) { return text.split("\n", -1)[line - 1]; }

    @Test void theDwarfPathIsReadAndTheFramesLineIsTheMarkedOne() throws Exception {
        try (EngineThread e = engine("own", false)) {
            DumpReport r = open(e, absCore, absExe);
            StackFrame crash = frame(r, "crash_in_leaf");
            assertThat(crash.file()).contains(src.toString());
            SourceText t = locate(e, crash, crash.file().orElseThrow());
            assertThat(t).isInstanceOf(SourceText.Found.class);
            SourceText.Found found = (SourceText.Found) t;
            assertThat(found.how()).isEqualTo("DWARF path");
            assertThat(found.location()).isEqualTo(src.toString());
            assertThat(found.text()).isEqualTo(Files.readString(src));
            assertThat(line(found.text(), crash.line().orElseThrow())).contains("MARK:crash");
            assertThat(crash.line().getAsInt()).isEqualTo(NativePrograms.line("srcview", "crash"));
        }
    }

    @Test void aRelativeNameIsLookedForUnderTheCompilationDirectory() throws Exception {
        try (EngineThread e = engine("own", false)) {
            StackFrame main = frame(open(e, core, exe), "main");
            assertThat(main.file()).contains("src/srcview.c");       // the compiler was given a relative name
            SourceText.Found found = (SourceText.Found) locate(e, main, main.file().get());
            assertThat(found.how()).isEqualTo("compilation directory");
            assertThat(found.location()).isEqualTo(dir + "/src/srcview.c");
        }
    }

    @Test void aMovedTreeIsNotFoundThenFoundThroughASubstitutionKeptForTheNextEngine() throws Exception {
        Files.deleteIfExists(config.resolve("substitute-path"));
        try (EngineThread e = engine("own;debuginfod*" + dir.resolve("cache") + "*http://127.0.0.1:9", true)) {
            StackFrame crash = frame(open(e, mappedCore, mappedExe), "crash_in_leaf");
            assertThat(crash.file()).contains("src/srcview.c");
            SourceText missing = locate(e, crash, crash.file().get());
            assertThat(missing).isInstanceOf(SourceText.NotFound.class);
            List<String> looked = ((SourceText.NotFound) missing).looked();
                        assertThat(looked).anySatisfy(l -> assertThat(l).startsWith("compilation directory: " + MAPPED + "/src/srcview.c"));
            assertThat(looked).anySatisfy(l -> assertThat(l).startsWith("beside the executable: " + dir.resolve("mapped/srcview.c")));
            assertThat(looked).anySatisfy(l -> assertThat(l).startsWith("debuginfod: ").contains("127.0.0.1:9"));
            List<String> changes = new ArrayList<>();
            e.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_PATHS; }
                @Override public void changeSymbolState(int flags, long argument) { changes.add(flags + ":" + argument); }
            });
            List<SourceSubstitution> now = e.submit(new Command.SetSourceSubstitutions(List.of(new SourceSubstitution(MAPPED + "/", dir.toString()))))
                    .get(10, TimeUnit.SECONDS);
            assertThat(now).containsExactly(new SourceSubstitution(MAPPED, dir.toString()));
            assertThat(changes).contains(EngineListener.DEBUG_CSS_PATHS + ":0");
            SourceText.Found found = (SourceText.Found) locate(e, crash, crash.file().get());
            assertThat(found.how()).isEqualTo("substitution " + MAPPED + " -> " + dir);
            assertThat(found.text()).isEqualTo(Files.readString(src));
        }
        assertThat(Files.readString(config.resolve("substitute-path"))).isEqualTo(MAPPED + "\t" + dir + "\n");
        try (EngineThread again = engine("own", false)) {
            StackFrame crash = frame(open(again, mappedCore, mappedExe), "crash_in_leaf");
            assertThat(((SourceText.Found) locate(again, crash, crash.file().get())).how()).startsWith("substitution ");
            again.submit(new Command.SetSourceSubstitutions(List.of())).get(10, TimeUnit.SECONDS);
        }
        assertThat(SourceSubstitutions.load(config.resolve("substitute-path"))).isEmpty();
    }

    @Test void aSourceBesideTheExecutableIsFound() throws Exception {
        Path other = Files.createDirectories(dir.resolve("shipped"));
        Path copy = Files.copy(mappedExe, other.resolve("srcview"));
        Files.copy(src, other.resolve("srcview.c"));
        try (EngineThread e = engine("own", false)) {
            e.submit(new Command.SetSourceSubstitutions(List.of())).get(10, TimeUnit.SECONDS);
            StackFrame crash = frame(open(e, mappedCore, copy), "crash_in_leaf");
            SourceText.Found found = (SourceText.Found) locate(e, crash, crash.file().get());
            assertThat(found.how()).isEqualTo("beside the executable");
            assertThat(found.location()).isEqualTo(other.resolve("srcview.c").toString());
        }
    }

    @Test void hostilePathsAreNeverAskedOfAServer() throws Exception {
        for (String bad : List.of("/src/../../etc/passwd", "relative/x.c", "/a//b.c", "/a/./b.c", "/a/b.c?x=1", "/a/b.c#frag",
                "/a/%2e%2e/b.c", "/a/b\u0000.c", "/a/b\n.c", "/a\\..\\b.c", "/" + "x".repeat(2000))) {
            assertThat(Debuginfod.checkSourcePath(bad)).as(bad).isPresent();
        }
        assertThat(Debuginfod.checkSourcePath("/usr/src/my project/a b.c")).isEmpty();
        try (EngineThread e = engine("own;debuginfod*" + dir.resolve("cache2") + "*http://127.0.0.1:9", true)) {
            StackFrame crash = frame(open(e, mappedCore, mappedExe), "crash_in_leaf");
            SourceText t = locate(e, crash, "/nonexistent-sextant/../../etc/passwd");
            assertThat(t).isInstanceOf(SourceText.NotFound.class);
            assertThat(((SourceText.NotFound) t).looked()).anySatisfy(l -> assertThat(l).startsWith("debuginfod: refused to ask for it"));
        }
        try (var files = Files.walk(Files.createDirectories(dir.resolve("cache2")))) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("source"))).isEmpty();
        }
    }

    @Test void aDumpsScopeChangesOnceAndFrameRegistersAnswerOnCores() throws Exception {
        try (EngineThread e = engine("own", false)) {
            DumpReport r = open(e, core, exe);
            var tid = r.stacks().get(0).tid();
            List<Integer> scopes = new ArrayList<>();
            e.addEngineListener(new EngineListener() {
                @Override public int interestMask() { return DEBUG_CSS_SCOPE; }
                @Override public void changeSymbolState(int flags, long argument) { scopes.add(flags); }
            });
            assertThat(e.submit(new Command.SetScope(tid, 2)).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(e.submit(new Command.SetScope(tid, 2)).get(10, TimeUnit.SECONDS)).isFalse();
            assertThat(e.submit(new Command.SetScope(tid, 0)).get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(scopes).containsExactly(EngineListener.DEBUG_CSS_SCOPE, EngineListener.DEBUG_CSS_SCOPE);
            assertThatThrownBy(() -> e.submit(new Command.ReadFrameRegisters(tid, 500)).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("no frame 500");
        }
    }
}
