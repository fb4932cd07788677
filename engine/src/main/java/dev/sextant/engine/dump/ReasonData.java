package dev.sextant.engine.dump;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a {@link ReasonRoutine} is given for its reason: one class per {@link CallbackReason}, valid
 * only during the call. Owned by the writing thread.
 */
public sealed interface ReasonData permits ReasonData.DumpIo, ReasonData.SecondaryDumpData, ReasonData.AddPages {

    /** {@code KbCallbackDumpIo}: one block of the dump as written, at {@code fileOffset}; blocks come in file order, without gaps. */
    final class DumpIo implements ReasonData {
        private final long fileOffset;
        private final ByteBuffer bytes;

        DumpIo(long fileOffset, ByteBuffer bytes) {
            this.fileOffset = fileOffset;
            this.bytes = bytes;
        }

        public long fileOffset() { return fileOffset; }

        /** A read-only view of the block (position 0, limit = its length). */
        public ByteBuffer bytes() { return bytes.duplicate(); }
    }

    /**
     * {@code KbCallbackSecondaryDumpData}: the routine may {@link #supply} one blob of at most
     * {@link #maximumSize()} bytes, tagged with a GUID. A larger blob makes the routine skipped.
     */
    final class SecondaryDumpData implements ReasonData {
        private final int maximumSize;
        private UUID guid;
        private byte[] blob;

        SecondaryDumpData(int maximumSize) { this.maximumSize = maximumSize; }

        public int maximumSize() { return maximumSize; }

        public void supply(UUID guid, byte[] blob) {
            this.guid = Objects.requireNonNull(guid, "guid");
            this.blob = Objects.requireNonNull(blob, "blob").clone();
        }

        Optional<UUID> guid() { return Optional.ofNullable(guid); }

        Optional<byte[]> blob() { return Optional.ofNullable(blob); }
    }

    /**
     * {@code KbCallbackAddPages}: the routine names ranges of the target's address space to store in
     * the dump (at most {@link #MAX_RANGES} per routine). Ranges outside every mapping are reported
     * and left out.
     */
    final class AddPages implements ReasonData {
        public static final int MAX_RANGES = 4096;
        private final List<MemoryRange> ranges = new ArrayList<>();

        AddPages() {}

        public void add(long address, long length) {
            if (length <= 0) throw new IllegalArgumentException("length must be positive: " + length);
            if (Long.compareUnsigned(address + length, address) < 0) {
                throw new IllegalArgumentException(String.format("range 0x%x + 0x%x wraps around the address space", address, length));
            }
            if (ranges.size() >= MAX_RANGES) throw new IllegalStateException("more than " + MAX_RANGES + " ranges");
            ranges.add(new MemoryRange(address, address + length));
        }

        List<MemoryRange> ranges() { return List.copyOf(ranges); }
    }

    /** [start, end) of the target's address space. */
    record MemoryRange(long start, long end) {
        public long length() { return end - start; }
    }
}
