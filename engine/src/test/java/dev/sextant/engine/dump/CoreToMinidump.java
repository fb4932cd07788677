package dev.sextant.engine.dump;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.format.elf.BuildId;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import dev.sextant.engine.format.elf.ProgramHeader;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.minidump.SystemInfo;
import dev.sextant.engine.format.minidump.ThreadContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a Breakpad-style Linux minidump (x86-64, arm64 or 32-bit arm) of a real ELF core, as Breakpad's
 * client does for a live process: system info, one thread record per {@code NT_PRSTATUS} with its registers
 * as an amd64 CONTEXT, an {@code MDRawContextARM64} or an {@code MDRawContextARM} and its stack from the stack pointer (less
 * x86-64's red zone) to the end of its mapping, a module per mapped file with its ELF build-id as a
 * {@code BpEL} CodeView record, the memory list and the exception stream of the core's signal. A
 * test-side writer: the bytes are laid out by hand from the documented structures, so readers are
 * checked against a second, independent layout of the same facts.
 * <p>qemu-user's cores have neither {@code NT_FILE} nor {@code NT_SIGINFO}: their modules are then the
 * ones libdwfl finds from the dynamic linker's list (given the executable), and the signal is the
 * first thread's {@code cursig}.
 */
final class CoreToMinidump {
    private CoreToMinidump() {}

    private static final long MAX_STACK = 1 << 20;

    private static final int HEADER = 32, DIRECTORY = 12, STREAMS = 5, DATA = HEADER + DIRECTORY * STREAMS;

    static void write(Path core, Path out) throws IOException {
        new Writer().write(core, Optional.empty(), out);
    }

    /** With the executable, for cores whose modules only libdwfl finds (qemu-user's). */
    static void write(Path core, Path executable, Path out) throws IOException {
        new Writer().write(core, Optional.of(executable), out);
    }

    /** The layout of one architecture: its system info, context and the registers a {@code PrStatus} holds them at. */
    private record Arch(int cpu, int contextSize, int sp, int redZone, String vendor) {
        static Arch of(int machine) throws IOException {
            return switch (machine) {
                case ElfHeader.EM_X86_64 -> new Arch(SystemInfo.ARCH_AMD64, ThreadContext.AMD64_SIZE, 19, 128, "GenuineIntel");
                case ElfHeader.EM_AARCH64 -> new Arch(SystemInfo.ARCH_ARM64, ThreadContext.ARM64_SIZE, 31, 0, "");
                case PrStatusLayout.EM_ARM -> new Arch(SystemInfo.ARCH_ARM, ThreadContext.ARM_SIZE, 13, 0, "");
                default -> throw new IOException("no minidump layout here for ELF machine " + machine);
            };
        }

        byte[] context(long[] r) {
            return switch (cpu) {
                case SystemInfo.ARCH_AMD64 -> Writer.amd64Context(r);
                case SystemInfo.ARCH_ARM -> Writer.armContext(r);
                default -> Writer.arm64Context(r);
            };
        }
    }

    private static final class Writer {
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        private int blob(byte[] b) {
            while (data.size() % 8 != 0) data.write(0);
            int rva = DATA + data.size();
            data.writeBytes(b);
            return rva;
        }

        private int utf16(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_16LE);
            ByteBuffer bb = le(4 + b.length + 2);
            bb.putInt(b.length).put(b);
            return blob(bb.array());
        }

        void write(Path corePath, Optional<Path> executable, Path out) throws IOException {
            ByteReader file = ByteReader.map(corePath, ByteOrder.LITTLE_ENDIAN);
            CoreFile core = CoreFile.read(file);
            Arch arch = Arch.of(core.header().machine());
            List<int[]> dir = new ArrayList<>();     // type, size, rva
            ByteBuffer sys = le(56);
            sys.putShort((short) arch.cpu()).putShort((short) 6).putShort((short) 0x4601).put((byte) 2).put((byte) 1);
            sys.putInt(0).putInt(0).putInt(0).putInt(0x8201).putInt(utf16("Linux 6.1.0 core-to-minidump")).putShort((short) 0).putShort((short) 0);
            sys.put(arch.vendor().getBytes(StandardCharsets.US_ASCII));
            dir.add(new int[]{7, 56, blob(sys.array())});

            List<CoreFile.PrStatus> threads = core.threads();
            ByteBuffer list = le(4 + 48 * threads.size());
            ByteBuffer mem = le(4 + 16 * threads.size());
            list.putInt(threads.size());
            mem.putInt(threads.size());
            int crashedContext = 0;
            for (CoreFile.PrStatus t : threads) {
                long[] r = t.regs();
                long rsp = r[arch.sp()];
                long start = (rsp - arch.redZone()) & ~15L;
                ProgramHeader m = core.segments().stream().filter(x -> x.type() == ProgramHeader.PT_LOAD && x.filesz() > 0)
                        .filter(x -> Long.compareUnsigned(x.vaddr(), rsp) <= 0 && Long.compareUnsigned(rsp, x.vaddr() + x.filesz()) < 0)
                        .findFirst().orElseThrow(() -> new IOException("thread " + t.tid() + ": its stack is not in the core"));
                start = Math.max(start, m.vaddr());
                long end = Math.min(m.vaddr() + m.filesz(), start + MAX_STACK);
                byte[] stack = file.bytes("stack of thread " + t.tid(), m.offset() + (start - m.vaddr()), end - start);
                int stackRva = blob(stack);
                int ctxRva = blob(arch.context(r));
                if (crashedContext == 0) crashedContext = ctxRva;
                list.putInt(t.tid()).putInt(0).putInt(0).putInt(0).putLong(0);
                list.putLong(start).putInt(stack.length).putInt(stackRva).putInt(arch.contextSize()).putInt(ctxRva);
                mem.putLong(start).putInt(stack.length).putInt(stackRva);
            }
            dir.add(new int[]{3, list.capacity(), blob(list.array())});

            Map<String, long[]> files = files(corePath, core, executable);
            ByteBuffer mods = le(4 + 108 * files.size());
            mods.putInt(files.size());
            for (Map.Entry<String, long[]> f : files.entrySet()) {
                byte[] id = BuildId.ofFile(Path.of(f.getKey())).map(HexFormat.of()::parseHex).orElse(new byte[0]);
                int cv = blob(le(4 + id.length).putInt(0x4270454c).put(id).array());
                int name = utf16(f.getKey());
                long base = f.getValue()[0], size = f.getValue()[1] - base;
                mods.putLong(base).putInt((int) size).putInt(0).putInt(0).putInt(name);
                mods.position(mods.position() + 52);
                mods.putInt(4 + id.length).putInt(cv).putInt(0).putInt(0).putLong(0).putLong(0);
            }
            dir.add(new int[]{4, mods.capacity(), blob(mods.array())});
            dir.add(new int[]{5, mem.capacity(), blob(mem.array())});

            CoreFile.SigInfo sig = core.signal().or(() -> executable.map(e -> new CoreFile.SigInfo(threads.get(0).cursig(), 0, 0, 0, 0, 0)))
                    .orElseThrow(() -> new IOException("the core has no NT_SIGINFO"));
            ByteBuffer exc = le(168);
            exc.putInt(threads.get(0).tid()).putInt(0).putInt(sig.signo()).putInt(sig.code()).putLong(0).putLong(sig.addr());
            exc.putInt(0).putInt(0);
            exc.position(160);
            exc.putInt(arch.contextSize()).putInt(crashedContext);
            dir.add(new int[]{6, 168, blob(exc.array())});
            ByteBuffer head = le(DATA);
            head.putInt(0x504d444d).putInt(0xa793).putInt(dir.size()).putInt(HEADER).putInt(0).putInt(0).putLong(0);
            for (int[] d : dir) head.putInt(d[0]).putInt(d[1]).putInt(d[2]);
            try (var o = Files.newOutputStream(out)) {
                o.write(head.array());
                o.write(data.toByteArray());
            }
        }

        /** Each mapped file's path and {start, end}: from {@code NT_FILE}, else the modules libdwfl reports. */
        private static Map<String, long[]> files(Path core, CoreFile notes, Optional<Path> executable) {
            Map<String, long[]> files = new LinkedHashMap<>();
            for (CoreFile.MappedFile m : notes.files()) {
                long[] range = files.computeIfAbsent(m.path(), k -> new long[]{m.start(), m.end()});
                range[1] = Math.max(range[1], m.end());
            }
            if (!files.isEmpty() || executable.isEmpty()) return files;
            DumpReport r = ElfCoreReader.read(core, new CoreOptions(executable, Optional.empty()), CoreReadListener.NONE, new Cancellation());
            for (Module m : r.modules()) {
                String path = m.file().orElse(m.path());
                if (Files.isRegularFile(Path.of(path))) files.put(path, new long[]{m.base().value(), m.end().value()});
            }
            return files;
        }

        /** An amd64 CONTEXT (1232 bytes) from a {@code user_regs_struct}. */
        private static byte[] amd64Context(long[] r) {
            ByteBuffer c = le(1232);
            c.putInt(48, 0x10000b);                                 // CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT
            c.putShort(56, (short) r[17]).putShort(66, (short) r[20]).putInt(68, (int) r[18]);
            // rax rcx rdx rbx rsp rbp rsi rdi r8..r15 from user_regs_struct indices
            int[] from = {10, 11, 12, 5, 19, 4, 13, 14, 9, 8, 7, 6, 3, 2, 1, 0};
            for (int i = 0; i < from.length; i++) c.putLong(120 + 8 * i, r[from[i]]);
            c.putLong(248, r[16]);
            return c.array();
        }

        /**
         * An {@code MDRawContextARM64} (912 bytes, Windows' CONTEXT_ARM64) from a {@code user_pt_regs}
         * (x0..x30, sp, pc, pstate): flags, cpsr, then x0..x28, fp, lr, sp, pc.
         */
        private static byte[] arm64Context(long[] r) {
            ByteBuffer c = le(ThreadContext.ARM64_SIZE);
            c.putInt(0, (int) ThreadContext.FLAG_ARM64 | 0x3);        // CONTEXT_ARM64 | CONTROL | INTEGER
            c.putInt(4, (int) r[33]);
            for (int i = 0; i < 33; i++) c.putLong(8 + 8 * i, r[i]);
            return c.array();
        }

        /**
         * An {@code MDRawContextARM} (368 bytes) from an arm {@code pt_regs} (r0..r15, cpsr, orig_r0):
         * flags, r0..r15 (r13 sp, r14 lr, r15 pc), cpsr, then the VFP area left zero.
         */
        private static byte[] armContext(long[] r) {
            ByteBuffer c = le(ThreadContext.ARM_SIZE);
            c.putInt(0, (int) ThreadContext.FLAG_ARM | 0x3);          // MD_CONTEXT_ARM | CONTROL | INTEGER
            for (int i = 0; i < 17; i++) c.putInt(4 + 4 * i, (int) r[i]);
            return c.array();
        }
    }

    private static ByteBuffer le(int size) { return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN); }
}
