package dev.sextant.engine.linux;

import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.Breakpoint;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.MemoryBlock;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.TargetException;
import dev.sextant.engine.session.EngineThread;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ReadMemory and EvaluateAddress on a live process, cross-checked against /proc/PID/mem and the program's own addresses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryReadTest {
    @TempDir static Path dir;

    @BeforeAll static void permitted() throws Exception { NativePrograms.assumePtracePermitted(); }

    static <R> R run(EngineThread e, Command<R> c) throws Exception { return e.submit(c).get(30, TimeUnit.SECONDS); }

    /** What /proc/PID/mem holds at [address, address + length) (the test reads it itself, as another tracer-permitted reader). */
    static byte[] procMem(int pid, long address, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile("/proc/" + pid + "/mem", "r")) {
            f.seek(address);
            byte[] b = new byte[length];
            f.readFully(b);
            return b;
        }
    }

    @Test void readsAcrossAHoleAndMarksTheUnmappedPage() throws Exception {
        Path exe = NativePrograms.compile("memwindow", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            String[] f = p.line().split(" ");                  // marker 0x… pages 0x… 4096
            long marker = Long.parseUnsignedLong(f[1].substring(2), 16);
            long pages = Long.parseUnsignedLong(f[3].substring(2), 16);
            int page = Integer.parseInt(f[4]);
            LiveSessionTest.Events events = new LiveSessionTest.Events();
            engine.addListener(events);
            run(engine, new Command.Attach(new Pid(p.pid())));

            // The symbol, the symbol plus an offset, and a hex number name the same bytes.
            assertThat(run(engine, new Command.EvaluateAddress("memory_marker")).value()).isEqualTo(marker);
            assertThat(run(engine, new Command.EvaluateAddress("memory_marker+0x10")).value()).isEqualTo(marker + 16);
            assertThat(run(engine, new Command.EvaluateAddress("0x" + Long.toHexString(marker))).value()).isEqualTo(marker);
            MemoryBlock m = run(engine, new Command.ReadMemory(Address.of(marker), 32));
            assertThat(m.readableCount()).isEqualTo(32);
            assertThat(new String(m.bytes(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("sextant-memory-marker-0123456789");
            assertThat(m.bytes()).isEqualTo(procMem(p.pid(), marker, 32));
            DebugEvent.MemoryRead read = events.await(DebugEvent.MemoryRead.class, e -> e.block().start().value() == marker);
            assertThat(read.block()).isEqualTo(m);

            // The last 8 bytes of page 0, the whole hole, the first 8 bytes of page 2.
            long from = pages + page - 8;
            MemoryBlock across = run(engine, new Command.ReadMemory(Address.of(from), page + 16));
            byte[] before = procMem(p.pid(), from, 8);
            byte[] after = procMem(p.pid(), pages + 2L * page, 8);
            for (int i = 0; i < 8; i++) {
                assertThat(across.byteAt(i)).hasValue(before[i] & 0xff);
                assertThat(across.byteAt(i)).hasValue((page - 8 + i) * 7 & 0xff);
                assertThat(across.byteAt(page + 8 + i)).hasValue(after[i] & 0xff);
                assertThat(across.byteAt(page + 8 + i)).hasValue(255 - i);
            }
            for (int i = 8; i < page + 8; i++) assertThat(across.readable(i)).as("byte %d lies in the hole", i).isFalse();
            assertThat(across.readableCount()).isEqualTo(16);
            assertThatThrownBy(() -> procMem(p.pid(), pages + page, 1)).isInstanceOf(java.io.IOException.class);

            // Starting inside the hole: nothing before page 2 is readable, page 2 is.
            MemoryBlock fromHole = run(engine, new Command.ReadMemory(Address.of(pages + page + page / 2), page));
            assertThat(fromHole.readable(page / 2 - 1)).isFalse();
            assertThat(fromHole.byteAt(page / 2)).hasValue(255);

            // Registers of the stopped thread, as the kernel shows them in /proc/PID/syscall (… sp pc).
            long rsp = run(engine, new Command.EvaluateAddress("rsp")).value();
            String[] sys = java.nio.file.Files.readString(Path.of("/proc/" + p.pid() + "/syscall")).strip().split(" ");
            assertThat(rsp).isEqualTo(Long.parseUnsignedLong(sys[sys.length - 2].substring(2), 16));
            assertThat(run(engine, new Command.EvaluateAddress("rip")).value()).isEqualTo(Long.parseUnsignedLong(sys[sys.length - 1].substring(2), 16));
            assertThat(run(engine, new Command.ReadMemory(Address.of(rsp), 8)).readableCount()).isEqualTo(8);

            ExecutionException bad = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> run(engine, new Command.EvaluateAddress("no_such_symbol_here")));
            assertThat(bad.getCause()).isInstanceOf(TargetException.class).hasMessageContaining("no register or symbol");
            run(engine, new Command.Detach());
        }
    }

    @Test void breakpointBytesShowAsTheProgramsOwn() throws Exception {
        Path exe = NativePrograms.compile("memwindow", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            p.line();
            run(engine, new Command.Attach(new Pid(p.pid())));
            long fn = run(engine, new Command.EvaluateAddress("memory_tick")).value();
            byte[] original = procMem(p.pid(), fn, 16);
            Breakpoint b = run(engine, new Command.SetBreakpoint("0x" + Long.toHexString(fn)));
            assertThat(b.address().value()).isEqualTo(fn);
            byte[] inTarget = procMem(p.pid(), fn, 16);
            assertThat(inTarget[0]).isEqualTo((byte) 0xcc);             // the int3 is there ...
            MemoryBlock shown = run(engine, new Command.ReadMemory(Address.of(fn - 4), 20));
            assertThat(Arrays.copyOfRange(shown.bytes(), 4, 20)).isEqualTo(original);   // ... and the view shows the program's byte
            run(engine, new Command.Detach());
        }
    }
}
