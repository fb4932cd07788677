package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Pointer;
import java.lang.reflect.Method;

/**
 * Function pointers for callbacks that native code finds in a struct (libdwfl's {@code Dwfl_Callbacks}
 * and {@code Dwfl_Thread_Callbacks}). JNA's public {@link CallbackReference#getFunctionPointer(Callback)}
 * makes such callbacks go through reflection on every call ({@code Method.invoke}), whose first calls
 * generate method-handle classes at run time (tens of milliseconds of a short command's start) and
 * whose every call costs microseconds, which the per-word memory reads of a large core multiply.
 * The pointer JNA gives a callback passed straight to a direct-mapped function calls the Java
 * method through JNI instead; this asks JNA for that kind of pointer (its non-public entry for
 * it), and falls back to the public one if a JNA version lacks it. The callbacks here take only
 * pointers and primitives, which direct calls support.
 */
final class DirectCallbacks {
    private DirectCallbacks() {}

    private static final Method DIRECT = find();

    private static Method find() {
        try {
            Method m = CallbackReference.class.getDeclaredMethod("getFunctionPointer", Callback.class, boolean.class);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The function pointer for {@code cb}; the caller keeps {@code cb} reachable while native code may call it. */
    static Pointer pointer(Callback cb) {
        if (DIRECT != null) {
            try {
                return (Pointer) DIRECT.invoke(null, cb, true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // fall through to the public, reflective kind
            }
        }
        return CallbackReference.getFunctionPointer(cb);
    }
}
