package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindFlag;
import dev.sextant.engine.api.BindResult;
import static dev.sextant.engine.bind.Toolchain.cc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.format.elf.DynamicSection;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and hostile ELF files: every outcome is a result (with {@code BindRvaToVaFailed} or
 * {@code BindImportModuleFailed} where the damage is) or a {@link FormatException}; never another
 * exception, a hang or an OutOfMemoryError.
 */
@Timeout(120)
class BindHostileInputTest {
    @TempDir Path dir;

    record Outcome(BindResult result, List<BindReason> reasons, FormatException error) {}

    Outcome bind(Path file) throws Exception {
        List<BindReason> reasons = new ArrayList<>();
        try {
            BindResult r = new Binder().bind(file, SearchPath.system().withExtraDirs(List.of(dir)), Optional.empty(),
                    EnumSet.of(BindFlag.ALL_IMAGES), (reason, image, dll, va, p) -> reasons.add(reason));
            return new Outcome(r, reasons, null);
        } catch (FormatException e) {
            return new Outcome(null, reasons, e);
        }
    }

    Path buildPair() throws Exception {
        Toolchain.assumeCc();
        cc(dir, "int dep(int x) { return x * 2; } int dep2(void) { return 0; }", dir.resolve("libdep.so"),
                "-shared", "-fPIC", "-Wl,-soname,libdep.so");
        return cc(dir, "int dep(int); int main(int c, char **v) { return dep(c); }", dir.resolve("app"),
                "-L" + dir, "-ldep", "-Wl,-rpath," + dir);
    }

