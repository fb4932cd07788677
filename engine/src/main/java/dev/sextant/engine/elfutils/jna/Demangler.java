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

    /** libstdc++ is loaded on the first mangled name only: C programs never pay for it. */
    private static final class CxxAbi {
        static final boolean AVAILABLE;

        static {
            boolean ok;
            try {
                Native.register(CxxAbi.class, NativeLibrary.getInstance("libstdc++.so.6"));
                ok = true;
            } catch (UnsatisfiedLinkError e) {
                ok = false;
            }
            AVAILABLE = ok;
        }

        static native Pointer __cxa_demangle(String mangled, Pointer buf, Pointer length, int[] status);
    }

    public static String demangle(String name) {
        if (name == null || !name.startsWith("_Z") || !CxxAbi.AVAILABLE) return name;
        int[] status = new int[1];
        Pointer p = CxxAbi.__cxa_demangle(name, null, null, status);
        if (p == null || status[0] != 0) return name;
        try {
            return p.getString(0);
        } finally {
            Posix.free(p);
        }
    }
}
