package dev.sextant.engine.dump;

/**
 * A component's reason callback (the seed's {@code KBUGCHECK_REASON_CALLBACK_ROUTINE}). Called on
 * the thread that saves the dump, with the reason it was registered for and that reason's
 * {@link ReasonData}. It must not keep {@code data} after returning. A routine that throws is
 * skipped (for {@code DUMP_IO}: for the rest of the dump) and reported as a diagnostic; the dump is
 * still written.
 */
@FunctionalInterface
public interface ReasonRoutine {
    void call(CallbackReason reason, ReasonCallbackRecord record, ReasonData data) throws Exception;
}
