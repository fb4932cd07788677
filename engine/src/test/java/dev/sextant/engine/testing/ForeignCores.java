package dev.sextant.engine.testing;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Cores of other architectures, made at test time: {@code native/foreign_crash.c} built with
 * Debian's cross compiler and crashed under qemu-user, which writes the guest's core as
 * {@code qemu_PROG_DATE_PID.core} in its working directory. Skips (assumption) where the cross
 * compiler or qemu is missing.
 */
public final class ForeignCores {
    private ForeignCores() {}

    /** Debian's cross-compiler triple and qemu-user binary for each architecture. */
    public static final Map<String, List<String>> ARCHES = Map.of(
            "aarch64", List.of("aarch64-linux-gnu", "qemu-aarch64"),
            "arm", List.of("arm-linux-gnueabihf", "qemu-arm"),
            "s390x", List.of("s390x-linux-gnu", "qemu-s390x"),
            "ppc64le", List.of("powerpc64le-linux-gnu", "qemu-ppc64le"),
            "ppc64", List.of("powerpc64-linux-gnu", "qemu-ppc64"),
            "mips64el", List.of("mips64el-linux-gnuabi64", "qemu-mips64el"));

    /** The crashed program and its core. */
    public record Crash(Path exe, Path core) {}

    public static Crash crash(String arch, Path dir) throws IOException, InterruptedException {
        String triple = ARCHES.get(arch).get(0), qemu = ARCHES.get(arch).get(1), gcc = triple + "-gcc";
        Assumptions.assumeTrue(Tools.onPath(gcc), "no cross compiler " + gcc + " (Debian package gcc-" + triple + ")");
        Assumptions.assumeTrue(Tools.onPath(qemu), "no " + qemu + " (Debian package qemu-user)");
        Path src = NativePrograms.source("foreign_crash", dir);
        Path exe = dir.resolve("crash-" + arch);
        Tools.Result cc = Tools.run(dir, 120, List.of(gcc, "-g", "-O1", "-fno-omit-frame-pointer", "-pthread", "-o", exe.toString(), src.toString()));
        if (cc.exit() != 0) throw new IllegalStateException(gcc + " failed: " + cc.stderr());
        Tools.run(dir, 120, List.of("bash", "-c", "ulimit -c unlimited; exec " + qemu + " -L /usr/" + triple + " " + exe));
        try (Stream<Path> s = Files.list(dir)) {
            Path core = s.filter(p -> p.getFileName().toString().startsWith("qemu_crash-" + arch + "_")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(qemu + " wrote no core in " + dir));
            return new Crash(exe, core);
        }
    }
}
