package dev.sextant.engine.dump;

/**
 * The caller-owned record that identifies one registered reason callback (the seed's
 * {@code KBUGCHECK_REASON_CALLBACK_RECORD}). A new record is uninitialised; {@link #initialize()}
 * (the seed's {@code KeInitializeCallbackRecord}) makes it ready to register; registering puts it
 * in use until it is deregistered. A record is registered with at most one writer at a time.
 * Thread-safe.
 */
public final class ReasonCallbackRecord {
    /** Where a record is in its life. */
    public enum State { UNINITIALISED, READY, REGISTERED }

    private State state = State.UNINITIALISED;

    /** Makes an uninitialised record ready to register; a record already registered stays registered. */
    public synchronized ReasonCallbackRecord initialize() {
        if (state == State.UNINITIALISED) state = State.READY;
        return this;
    }

    public synchronized State state() { return state; }

    synchronized boolean claim() {
        if (state != State.READY) return false;
        state = State.REGISTERED;
        return true;
    }

    synchronized boolean release() {
        if (state != State.REGISTERED) return false;
        state = State.READY;
        return true;
    }
}
