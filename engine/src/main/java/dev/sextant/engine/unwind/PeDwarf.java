package dev.sextant.engine.unwind;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.pe.PeImage;
import dev.sextant.engine.format.pe.PeSection;
import java.util.Optional;

/**
 * DWARF call-frame information inside a PE image: MinGW toolchains keep {@code .debug_frame} (under
 * a long section name from the COFF string table) next to {@code .pdata}. Its addresses are virtual
 * addresses (image base included), as the file holds them.
 */
public final class PeDwarf {
    private PeDwarf() {}

    /** The image's {@code .debug_frame}, bounded by the section's virtual size (the raw size is padded). */
    public static Optional<CfiSection> debugFrame(PeImage pe) {
        Optional<PeSection> s = pe.section(".debug_frame");
        if (s.isEmpty() || s.get().sizeOfRawData() == 0) return Optional.empty();
        PeSection sec = s.get();
        long size = sec.virtualSize() != 0 ? Math.min(sec.virtualSize(), sec.sizeOfRawData()) : sec.sizeOfRawData();
        ByteReader data = pe.file().slice("section .debug_frame", sec.pointerToRawData(), size);
        int addressSize = pe.optionalHeader().isPe32Plus() ? 8 : 4;
        return Optional.of(new CfiSection(data, CfiSection.Kind.DEBUG_FRAME, addressSize,
                PointerEncoding.Bases.of(pe.imageBase() + sec.virtualAddress())));
    }

    /** The ELF machine number matching the PE machine, for DWARF register names. */
    public static int elfMachine(PeImage pe) {
        return switch (pe.fileHeader().machine()) {
            case PeImage.IMAGE_FILE_MACHINE_AMD64 -> 62;
            case PeImage.IMAGE_FILE_MACHINE_I386 -> 3;
            case PeImage.IMAGE_FILE_MACHINE_ARM64 -> 183;
            default -> 0;
        };
    }
}
