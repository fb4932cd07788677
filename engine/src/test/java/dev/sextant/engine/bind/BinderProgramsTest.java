package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import static dev.sextant.engine.bind.Toolchain.cc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.api.BindResult.Procedure;
import dev.sextant.engine.api.BindResult.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Programs compiled at test time for each case {@code ldd -r} reports, each checked against ldd
 * run on the same file with the same {@code LD_LIBRARY_PATH}, plus the status routine's contract.
 */
@Timeout(60)
class BinderProgramsTest {
    @TempDir Path dir;

    @BeforeAll static void tools() {
        Toolchain.assumeCc();
        assumeTrue(Toolchain.has("ldd"), "needs ldd");
    }

    Path lib(String name, String source, String... flags) throws Exception {
        List<String> f = new ArrayList<>(List.of("-shared", "-fPIC", "-Wl,-soname," + Path.of(name).getFileName()));
        f.addAll(List.of(flags));
        Files.createDirectories(dir.resolve(name).getParent());
        return cc(dir, source, dir.resolve(name), f.toArray(String[]::new));
    }

    Path exe(String name, String source, String... flags) throws Exception {
        return cc(dir, source, dir.resolve(name), flags);
    }

    BindResult bind(Path file, String ldLibraryPath, List<BindEvent> events) throws IOException {
        SearchPath sp = SearchPath.system().withLibraryPath(ldLibraryPath);
        return new Binder().bind(file, sp, Optional.empty(), EnumSet.of(BindFlag.ALL_IMAGES), (reason, image, dll, va, p) -> {
            if (events != null) events.add(new BindEvent(reason, image, dll, va, p));
            return true;
        });
    }

    record BindEvent(BindReason reason, String image, String dll, long va, BindParameter parameter) {}

    /** Binds and checks libraries and undefined symbols against ldd -r with the same LD_LIBRARY_PATH. */
    BindResult bindLikeLdd(Path file, String ldLibraryPath) throws Exception {
        BindResult r = bind(file, ldLibraryPath, null);
        Toolchain.Ldd ref = Toolchain.ldd(file, ldLibraryPath == null ? Map.of() : Map.of("LD_LIBRARY_PATH", ldLibraryPath));
        Toolchain.Ldd ours = Toolchain.fromResult(r);
        assertThat(ours.libraries()).as("libraries (ldd said:%n%s)", ref.raw()).isEqualTo(ref.libraries());
        assertThat(ours.undefined()).as("undefined (ldd said:%n%s)", ref.raw()).isEqualTo(ref.undefined());
        return r;
    }

