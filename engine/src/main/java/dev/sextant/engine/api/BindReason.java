package dev.sextant.engine.api;

/**
 * Why the binder calls its status routine: the {@code IMAGEHLP_STATUS_REASON} values of
 * {@code BindImageEx}, same names (without the prefix) and same codes. Only some have an ELF meaning;
 * the others are kept so that codes stay stable for PE binding.
 */
public enum BindReason {
    BindOutOfMemory(0),
    BindRvaToVaFailed(1),
    BindNoRoomInImage(2),
    BindImportModuleFailed(3),
    BindImportProcedureFailed(4),
    BindImportModule(5),
    BindImportProcedure(6),
    BindForwarder(7),
    BindForwarderNOT(8),
    BindImageModified(9),
    BindExpandFileHeaders(10),
    BindImageComplete(11),
    BindMismatchedSymbols(12),
    BindSymbolsNotUpdated(13);

    private final int code;

    BindReason(int code) { this.code = code; }

    /** The seed's numeric value. */
    public int code() { return code; }

    public static BindReason ofCode(int code) {
        for (BindReason r : values()) if (r.code == code) return r;
        throw new IllegalArgumentException("no bind reason has code " + code);
    }
}
