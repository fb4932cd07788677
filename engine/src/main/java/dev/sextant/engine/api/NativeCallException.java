package dev.sextant.engine.api;

/**
 * A native library call failed. {@code call} names the C function ({@code dwfl_core_file_report}),
 * {@code code} is its errno or library error number, and the message is the library's own text.
 */
public final class NativeCallException extends RuntimeException {
    private final String call;
    private final int code;

    public NativeCallException(String call, int code, String message) {
        super(call + ": " + message);
        this.call = call;
        this.code = code;
    }

    public String call() { return call; }

    public int code() { return code; }
}
