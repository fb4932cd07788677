package dev.sextant.engine.format.elf;

import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notes of an ELF core file, decoded: process status, one status per thread (in file order,
 * the dumping thread first as Linux writes it), the signal, the mapped files and the auxiliary
 * vector. Pure data; optional notes that fail to decode become {@code problems}, not a dead file.
 */
public record CoreFile(ElfHeader header, List<ProgramHeader> segments, List<Note> notes,
                       Optional<PrPsInfo> process, List<PrStatus> threads, Optional<SigInfo> signal,
                       List<MappedFile> files, Map<Long, Long> auxv, List<String> problems) {

    /** {@code NT_PRSTATUS}: one thread's id, current signal and general registers (raw, in the kernel's order). */
    public record PrStatus(int tid, int ppid, int cursig, long[] regs, long fileOffset) {}

    /** {@code NT_PRPSINFO}: process id, short command name and the first 80 bytes of its arguments. */
    public record PrPsInfo(int pid, int ppid, int uid, String fname, String psargs) {}

    /** {@code NT_SIGINFO}: the fatal signal; {@code addr} is meaningful only for fault signals. */
    public record SigInfo(int signo, int errno, int code, long addr, int senderPid, int senderUid) {}

    /** One {@code NT_FILE} entry: a file mapped at [start, end) from file offset {@code pageOffset * pageSize}. */
    public record MappedFile(long start, long end, long fileOffset, String path) {}

    /**
     * What a core of {@code fileSize} bytes lacks of the memory image its {@code PT_LOAD} segments
     * describe (a core cut short while written, or copied in part), as one line; empty when it is whole.
     */
    public Optional<String> missingMemory(long fileSize) {
        long needed = 0;
        for (ProgramHeader ph : segments) {
            if (ph.type() == ProgramHeader.PT_LOAD && ph.filesz() > 0) needed = Math.max(needed, ph.offset() + ph.filesz());
        }
        return needed <= fileSize ? Optional.empty() : Optional.of("truncated core: " + fileSize + " of " + needed
                + " bytes present; memory beyond offset 0x" + Long.toHexString(fileSize) + " is missing, so stacks may be cut short");
    }

    public static final long AT_PHDR = 3, AT_ENTRY = 9, AT_EXECFN = 31, AT_SYSINFO_EHDR = 33;

    /** The first read of a core file: the ELF header and, almost always, the program headers and notes. */
    private static final long HEAD = 1 << 20;

    /**
     * Reads a core file of any size through ranges: the ELF header, the program header table and
     * the notes are mapped (they come before the memory image, in the first few MiB), the memory
     * image is not. A core whose headers or notes lie beyond 2 GiB fails with
     * {@link FormatException.Kind#UNSUPPORTED}.
     */
    public static CoreFile open(java.nio.file.Path path) throws java.io.IOException {
        return read(headersAndNotes(path));
    }

    /**
     * The start of a core up to the end of its program headers and notes, read into memory (not
     * mapped: on JDK 22+ the first {@code FileChannel.map} of a process sets up the foreign-memory
     * machinery, tens of milliseconds of a short run). The memory segments after it are not read.
     */
    static ByteReader headersAndNotes(java.nio.file.Path path) throws java.io.IOException {
        java.nio.ByteOrder le = java.nio.ByteOrder.LITTLE_ENDIAN;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(path.toFile(), "r")) {
            long size = f.length();
            byte[] head = new byte[(int) Math.min(size, HEAD)];
            f.readFully(head);
            ElfHeader eh = ElfHeader.read(ByteReader.of(head, le));
            long needed = Math.max(head.length, eh.phoff() + (long) eh.phnum() * eh.phentsize());
            if (needed > head.length && needed <= size && needed <= MAX_HEADERS_AND_NOTES) head = readFrom(f, head, needed);
            if (eh.type() == ElfHeader.ET_CORE && needed <= head.length) {
                for (ProgramHeader ph : ProgramHeader.readAll(ByteReader.of(head, eh.order()), eh)) {
                    if (ph.type() == ProgramHeader.PT_NOTE) needed = Math.max(needed, Math.min(size, ph.offset() + ph.filesz()));
                }
            }
            if (needed > MAX_HEADERS_AND_NOTES) {
                throw new FormatException(FormatException.Kind.UNSUPPORTED, eh.phoff(), "program headers",
                        "the core's headers or notes end at offset 0x" + Long.toHexString(needed)
                                + ", beyond the " + (MAX_HEADERS_AND_NOTES >> 20) + " MiB Sextant reads for them");
            }
            if (needed > head.length) head = readFrom(f, head, Math.min(needed, size));
            return ByteReader.of(head, le);
        }
    }

    /** Headers and notes larger than this are refused (1,000 threads take about 4 MiB). */
    private static final long MAX_HEADERS_AND_NOTES = 1L << 30;

    private static byte[] readFrom(java.io.RandomAccessFile f, byte[] head, long length) throws java.io.IOException {
        byte[] all = java.util.Arrays.copyOf(head, (int) length);
        f.seek(head.length);
        f.readFully(all, head.length, all.length - head.length);
        return all;
    }

    /** Reads the header, program headers and every {@code PT_NOTE}; fails if the file is not a core. */
    public static CoreFile read(ByteReader file) {
        ElfHeader eh = ElfHeader.read(file);
        ByteReader r = file.withOrder(eh.order());
        if (eh.type() != ElfHeader.ET_CORE) {
            throw new FormatException(FormatException.Kind.UNSUPPORTED, 16, "ELF header",
                    "this is an ELF " + eh.typeName() + ", not a core file");
        }
        List<ProgramHeader> phs = ProgramHeader.readAll(r, eh);
        List<Note> notes = new ArrayList<>();
        for (ProgramHeader ph : phs) {
            if (ph.type() == ProgramHeader.PT_NOTE) {
                notes.addAll(NoteReader.read(r.slice("PT_NOTE segment " + ph.index(), ph.offset(), ph.filesz()),
                        "PT_NOTE segment " + ph.index()));
            }
        }
        if (notes.isEmpty()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, eh.phoff(), "program headers",
                    "the core has no notes (no PT_NOTE segment), so it names no threads");
        }
        List<String> problems = new ArrayList<>();
        Optional<PrPsInfo> ps = Optional.empty();
        Optional<SigInfo> sig = Optional.empty();
        List<PrStatus> threads = new ArrayList<>();
        List<MappedFile> files = List.of();
        Map<Long, Long> auxv = Map.of();
        // One layout and one set of field labels for all threads: a core of 100,000 threads built them per note.
        Optional<PrStatusLayout> layout = PrStatusLayout.of(eh);
        String[] labels = layout.map(l -> l.registers().stream().map(f -> "NT_PRSTATUS pr_reg." + f.name()).toArray(String[]::new))
                .orElse(new String[0]);
        for (Note n : notes) {
            if (!n.owner().equals("CORE") && !n.owner().equals("LINUX")) continue;
            try {
                switch (n.type()) {
                    case Note.NT_PRSTATUS -> { if (n.owner().equals("CORE")) threads.add(prstatus(n, eh, layout, labels)); }
                    case Note.NT_PRPSINFO -> { if (n.owner().equals("CORE")) ps = Optional.of(prpsinfo(n, eh)); }
                    case Note.NT_SIGINFO -> sig = Optional.of(siginfo(n, eh));
                    case Note.NT_FILE -> files = ntFile(n, eh);
                    case Note.NT_AUXV -> auxv = auxv(n, eh);
                    default -> { }
                }
            } catch (FormatException e) {
                problems.add(e.getMessage());
            }
        }
        if (threads.isEmpty()) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, notes.get(0).fileOffset(), "core notes",
                    "the core has no NT_PRSTATUS note, so it holds no thread");
        }
        return new CoreFile(eh, phs, List.copyOf(notes), ps, List.copyOf(threads), sig, files, auxv, List.copyOf(problems));
    }

    private static PrStatus prstatus(Note n, ElfHeader eh, Optional<PrStatusLayout> known, String[] labels) {
        ByteReader d = n.desc();
        String w = "NT_PRSTATUS";
        PrStatusLayout layout = known.orElseThrow(() -> new FormatException(FormatException.Kind.UNSUPPORTED,
                n.fileOffset(), w, "registers of " + eh.machineName() + " cores are not decoded"));
        int cursig = d.u16(w, 12);
        int tid = d.s32(w, layout.pidOffset());
        int ppid = d.s32(w, layout.pidOffset() + 4);
        List<PrStatusLayout.Field> fields = layout.registers();
        long[] regs = new long[fields.size()];
        for (int i = 0; i < regs.length; i++) {
            PrStatusLayout.Field f = fields.get(i);
            long at = layout.regOffset() + (long) f.offset();
            regs[i] = f.size() == 8 ? d.u64(labels[i], at) : d.u32(labels[i], at);
        }
        return new PrStatus(tid, ppid, cursig, regs, n.fileOffset());
    }

    private static PrPsInfo prpsinfo(Note n, ElfHeader eh) {
        ByteReader d = n.desc();
        String w = "NT_PRPSINFO";
        if (eh.is64()) {
            return new PrPsInfo(d.s32(w, 24), d.s32(w, 28), d.s32(w, 16), d.fixedString(w, 40, 16), d.fixedString(w, 56, 80));
        }
        // i386 keeps 16-bit uid/gid in the old prpsinfo layout.
        return new PrPsInfo(d.s32(w, 12), d.s32(w, 16), d.u16(w, 8), d.fixedString(w, 28, 16), d.fixedString(w, 44, 80));
    }

    private static SigInfo siginfo(Note n, ElfHeader eh) {
        ByteReader d = n.desc();
        String w = "NT_SIGINFO";
        // MIPS swaps si_code and si_errno (asm/siginfo.h: __ARCH_HAS_SWAPPED_SIGINFO).
        boolean swapped = eh.machine() == PrStatusLayout.EM_MIPS;
        int signo = d.s32(w, 0), errno = d.s32(w, swapped ? 8 : 4), code = d.s32(w, swapped ? 4 : 8);
        long union = eh.is64() ? 16 : 12;
        long addr = d.word(w, union, eh.is64());
        return new SigInfo(signo, errno, code, addr, d.s32(w, union), d.s32(w, union + 4));
    }

    private static List<MappedFile> ntFile(Note n, ElfHeader eh) {
        ByteReader d = n.desc();
        String w = "NT_FILE";
        boolean is64 = eh.is64();
        int ws = is64 ? 8 : 4;
        long count = d.word(w, 0, is64);
        long pageSize = d.word(w, ws, is64);
        if (count < 0 || count > d.size() / (3L * ws)) {
            throw new FormatException(FormatException.Kind.INCONSISTENT, n.fileOffset(), w,
                    "claims " + Long.toUnsignedString(count) + " entries, more than its " + d.size() + " bytes can hold");
        }
        long names = 2L * ws + count * 3 * ws;
        List<MappedFile> out = new ArrayList<>((int) count);
        long namePos = names;
        for (int i = 0; i < count; i++) {
            long e = 2L * ws + (long) i * 3 * ws;
            String path = d.cString(w + " name " + i, namePos, 4096);
            namePos += path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1;
            out.add(new MappedFile(d.word(w, e, is64), d.word(w, e + ws, is64), d.word(w, e + 2L * ws, is64) * pageSize, path));
        }
        return List.copyOf(out);
    }

    private static Map<Long, Long> auxv(Note n, ElfHeader eh) {
        ByteReader d = n.desc();
        int ws = eh.is64() ? 8 : 4;
        Map<Long, Long> out = new LinkedHashMap<>();
        for (long p = 0; p + 2L * ws <= d.size(); p += 2L * ws) {
            long key = d.word("NT_AUXV", p, eh.is64());
            if (key == 0) break;
            out.put(key, d.word("NT_AUXV", p + ws, eh.is64()));
        }
        return Map.copyOf(out);
    }

    /** The mapped file that contains {@code address}, if any. */
    public Optional<MappedFile> fileAt(long address) {
        for (MappedFile f : files) {
            if (Long.compareUnsigned(address, f.start()) >= 0 && Long.compareUnsigned(address, f.end()) < 0) return Optional.of(f);
        }
        return Optional.empty();
    }
}
