package dev.sextant.engine.format.minidump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * Messages about hostile files read as sentences: the wordings the hostile sweep (bench/hostile-sweep.sh)
 * found doubled ("stream 0x47670009 stream", "an ELF ELF type 7", an offset said twice) are said once.
 */
class MessagesReadTest {
    @Test void anUnnamedStreamOutsideTheFileIsCalledAStreamOnce() {
        byte[] dump = new MinidumpBuilder().rawEntry(0x47671234, 1 << 20, 16).build();
        Minidump d = Minidump.read(ByteReader.of(dump, ByteOrder.LITTLE_ENDIAN));
        assertThat(d.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("stream directory entry 0: stream 0x47671234 of 16 bytes at offset 0x100000 lies outside the file"));
        assertThat(String.join("\n", d.problems())).doesNotContain("stream stream").doesNotContain("0x47671234 stream");
        assertThat(StreamType.label(StreamType.THREAD_LIST)).isEqualTo("ThreadList stream");
    }

    @Test void anOffsetIsSaidOnce() {
        FormatException e = FormatException.truncated("program header table", 0x40, 56, 10);
        assertThat(e.messageWithOffset()).isEqualTo(e.getMessage()).containsOnlyOnce("0x40");
        FormatException other = new FormatException(FormatException.Kind.INCONSISTENT, 0x1c, "e_phentsize", "program header size is 12, expected 56");
        assertThat(other.messageWithOffset()).isEqualTo("e_phentsize: program header size is 12, expected 56 (at offset 0x1c)");
    }

    @Test void anElfFileOfAnUnknownTypeIsNotAnElfElf() {
        byte[] elf = new byte[64];
        elf[0] = 0x7f; elf[1] = 'E'; elf[2] = 'L'; elf[3] = 'F'; elf[4] = 2; elf[5] = 1; elf[6] = 1;
        elf[16] = 7; elf[18] = 62; elf[20] = 1; elf[52] = 64; elf[54] = 56; elf[58] = 64;
        FormatException e = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class,
                () -> CoreFile.read(ByteReader.of(elf, ByteOrder.LITTLE_ENDIAN)));
        assertThat(e.getMessage()).isEqualTo("ELF header: this is an ELF file of unknown type (e_type 7), not a core file");
        elf[16] = 0; elf[17] = (byte) 0xfe;
        e = org.junit.jupiter.api.Assertions.assertThrows(FormatException.class, () -> CoreFile.read(ByteReader.of(elf, ByteOrder.LITTLE_ENDIAN)));
        assertThat(e.getMessage()).contains("an ELF file of an OS-specific type (e_type 0xfe00)");
    }
}
