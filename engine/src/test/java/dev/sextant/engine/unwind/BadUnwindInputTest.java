package dev.sextant.engine.unwind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.SectionHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.pe.PeImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Malformed unwind data: a typed error or a marked bad entry, never another exception or a hang. */
class BadUnwindInputTest {
    private static final Path LIBZ = Path.of("/usr/lib/x86_64-linux-gnu/libz.so.1");

    /** Builds .eh_frame bytes: one "zR" CIE (pcrel|sdata4) and FDEs with given programs. */
    private static final class EhFrameBuilder {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        EhFrameBuilder cie() {
            byte[] body = {0, 0, 0, 0, 1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x1b, 0x0c, 7, 8, (byte) 0x90, 1, 0, 0};
            u32(body.length);
            out.writeBytes(body);
            return this;
        }

        /** An FDE whose CIE pointer is {@code cieDelta} (0 = the CIE at offset 0). */
        EhFrameBuilder fde(long cieDelta, byte... program) {
            int start = out.size();
            int len = 4 + 4 + 4 + 1 + program.length;
            u32(len);
            u32(cieDelta == 0 ? start + 4 : cieDelta);
            u32(0x1000 - (start + 8));   // pcrel: begin = 0x1000 with section address 0
            u32(0x100);
            out.write(0);
            out.writeBytes(program);
            return this;
        }

        void u32(long v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }

        CfiSection section() {
            return new CfiSection(ByteReader.of(out.toByteArray(), ByteOrder.LITTLE_ENDIAN), CfiSection.Kind.EH_FRAME, 8,
                    PointerEncoding.Bases.of(0));
        }
    }

