package dev.sextant.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.app.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code sextant bind}: exit status and the documented JSON, on programs compiled at test time. */
@Timeout(120)
class BindCommandTest {
    @TempDir Path dir;

    record Out(int status, String stdout) {}

    static Out run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int status = Main.run(args);
            return new Out(status, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    void cc(String source, Path out, String... flags) throws Exception {
        Path src = dir.resolve(out.getFileName() + ".c");
        Files.writeString(src, source);
        List<String> cmd = new java.util.ArrayList<>(List.of("cc", "-o", out.toString(), src.toString()));
        cmd.addAll(List.of(flags));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "needs cc");
            return;
        }
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }

    @Test void missingLibraryAndSymbolGiveJsonAndExitStatusOne() throws Exception {
        cc("int gone(void) { return 1; }", dir.resolve("libgone.so"), "-shared", "-fPIC", "-Wl,-soname,libgone.so");
        cc("int foo(void) { return 1; } int bar(void) { return 2; }", dir.resolve("libfb.so"), "-shared", "-fPIC", "-Wl,-soname,libfb.so");
        Path app = dir.resolve("app");
        cc("int gone(void); int foo(void); int bar(void); int main(void) { return gone() + foo() + bar(); }", app,
                "-L" + dir, "-lgone", "-lfb", "-Wl,-rpath," + dir);
        Files.delete(dir.resolve("libgone.so"));
        cc("int foo(void) { return 1; }", dir.resolve("libfb.so"), "-shared", "-fPIC", "-Wl,-soname,libfb.so");

        Out o = run("bind", "--json", app.toString());
        assertThat(o.status()).isEqualTo(1);
        String j = o.stdout().trim();
        assertThat(j).startsWith("{\"image\":\"" + app + "\",\"format\":\"ELF64 x86_64\",\"modules\":[{\"name\":");
        assertThat(j).contains("{\"name\":\"libgone.so\",\"path\":null,\"foundBy\":\"not found\",\"delayLoad\":false,\"procedures\":[]}");
        assertThat(j).contains("{\"name\":\"bar\",\"ordinal\":");
        assertThat(j).contains("\"status\":\"undefined\",\"resolvedIn\":null,\"address\":null,\"forwardedTo\":null}");
        assertThat(j).contains("\"resolvedIn\":\"libfb.so\"");
        assertThat(j).contains("\"missing\":[\"libgone.so\"]");
        String unresolved = j.substring(j.indexOf("\"unresolved\":"));
        assertThat(unresolved).contains("{\"module\":\"" + app + "\",\"name\":\"bar\",\"version\":null}")
                .contains("{\"module\":\"" + app + "\",\"name\":\"gone\",\"version\":null}");
        assertThat(j).endsWith("}");
        assertThat(j.lines().count()).isEqualTo(1);

        Out text = run("bind", app.toString());
        assertThat(text.status()).isEqualTo(1);
        assertThat(text.stdout()).contains("MISSING library libgone.so").contains("UNRESOLVED bar");
    }

    @Test void severalFilesInOneRunAndACompleteBindExitsZero() throws Exception {
        Path app = dir.resolve("hello");
        cc("#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }", app);
        Out o = run("bind", "--all", "--json", app.toString(), app.toString());
        assertThat(o.status()).isZero();
        assertThat(o.stdout().lines().count()).isEqualTo(2);
        assertThat(o.stdout()).contains("\"missing\":[],\"unresolved\":[]");
    }

    @Test void searchDirFindsALibraryTheRulesMiss() throws Exception {
        Path libs = Files.createDirectories(dir.resolve("elsewhere"));
        cc("int x(void) { return 1; }", libs.resolve("libx.so"), "-shared", "-fPIC", "-Wl,-soname,libx.so");
        Path app = dir.resolve("app");
        cc("int x(void); int main(void) { return x(); }", app, "-L" + libs, "-lx");
        assertThat(run("bind", app.toString()).status()).isEqualTo(1);
        Out found = run("bind", "--json", "--search", libs.toString(), app.toString());
        assertThat(found.status()).isZero();
        assertThat(found.stdout()).contains("\"foundBy\":\"search path\"");
        Out viaPath = run("bind", "--json", "--library-path", libs.toString(), app.toString());
        assertThat(viaPath.stdout()).contains("\"foundBy\":\"LD_LIBRARY_PATH\"");
    }

    @Test void notAnElfFileExitsTwo() throws Exception {
        Path f = dir.resolve("script");
        Files.writeString(f, "#!/bin/sh\n");
        assertThat(run("bind", f.toString()).status()).isEqualTo(2);
    }

    /** The plain-argument fast path binds the same options picocli would, and leaves the rest to picocli. */
    @Test void plainArgumentsBindLikePicocli() {
        BindCommand c = BindCommand.plain(new String[] {"--all", "--json", "--update-copy", "--search", "/a", "--search=/b",
                "--library-path", "/l", "--symbol-path=/s", "--no-cache", "x", "--", "-y"}).orElseThrow();
        BindCommand p = picocli.CommandLine.populateCommand(new BindCommand(), "--all", "--json", "--update-copy", "--search", "/a",
                "--search=/b", "--library-path", "/l", "--symbol-path=/s", "--no-cache", "x", "--", "-y");
        assertThat(List.of(c.all, c.json, c.updateCopy, c.noCache, c.libraryPath, c.symbolPath, c.search, c.files))
                .isEqualTo(List.of(p.all, p.json, p.updateCopy, p.noCache, p.libraryPath, p.symbolPath, p.search, p.files));
        assertThat(BindCommand.plain(new String[] {"--help"})).isEmpty();
        assertThat(BindCommand.plain(new String[] {"--all"})).isEmpty();            // no file: picocli explains
        assertThat(BindCommand.plain(new String[] {"--search"})).isEmpty();
    }
}
