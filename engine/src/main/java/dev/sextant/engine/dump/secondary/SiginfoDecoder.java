package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.api.Signals;
import dev.sextant.engine.format.io.ByteReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code NT_SIGINFO}: the {@code siginfo_t} of the signal that killed the process. */
public final class SiginfoDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("note:CORE:0x53494749"); }

    @Override public Decoded decode(SecondaryData data) {
        ByteReader d = data.bytes();
        String w = "NT_SIGINFO";
        int signo = d.s32(w, 0), errno = d.s32(w, 4), code = d.s32(w, 8);
        long union = data.is64() ? 16 : 12;
        List<Decoded.Entry> out = new ArrayList<>();
        out.add(new Decoded.Entry("si_signo", signo + " (" + Signals.name(signo) + ")"));
        out.add(new Decoded.Entry("si_errno", Integer.toString(errno)));
        out.add(new Decoded.Entry("si_code", code + " (" + Signals.codeName(signo, code) + ")"));
        if (Signals.hasFaultAddress(signo, code)) {
            out.add(new Decoded.Entry("si_addr", "0x" + Long.toHexString(d.word(w, union, data.is64()))));
        } else {
            out.add(new Decoded.Entry("si_pid", Integer.toString(d.s32(w, union))));
            out.add(new Decoded.Entry("si_uid", Integer.toUnsignedString(d.s32(w, union + 4))));
        }
        return new Decoded.KeyValues(out);
    }
}
