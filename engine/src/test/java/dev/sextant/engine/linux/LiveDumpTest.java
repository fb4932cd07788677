package dev.sextant.engine.linux;

import dev.sextant.engine.api.AddressRange;
import dev.sextant.engine.api.DumpBlob;
import dev.sextant.engine.api.SavedDump;
import java.util.HexFormat;
import java.time.Duration;
import dev.sextant.engine.testing.Await;
import dev.sextant.engine.testing.NativePrograms;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.ThreadInfo;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.dump.CoreDumpSource;
import dev.sextant.engine.dump.DumpSource;
import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.dump.SecondaryDataIndex;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.Note;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.session.EngineThread;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code save-dump} of a live process through the engine thread's ptrace session: the registers
 * in the core are the ones ptrace reads, so gdb and eu-stack unwind the saved core to the stacks
 * Sextant walked live; the reason callbacks see and add what they should.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveDumpTest {
    @TempDir static Path dir;
    static final UUID GUID = UUID.fromString("0b5e55ed-1ce5-4a11-8d0c-5e1f00dd0001");
    static final String BLOB = "connections=3 state=draining";
    /** The test program's own functions: the frames every tool names alike (libc's names differ by tool). */
    static final Set<String> PROGRAM = Set.of("read_leaf", "read_mid", "read_top", "reader", "sleep_leaf", "sleep_mid", "sleeper",
            "wait_leaf", "wait_mid", "wait_top", "waiter", "main_wait", "main");

    @BeforeAll static void permitted() throws Exception { NativePrograms.assumePtracePermitted(); }

    @Test void savedCoreUnwindsInGdbAndEuStackAsSextantDidLive() throws Exception {
        Path exe = NativePrograms.compile("blocked", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            String[] addresses = p.line().split(" ");
            long textAddress = Long.decode(addresses[0]) & ~4095L;
            long marker = Long.decode(addresses[1]);
            awaitAllSleeping(p.pid(), 4);

            DumpReport live = engine.submit(new Command.StackProcess(new Pid(p.pid()), new Cancellation())).get(60, TimeUnit.SECONDS);
            Map<Integer, List<String>> liveFrames = physicalFrames(live);
            assertThat(liveFrames).hasSize(4);
            assertThat(programFrames(live).values()).containsExactlyInAnyOrder(
                    List.of("read_leaf", "read_mid", "read_top", "reader"), List.of("sleep_leaf", "sleep_mid", "sleeper"),
                    List.of("wait_leaf", "wait_mid", "wait_top", "waiter"), List.of("main_wait", "main"));

            Path core = dir.resolve("blocked.core");
            SavedDump result = engine.submit(new Command.SaveDump(new Command.DumpSource.Process(new Pid(p.pid())), core,
                    List.of(new AddressRange(textAddress, textAddress + 4096)), false, true,
                    List.of(new DumpBlob(GUID, "connection-pool", BLOB.getBytes(StandardCharsets.UTF_8))))).get(60, TimeUnit.SECONDS);
            assertThat(result.threads()).isEqualTo(4);
            assertThat(result.diagnostics()).isEmpty();
            assertThat(Files.readString(Path.of("/proc/" + p.pid() + "/status"))).as("detached").contains("TracerPid:\t0");

            // The registers ptrace gave: the same as the live snapshot's, and the FP state gdb reads.
            CoreFile cf = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
            assertThat(cf.threads().get(0).tid()).as("the leader first").isEqualTo(p.pid());
            for (CoreFile.PrStatus st : cf.threads()) {
                ThreadInfo t = live.threads().stream().filter(x -> x.tid().value() == st.tid()).findFirst().orElseThrow();
                // not orig_rax: a sleep interrupted by the first attach goes on as restart_syscall
                for (String r : List.of("rip", "rsp", "rbp", "fs_base")) {
                    assertThat(st.regs()[index(r)]).as(r + " of " + st.tid()).isEqualTo(t.registers().find(r).orElseThrow().value());
                }
            }
            assertThat(cf.notes().stream().filter(n -> n.type() == Note.NT_FPREGSET)).hasSize(4);
            assertThat(cf.signal()).as("stopped by the debugger, not a signal: no NT_SIGINFO").isEmpty();
            DumpReport read = dev.sextant.engine.dump.ElfCoreReader.read(core, dev.sextant.engine.dump.CoreOptions.DEFAULT,
                    new dev.sextant.engine.dump.CoreReadListener() {}, new Cancellation());
            assertThat(read.signal()).isEmpty();
            assertThat(read.threads()).as("no thread crashed").noneMatch(ThreadInfo::crashed);
            assertThat(physicalFrames(read)).as("Sextant reads the saved core as it walked the process").isEqualTo(liveFrames);

            Map<Integer, List<String>> eu = euStack(core);
            assertThat(eu).isEqualTo(liveFrames);
            Map<Integer, List<String>> gdb = gdbProgramFrames(exe, core);
            assertThat(gdb).isEqualTo(programFrames(live));
            assertThat(gdbRegister(exe, core, "mxcsr")).as("NT_FPREGSET/NT_X86_XSTATE read by gdb").contains("0x1f80");

            assertThat(result.sha256()).as("hashed as written").hasValue(HexFormat.of().formatHex(sha256(core)));
            List<SecondaryData> data = SecondaryDataIndex.ofElfCore(cf);
            assertThat(data).filteredOn(d -> d.component().equals("connection-pool")).singleElement()
                    .satisfies(d -> assertThat(d.decode().render()).contains("guid = {" + GUID + "}", "data = " + BLOB));
            try (CoreDumpSource saved = CoreDumpSource.open(core)) {
                byte[] page = new byte[4096];
                assertThat(saved.read(textAddress, ByteBuffer.wrap(page))).as("the AddPages range").isEqualTo(4096);
                assertThat(page).isEqualTo(fileBytes(exe, saved, textAddress));
                byte[] m = new byte[24];
                assertThat(saved.read(marker, ByteBuffer.wrap(m))).isEqualTo(24);
                assertThat(new String(m, StandardCharsets.US_ASCII)).isEqualTo("sextant-live-dump-marker");
            }
        }
    }

    @Test void signalStopIsSavedWithItsSiginfoAndThatThreadFirst() throws Exception {
        Path exe = NativePrograms.compile("blocked", dir);
        try (NativePrograms.Running p = NativePrograms.start(exe); EngineThread engine = new EngineThread()) {
            p.line();
            awaitAllSleeping(p.pid(), 4);
            LiveSessionTest.Events events = new LiveSessionTest.Events();
            engine.addListener(events);
            engine.submit(new Command.Attach(new Pid(p.pid()))).get(60, TimeUnit.SECONDS);
            engine.submit(new Command.Continue()).get(60, TimeUnit.SECONDS);
            new ProcessBuilder("kill", "-USR1", Integer.toString(p.pid())).start().waitFor();
            DebugEvent.ProcessStopped stop = events.await(DebugEvent.ProcessStopped.class, s -> s.reason() instanceof StopReason.SignalReceived);

            Path core = dir.resolve("signalled.core");
            SavedDump r = engine.submit(new Command.SaveDump(new Command.DumpSource.Process(new Pid(p.pid())), core,
                    List.of(), false, false, List.of())).get(60, TimeUnit.SECONDS);
            assertThat(r.threads()).isEqualTo(4);
            CoreFile cf = CoreFile.read(ByteReader.map(core, ByteOrder.LITTLE_ENDIAN));
            assertThat(cf.signal()).hasValueSatisfying(s -> {
                assertThat(s.signo()).isEqualTo(10);
                assertThat(s.code()).isZero();                      // SI_USER: sent by kill
                assertThat(s.senderPid()).isPositive();
            });
            assertThat(cf.threads().get(0).tid()).as("the thread the signal stopped first").isEqualTo(stop.tid().value());
            assertThat(cf.threads()).allSatisfy(t -> assertThat(t.cursig()).isEqualTo(10));
            if (NativePrograms.Tools.onPath("gdb")) {
                String out = gdb(exe, core, "info threads");
                assertThat(out).contains("Program terminated with signal SIGUSR1");
            }
            engine.submit(new Command.Kill()).get(60, TimeUnit.SECONDS);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    static int index(String register) { return List.of(LiveSnapshot.X86_64).indexOf(register); }

    /** Per thread, every frame a tool sees as its own (no inline rows) as "pc function". */
    static Map<Integer, List<String>> physicalFrames(DumpReport r) {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        for (ThreadStack st : r.stacks()) {
            out.put(st.tid().value(), st.frames().stream().filter(f -> !f.inline())
                    .map(f -> String.format("0x%x %s", f.pc().value(), f.function().orElse(""))).toList());
        }
        return out;
    }

    static Map<Integer, List<String>> programFrames(DumpReport r) {
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        for (ThreadStack st : r.stacks()) {
            out.put(st.tid().value(), st.frames().stream().map(StackFrame::function).flatMap(java.util.Optional::stream)
                    .filter(PROGRAM::contains).toList());
        }
        return out;
    }

    private static final Pattern EU_TID = Pattern.compile("^TID (\\d+):");
    private static final Pattern EU_FRAME = Pattern.compile("^#\\d+\\s+0x([0-9a-f]+)\\s*(\\S*)");

    static Map<Integer, List<String>> euStack(Path core) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("eu-stack"), "eu-stack (elfutils) is not installed");
        String text = run(List.of("eu-stack", "-s", "--core=" + core));
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            Matcher t = EU_TID.matcher(line);
            if (t.find()) {
                out.put(Integer.parseInt(t.group(1)), current = new ArrayList<>());
                continue;
            }
            Matcher f = EU_FRAME.matcher(line);
            if (f.find() && current != null) current.add(String.format("0x%x %s", Long.parseUnsignedLong(f.group(1), 16), f.group(2)));
        }
        return out;
    }

    private static final Pattern GDB_THREAD = Pattern.compile("^Thread \\d+ .*LWP (\\d+)");
    private static final Pattern GDB_FRAME = Pattern.compile("^#\\d+\\s+(?:0x[0-9a-f]+ in )?(\\S+) \\(");

    static Map<Integer, List<String>> gdbProgramFrames(Path exe, Path core) throws Exception {
        Assumptions.assumeTrue(NativePrograms.Tools.onPath("gdb"), "gdb is not installed");
        Map<Integer, List<String>> out = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : gdb(exe, core, "thread apply all bt").split("\n")) {
            Matcher t = GDB_THREAD.matcher(line);
            if (t.find()) {
                out.put(Integer.parseInt(t.group(1)), current = new ArrayList<>());
                continue;
            }
            Matcher f = GDB_FRAME.matcher(line);
            if (f.find() && current != null && PROGRAM.contains(f.group(1))) current.add(f.group(1));
        }
        return out;
    }

    static String gdbRegister(Path exe, Path core, String register) throws Exception {
        return gdb(exe, core, "info registers " + register);
    }

    static String gdb(Path exe, Path core, String command) throws Exception {
        return run(List.of("gdb", "-batch", "-nx", "-ex", "set debuginfod enabled off", "-ex", command, exe.toString(), core.toString()));
    }

    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** The executable's bytes that {@code address} maps, by the saved core's own mapping list. */
    static byte[] fileBytes(Path exe, CoreDumpSource saved, long address) throws Exception {
        DumpSource.Mapping m = saved.mappings().stream().filter(x -> x.start() <= address && address < x.end()).findFirst().orElseThrow();
        byte[] b = new byte[4096];
        try (RandomAccessFile f = new RandomAccessFile(exe.toFile(), "r")) {
            f.seek(m.fileOffset() + (address - m.start()));
            f.readFully(b);
        }
        return b;
    }

    static byte[] sha256(Path file) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    }

    /** Waits until {@code n} threads of {@code pid} sleep (each has reached its blocking call). */
    static void awaitAllSleeping(int pid, int n) throws Exception {
        Await.until(n + " threads of " + pid + " blocked in a system call", Duration.ofSeconds(10), () -> {
            int blocked = 0;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path t : tasks.toList()) {
                    String stat = Files.readString(t.resolve("stat"));
                    // sleeping, and inside the system call (its number first, not "running")
                    if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("S")
                            && Character.isDigit(Files.readString(t.resolve("syscall")).charAt(0))) blocked++;
                }
            }
            return blocked == n;
        });
    }
}
