package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * C++ names through libstdc++'s {@code __cxa_demangle} (returns malloc'd text, status 0 on
 * success). Names that are not mangled, or a machine without libstdc++, give the name back as is.
 */
public final class Demangler {
    private Demangler() {}

    private static final boolean AVAILABLE;

    static {
        boolean ok;
        try {
            Native.register(Demangler.class, NativeLibrary.getInstance("libstdc++.so.6"));
            ok = true;
        } catch (UnsatisfiedLinkError e) {
            ok = false;
        }
        AVAILABLE = ok;
    }

    private static native Pointer __cxa_demangle(String mangled, Pointer buf, Pointer length, int[] status);

    public static String demangle(String name) {
        if (!AVAILABLE || name == null || !name.startsWith("_Z")) return name;
        int[] status = new int[1];
        Pointer p = __cxa_demangle(name, null, null, status);
        if (p == null || status[0] != 0) return name;
        try {
            return p.getString(0);
        } finally {
            Posix.free(p);
        }
    }
}
