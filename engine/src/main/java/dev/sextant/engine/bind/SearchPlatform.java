package dev.sextant.engine.bind;

import dev.sextant.engine.format.elf.DynamicObject;
import dev.sextant.engine.format.elf.ElfHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What glibc's ld.so compiles in or computes at start-up and uses to find libraries: the system
 * directories, the expansions of {@code $LIB} and {@code $PLATFORM}, the subdirectories it tries in
 * each search directory ({@code glibc-hwcaps/x86-64-v3} through {@link #searchedHwcaps}, then
 * {@link #subdirs}: before glibc 2.37 the legacy {@code tls/x86_64} ones, and the directory
 * itself), the default interpreter and the flags ld.so.cache entries must carry.
 * Immutable; {@link #detect} builds the one for this machine and an image's class and machine.
 */
public record SearchPlatform(List<String> systemDirs, String lib, String platform, List<String> glibcHwcaps,
                             List<String> subdirs, String defaultInterpreter) {

    /**
     * This machine, as its ld.so would see an image of {@code image}'s machine: Debian's multiarch
     * layout when {@code /lib/<triplet>} exists, else the {@code lib64} one.
     */
    public static SearchPlatform detect(ElfHeader image) {
        return DETECTED.computeIfAbsent((image.is64() ? "64:" : "32:") + image.machine(), k -> probe(image));
    }

    private static final java.util.Map<String, SearchPlatform> DETECTED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, List<String>> LD_SO_HWCAPS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String X86_64_INTERPRETER = "/lib64/ld-linux-x86-64.so.2";

    /**
     * The {@code glibc-hwcaps} subdirectories this machine's ld.so searches, in its order, as it
     * says itself ({@code ld.so --help}, glibc 2.33 on). ld.so reads CPUID, and a virtual machine's
     * {@code /proc/cpuinfo} can lack a flag that CPUID has (LZCNT, {@code abm}, on an AMD EPYC guest
     * here, where ld.so searches x86-64-v4 and the flags alone said v2): {@link #glibcHwcaps} from
     * the flags is only the first guess. Asked once per process, and only when a searched directory
     * has a {@code glibc-hwcaps} subdirectory (starting ld.so costs about 8 ms here); the guess when
     * ld.so cannot be run or does not say.
     */
    public List<String> searchedHwcaps() {
        if (!defaultInterpreter.equals(X86_64_INTERPRETER)) return glibcHwcaps;
        List<String> said = LD_SO_HWCAPS.computeIfAbsent(defaultInterpreter, SearchPlatform::askLdSo);
        return said.isEmpty() ? glibcHwcaps : said;
    }

    /** The "searched" entries under ld.so's "Subdirectories of glibc-hwcaps directories"; empty when it says none. */
    static List<String> askLdSo(String interpreter) {
        if (!Files.isExecutable(Path.of(interpreter))) return List.of();
        try {
            Process p = new ProcessBuilder(interpreter, "--help").redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) { p.destroyForcibly(); return List.of(); }
            return parseLdSoHelp(out);
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    static List<String> parseLdSoHelp(String help) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : help.split("\n")) {
            if (line.startsWith("Subdirectories of glibc-hwcaps directories")) { in = true; continue; }
            if (!in) continue;
            if (line.isBlank()) break;
            String t = line.trim();
            int sp = t.indexOf(' ');
            if (sp > 0 && t.substring(sp).contains("searched")) out.add(t.substring(0, sp));
        }
        return List.copyOf(out);
    }

    private static SearchPlatform probe(ElfHeader image) {
        String triplet = switch (image.machine()) {
            case ElfHeader.EM_X86_64 -> image.is64() ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
            case ElfHeader.EM_386 -> "i386-linux-gnu";
            case ElfHeader.EM_AARCH64 -> "aarch64-linux-gnu";
            default -> "unknown-linux-gnu";
        };
        List<String> dirs;
        String lib;
        if (Files.isDirectory(Path.of("/lib", triplet)) || Files.isDirectory(Path.of("/usr/lib", triplet))) {
            dirs = List.of("/lib/" + triplet, "/usr/lib/" + triplet, "/lib", "/usr/lib");
            lib = "lib/" + triplet;
        } else if (image.is64()) {
            dirs = List.of("/lib64", "/usr/lib64");
            lib = "lib64";
        } else {
            dirs = List.of("/lib", "/usr/lib");
            lib = "lib";
        }
        String interp = switch (image.machine()) {
            case ElfHeader.EM_X86_64 -> "/lib64/ld-linux-x86-64.so.2";
            case ElfHeader.EM_386 -> "/lib/ld-linux.so.2";
            case ElfHeader.EM_AARCH64 -> "/lib/ld-linux-aarch64.so.1";
            default -> "";
        };
        String platform = switch (image.machine()) {
            case ElfHeader.EM_X86_64 -> "x86_64";
            case ElfHeader.EM_386 -> "i686";
            case ElfHeader.EM_AARCH64 -> "aarch64";
            default -> "";
        };
        Set<String> cpu = Set.of();
        String vendor = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags") && cpu.isEmpty()) cpu = words(line.substring(line.indexOf(':') + 1));
                if (line.startsWith("vendor_id") && vendor.isEmpty()) vendor = line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // no /proc: no hwcaps subdirectories, which only costs finding libraries there
        }
        List<String> hwcaps = new ArrayList<>();
        boolean legacy = false;
        if (image.machine() == ElfHeader.EM_X86_64 && image.is64()) {
            boolean v2 = cpu.containsAll(List.of("cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"));
            boolean v3 = v2 && cpu.containsAll(List.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"));
            boolean v4 = v3 && cpu.containsAll(List.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"));
            if (v4) hwcaps.add("x86-64-v4");
            if (v3) hwcaps.add("x86-64-v3");
            if (v2) hwcaps.add("x86-64-v2");
            legacy = glibcBefore237(dirs);
            if (legacy && vendor.equals("GenuineIntel")) {
                if (cpu.containsAll(List.of("avx512cd", "avx512er", "avx512pf"))) platform = "xeon_phi";
                else if (cpu.containsAll(List.of("avx2", "fma", "bmi1", "bmi2", "abm", "movbe", "popcnt"))) platform = "haswell";
            }
        }
        // After the glibc-hwcaps ones, which come from searchedHwcaps(): the legacy subdirectories, then the directory itself.
        List<String> subdirs = new ArrayList<>();
        if (legacy) {
            // dl-hwcaps.c: components [hwcap names…, platform, "tls"], written last-first, every
            // subset from the full one down to the empty one.
            List<String> temp = new ArrayList<>(List.of("x86_64"));
            if (vendor.equals("GenuineIntel") && cpu.containsAll(List.of("avx512bw", "avx512dq", "avx512vl"))
                    && cpu.contains("avx512cd") && !cpu.contains("avx512er")) {
                temp.add("avx512_1");
            }
            temp.add(platform);
            temp.add("tls");
            int cnt = temp.size();
            for (int m = (1 << cnt) - 1; m >= 0; m--) {
                StringBuilder sb = new StringBuilder();
                for (int j = cnt - 1; j >= 0; j--) if ((m & (1 << j)) != 0) sb.append(temp.get(j)).append('/');
                subdirs.add(sb.toString());
            }
        } else {
            subdirs.add("");
        }
        return new SearchPlatform(dirs, lib, platform, List.copyOf(hwcaps), List.copyOf(subdirs), interp);
    }

    /** The blank-separated words of a line (without a regular expression: a cold one costs more than the bind of a small file). */
    private static Set<String> words(String line) {
        Set<String> out = new java.util.HashSet<>();
        int i = 0, n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) i++;
            if (i > start) out.add(line.substring(start, i));
        }
        return out;
    }

    /**
     * glibc 2.37 dropped the legacy hwcaps subdirectories. The version is guessed from the highest
     * {@code GLIBC_2.x} version the C library defines; without a C library, the newer behaviour.
     */
    private static boolean glibcBefore237(List<String> dirs) {
        for (String d : dirs) {
            Path libc = Path.of(d, "libc.so.6");
            if (!Files.exists(libc)) continue;
            try {
                var obj = DynamicObject.read(libc);
                int max = 0;
                for (var v : obj.versions().defined()) {
                    if (v.name().startsWith("GLIBC_2.")) {
                        String minor = v.name().substring(8).split("\\.")[0];
                        try { max = Math.max(max, Integer.parseInt(minor)); } catch (NumberFormatException ignored) { }
                    }
                }
                return max > 0 && max < 37;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        return false;
    }
}
