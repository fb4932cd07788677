package dev.sextant.engine.elfutils.jna;

import com.sun.jna.Callback;
import com.sun.jna.CallbackReference;
import com.sun.jna.Pointer;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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

    private static final MethodHandle DIRECT = find();

    private static MethodHandle find() {
        try {
            return MethodHandles.privateLookupIn(CallbackReference.class, MethodHandles.lookup())
                    .findStatic(CallbackReference.class, "getFunctionPointer", MethodType.methodType(Pointer.class, Callback.class, boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The function pointer for {@code cb}; the caller keeps {@code cb} reachable while native code may call it. */
    static Pointer pointer(Callback cb) {
        if (DIRECT != null) {
            try {
                return (Pointer) DIRECT.invokeExact(cb, true);
            } catch (Throwable e) {   // invokeExact declares Throwable; the target throws only unchecked exceptions
                if (e instanceof Error err) throw err;
                // else fall through to the public, reflective kind
            }
        }
        return CallbackReference.getFunctionPointer(cb);
    }
}
