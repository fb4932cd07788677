package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The few libc calls the elfutils bindings need: file descriptors to hand to libelf, and
 * {@code free} for memory libdw gives us to own. Package-private.
 */
final class Posix {
    private Posix() {}

    static {
        Native.register(Posix.class, NativeLibrary.getInstance("libc.so.6"));   // by soname: "c" makes JNA run ldconfig -p
    }

    static final int O_RDONLY = 0, O_CLOEXEC = 0x80000;

    static native int open(String path, int flags);
    static native int close(int fd);
    static native void free(Pointer p);
    static native long strlen(Pointer s);
    static native Pointer strdup(String s);
    static native String strerror(int errnum);
}
