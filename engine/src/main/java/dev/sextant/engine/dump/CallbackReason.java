package dev.sextant.engine.dump;

/**
 * Why a reason callback is called while {@link DumpWriter} saves a dump: the three reasons of the
 * seed's {@code KeRegisterBugCheckReasonCallback} that make sense for a user-space core.
 */
public enum CallbackReason {
    /** {@code KbCallbackDumpIo}: called for each block written, with its file offset and bytes (mirror or hash the dump). */
    DUMP_IO("KbCallbackDumpIo"),
    /** {@code KbCallbackSecondaryDumpData}: returns one GUID-tagged blob, stored as a note and listed under the component. */
    SECONDARY_DUMP_DATA("KbCallbackSecondaryDumpData"),
    /** {@code KbCallbackAddPages}: names extra memory ranges of the target to include in the dump. */
    ADD_PAGES("KbCallbackAddPages");

    private final String seedName;

    CallbackReason(String seedName) { this.seedName = seedName; }

    /** The seed's name of the reason ({@code KbCallbackDumpIo}, …). */
    public String seedName() { return seedName; }
}
