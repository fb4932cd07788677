package dev.sextant.engine.format.elf;

/**
 * One {@code .dynsym} entry; {@code name} resolved from {@code .dynstr}. {@code value} is the
 * link-time address (module-relative for shared objects). Immutable.
 */
public record DynamicSymbol(int index, String name, long value, long size, int info, int other, int shndx) {
    public static final int STB_LOCAL = 0, STB_GLOBAL = 1, STB_WEAK = 2, STB_GNU_UNIQUE = 10;
    public static final int STT_NOTYPE = 0, STT_OBJECT = 1, STT_FUNC = 2, STT_SECTION = 3, STT_FILE = 4,
            STT_COMMON = 5, STT_TLS = 6, STT_GNU_IFUNC = 10;
    public static final int SHN_UNDEF = 0, SHN_ABS = 0xfff1;

    public int binding() { return info >>> 4; }
    public int type() { return info & 0xf; }
    public int visibility() { return other & 3; }
    public boolean undefined() { return shndx == SHN_UNDEF; }

    public String bindingName() {
        return switch (binding()) {
            case STB_LOCAL -> "local";
            case STB_GLOBAL -> "global";
            case STB_WEAK -> "weak";
            case STB_GNU_UNIQUE -> "unique";
            default -> "binding " + binding();
        };
    }
}
