package dev.sextant.engine.api;

/**
 * One call of a bind's status routine ({@code PIMAGEHLP_STATUS_ROUTINE}): the reason, the image
 * being bound, the library, the address and the typed parameter.
 */
public record BindStatus(BindReason reason, String imageName, String dllName, long va, BindParameter parameter) {
    /** A status a report must show beside the bind result: a mismatched debug file, a file written, headers grown, no room. */
    public boolean notice() {
        return switch (reason) {
            case BindMismatchedSymbols, BindImageModified, BindExpandFileHeaders, BindNoRoomInImage -> true;
            default -> false;
        };
    }

    /** A status that tells of a failure: a library or symbol not found, a mismatch, no room. */
    public boolean failure() {
        return switch (reason) {
            case BindImportModuleFailed, BindImportProcedureFailed, BindForwarderNOT, BindRvaToVaFailed,
                    BindMismatchedSymbols, BindNoRoomInImage, BindOutOfMemory -> true;
            default -> false;
        };
    }
}