    static List<Integer> cuts(int size) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < Math.min(size, 1024); i += 7) out.add(i);
        for (int i = 1024; i < size; i += Math.max(1, size / 150)) out.add(i);
        out.add(size - 1);
        return out;
    }

    @Test void truncatedImageGivesTypedErrorsOrPartialResults() throws Exception {
        Path app = buildPair();
        byte[] full = Files.readAllBytes(app);
        Path cut = dir.resolve("cut-app");
        int results = 0, errors = 0;
        for (int n : cuts(full.length)) {
            Files.write(cut, Arrays.copyOf(full, n));
            Outcome o = bind(cut);
            if (o.error() != null) errors++; else results++;
            if (o.result() != null && o.result().modules().get(0).failure().isPresent()) {
                assertThat(o.reasons()).contains(BindReason.BindRvaToVaFailed);
            }
        }
        assertThat(errors).isPositive();     // the header cut short
        assertThat(results + errors).isEqualTo(cuts(full.length).size());
    }

    @Test void truncatedLibraryIsAFailedModuleNotACrash() throws Exception {
        Path app = buildPair();
        Path lib = dir.resolve("libdep.so");
        byte[] full = Files.readAllBytes(lib);
        int failed = 0;
        List<Integer> cuts = cuts(full.length);
        for (int n : cuts) {
            Files.write(lib, Arrays.copyOf(full, n));
            Outcome o = bind(app);
            assertThat(o.error()).as("cut at %d", n).isNull();
            if (o.result().missing().contains("libdep.so")) {
                failed++;
                assertThat(o.reasons()).contains(BindReason.BindImportModuleFailed);
            }
        }
        assertThat(failed).isPositive();
    }

    @Test void truncationSweepOverARealSharedObject() throws Exception {
        Path real = Path.of("/lib/x86_64-linux-gnu/libz.so.1");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(real), "needs libz.so.1");
        byte[] full = Files.readAllBytes(real.toRealPath());
        Path cut = dir.resolve("libz-cut.so");
        for (int n : cuts(full.length)) {
            Files.write(cut, Arrays.copyOf(full, n));
            Outcome o = bind(cut);
            assertThat(o.result() != null || o.error() != null).isTrue();
        }
    }

    /** File offset of the value of the first dynamic entry with {@code tag}. */
    static long dynValueOffset(byte[] file, long tag) {
        ByteReader r = ByteReader.of(file, ByteOrder.LITTLE_ENDIAN);
        ElfHeader eh = ElfHeader.read(r);
        List<ProgramHeader> ph = ProgramHeader.readAll(r, eh);
        ProgramHeader dyn = ph.stream().filter(p -> p.type() == ProgramHeader.PT_DYNAMIC).findFirst().orElseThrow();
        for (long o = dyn.offset(); o < dyn.offset() + dyn.filesz(); o += 16) {
            if (r.u64("d_tag", o) == tag) return o + 8;
        }
        throw new AssertionError("no dynamic tag " + tag);
    }

    static void putLong(byte[] b, long off, long v) {
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong((int) off, v);
    }

    Outcome patched(Path file, long tag, long value) throws Exception {
        byte[] b = Files.readAllBytes(file);
        putLong(b, dynValueOffset(b, tag), value);
        Path out = dir.resolve("patched-" + Long.toHexString(tag));
        Files.write(out, b);
        return bind(out);
    }

    @Test void dynamicSectionOutsideTheFileIsRvaToVaFailed() throws Exception {
        Path app = buildPair();
        byte[] b = Files.readAllBytes(app);
        ByteReader r = ByteReader.of(b, ByteOrder.LITTLE_ENDIAN);
        ElfHeader eh = ElfHeader.read(r);
        ProgramHeader dyn = ProgramHeader.readAll(r, eh).stream().filter(p -> p.type() == ProgramHeader.PT_DYNAMIC).findFirst().orElseThrow();
        putLong(b, eh.phoff() + 56L * dyn.index() + 8, b.length + 4096L);      // p_offset
        Path out = dir.resolve("dyn-outside");
        Files.write(out, b);
        Outcome o = bind(out);
        assertThat(o.error()).isNull();
        assertThat(o.reasons()).containsExactly(BindReason.BindRvaToVaFailed);
        assertThat(o.result().modules().get(0).failure()).get().asString().contains("dynamic section");
        assertThat(o.result().complete()).isFalse();
    }

    @Test void tablesPointingOutsideTheFileOrHugeCountsFailCleanly() throws Exception {
        Path app = buildPair();
        long[][] patches = {
                {DynamicSection.DT_STRTAB, 0x7fff_ffff_0000L},
                {DynamicSection.DT_STRSZ, 0xffff_ffffL},
                {DynamicSection.DT_SYMTAB, -8},
                {DynamicSection.DT_VERNEED, 0x10},
                {DynamicSection.DT_GNU_HASH, 0x7fff_0000L},
                {DynamicSection.DT_RELA, 0x7fff_ffff_0000L},
                {DynamicSection.DT_RELASZ, 0x7fff_ffff_ffffL},
                {DynamicSection.DT_NEEDED, 0xffff_fff0L},
        };
        for (long[] p : patches) {
            Outcome o = patched(app, p[0], p[1]);
            assertThat(o.error()).as("tag 0x%x", p[0]).isNull();
            assertThat(o.result().complete()).as("tag 0x%x", p[0]).isFalse();
            assertThat(o.reasons()).as("tag 0x%x", p[0]).contains(BindReason.BindRvaToVaFailed);
        }
    }

    @Test void hugeVersionCountIsBoundedByTheChain() throws Exception {
        Path app = buildPair();
        Outcome o = patched(app, DynamicSection.DT_VERNEEDNUM, 0xffff_ffffL);
        assertThat(o.error()).isNull();
        assertThat(o.result().unresolved()).isEmpty();     // vn_next = 0 ends the walk whatever the count says
        Outcome runpath = patched(app, DynamicSection.DT_RUNPATH, 0xffff_fff0L);
        assertThat(runpath.error()).isNull();                // an unreadable path searches nothing
    }

    @Test void notAnElfFileIsATypedError() throws Exception {
        Path f = dir.resolve("text");
        Files.writeString(f, "#!/bin/sh\necho hi\n");
        assertThatThrownBy(() -> new Binder().bind(f, SearchPath.system(), Optional.empty(), EnumSet.noneOf(BindFlag.class),
                BindStatusRoutine.CONTINUE)).isInstanceOf(FormatException.class)
                .satisfies(e -> assertThat(((FormatException) e).kind()).isEqualTo(FormatException.Kind.BAD_MAGIC));
    }
}
