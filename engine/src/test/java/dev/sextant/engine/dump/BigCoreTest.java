package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.testing.NativePrograms;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A core over 2 GiB opens: a real core whose crashing thread's stack segment is moved past 3 GiB,
 * leaving a hole (a sparse file, so it takes a few hundred KiB of disk), reads to the same stacks,
 * signal and notes as the original, and eu-stack agrees.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BigCoreTest {
    @TempDir Path dir;

    @Test void coreBeyondTwoGibibytesReadsLikeTheOriginal() throws Exception {
        Path exe = NativePrograms.compile("abortthreads", dir);
        Path core = NativePrograms.coreOf(exe, dir, "2");
        Path big = dir.resolve("big.core");
        Files.copy(core, big, StandardCopyOption.REPLACE_EXISTING);
        CoreFile cf = CoreFile.open(core);
        long rsp = cf.threads().get(0).regs()[19];
        ProgramHeader stack = cf.segments().stream().filter(p -> p.type() == ProgramHeader.PT_LOAD && p.filesz() > 0
                && Long.compareUnsigned(p.vaddr(), rsp) <= 0 && Long.compareUnsigned(rsp, p.vaddr() + p.filesz()) < 0).findFirst().orElseThrow();
        long moved = 3L << 30;
        try (FileChannel in = FileChannel.open(core, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(big, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) stack.filesz());
            in.read(bytes, stack.offset());
            bytes.flip();
            out.write(bytes, moved);                                   // the hole before it stays unallocated
            ByteBuffer offset = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, moved);
            out.write(offset, cf.header().phoff() + (long) stack.index() * 56 + 8);    // p_offset of that segment
        }
        assertThat(Files.size(big)).isGreaterThan(3L << 30);

        DumpReport before = ElfCoreReader.read(core, CoreOptions.DEFAULT, new CoreReadListener() {}, new Cancellation());
        DumpReport after = ElfCoreReader.read(big, CoreOptions.DEFAULT, new CoreReadListener() {}, new Cancellation());
        assertThat(DumpWriterTest.frames(after)).isEqualTo(DumpWriterTest.frames(before));
        assertThat(after.stacks().get(0).frames()).hasSizeGreaterThan(3);
        assertThat(after.signal()).isEqualTo(before.signal());
        assertThat(DumpOverview.ofElfCore(after, big).secondaryData()).hasSameSizeAs(DumpOverview.ofElfCore(before, core).secondaryData());
        try (CoreDumpSource src = CoreDumpSource.open(big)) {
            ByteBuffer word = ByteBuffer.allocate(8);
            assertThat(src.read(rsp, word)).isEqualTo(8);
        }
        if (EuStack.available()) {
            assertThat(EuStack.run(big, exe, dir)).isEqualTo(EuStack.run(core, exe, dir));
        }
    }
}
