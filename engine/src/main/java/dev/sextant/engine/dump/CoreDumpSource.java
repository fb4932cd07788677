package dev.sextant.engine.dump;

import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.Note;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An existing ELF core as the source of a new one ("snapshot from a core"): its threads with their
 * raw register notes, its process details, signal, auxiliary vector, mappings ({@code PT_LOAD} with
 * the paths of {@code NT_FILE}) and the memory it stores. x86-64 cores only. Owned by one thread.
 */
public final class CoreDumpSource implements DumpSource, AutoCloseable {
    private final CoreFile core;
    private final CoreMemory memory;
    private final List<ThreadState> threads;
    private final ProcessDetails process;
    private final List<Mapping> mappings;

    private CoreDumpSource(CoreFile core, CoreMemory memory) {
        this.core = core;
        this.memory = memory;
        this.threads = threads(core);
        this.process = process(core, threads);
        this.mappings = mappings(core);
    }

    /** Opens a core; a file that is not a readable core fails with a {@link TargetException} naming it. */
    public static CoreDumpSource open(Path file) {
        try {
            if (!Files.isRegularFile(file)) throw new TargetException(file + ": no such file");
            file = CoreCache.standard().plain(file, CoreCache.Progress.NONE, new dev.sextant.engine.api.Cancellation());
            long size = Files.size(file);
            CoreFile core = CoreFile.open(file);
            CoreMemory memory = new CoreMemory(file, core.segments(), core.header().order());
            try {
                return new CoreDumpSource(core, memory);
            } catch (RuntimeException e) {
                memory.close();
                throw e;
            }
        } catch (FormatException e) {
            throw new TargetException(file + ": " + e.messageWithOffset(), e);
        } catch (IOException e) {
            throw new TargetException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    public CoreFile core() { return core; }

    @Override public int machine() { return core.header().machine(); }

    @Override public ProcessDetails process() { return process; }

    @Override public List<ThreadState> threads() { return threads; }

    @Override public Optional<byte[]> siginfo() {
        return raw("CORE", Note.NT_SIGINFO);
    }

    @Override public byte[] auxv() { return raw("CORE", Note.NT_AUXV).orElse(new byte[0]); }

    @Override public List<Mapping> mappings() { return mappings; }

    @Override public List<ReasonData.MemoryRange> readable(Mapping m) {
        return memory.stored(m.start(), m.end()).stream().map(r -> new ReasonData.MemoryRange(r[0], r[1])).toList();
    }

    @Override public int read(long address, ByteBuffer dst) throws IOException { return memory.read(address, dst); }

    @Override public long transferTo(long address, long length, java.nio.channels.WritableByteChannel out) throws IOException {
        return memory.transfer(address, length, out);
    }

    @Override public void close() throws IOException { memory.close(); }

    private Optional<byte[]> raw(String owner, int type) {
        for (Note n : core.notes()) {
            if (n.owner().equals(owner) && n.type() == type) return Optional.of(n.desc().bytes("note " + type, 0, n.desc().size()));
        }
        return Optional.empty();
    }

    /** Each {@code NT_PRSTATUS} with the {@code NT_FPREGSET} and {@code NT_X86_XSTATE} that follow it. */
    private static List<ThreadState> threads(CoreFile core) {
        if (!core.header().is64() || core.header().machine() != ElfHeader.EM_X86_64) {
            throw new TargetException("only x86-64 cores can be re-written for now, this one is " + core.header().machineName());
        }
        List<ThreadState> out = new ArrayList<>();
        ByteReader status = null;
        byte[] fp = null, xstate = null;
        for (Note n : core.notes()) {
            boolean prstatus = n.owner().equals("CORE") && n.type() == Note.NT_PRSTATUS;
            if (prstatus) {
                if (status != null) out.add(thread(status, fp, xstate));
                status = n.desc();
                fp = null;
                xstate = null;
            } else if (status != null && n.owner().equals("CORE") && n.type() == Note.NT_FPREGSET) {
                fp = n.desc().bytes("NT_FPREGSET", 0, n.desc().size());
            } else if (status != null && n.owner().equals("LINUX") && n.type() == Note.NT_X86_XSTATE) {
                xstate = n.desc().bytes("NT_X86_XSTATE", 0, n.desc().size());
            }
        }
        if (status != null) out.add(thread(status, fp, xstate));
        return List.copyOf(out);
    }

    private static ThreadState thread(ByteReader d, byte[] fp, byte[] xstate) {
        String w = "NT_PRSTATUS";
        long[] regs = new long[27];
        for (int i = 0; i < regs.length; i++) regs[i] = d.u64(w + " pr_reg", 112 + 8L * i);
        return new ThreadState(d.s32(w, 32), d.u16(w, 12), d.u64(w, 16), d.u64(w, 24), regs,
                Optional.ofNullable(fp), Optional.ofNullable(xstate));
    }

    private static ProcessDetails process(CoreFile core, List<ThreadState> threads) {
        ByteReader first = null;
        for (Note n : core.notes()) {
            if (n.owner().equals("CORE") && n.type() == Note.NT_PRSTATUS) { first = n.desc(); break; }
        }
        int pgrp = first == null ? 0 : first.s32("NT_PRSTATUS", 40), sid = first == null ? 0 : first.s32("NT_PRSTATUS", 44);
        for (Note n : core.notes()) {
            if (n.owner().equals("CORE") && n.type() == Note.NT_PRPSINFO && n.desc().size() >= 136) {
                ByteReader d = n.desc();
                String w = "NT_PRPSINFO";
                return new ProcessDetails(d.s32(w, 24), d.s32(w, 28), d.s32(w, 32), d.s32(w, 36), d.s32(w, 16), d.s32(w, 20),
                        (char) d.u8(w, 1), d.fixedString(w, 40, 16), d.fixedString(w, 56, 80));
            }
        }
        int pid = threads.isEmpty() ? 0 : threads.get(0).tid();
        return new ProcessDetails(pid, core.threads().get(0).ppid(), pgrp, sid, 0, 0, 'R', "", "");
    }

    /** 2^57 bytes: x86-64's user space with five-level paging; larger than any other architecture's. */
    private static final long MAX_MAPPING = 1L << 57;

    private static List<Mapping> mappings(CoreFile core) {
        List<Mapping> out = new ArrayList<>();
        for (ProgramHeader ph : core.segments()) {
            if (ph.type() != ProgramHeader.PT_LOAD || ph.memsz() == 0) continue;
            // A size no address space holds (a damaged header): rewriting it would walk exabytes.
            if (Long.compareUnsigned(ph.memsz(), MAX_MAPPING) > 0 || Long.compareUnsigned(ph.vaddr() + ph.memsz(), ph.vaddr()) < 0) {
                throw new TargetException(String.format("the core's segment at 0x%x claims 0x%x bytes of memory, more than any"
                        + " address space: its program header is damaged", ph.vaddr(), ph.memsz()));
            }
            Optional<CoreFile.MappedFile> f = core.files().stream().filter(m -> m.start() == ph.vaddr()).findFirst()
                    .or(() -> core.fileAt(ph.vaddr()));
            long fileOffset = f.map(m -> m.fileOffset() + (ph.vaddr() - m.start())).orElse(0L);
            out.add(new Mapping(ph.vaddr(), ph.vaddr() + ph.memsz(), ph.flags() & 7, fileOffset, f.map(CoreFile.MappedFile::path)));
        }
        out.sort(Comparator.comparing(Mapping::start, Long::compareUnsigned));
        return List.copyOf(out);
    }
}
