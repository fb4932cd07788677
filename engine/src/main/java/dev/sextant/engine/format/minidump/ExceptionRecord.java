package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;

/**
 * {@code MINIDUMP_EXCEPTION_STREAM}: the thread that took the exception, its code, flags, address and
 * parameters, and where its context at the time of the exception is. On Linux (Breakpad, Crashpad)
 * {@code code} is the signal number and {@code flags} its {@code si_code}; on macOS the Mach exception.
 */
public record ExceptionRecord(int threadId, long code, long flags, long recordAddress, long address,
                              long[] parameters, long contextSize, long contextRva) {
    public static final int SIZE = 168;

    static ExceptionRecord read(ByteReader b) {
        String w = "Exception";
        if (b.size() < SIZE) {
            throw new FormatException(FormatException.Kind.TRUNCATED, b.base(), w, "stream of " + b.size() + " bytes, expected " + SIZE);
        }
        long n = b.u32(w + " NumberParameters", 32);
        int count = (int) Math.min(n, 15);
        long[] params = new long[count];
        for (int i = 0; i < count; i++) params[i] = b.u64(w + " parameter " + i, 40 + 8L * i);
        return new ExceptionRecord(b.s32(w, 0), b.u32(w, 8), b.u32(w, 12), b.u64(w, 16), b.u64(w, 24), params,
                b.u32(w, 160), b.u32(w, 164));
    }

    public long parameter(int i) { return i < parameters.length ? parameters[i] : 0; }
}
