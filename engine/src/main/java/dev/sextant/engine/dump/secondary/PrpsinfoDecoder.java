package dev.sextant.engine.dump.secondary;

import dev.sextant.engine.format.io.ByteReader;
import java.util.List;
import java.util.Set;

/** {@code NT_PRPSINFO}: process state, ids, short command name and the first 80 bytes of the arguments. */
public final class PrpsinfoDecoder implements SecondaryDecoder {
    @Override public Set<String> tags() { return Set.of("note:CORE:0x3"); }

    @Override public Decoded decode(SecondaryData data) {
        ByteReader d = data.bytes();
        String w = "NT_PRPSINFO";
        // 64-bit: 8 bytes of state, pr_flag (8), then u32 uid gid pid ppid pgrp sid; i386 keeps 16-bit uid/gid.
        boolean is64 = data.is64();
        long ids = is64 ? 16 : 8;
        String uid = is64 ? Integer.toUnsignedString(d.s32(w, ids)) : Integer.toString(d.u16(w, ids));
        String gid = is64 ? Integer.toUnsignedString(d.s32(w, ids + 4)) : Integer.toString(d.u16(w, ids + 2));
        long pids = is64 ? 24 : 12;
        long names = is64 ? 40 : 28;
        char sname = (char) d.u8(w, 1);
        return new Decoded.KeyValues(List.of(
                new Decoded.Entry("pr_state", d.u8(w, 0) + " (" + sname + ")"),
                new Decoded.Entry("pr_uid", uid), new Decoded.Entry("pr_gid", gid),
                new Decoded.Entry("pr_pid", Integer.toString(d.s32(w, pids))),
                new Decoded.Entry("pr_ppid", Integer.toString(d.s32(w, pids + 4))),
                new Decoded.Entry("pr_pgrp", Integer.toString(d.s32(w, pids + 8))),
                new Decoded.Entry("pr_sid", Integer.toString(d.s32(w, pids + 12))),
                new Decoded.Entry("pr_fname", d.fixedString(w, names, 16)),
                new Decoded.Entry("pr_psargs", d.fixedString(w, names + 16, 80).strip())));
    }
}
