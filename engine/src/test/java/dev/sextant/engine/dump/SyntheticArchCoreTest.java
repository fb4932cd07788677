package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.format.elf.ElfHeader;
import dev.sextant.engine.format.elf.PrStatusLayout;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cores that qemu-user cannot write here (qemu 7.2's riscv64 writes none; x32 needs a kernel built
 * for it), made from notes in the kernel's layouts: {@code NT_PRSTATUS} per thread and a page of
 * stack. What eu-readelf decodes of them and what eu-stack walks is the reference.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyntheticArchCoreTest {
    @TempDir Path dir;

    static final int EM_RISCV = 243, EM_X86_64 = 62;
    static final long STACK = 0x7ff0_0000L;

    @Test void riscv64ThreadsAndRegistersEqualElfutils() throws Exception {
        Path core = write("riscv64.core", true, ByteOrder.LITTLE_ENDIAN, EM_RISCV, 256, new int[] {4242, 4243});
        check(core, "riscv64");
    }

    /** An x32 core is ELF32 with EM_X86_64 and 64-bit registers: it has two threads, not one. */
    @Test void x32ThreadsAndRegistersEqualElfutils() throws Exception {
        Path core = write("x32.core", false, ByteOrder.LITTLE_ENDIAN, EM_X86_64, 27 * 8, new int[] {777, 778});
        check(core, "x32");
    }

    private void check(Path core, String arch) throws Exception {
        Assumptions.assumeTrue(Tools.onPath("eu-readelf") && Tools.onPath("eu-stack"), "no elfutils");
        DumpReport r = CorpusCoreTest.read(core, null);
        assertThat(r.process().arch()).isEqualTo(arch);
        Map<Integer, Map<String, Long>> eu = ForeignArchCoreTest.euReadelfRegisters(core);
        assertThat(eu).hasSize(2);
        assertThat(r.threads()).extracting(t -> t.tid().value()).containsExactlyElementsOf(eu.keySet());
        for (ThreadInfo t : r.threads()) {
            int compared = 0;
            for (Map.Entry<String, Long> e : eu.get(t.tid().value()).entrySet()) {
                var reg = t.registers().find(e.getKey());
                if (reg.isEmpty()) continue;
                assertThat(reg.get().value()).as(arch + " " + t.tid() + " " + e.getKey()).isEqualTo(e.getValue());
                compared++;
            }
            assertThat(compared).isGreaterThanOrEqualTo(16);
        }
        Map<Integer, List<Long>> stack = euStackPcs(core);
        for (ThreadStack st : r.stacks()) {
            List<Long> ours = st.frames().stream().map(f -> f.pc().value()).toList();
            List<Long> theirs = stack.getOrDefault(st.tid().value(), List.of());
            if (theirs.isEmpty()) {
                // elfutils has no unwinder for the architecture (eu-stack prints no frame): frame 0, and why.
                long pc = r.threads().stream().filter(t -> t.tid().equals(st.tid())).findFirst().orElseThrow()
                        .registers().pc().orElseThrow().value();
                assertThat(ours).containsExactly(pc);
                assertThat(st.stopReason()).hasValueSatisfying(s -> assertThat(s).contains("cannot unwind " + arch));
            } else {
                assertThat(ours).as(arch + " thread " + st.tid()).isEqualTo(theirs);
            }
        }
    }

    /** eu-stack's pcs per thread (it exits non-zero when a walk stops early; the frames it printed count). */
    static Map<Integer, List<Long>> euStackPcs(Path core) throws Exception {
        String out = Tools.run(core.getParent(), 60, List.of("eu-stack", "--core", core.toString())).stdout();
        Map<Integer, List<Long>> threads = new java.util.LinkedHashMap<>();
        List<Long> cur = null;
        for (String line : out.split("\n")) {
            if (line.startsWith("TID ")) threads.put(Integer.parseInt(line.substring(4, line.indexOf(':'))), cur = new java.util.ArrayList<>());
            else if (cur != null && line.startsWith("#")) cur.add(Long.parseUnsignedLong(line.split("\\s+")[1].substring(2), 16));
        }
        return threads;
    }

    /**
     * An ELF core of two program headers, a {@code PT_NOTE} with one {@code NT_PRSTATUS} per thread
     * and a {@code PT_LOAD} of one page of stack. Each thread's registers are distinct words (the
     * register index and the tid), its pc points into the page, and its stack pointer at the page.
     */
    private Path write(String name, boolean is64, ByteOrder order, int machine, int regBytes, int[] tids) throws Exception {
        ElfHeader eh = new ElfHeader(is64, order, ElfHeader.ET_CORE, machine, 0, 0, 0, 0, 0, 0, 0, 0);
        PrStatusLayout layout = PrStatusLayout.of(eh).orElseThrow();
        assertThat(layout.regBytes()).isEqualTo(regBytes);
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        for (int tid : tids) {
            int size = layout.regOffset() + regBytes + 8;
            ByteBuffer d = ByteBuffer.allocate(size).order(order);
            d.putInt(0, 11).putShort(12, (short) 11);
            d.putInt(layout.pidOffset(), tid).putInt(layout.pidOffset() + 4, 1);
            List<PrStatusLayout.Field> f = layout.registers();
            for (int i = 0; i < f.size(); i++) {
                // Segment registers are 16 bits wide (eu-readelf prints only those); the others use the high half too.
                long v = i == layout.pc() ? STACK + 0x10 : i == layout.sp() ? STACK + 0x800
                        : f.get(i).name().matches("[cdefgs]s") ? 0x2b + i : ((long) tid << 32) + i;
                int at = layout.regOffset() + f.get(i).offset();
                if (f.get(i).size() == 8) d.putLong(at, v); else d.putInt(at, (int) v);
            }
            note(notes, order, 1, d.array());
        }
        byte[] n = notes.toByteArray();
        int ehsize = is64 ? 64 : 52, phentsize = is64 ? 56 : 32;
        int notesAt = ehsize + 2 * phentsize, loadAt = (notesAt + n.length + 4095) / 4096 * 4096;
        ByteBuffer b = ByteBuffer.allocate(loadAt + 4096).order(order);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) (is64 ? 2 : 1), (byte) (order == ByteOrder.LITTLE_ENDIAN ? 1 : 2), 1});
        b.putShort(16, (short) ElfHeader.ET_CORE).putShort(18, (short) machine).putInt(20, 1);
        if (is64) {
            b.putLong(32, ehsize).putShort(52, (short) ehsize).putShort(54, (short) phentsize).putShort(56, (short) 2);
            phdr64(b, ehsize, 4, 0, notesAt, 0, n.length, 4);
            phdr64(b, ehsize + phentsize, 1, 6, loadAt, STACK, 4096, 4096);
        } else {
            b.putInt(28, ehsize).putShort(40, (short) ehsize).putShort(42, (short) phentsize).putShort(44, (short) 2);
            phdr32(b, ehsize, 4, 0, notesAt, 0, n.length, 4);
            phdr32(b, ehsize + phentsize, 1, 6, loadAt, STACK, 4096, 4096);
        }
        b.put(notesAt, n);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static void phdr64(ByteBuffer b, int at, int type, int flags, long offset, long vaddr, long size, long align) {
        b.putInt(at, type).putInt(at + 4, flags).putLong(at + 8, offset).putLong(at + 16, vaddr).putLong(at + 24, vaddr)
                .putLong(at + 32, size).putLong(at + 40, size).putLong(at + 48, align);
    }

    private static void phdr32(ByteBuffer b, int at, int type, int flags, long offset, long vaddr, long size, long align) {
        b.putInt(at, type).putInt(at + 4, (int) offset).putInt(at + 8, (int) vaddr).putInt(at + 12, (int) vaddr)
                .putInt(at + 16, (int) size).putInt(at + 20, (int) size).putInt(at + 24, flags).putInt(at + 28, (int) align);
    }

    private static void note(ByteArrayOutputStream out, ByteOrder order, int type, byte[] desc) {
        ByteBuffer h = ByteBuffer.allocate(12).order(order);
        h.putInt(5).putInt(desc.length).putInt(type);
        out.writeBytes(h.array());
        out.writeBytes(new byte[] {'C', 'O', 'R', 'E', 0, 0, 0, 0});
        out.writeBytes(desc);
        out.writeBytes(new byte[(4 - desc.length % 4) % 4]);
    }
}
