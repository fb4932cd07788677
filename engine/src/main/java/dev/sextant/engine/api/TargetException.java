package dev.sextant.engine.api;

/**
 * An expected failure to open or control a target, with a one-line message for users that names
 * the file or process, what is wrong and, where there is one, what to do next. Never carries a
 * stack trace to the console.
 */
public final class TargetException extends RuntimeException {
    public TargetException(String message) { super(message, null, false, false); }

    public TargetException(String message, Throwable cause) { super(message, cause, false, false); }
}