    static Procedure proc(BindResult r, String name) {
        return r.modules().stream().flatMap(m -> m.procedures().stream()).filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    static BindResult.Module module(BindResult r, String name) {
        return r.modules().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    @Test void missingLibraryIsReportedWithItsSearchTrail() throws Exception {
        lib("libgone.so", "int gone(void) { return 1; }");
        Path app = exe("app", "int gone(void); int main(void) { return gone(); }", "-L" + dir, "-lgone");
        Files.delete(dir.resolve("libgone.so"));
        BindResult r = bindLikeLdd(app, null);
        assertThat(r.missing()).containsExactly("libgone.so");
        assertThat(module(r, "libgone.so").path()).isEmpty();
        assertThat(module(r, "libgone.so").trail()).anyMatch(t -> t.contains("/usr/lib/x86_64-linux-gnu/libgone.so") || t.contains("/lib/"));
        assertThat(r.complete()).isFalse();
    }

    @Test void missingSymbolIsUnresolvedLikeLddR() throws Exception {
        lib("libfb.so", "int foo(void) { return 1; } int bar(void) { return 2; }");
        Path app = exe("app", "int foo(void); int bar(void); int main(void) { return foo() + bar(); }", "-L" + dir, "-lfb",
                "-Wl,-rpath," + dir);
        lib("libfb.so", "int foo(void) { return 1; }");
        BindResult r = bindLikeLdd(app, null);
        assertThat(r.unresolved()).extracting(BindResult.Unresolved::name).containsExactly("bar");
        assertThat(proc(r, "bar").status()).isEqualTo(Status.UNDEFINED);
        assertThat(proc(r, "foo").status()).isEqualTo(Status.BOUND);
        assertThat(proc(r, "foo").resolvedIn()).contains("libfb.so");
    }

    @Test void missingSymbolVersionIsUnresolvedWithItsVersion() throws Exception {
        Files.writeString(dir.resolve("v1.map"), "VERS_1 { global: foo; local: *; };");
        Files.writeString(dir.resolve("v2.map"), "VERS_2 { global: foo; local: *; };");
        lib("libver.so", "int foo(void) { return 1; }", "-Wl,--version-script=" + dir.resolve("v1.map"));
        Path app = exe("app", "int foo(void); int main(void) { return foo(); }", "-L" + dir, "-lver", "-Wl,-rpath," + dir);
        lib("libver.so", "int foo(void) { return 1; }", "-Wl,--version-script=" + dir.resolve("v2.map"));
        BindResult r = bindLikeLdd(app, null);
        assertThat(r.unresolved()).singleElement().satisfies(u -> {
            assertThat(u.name()).isEqualTo("foo");
            assertThat(u.version()).contains("VERS_1");
        });
        assertThat(proc(r, "foo").status()).isEqualTo(Status.VERSION_UNDEFINED);
    }

    /** Two libraries of one name in a/ and b/; which one is found tells which rule won. */
    private void twoDirs() throws Exception {
        lib("a/libx.so", "int which(void) { return 'a'; }");
        lib("b/libx.so", "int which(void) { return 'b'; }");
    }

    /** DT_RPATH (old dtags) is searched before LD_LIBRARY_PATH, DT_RUNPATH (new dtags) after it: ld.so's order. */
    @ParameterizedTest(name = "{0}: libx.so from {1}/ by {2}")
    @CsvSource({"--disable-new-dtags, a, DT_RPATH", "--enable-new-dtags, b, LD_LIBRARY_PATH"})
    void rpathComesBeforeLdLibraryPathAndRunpathAfter(String dtags, String winner, String rule) throws Exception {
        twoDirs();
        Path app = exe("app", "int which(void); int main(void) { return which(); }", "-L" + dir.resolve("a"), "-lx",
                "-Wl," + dtags, "-Wl,-rpath," + dir.resolve("a"));
        BindResult r = bindLikeLdd(app, dir.resolve("b").toString());
        assertThat(module(r, "libx.so").path()).contains(dir.resolve(winner + "/libx.so").toString());
        assertThat(module(r, "libx.so").foundBy()).startsWith(rule);
    }

    @Test void executableRpathReachesIndirectDependenciesButRunpathDoesNot() throws Exception {
        lib("deps/libleaf.so", "int leaf(void) { return 3; }");
        lib("deps/libmid.so", "int leaf(void); int mid(void) { return leaf(); }", "-L" + dir.resolve("deps"), "-lleaf");
        String src = "int mid(void); int main(void) { return mid(); }";
        Path withRpath = exe("app-rpath", src, "-L" + dir.resolve("deps"), "-lmid", "-Wl,--disable-new-dtags",
                "-Wl,-rpath," + dir.resolve("deps"));
        Path withRunpath = exe("app-runpath", src, "-L" + dir.resolve("deps"), "-lmid", "-Wl,--enable-new-dtags",
                "-Wl,-rpath," + dir.resolve("deps"), "-Wl,--allow-shlib-undefined");
        BindResult a = bindLikeLdd(withRpath, null);
        assertThat(module(a, "libleaf.so").foundBy()).isEqualTo("DT_RPATH of " + withRpath);
        BindResult b = bindLikeLdd(withRunpath, null);
        assertThat(b.missing()).containsExactly("libleaf.so");
    }

    @Test void originExpandsToTheImageDirectory() throws Exception {
        lib("sub/lib/liborigin.so", "int o(void) { return 4; }");
        Path app = cc(dir, "int o(void); int main(void) { return o(); }", dir.resolve("sub/app"),
                "-L" + dir.resolve("sub/lib"), "-lorigin", "-Wl,-rpath,$ORIGIN/lib");
        BindResult r = bindLikeLdd(app, null);
        assertThat(module(r, "liborigin.so").path()).contains(dir.resolve("sub/lib/liborigin.so").toString());
    }

    @Test void hwcapsSubdirectoriesAreSearchedAsLdSoDoes() throws Exception {
        lib("hw/libhw.so", "int hw(void) { return 0; }");
        Path app = exe("app", "int hw(void); int main(void) { return hw(); }", "-L" + dir.resolve("hw"), "-lhw");
        // the same library in every subdirectory ld.so may prefer; ldd says which one wins here
        for (String sub : List.of("glibc-hwcaps/x86-64-v2", "glibc-hwcaps/x86-64-v3", "glibc-hwcaps/x86-64-v4", "tls", "x86_64")) {
            lib("hw/" + sub + "/libhw.so", "int hw(void) { return 1; }");
        }
        BindResult r = bindLikeLdd(app, dir.resolve("hw").toString());
        assertThat(module(r, "libhw.so").path().orElseThrow()).doesNotEndWith("/hw/libhw.so");
    }

    @Test void wrongClassLibraryIsSkipped() throws Exception {
        Path real = lib("good/libwc.so", "int wc(void) { return 5; }");
        Path app = exe("app", "int wc(void); int main(void) { return wc(); }", "-L" + dir.resolve("good"), "-lwc");
        Files.createDirectories(dir.resolve("bad"));
        Path bad = dir.resolve("bad/libwc.so");
        if (Toolchain.run(Map.of(), List.of("cc", "-m32", "-shared", "-fPIC", "-o", bad.toString(), "-x", "c", "/dev/null")).status() != 0) {
            // no gcc-multilib: a 64-bit copy whose EI_CLASS says ELFCLASS32, which ld.so also rejects
            byte[] b = Files.readAllBytes(real);
            b[4] = 1;
            Files.write(bad, b);
        }
        String path = dir.resolve("bad") + ":" + dir.resolve("good");
        BindResult r = bindLikeLdd(app, path);
        assertThat(module(r, "libwc.so").path()).contains(real.toString());
        assertThat(module(r, "libwc.so").trail()).anyMatch(t -> t.startsWith(bad.toString()) && t.contains("wrong ELF class"));
    }

    @Test void weakUndefinedIsAllowed() throws Exception {
        Path app = exe("app", "extern void maybe(void) __attribute__((weak)); int main(void) { if (maybe) maybe(); return 0; }");
        BindResult r = bindLikeLdd(app, null);
        assertThat(proc(r, "maybe").status()).isEqualTo(Status.WEAK_UNDEFINED);
        assertThat(r.unresolved()).isEmpty();
        assertThat(r.complete()).isTrue();
    }

    @Test void copyRelocationsBindInTheLibraryNotTheExecutable() throws Exception {
        lib("libdata.so", "int counter = 7; int get(void) { return counter; }");
        Path app = exe("app", "extern int counter; int main(void) { return counter; }", "-fno-pie", "-no-pie", "-L" + dir, "-ldata",
                "-Wl,-rpath," + dir);
        BindResult r = bindLikeLdd(app, null);
        Procedure counter = proc(r, "counter");
        assertThat(counter.copyRelocation()).isTrue();
        assertThat(counter.resolvedIn()).contains("libdata.so");
        assertThat(r.complete()).isTrue();
    }

    @Test void cyclicDependenciesLoadEachObjectOnce() throws Exception {
        lib("libca.so", "int a(void) { return 1; }");
        lib("libcb.so", "int a(void); int b(void) { return a(); }", "-L" + dir, "-lca");
        lib("libca.so", "int b(void); int a(void) { return 1; } int a2(void) { return b(); }", "-L" + dir, "-lcb");
        Path app = exe("app", "int a(void); int main(void) { return a(); }", "-L" + dir, "-lca", "-Wl,--disable-new-dtags",
                "-Wl,-rpath," + dir);
        BindResult r = bindLikeLdd(app, null);
        assertThat(r.modules().stream().filter(m -> m.name().equals("libca.so"))).hasSize(1);
        assertThat(r.complete()).isTrue();
    }

    @Test void filtersAreReportedAsForwarders() throws Exception {
        lib("libreal.so", "int f(void) { return 42; }");
        lib("libfilter.so", "int f(void) { return 0; }", "-Wl,--filter=libreal.so");
        Path app = exe("app", "int f(void); int main(void) { return f(); }", "-L" + dir, "-lfilter", "-Wl,--disable-new-dtags",
                "-Wl,-rpath," + dir);
        List<BindEvent> events = new ArrayList<>();
        BindResult r = bind(app, null, events);
        Toolchain.Ldd ref = Toolchain.ldd(app, Map.of());
        assertThat(Toolchain.fromResult(r).libraries()).isEqualTo(ref.libraries());
        Procedure f = proc(r, "f");
        assertThat(f.status()).isEqualTo(Status.FORWARDED);
        assertThat(f.resolvedIn()).contains("libfilter.so");
        assertThat(f.forwardedTo()).contains("libreal.so");
        assertThat(events).anyMatch(e -> e.reason() == BindReason.BindForwarder && e.parameter() instanceof BindParameter.ForwarderName n
                && n.name().equals("f"));
    }

    @Test void statusRoutineSeesEachModuleBeforeItsProceduresAndCompletesLast() throws Exception {
        lib("libfb.so", "int foo(void) { return 1; } int bar(void) { return 2; }");
        Path app = exe("app", "int foo(void); int bar(void); int main(void) { return foo() + bar(); }", "-L" + dir, "-lfb",
                "-Wl,-rpath," + dir);
        lib("libfb.so", "int foo(void) { return 1; }");
        List<BindEvent> events = new ArrayList<>();
        BindResult r = bind(app, null, events);
        Set<String> modulesSeen = new HashSet<>();
        for (BindEvent e : events) {
            switch (e.reason()) {
                case BindImportModule -> modulesSeen.add(e.dll());
                case BindImportProcedure -> {
                    if (!(e.dll().isEmpty() && e.va() == 0)) {     // a weak undefined reference has no module
                        assertThat(modulesSeen).as("module of %s", e.parameter()).contains(e.dll());
                    }
                }
                default -> { }
            }
        }
        assertThat(events).anyMatch(e -> e.reason() == BindReason.BindImportProcedureFailed
                && e.parameter() instanceof BindParameter.ProcedureName n && n.name().equals("bar"));
        BindEvent last = events.get(events.size() - 1);
        assertThat(last.reason()).isEqualTo(BindReason.BindImageComplete);
        BindEvent complete = events.stream().filter(e -> e.reason() == BindReason.BindImageComplete && e.image().equals(app.toString()))
                .findFirst().orElseThrow();
        assertThat(((BindParameter.BoundImports) complete.parameter()).imports()).extracting(BindParameter.BoundImport::moduleName)
                .contains("libfb.so", "libc.so.6");
        String buildId = ((BindParameter.BoundImports) complete.parameter()).imports().stream()
                .filter(b -> b.moduleName().equals("libfb.so")).findFirst().orElseThrow().identityStamp();
        Toolchain.Run readelf = Toolchain.run(Map.of(), List.of("readelf", "-n", dir.resolve("libfb.so").toString()));
        assertThat(readelf.out()).contains("Build ID: " + buildId);
        assertThat(r.stopped()).isFalse();
    }

    @Test void returningFalseStopsTheBindAtOnce() throws Exception {
        Path app = exe("app", "#include <stdio.h>\nint main(void) { puts(\"x\"); return 0; }");
        int[] calls = {0};
        BindResult r = new Binder().bind(app, SearchPath.system(), Optional.empty(), EnumSet.of(BindFlag.ALL_IMAGES),
                (reason, image, dll, va, p) -> ++calls[0] < 3);
        assertThat(calls[0]).isEqualTo(3);
        assertThat(r.stopped()).isTrue();
        assertThat(r.complete()).isFalse();
    }

    @Test void separateDebugFileWithAnotherBuildIdIsMismatchedSymbols() throws Exception {
        assumeTrue(Toolchain.has("objcopy"), "needs objcopy");
        Path symbols = Files.createDirectories(dir.resolve("debug"));
        Path lib = lib("libdbg.so", "int dbg(void) { return 1; }", "-g", "-Wl,--build-id");
        Path debug = symbols.resolve("libdbg.so.debug");
        assertThat(Toolchain.run(Map.of(), List.of("objcopy", "--only-keep-debug", lib.toString(), debug.toString())).status()).isZero();
        assertThat(Toolchain.run(Map.of(), List.of("objcopy", "--strip-debug", "--add-gnu-debuglink=" + debug, lib.toString())).status())
                .isZero();
        Path app = exe("app", "int dbg(void); int main(void) { return dbg(); }", "-L" + dir, "-ldbg", "-Wl,-rpath," + dir);
        List<BindEvent> events = new ArrayList<>();
        new Binder().bind(app, SearchPath.system(), Optional.of(symbols), EnumSet.noneOf(BindFlag.class), (reason, image, dll, va, p) ->
                events.add(new BindEvent(reason, image, dll, va, p)));
        assertThat(events).noneMatch(e -> e.reason() == BindReason.BindMismatchedSymbols);

        // rebuilt with other code: a new build-id, while the old debug file stays under its debuglink name
        lib("libdbg.so", "int dbg(void) { return 2 + 2; }", "-g", "-Wl,--build-id");
        assertThat(Toolchain.run(Map.of(), List.of("objcopy", "--strip-debug", "--add-gnu-debuglink=" + debug, lib.toString())).status())
                .isZero();
        events.clear();
        new Binder().bind(app, SearchPath.system(), Optional.of(symbols), EnumSet.noneOf(BindFlag.class), (reason, image, dll, va, p) ->
                events.add(new BindEvent(reason, image, dll, va, p)));
        assertThat(events).filteredOn(e -> e.reason() == BindReason.BindMismatchedSymbols).singleElement().satisfies(e -> {
            assertThat(e.dll()).isEqualTo("libdbg.so");
            assertThat(e.parameter()).isEqualTo(new BindParameter.SymbolFile(debug.toString()));
        });
    }

    @Test void theImageIsNeverRun() throws Exception {
        Path marker = dir.resolve("ran");
        Path app = exe("app", "#include <stdio.h>\n__attribute__((constructor)) static void mark(void) {"
                + " FILE *f = fopen(\"" + marker + "\", \"w\"); if (f) fclose(f); } int main(void) { return 0; }");
        Files.setPosixFilePermissions(app, java.nio.file.attribute.PosixFilePermissions.fromString("r--r--r--"));
        BindResult r = bind(app, null, null);
        assertThat(r.complete()).isTrue();
        assertThat(marker).doesNotExist();
    }

    @Test void allImagesBindsEveryLibrarysOwnImports() throws Exception {
        Path app = exe("app", "int main(void) { return 0; }");
        BindResult only = new Binder().bind(app, SearchPath.system(), Optional.empty(), EnumSet.noneOf(BindFlag.class),
                BindStatusRoutine.CONTINUE);
        BindResult all = bind(app, null, null);
        assertThat(module(only, "libc.so.6").procedures()).isEmpty();
        assertThat(module(all, "libc.so.6").procedures()).isNotEmpty()
                .allSatisfy(p -> assertThat(p.resolvedIn()).isPresent());
    }

    static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
}
