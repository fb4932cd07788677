package dev.sextant.engine.dump.secondary;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/** {@code /proc/PID/cmdline} (Breakpad's LinuxCmdLine): NUL-separated arguments, shown space-separated. */
public final class CommandLineDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("minidump:0x47670006"); }

    @Override public Decoded decode(SecondaryData data) {
        String s = new String(data.bytes().bytes("cmdline", 0, data.size()), StandardCharsets.UTF_8);
        return new Decoded.Text(s.replaceAll("\0+$", "").replace('\0', ' '));
    }
}
