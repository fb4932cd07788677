package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.Optional;

/**
 * {@code MINIDUMP_SYSTEM_INFO}: processor and operating system. For x86 and x86-64 the CPU
 * information holds the vendor string and CPUID leaf 1; family/model/stepping come from
 * {@code ProcessorLevel} and {@code ProcessorRevision} as Windows and Breakpad fill them.
 */
public record SystemInfo(int processorArchitecture, int processorLevel, int processorRevision, int processorCount,
                         int productType, long majorVersion, long minorVersion, long buildNumber, int platformId,
                         Optional<String> csdVersion, int suiteMask, Optional<String> vendorId, long cpuidVersion,
                         long cpuidFeatures) {

    public static final int ARCH_X86 = 0, ARCH_MIPS = 1, ARCH_ALPHA = 2, ARCH_PPC = 3, ARCH_SHX = 4, ARCH_ARM = 5,
            ARCH_IA64 = 6, ARCH_ALPHA64 = 7, ARCH_MSIL = 8, ARCH_AMD64 = 9, ARCH_X86_WIN64 = 10, ARCH_ARM64 = 12,
            ARCH_SPARC = 0x8001, ARCH_PPC64 = 0x8002, ARCH_ARM64_OLD = 0x8003, ARCH_MIPS64 = 0x8004,
            ARCH_RISCV = 0x8005, ARCH_RISCV64 = 0x8006, ARCH_UNKNOWN = 0xffff;

    public static final int PLATFORM_WIN32S = 0, PLATFORM_WIN9X = 1, PLATFORM_WIN32_NT = 2, PLATFORM_WIN32_CE = 3,
            PLATFORM_UNIX = 0x8000, PLATFORM_MACOS = 0x8101, PLATFORM_IOS = 0x8102, PLATFORM_LINUX = 0x8201,
            PLATFORM_SOLARIS = 0x8202, PLATFORM_ANDROID = 0x8203, PLATFORM_PS3 = 0x8204, PLATFORM_NACL = 0x8205,
            PLATFORM_FUCHSIA = 0x8206;

    public static final int SIZE = 56;

    static SystemInfo read(ByteReader b, Minidump dump) {
        String w = "SystemInfo";
        if (b.size() < SIZE) {
            throw new FormatException(FormatException.Kind.TRUNCATED, b.base(), w, "stream of " + b.size() + " bytes, expected " + SIZE);
        }
        int arch = b.u16(w, 0);
        long csdRva = b.u32(w, 24);
        Optional<String> csd = Optional.empty();
        if (csdRva != 0) {
            try {
                csd = Optional.of(dump.utf16String("SystemInfo CSDVersion", csdRva)).filter(s -> !s.isEmpty());
            } catch (FormatException e) {
                dump.problem("SystemInfo: service pack string unreadable: " + e.getMessage());
            }
        }
        Optional<String> vendor = Optional.empty();
        long version = 0, features = 0;
        if (arch == ARCH_X86 || arch == ARCH_AMD64 || arch == ARCH_X86_WIN64) {
            byte[] v = b.bytes(w + " VendorId", 32, 12);
            String s = new String(v, java.nio.charset.StandardCharsets.ISO_8859_1).replace("\0", "");
            // Windows fills only the x86 member of this union for x86; for amd64 the bytes are processor
            // features, not a vendor string (Breakpad and Crashpad on Linux/macOS do fill it).
            if (s.length() == 12 && s.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f)) vendor = Optional.of(s);
            version = b.u32(w, 44);
            features = b.u32(w, 48);
        }
        return new SystemInfo(arch, b.u16(w, 2), b.u16(w, 4), b.u8(w, 6), b.u8(w, 7), b.u32(w, 8), b.u32(w, 12),
                b.u32(w, 16), (int) b.u32(w, 20), csd, b.u16(w, 28), vendor, version, features);
    }

    public boolean is64() {
        return switch (processorArchitecture) {
            case ARCH_AMD64, ARCH_ARM64, ARCH_ARM64_OLD, ARCH_PPC64, ARCH_MIPS64, ARCH_RISCV64, ARCH_IA64, ARCH_ALPHA64 -> true;
            default -> false;
        };
    }

    /** {@code x86}, {@code amd64}, {@code arm64}, … as minidump processors print them. */
    public String cpuName() {
        return switch (processorArchitecture) {
            case ARCH_X86, ARCH_X86_WIN64 -> "x86";
            case ARCH_AMD64 -> "amd64";
            case ARCH_ARM -> "arm";
            case ARCH_ARM64, ARCH_ARM64_OLD -> "arm64";
            case ARCH_IA64 -> "ia64";
            case ARCH_PPC -> "ppc";
            case ARCH_PPC64 -> "ppc64";
            case ARCH_MIPS -> "mips";
            case ARCH_MIPS64 -> "mips64";
            case ARCH_SPARC -> "sparc";
            case ARCH_RISCV -> "riscv";
            case ARCH_RISCV64 -> "riscv64";
            default -> "processor architecture 0x" + Integer.toHexString(processorArchitecture);
        };
    }

    /** {@code "GenuineIntel family 6 model 13 stepping 8"} for x86 CPUs; empty for others. */
    public Optional<String> cpuDescription() {
        if (processorArchitecture != ARCH_X86 && processorArchitecture != ARCH_AMD64) return Optional.empty();
        String desc = "family " + processorLevel + " model " + (processorRevision >> 8) + " stepping " + (processorRevision & 0xff);
        return Optional.of(vendorId.map(v -> v + " " + desc).orElse(desc));
    }

    /** {@code "Windows NT"}, {@code "Linux"}, {@code "Mac OS X"}, … */
    public String osName() {
        return switch (platformId) {
            case PLATFORM_WIN32S -> "Windows 3.1 (Win32s)";
            case PLATFORM_WIN9X -> "Windows 9x";
            case PLATFORM_WIN32_NT -> "Windows NT";
            case PLATFORM_WIN32_CE -> "Windows CE";
            case PLATFORM_UNIX -> "Unix";
            case PLATFORM_MACOS -> "Mac OS X";
            case PLATFORM_IOS -> "iOS";
            case PLATFORM_LINUX -> "Linux";
            case PLATFORM_SOLARIS -> "Solaris";
            case PLATFORM_ANDROID -> "Android";
            case PLATFORM_PS3 -> "PS3";
            case PLATFORM_NACL -> "NaCl";
            case PLATFORM_FUCHSIA -> "Fuchsia";
            default -> "platform 0x" + Integer.toHexString(platformId);
        };
    }

    /** {@code "Windows NT 5.1.2600 Service Pack 2"}; Breakpad Linux dumps keep the kernel version in the CSD string. */
    public String osDescription() {
        // Breakpad and Crashpad on Linux leave the version numbers 0 and put `uname -srvm` in the CSD string.
        if (isLinuxLike() && majorVersion == 0 && minorVersion == 0 && csdVersion.isPresent()) return osName() + " " + csdVersion.get();
        StringBuilder sb = new StringBuilder(osName()).append(' ')
                .append(majorVersion).append('.').append(minorVersion).append('.').append(buildNumber);
        csdVersion.ifPresent(c -> sb.append(' ').append(c));
        return sb.toString();
    }

    public boolean isWindows() { return platformId <= PLATFORM_WIN32_CE; }
    public boolean isLinuxLike() { return platformId == PLATFORM_LINUX || platformId == PLATFORM_ANDROID; }
    public boolean isApple() { return platformId == PLATFORM_MACOS || platformId == PLATFORM_IOS; }
}
