package dev.sextant.engine.format.pe;

/** One entry of the optional header's data directory ({@code IMAGE_DATA_DIRECTORY}). Immutable. */
public record DataDirectory(int index, long rva, long size) {
    public static final int EXPORT = 0, IMPORT = 1, RESOURCE = 2, EXCEPTION = 3, SECURITY = 4, BASERELOC = 5,
            DEBUG = 6, ARCHITECTURE = 7, GLOBALPTR = 8, TLS = 9, LOAD_CONFIG = 10, BOUND_IMPORT = 11, IAT = 12,
            DELAY_IMPORT = 13, CLR_RUNTIME = 14;

    public boolean isPresent() { return rva != 0 && size != 0; }
}
