package dev.sextant.engine.elfutils;

import dev.sextant.engine.elfutils.jna.CxxAbi;

/** C++ names as gdb shows them. Names that are not mangled, or a machine without libstdc++, give the name back as is. */
public final class Demangler {
    private Demangler() {}

    public static String demangle(String name) {
        if (name == null || !name.startsWith("_Z")) return name;
        return CxxAbi.demangle(name).orElse(name);
    }
}
