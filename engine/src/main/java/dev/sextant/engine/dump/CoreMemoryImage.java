package dev.sextant.engine.dump;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The memory of an opened ELF core, kept for the Memory view after the core was read: bytes the
 * core stores are readable, everything else (unmapped, or {@code p_filesz < p_memsz}) is not.
 * Owned by the engine thread.
 */
public final class CoreMemoryImage implements AutoCloseable {
    private final CoreMemory memory;

    private CoreMemoryImage(CoreMemory memory) { this.memory = memory; }

    public static CoreMemoryImage open(Path core) {
        try {
            CoreFile notes = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
            return new CoreMemoryImage(new CoreMemory(core, notes.segments(), notes.header().order()));
        } catch (FormatException | IOException e) {
            throw new TargetException(core + ": its memory cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public MemoryBlock read(long address, int length) {
        byte[] bytes = new byte[length];
        BitSet readable = new BitSet(length);
        int done = 0;
        while (done < length) {
            ByteBuffer dst = ByteBuffer.wrap(bytes, done, length - done);
            int n;
            try {
                n = memory.read(address + done, dst);
            } catch (IOException e) {
                throw new TargetException("reading the core at 0x" + Long.toHexString(address + done) + ": " + e.getMessage(), e);
            }
            if (n > 0) {
                readable.set(done, done + n);
                done += n;
            } else {
                done = skipUnstored(address, done, length);
            }
        }
        return new MemoryBlock(Address.of(address), bytes, readable);
    }

    /** From an unstored byte to the next stored one (or the end). */
    private int skipUnstored(long address, int done, int length) {
        for (long[] part : memory.stored(address + done, address + length)) {
            long off = part[0] - address;
            if (off > done) return (int) off;
        }
        return length;
    }

    @Override public void close() {
        try {
            memory.close();
        } catch (IOException ignored) {
            // read-only mapping: nothing to lose
        }
    }
}
