package dev.sextant.engine.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Cancellation;
import dev.sextant.engine.api.CodeRange;
import dev.sextant.engine.api.Command;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.DumpReport;
import dev.sextant.engine.api.Instruction;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.StackFrame;
import dev.sextant.engine.api.StopReason;
import dev.sextant.engine.api.ThreadStack;
import dev.sextant.engine.code.Disassembler;
import dev.sextant.engine.session.EngineThread;
import dev.sextant.engine.testing.NativePrograms;
import dev.sextant.engine.testing.NativePrograms.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instruction-level control (issue 18): gdb's nexti over a call lands after it in the same frame
 * with the call done; stepi into it lands on the callee's first instruction; and a core's code
 * disassembles from its memory, as objdump lists the executable's bytes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InstructionStepTest {
    @TempDir Path dir;

    private static Instruction at(EngineThread engine, long pc) throws Exception {
        return LiveSessionTest.run(engine, new Command.Disassemble(Optional.empty(), new CodeRange("0x" + Long.toHexString(pc),
                java.util.OptionalInt.of(1), Optional.empty()))).instructions().get(0);
    }

    private static StackFrame top(EngineThread engine) throws Exception {
        return LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation())).stacks().get(0).frames().get(0);
    }

    @Test void nextiRunsTheCallAndStopsAfterItStepiEntersIt() throws Exception {
        NativePrograms.assumePtracePermitted();
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), "no libcapstone.so.4");
        Path exe = NativePrograms.compile("watchloop", dir);
        LiveSessionTest.Events events = new LiveSessionTest.Events();
        try (EngineThread engine = new EngineThread()) {
            engine.addListener(events);
            LiveSessionTest.run(engine, new Command.Launch(exe, List.of("5"), Optional.empty(), java.util.Map.of(), dir.resolve("watchloop.out")));
            LiveSessionTest.run(engine, new Command.SetBreakpoint("main"));
            LiveSessionTest.run(engine, new Command.Continue());
            BreakpointActionsTest.nextStop(events);
            // nexti through main until the call of step(i) is next: calls to atoi go by as one instruction each
            Instruction call = null;
            for (int n = 0; n < 300 && call == null; n++) {
                Instruction i = at(engine, top(engine).pc().value());
                if (i.mnemonic().startsWith("call") && i.targetName().equals(Optional.of("step"))) { call = i; break; }
                assertThat(top(engine).function()).hasValue("main");
                events.drain();
                LiveSessionTest.run(engine, new Command.StepOverInstruction(Optional.empty()));
                assertThat(BreakpointActionsTest.nextStop(events)).isInstanceOf(StopReason.StepCompleted.class);
            }
            assertThat(call).as("a call of step in main").isNotNull();
            long i = Long.parseLong(BreakpointActionsTest.value(engine, "i"));
            long total = Long.parseLong(BreakpointActionsTest.value(engine, "total"));

            events.drain();
            LiveSessionTest.run(engine, new Command.StepOverInstruction(Optional.empty()));
            assertThat(BreakpointActionsTest.nextStop(events)).isInstanceOf(StopReason.StepCompleted.class);
            long after = call.address().value() + call.length();
            assertThat(top(engine).pc().value()).as("the instruction after the call").isEqualTo(after);
            assertThat(procPc(engine, events)).as("/proc's pc of the stopped thread").isEqualTo(after);
            assertThat(BreakpointActionsTest.value(engine, "total")).as("step(i) ran").isEqualTo(Long.toString(total + i));

            // the next call of step: stepi goes into it
            for (int n = 0; n < 100; n++) {
                Instruction next = at(engine, top(engine).pc().value());
                if (next.mnemonic().startsWith("call") && next.targetName().equals(Optional.of("step"))) break;
                events.drain();
                LiveSessionTest.run(engine, new Command.StepOverInstruction(Optional.empty()));
                BreakpointActionsTest.nextStop(events);
            }
            Instruction again = at(engine, top(engine).pc().value());
            events.drain();
            LiveSessionTest.run(engine, new Command.StepInstruction(Optional.empty()));
            BreakpointActionsTest.nextStop(events);
            assertThat(top(engine).pc()).as("the callee's first instruction").isEqualTo(again.target().orElseThrow());
            assertThat(top(engine).function()).hasValue("step");
            LiveSessionTest.run(engine, new Command.Kill());
        }
    }

    /** The pc of the launched program's main thread as the kernel shows it to a tracer (/proc/PID/syscall: "-1 SP PC"). */
    private static long procPc(EngineThread engine, LiveSessionTest.Events events) throws Exception {
        List<ThreadStack> stacks = LiveSessionTest.run(engine, new Command.ReadStacks(new Cancellation())).stacks();
        String text = Files.readString(Path.of("/proc/" + stacks.get(0).tid().value() + "/syscall")).strip();
        String[] f = text.split(" ");
        return Long.decode(f[f.length - 1]);
    }

    @Test void aCoresCodeDisassemblesAsObjdumpListsTheExecutable() throws Exception {
        Assumptions.assumeTrue(Disassembler.unavailableReason().isEmpty(), "no libcapstone.so.4");
        Assumptions.assumeTrue(Tools.onPath("objdump"), "objdump (the reference) is not installed");
        Path exe = NativePrograms.compile("crash", dir);
        Path core = NativePrograms.coreOf(exe, dir);
        try (EngineThread engine = new EngineThread()) {
            DumpReport r = engine.submit(new Command.OpenCore(core, Optional.of(exe), Optional.empty(), new Cancellation())).get(60, TimeUnit.SECONDS);
            StackFrame crash = r.stacks().stream().filter(s -> !s.frames().isEmpty()).findFirst().orElseThrow().frames().get(0);
            Module main = r.modules().stream().filter(m -> m.path().endsWith("/crash") || m.path().equals(exe.toString())).findFirst().orElseThrow();
            List<Instruction> ours = engine.submit(new Command.Disassemble(Optional.empty(), CodeRange.at(crash.pc(), 6)))
                    .get(60, TimeUnit.SECONDS).instructions();
            assertThat(ours).hasSize(6);
            assertThat(ours.get(0).location().orElse("")).startsWith("level3");
            long bias = main.base().value();        // a PIE's first PT_LOAD is at 0
            List<String[]> theirs = objdump(exe, crash.pc().value() - bias, 6);
            for (int k = 0; k < 6; k++) {
                assertThat(Long.toHexString(ours.get(k).address().value() - bias)).isEqualTo(theirs.get(k)[0]);
                assertThat(ours.get(k).mnemonic()).as("mnemonic at " + theirs.get(k)[0]).isEqualTo(theirs.get(k)[1]);
            }
        }
    }

    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\t[0-9a-f ]+\\t(\\S+)");

    /** {@code n} instructions of objdump's listing from file address {@code start}: address (hex) and mnemonic. */
    private static List<String[]> objdump(Path exe, long start, int n) throws Exception {
        Process p = new ProcessBuilder("objdump", "-d", "-M", "intel", "--start-address=0x" + Long.toHexString(start),
                "--stop-address=0x" + Long.toHexString(start + 15L * n), exe.toString()).redirectErrorStream(true).start();
        List<String[]> out = new ArrayList<>();
        for (String line : new String(p.getInputStream().readAllBytes()).split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find() && out.size() < n) out.add(new String[] {m.group(1), m.group(2)});
        }
        p.waitFor();
        return out;
    }
}
