package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.CxxAbi;

/** C++ names as gdb shows them. Names that are not mangled, or a machine without libstdc++, give the name back as is. */
public final class Demangler {
    private Demangler() {}

    public static String demangle(String name) {
        if (name == null || !name.startsWith("_Z")) return name;
        return CxxAbi.demangle(name).orElse(name);
    }

    /**
     * As {@link #demangle(String)} for a name's bytes, when the name and what it demangles to are ASCII
     * (then the text is the same as the {@code String} form's, without decoding or encoding it):
     * {@code name} itself when it is not mangled, null when either is not ASCII.
     */
    public static byte[] demangleAscii(byte[] name) {
        for (byte b : name) if (b <= 0) return null;       // not ASCII, or a NUL: the String form decides
        if (name.length < 2 || name[0] != '_' || name[1] != 'Z') return name;
        byte[] z = java.util.Arrays.copyOf(name, name.length + 1);
        byte[] d = CxxAbi.demangle(z);
        if (d == null) return name;
        for (byte b : d) if (b <= 0) return null;
        return d;
    }
}
