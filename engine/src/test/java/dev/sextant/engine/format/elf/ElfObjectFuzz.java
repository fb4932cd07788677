package dev.sextant.engine.format.elf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.testing.FuzzContract;
import dev.sextant.engine.testing.FuzzInputs;
import dev.sextant.engine.testing.FuzzSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * What {@code bind}, {@code symbols} and {@code ldd}-like resolution read from an ELF file: the
 * loader's view ({@code DynamicObject}: dynamic section, needed names, rpath, dynamic symbols,
 * versions, relocations; from bytes and through the ranged file reader), section headers, the symbol
 * table, the debug link and the build-id, over a compiled test program cut and patched, or raw bytes.
 */
class ElfObjectFuzz {
    private static final FuzzContract CONTRACT = new FuzzContract("ElfObjectFuzz", FormatException.class, IOException.class,
            UncheckedIOException.class);

    @FuzzTest(maxDuration = "10s")
    void fuzz(byte[] data) { fuzzerTestOneInput(data); }

    public static void fuzzerTestOneInput(byte[] data) {
        byte[] file = FuzzInputs.fileFrom(FuzzSeeds.executable(), data);
        CONTRACT.check(file.length, () -> {
            DynamicObject o = DynamicObject.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
            o.dynamic().ifPresent(d -> {
                d.needed(); d.soname(); d.rpath(); d.runpath(); d.filters(); d.auxiliaryFilters(); d.symbolic();
            });
            for (int i = 0; i < Math.min(o.symbols().count(), 4096); i++) {
                o.symbols().symbol(i);
                if (o.versions().hasVersym()) o.versions().version(o.versions().versym(i));
            }
            o.symbols().undefinedIndices();
            o.versions().needed();
        });
        CONTRACT.check(file.length, () -> {
            Path p = FuzzInputs.asFile(file);
            DynamicObject.read(p);
            ElfSections.read(p, f -> {
                DebugLink.of(f);
                return SymbolTable.read(f.header(), f.sections(), f::data).functions();
            });
            BuildId.ofFile(p);
        });
    }
}
