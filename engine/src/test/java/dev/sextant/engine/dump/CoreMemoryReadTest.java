package dev.sextant.engine.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ReadMemory on an opened ELF core: the bytes and holes readelf's program headers say the file stores. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoreMemoryReadTest {
    @TempDir static Path dir;

    record Load(long vaddr, long offset, long filesz) {}

    /** The PT_LOAD segments as {@code readelf -lW} prints them. */
    static List<Load> loads(Path core) throws Exception {
        Tools.Result r = Tools.run(dir, 60, List.of("readelf", "-lW", core.toString()));
        List<Load> out = new ArrayList<>();
        for (String line : r.stdout().lines().toList()) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 6 && f[0].equals("LOAD")) {
                out.add(new Load(hex(f[2]), hex(f[1]), hex(f[4])));
            }
        }
        return out;
    }

    static long hex(String s) { return Long.parseUnsignedLong(s.substring(2), 16); }

    /** What the core file stores at {@code address}, by readelf's segments; empty where nothing is stored. */
    static Optional<Integer> stored(Path core, List<Load> loads, long address) throws Exception {
        for (Load l : loads) {
            if (l.filesz() > 0 && Long.compareUnsigned(address, l.vaddr()) >= 0 && Long.compareUnsigned(address, l.vaddr() + l.filesz()) < 0) {
                try (RandomAccessFile f = new RandomAccessFile(core.toFile(), "r")) {
                    f.seek(l.offset() + address - l.vaddr());
                    return Optional.of(f.read());
                }
            }
        }
        return Optional.empty();
    }

    @Test void readsWhatTheCoreStoresAndMarksTheRest() throws Exception {
        Assumptions.assumeTrue(Tools.onPath("readelf"), "no readelf to cross-check the segments");
        Path exe = NativePrograms.compile("crash", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        List<Load> loads = loads(core);
        try (EngineThread engine = new EngineThread()) {
            DumpReport report = engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation()))
                    .get(60, TimeUnit.SECONDS);
            ThreadInfo crashed = report.threads().stream().filter(ThreadInfo::crashed).findFirst().orElseThrow();
            long rsp = crashed.registers().find("rsp").orElseThrow().value();
            assertThat(engine.submit(new Command.EvaluateAddress("rsp")).get(30, TimeUnit.SECONDS).value()).isEqualTo(rsp);
            assertThat(engine.submit(new Command.EvaluateAddress("rsp+0x10")).get(30, TimeUnit.SECONDS).value()).isEqualTo(rsp + 16);

            // Around the stack pointer, and across the end of the segment that holds it.
            Load stack = loads.stream().filter(l -> rsp >= l.vaddr() && rsp < l.vaddr() + l.filesz()).findFirst().orElseThrow();
            for (long start : new long[] {rsp - 64, stack.vaddr() + stack.filesz() - 32}) {
                MemoryBlock m = engine.submit(new Command.ReadMemory(Address.of(start), 64)).get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 64; i++) {
                    Optional<Integer> want = stored(core, loads, start + i);
                    assertThat(m.readable(i)).as("byte at 0x%x readable", start + i).isEqualTo(want.isPresent());
                    if (want.isPresent()) assertThat(m.byteAt(i)).hasValue(want.get());
                }
            }
            MemoryBlock zero = engine.submit(new Command.ReadMemory(Address.of(0), 256)).get(30, TimeUnit.SECONDS);
            assertThat(zero.readableCount()).isZero();
        }
    }
}