    private static void decodeEverything(CfiSection s) {
        for (CfiRecord r : s.records()) {
            if (r instanceof Fde f) {
                try { CfaProgram.decode(s, f); } catch (FormatException expected) { assertThat(expected.what()).isNotEmpty(); }
            }
        }
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void wellFormedSyntheticSectionDecodes() {
        CfiSection s = new EhFrameBuilder().cie().fde(0, new byte[] {0x41, 0x0e, 16}).section();
        List<Fde> fdes = s.fdes();
        assertThat(fdes).hasSize(1);
        assertThat(fdes.get(0).pcBegin()).isEqualTo(0x1000);
        assertThat(CfaProgram.decode(s, fdes.get(0)).rows()).extracting(CfiRow::location).containsExactly(0x1000L, 0x1001L);
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fdeWhoseCiePointerIsOutsideTheSectionIsABadEntry() {
        CfiSection s = new EhFrameBuilder().cie().fde(0x7fff0000L).fde(0, (byte) 0).section();
        List<CfiRecord> r = s.records();
        assertThat(r).hasSize(3);
        assertThat(r.get(1)).isInstanceOf(CfiRecord.Bad.class);
        assertThat(((CfiRecord.Bad) r.get(1)).problem()).contains("outside");
        assertThat(r.get(2)).as("the next FDE is still read").isInstanceOf(Fde.class);
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fdeWhoseCiePointerLandsOnAnotherFdeIsABadEntry() {
        EhFrameBuilder b = new EhFrameBuilder().cie().fde(0, (byte) 0);
        int second = b.out.size();
        b.fde(second + 4 - 24);   // points at the first FDE (offset 24), not a CIE
        assertThat(b.section().records().get(2)).isInstanceOf(CfiRecord.Bad.class);
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void unknownCfaOpcodeIsATypedError() {
        CfiSection s = new EhFrameBuilder().cie().fde(0, new byte[] {0x41, 0x3f, 0}).section();
        Fde f = s.fdes().get(0);
        assertThatThrownBy(() -> CfaProgram.decode(s, f)).isInstanceOf(FormatException.class)
                .hasMessageContaining("unknown CFA opcode 0x3f")
                .satisfies(e -> assertThat(((FormatException) e).kind()).isEqualTo(FormatException.Kind.UNSUPPORTED));
    }

    @Test @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void programsThatRunOnAreCutOff() {
        // an operand whose LEB128 never ends before the program does
        byte[] leb = new byte[12];
        Arrays.fill(leb, (byte) 0x80);
        leb[0] = 0x0e;
        CfiSection a = new EhFrameBuilder().cie().fde(0, leb).section();
        assertThatThrownBy(() -> CfaProgram.decode(a, a.fdes().get(0))).isInstanceOf(FormatException.class);
        // remembered states piling up without end
        byte[] remember = new byte[CfaProgram.MAX_REMEMBERED + 10];
        Arrays.fill(remember, (byte) 0x0a);
        CfiSection b = new EhFrameBuilder().cie().fde(0, remember).section();
        assertThatThrownBy(() -> CfaProgram.decode(b, b.fdes().get(0))).hasMessageContaining("remembered states");
        // restore without remember, a register number no ABI has, an expression longer than the program
        for (byte[] p : List.of(new byte[] {0x0b}, new byte[] {0x07, (byte) 0xff, (byte) 0xff, 0x7f},
                new byte[] {0x0f, 0x7f, 0x01})) {
            CfiSection c = new EhFrameBuilder().cie().fde(0, p).section();
            assertThatThrownBy(() -> CfaProgram.decode(c, c.fdes().get(0))).isInstanceOf(FormatException.class);
        }
        // a program with more rows than allowed: a million and more advances
        byte[] advances = new byte[CfaProgram.MAX_ROWS + 5];
        Arrays.fill(advances, (byte) 0x41);
        CfiSection d = new EhFrameBuilder().cie().fde(0, advances).section();
        assertThatThrownBy(() -> CfaProgram.decode(d, d.fdes().get(0))).hasMessageContaining("rows");
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncationSweepOverARealEhFrame() throws IOException {
        assumeTrue(Files.exists(LIBZ), "libz.so.1 is not installed");
        ElfUnwindTables t = ElfUnwindTables.open(LIBZ);
        CfiSection full = t.table(CfiSection.Kind.EH_FRAME).orElseThrow();
        byte[] bytes = full.data().bytes("eh_frame", 0, full.data().size());
        int fdes = full.fdes().size();
        for (int cut = 0; cut < bytes.length; cut += Math.max(1, bytes.length / 400)) {
            CfiSection s = new CfiSection(ByteReader.of(Arrays.copyOf(bytes, cut), ByteOrder.LITTLE_ENDIAN),
                    CfiSection.Kind.EH_FRAME, 8, full.bases());
            decodeEverything(s);
            assertThat(s.fdes().size()).isLessThanOrEqualTo(fdes);
        }
        // and bytes flipped inside the section: garbage everywhere, still only typed errors
        for (int at = 0; at < bytes.length; at += Math.max(1, bytes.length / 300)) {
            byte[] bad = bytes.clone();
            bad[at] ^= (byte) 0xa5;
            decodeEverything(new CfiSection(ByteReader.of(bad, ByteOrder.LITTLE_ENDIAN), CfiSection.Kind.EH_FRAME, 8, full.bases()));
        }
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncatedElfFilesGiveTypedErrors() throws IOException {
        assumeTrue(Files.exists(LIBZ), "libz.so.1 is not installed");
        byte[] file = Files.readAllBytes(LIBZ);
        for (int cut = 0; cut < file.length; cut += Math.max(1, file.length / 150)) {
            try {
                ElfUnwindTables t = ElfUnwindTables.read(ByteReader.of(Arrays.copyOf(file, cut), ByteOrder.LITTLE_ENDIAN));
                for (CfiSection s : t.tables()) decodeEverything(s);
                t.lookup(0x3500);
            } catch (FormatException expected) {
                assertThat(expected.kind()).isNotNull();
            }
        }
        ElfHeader eh = ElfHeader.read(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN));
        assertThat(SectionHeader.readAll(ByteReader.of(file, ByteOrder.LITTLE_ENDIAN), eh)).isNotEmpty();
    }

    @Test @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void truncatedPeImagesGiveTypedErrors() throws IOException {
        Path exe = ToolRunner.corpus().map(c -> c.resolve("pe/symbolic/CrashWithException.exe")).orElse(null);
        assumeTrue(exe != null && Files.exists(exe), "corpus CrashWithException.exe is absent");
        byte[] file = Files.readAllBytes(exe);
        int complete = 0;
        for (int cut = 0; cut <= file.length; cut += 37) {
            try {
                PeImage pe = PeImage.read(ByteReader.of(Arrays.copyOf(file, cut), ByteOrder.LITTLE_ENDIAN));
                PdataTable t = PdataTable.read(pe).orElse(null);
                if (t == null) continue;
                for (RuntimeFunction f : t.functions()) {
                    try { t.chain(f); } catch (FormatException expected) { assertThat(expected.what()).isNotEmpty(); }
                }
                complete++;
            } catch (FormatException expected) {
                assertThat(expected.kind()).isNotNull();
            }
        }
        assertThat(complete).isPositive();
    }
}
