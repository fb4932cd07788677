package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.minidump.LinuxStreams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The auxiliary vector ({@code NT_AUXV}, Breakpad's LinuxAuxv): {@code AT_*} names and hex values. */
public final class AuxvDecoder implements SecondaryDecoder {
    private static final Map<Long, String> NAMES = Map.ofEntries(Map.entry(1L, "AT_IGNORE"), Map.entry(2L, "AT_EXECFD"),
            Map.entry(3L, "AT_PHDR"), Map.entry(4L, "AT_PHENT"), Map.entry(5L, "AT_PHNUM"), Map.entry(6L, "AT_PAGESZ"),
            Map.entry(7L, "AT_BASE"), Map.entry(8L, "AT_FLAGS"), Map.entry(9L, "AT_ENTRY"), Map.entry(10L, "AT_NOTELF"),
            Map.entry(11L, "AT_UID"), Map.entry(12L, "AT_EUID"), Map.entry(13L, "AT_GID"), Map.entry(14L, "AT_EGID"),
            Map.entry(15L, "AT_PLATFORM"), Map.entry(16L, "AT_HWCAP"), Map.entry(17L, "AT_CLKTCK"), Map.entry(23L, "AT_SECURE"),
            Map.entry(24L, "AT_BASE_PLATFORM"), Map.entry(25L, "AT_RANDOM"), Map.entry(26L, "AT_HWCAP2"),
            Map.entry(27L, "AT_RSEQ_FEATURE_SIZE"), Map.entry(28L, "AT_RSEQ_ALIGN"), Map.entry(31L, "AT_EXECFN"),
            Map.entry(32L, "AT_SYSINFO"), Map.entry(33L, "AT_SYSINFO_EHDR"), Map.entry(51L, "AT_MINSIGSTKSZ"));

    @Override public Set<String> tags() { return Set.of("minidump:0x47670008", "note:CORE:0x6"); }

    @Override public Decoded decode(SecondaryData data) {
        List<Decoded.Entry> out = new ArrayList<>();
        LinuxStreams.readAuxv(data.bytes(), data.is64()).forEach((k, v) ->
                out.add(new Decoded.Entry(NAMES.getOrDefault(k, "AT_" + k), "0x" + Long.toHexString(v))));
        return new Decoded.KeyValues(out);
    }
}
