package dev.sextant.engine.format.pe;

/**
 * One section header of a PE image ({@code IMAGE_SECTION_HEADER}). {@code name} is resolved
 * through the COFF string table when the header holds {@code /N} (MinGW's long debug section names).
 * RVAs are relative to the image base. Immutable.
 */
public record PeSection(int index, String name, long virtualSize, long virtualAddress, long sizeOfRawData,
                        long pointerToRawData, long characteristics) {
    public static final long IMAGE_SCN_CNT_CODE = 0x20, IMAGE_SCN_MEM_EXECUTE = 0x20000000;

    /** True if {@code rva} lies inside the section's memory image. */
    public boolean containsRva(long rva) {
        long size = Math.max(virtualSize, sizeOfRawData);
        return rva >= virtualAddress && rva - virtualAddress < size;
    }
}
