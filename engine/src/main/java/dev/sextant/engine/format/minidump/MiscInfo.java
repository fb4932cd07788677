package dev.sextant.engine.format.minidump;

import dev.sextant.engine.format.io.ByteReader;
import java.util.OptionalLong;

/**
 * {@code MINIDUMP_MISC_INFO} (and the first fields of its later versions): process id, creation
 * time and CPU times, each present only when its flag is set; processor clock from version 2 on.
 */
public record MiscInfo(long sizeOfInfo, long flags, OptionalLong processId, OptionalLong processCreateTime,
                       OptionalLong userTime, OptionalLong kernelTime, OptionalLong processorMaxMhz) {
    public static final int FLAG_PROCESS_ID = 1, FLAG_PROCESS_TIMES = 2, FLAG_PROCESSOR_POWER_INFO = 4;

    static MiscInfo read(ByteReader b) {
        String w = "MiscInfo";
        long size = b.u32(w, 0);
        long flags = b.u32(w, 4);
        OptionalLong pid = (flags & FLAG_PROCESS_ID) != 0 ? OptionalLong.of(b.u32(w, 8)) : OptionalLong.empty();
        boolean times = (flags & FLAG_PROCESS_TIMES) != 0;
        OptionalLong create = times ? OptionalLong.of(b.u32(w, 12)) : OptionalLong.empty();
        OptionalLong user = times ? OptionalLong.of(b.u32(w, 16)) : OptionalLong.empty();
        OptionalLong kernel = times ? OptionalLong.of(b.u32(w, 20)) : OptionalLong.empty();
        OptionalLong mhz = (flags & FLAG_PROCESSOR_POWER_INFO) != 0 && b.contains(24, 4) ? OptionalLong.of(b.u32(w, 24)) : OptionalLong.empty();
        return new MiscInfo(size, flags, pid, create, user, kernel, mhz);
    }
}
