package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryDumpNote;
import dev.sextant.engine.format.elf.Note;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code PT_NOTE} contents of an x86-64 core in the kernel's order: the first thread's
 * {@code NT_PRSTATUS}, then {@code NT_PRPSINFO}, {@code NT_SIGINFO}, {@code NT_AUXV},
 * {@code NT_FILE}, its {@code NT_FPREGSET} and {@code NT_X86_XSTATE}; then each other thread's
 * status and registers; then Sextant's secondary dump data notes.
 */
final class CoreNotes {
    private CoreNotes() {}

    private static final int PRSTATUS_SIZE = 336, PRPSINFO_SIZE = 136, REGS = 27;

    static byte[] build(DumpSource source, List<DumpSource.Mapping> mappings, List<DumpLayout.Blob> blobs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpSource.ProcessDetails p = source.process();
        boolean first = true;
        for (DumpSource.ThreadState t : source.threads()) {
            note(out, "CORE", Note.NT_PRSTATUS, prstatus(t, p));
            if (first) {
                note(out, "CORE", Note.NT_PRPSINFO, prpsinfo(p));
                source.siginfo().ifPresent(s -> note(out, "CORE", Note.NT_SIGINFO, s));
                byte[] auxv = source.auxv();
                if (auxv.length > 0) note(out, "CORE", Note.NT_AUXV, auxv);
                if (mappings.stream().anyMatch(m -> m.path().isPresent())) note(out, "CORE", Note.NT_FILE, ntFile(mappings));
                first = false;
            }
            t.fpregs().ifPresent(f -> note(out, "CORE", Note.NT_FPREGSET, f));
            t.xstate().ifPresent(x -> note(out, "LINUX", Note.NT_X86_XSTATE, x));
        }
        for (DumpLayout.Blob b : blobs) {
            note(out, SecondaryDumpNote.OWNER, SecondaryDumpNote.TYPE, SecondaryDumpNote.encode(b.guid(), b.component(), b.bytes()));
        }
        return out.toByteArray();
    }

    static void note(ByteArrayOutputStream out, String owner, int type, byte[] desc) {
        byte[] name = owner.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(name.length + 1).putInt(desc.length).putInt(type);
        out.writeBytes(h.array());
        out.writeBytes(name);
        out.writeBytes(new byte[pad(name.length + 1) + 1]);
        out.writeBytes(desc);
        out.writeBytes(new byte[pad(desc.length)]);
    }

    private static int pad(int n) { return (4 - n % 4) % 4; }

    private static byte[] prstatus(DumpSource.ThreadState t, DumpSource.ProcessDetails p) {
        if (t.regs().length != REGS) {
            throw new IllegalArgumentException("thread " + t.tid() + " has " + t.regs().length + " registers, x86-64 has " + REGS);
        }
        ByteBuffer b = ByteBuffer.allocate(PRSTATUS_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, t.cursig());                       // pr_info.si_signo, as the kernel fills it
        b.putShort(12, (short) t.cursig());
        b.putLong(16, t.sigpend()).putLong(24, t.sighold());
        b.putInt(32, t.tid()).putInt(36, p.ppid()).putInt(40, p.pgrp()).putInt(44, p.sid());
        for (int i = 0; i < REGS; i++) b.putLong(112 + 8 * i, t.regs()[i]);
        b.putInt(328, t.fpregs().isPresent() ? 1 : 0);
        return b.array();
    }

    private static byte[] prpsinfo(DumpSource.ProcessDetails p) {
        ByteBuffer b = ByteBuffer.allocate(PRPSINFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int state = "RSDTZW".indexOf(p.state());
        b.put(0, (byte) Math.max(state, 0)).put(1, (byte) p.state());
        b.putInt(16, p.uid()).putInt(20, p.gid()).putInt(24, p.pid()).putInt(28, p.ppid()).putInt(32, p.pgrp()).putInt(36, p.sid());
        fixed(b, 40, 16, p.fname());
        fixed(b, 56, 80, p.psargs());
        return b.array();
    }

    private static void fixed(ByteBuffer b, int off, int len, String s) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        b.put(off, v, 0, Math.min(v.length, len - 1));  // NUL-terminated, as the kernel keeps it
    }

    private static byte[] ntFile(List<DumpSource.Mapping> mappings) {
        List<DumpSource.Mapping> files = mappings.stream().filter(m -> m.path().isPresent()).toList();
        ByteArrayOutputStream names = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(16 + 24 * files.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(files.size()).putLong(DumpWriter.PAGE);
        for (DumpSource.Mapping m : files) {
            b.putLong(m.start()).putLong(m.end()).putLong(m.fileOffset() / DumpWriter.PAGE);
            names.writeBytes(m.path().get().getBytes(StandardCharsets.UTF_8));
            names.write(0);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(b.array());
        all.writeBytes(names.toByteArray());
        return all.toByteArray();
    }
}
