package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * libdebuginfod (elfutils' {@code debuginfod.h}), verbatim, direct-mapped. Loaded by soname
 * ({@code libdebuginfod.so.1}, Debian package libdebuginfod1). Package-private: only
 * {@link Debuginfod} calls these. The find functions return an fd, or {@code -errno}.
 */
final class LibDebuginfod {
    private LibDebuginfod() {}

    static final NativeLibrary LIB = NativeLibrary.getInstance("libdebuginfod.so.1");

    static {
        Native.register(LibDebuginfod.class, LIB);
    }

    /** {@code debuginfod_progressfn_t}: (client, bytes so far, total or 0); non-zero return cancels. */
    interface ProgressFn extends Callback { int invoke(Pointer client, long a, long b); }

    static native Pointer debuginfod_begin();
    static native void debuginfod_end(Pointer client);
    static native int debuginfod_find_debuginfo(Pointer client, byte[] buildId, int buildIdLen, PointerByReference path);
    static native int debuginfod_find_executable(Pointer client, byte[] buildId, int buildIdLen, PointerByReference path);
    static native int debuginfod_find_source(Pointer client, byte[] buildId, int buildIdLen, String filename, PointerByReference path);
    static native void debuginfod_set_progressfn(Pointer client, ProgressFn fn);
    static native void debuginfod_set_user_data(Pointer client, Pointer data);
    static native Pointer debuginfod_get_user_data(Pointer client);
    static native Pointer debuginfod_get_url(Pointer client);

    /** libc's environment: libdebuginfod reads its URLs, cache path and timeouts from it on every query. */
    static final class Env {
        private Env() {}
        static {
            Native.register(Env.class, NativeLibrary.getInstance("libc.so.6"));
        }
        static native int setenv(String name, String value, int overwrite);
        static native int unsetenv(String name);
        static native String getenv(String name);
        static native String strerror(int errnum);
    }
}
