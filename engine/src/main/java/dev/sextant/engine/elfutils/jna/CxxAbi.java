package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Optional;

/**
 * libstdc++'s {@code __cxa_demangle} (returns malloc'd text, status 0 on success), loaded on the
 * first call only: C programs never pay for it. A machine without libstdc++ demangles nothing.
 */
public final class CxxAbi {
    private CxxAbi() {}

    private static final class Lib {
        static final boolean AVAILABLE;

        static {
            boolean ok;
            try {
                Native.register(Lib.class, NativeLibrary.getInstance("libstdc++.so.6"));
                ok = true;
            } catch (UnsatisfiedLinkError e) {
                ok = false;
            }
            AVAILABLE = ok;
        }

        static native Pointer __cxa_demangle(String mangled, Pointer buf, Pointer length, int[] status);
    }

    /**
     * The same call for a name given as NUL-terminated bytes: a {@code byte[]} argument is copied as
     * it is, where a {@code String} goes through JNA's encoder (a JNI call back into Java per name).
     * Its own class: direct mapping registers natives by name, one signature each.
     */
    private static final class RawLib {
        static final boolean AVAILABLE;

        static {
            boolean ok = Lib.AVAILABLE;
            if (ok) {
                try {
                    Native.register(RawLib.class, NativeLibrary.getInstance("libstdc++.so.6"));
                } catch (UnsatisfiedLinkError e) {
                    ok = false;
                }
            }
            AVAILABLE = ok;
        }

        static native Pointer __cxa_demangle(byte[] mangled, Pointer buf, Pointer length, int[] status);
    }

    /** {@code mangled} demangled, or empty when it is not a mangled name or libstdc++ is missing. */
    public static Optional<String> demangle(String mangled) {
        if (!Lib.AVAILABLE) return Optional.empty();
        int[] status = new int[1];
        Pointer p = Lib.__cxa_demangle(mangled, null, null, status);
        if (p == null || status[0] != 0) return Optional.empty();
        try {
            return Optional.of(p.getString(0));
        } finally {
            Posix.free(p);
        }
    }

    /**
     * {@code mangled} (NUL-terminated bytes) demangled, as bytes without the NUL; null when it is not
     * a mangled name or libstdc++ is missing. No {@code String} on the way: a library's export
     * demangles tens of thousands of names, and JNA's string conversions cost more than the demangling.
     */
    public static byte[] demangle(byte[] mangled) {
        if (!RawLib.AVAILABLE) return null;
        int[] status = new int[1];
        Pointer p = RawLib.__cxa_demangle(mangled, null, null, status);
        if (p == null) return null;
        try {
            return status[0] != 0 ? null : p.getByteArray(0, (int) Posix.strlen(p));
        } finally {
            Posix.free(p);
        }
    }
}
