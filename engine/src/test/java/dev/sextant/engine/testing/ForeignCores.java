package dev.sextant.engine.testing;

import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        return crash(arch, dir, "crash-" + arch, List.of("-fno-omit-frame-pointer"));
    }

    /**
     * The crash built without frame pointers and linked to find its dynamic linker and libc at their
     * real paths on this machine ({@code /usr/TRIPLE/lib}, not the guest's {@code /lib}), so that the
     * core's list of loaded objects names files that eu-stack and Sextant can open: the walk then has
     * named frames in libc too (usleep, __libc_start_main) and needs each module's CFI.
     */
    public static Crash crashWithHostLibraries(String arch, Path dir) throws IOException, InterruptedException {
        String lib = "/usr/" + ARCHES.get(arch).get(0) + "/lib";
        String loader = switch (arch) {
            case "aarch64" -> "ld-linux-aarch64.so.1";
            case "arm" -> "ld-linux-armhf.so.3";
            default -> throw new IllegalArgumentException("no dynamic linker name for " + arch);
        };
        return crash(arch, dir, "hostlibs-" + arch, List.of("-fomit-frame-pointer", "-Wl,-rpath," + lib,
                "-Wl,--dynamic-linker=" + lib + "/" + loader));
    }

    private static Crash crash(String arch, Path dir, String name, List<String> flags) throws IOException, InterruptedException {
        String triple = ARCHES.get(arch).get(0), qemu = ARCHES.get(arch).get(1), gcc = triple + "-gcc";
        Assumptions.assumeTrue(Tools.onPath(gcc), "no cross compiler " + gcc + " (Debian package gcc-" + triple + ")");
        Assumptions.assumeTrue(Tools.onPath(qemu), "no " + qemu + " (Debian package qemu-user)");
        Path src = NativePrograms.source("foreign_crash", dir);
        Path exe = dir.resolve(name);
        List<String> cc = new ArrayList<>(List.of(gcc, "-g", "-O1", "-pthread"));
        cc.addAll(flags);
        cc.addAll(List.of("-o", exe.toString(), src.toString()));
        Tools.Result built = Tools.run(dir, 120, cc);
        if (built.exit() != 0) throw new IllegalStateException(gcc + " failed: " + built.stderr());
        Tools.run(dir, 120, List.of("bash", "-c", "ulimit -c unlimited; exec " + qemu + " -L /usr/" + triple + " " + exe));
        try (Stream<Path> s = Files.list(dir)) {
            Path core = s.filter(p -> p.getFileName().toString().startsWith("qemu_" + name + "_")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(qemu + " wrote no core in " + dir));
            return new Crash(exe, core);
        }
    }
}
