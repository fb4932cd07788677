package dev.sextant.engine.session.remote;

/** A message on the engine pipe that cannot be read or written (a malformed frame, a type that cannot cross). */
public final class WireException extends RuntimeException {
    public WireException(String message) { super(message); }
}
