package dev.sextant.engine.api;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Something the engine is asked to do, answered with a result of type {@code R}. Imperative names.
 * Fields are plain data (records, paths, strings, enums): no callbacks, handles or futures, so that a
 * command can cross a pipe.
 * <p>
 * A new command is three things: a record here (in this file: the sealed interface permits exactly
 * the records declared in it), its answer an {@code api} record or a JDK value; one line in
 * {@code session.EngineThread.registerHandlers()} ({@code on(Command.X.class, this::x)}, or
 * {@code onLive(...)} when it needs the live target, or {@code new Later(future)} when another
 * thread answers); and the handler method. Events it raises are {@link DebugEvent} records.
 * {@code DispatchTableTest} fails for a record without its entry.
 */
public sealed interface Command<R> {

    /** Open a crash dump (an ELF core or a minidump, told apart by its magic); replaces the current target. */
    record OpenCore(Path core, Optional<Path> executable,
                    Optional<Path> sysroot, Cancellation cancellation) implements Command<DumpReport> {}

    /** Close the current target, if any. */
    record CloseTarget() implements Command<Boolean> {}

    /** Attach to a live process, read every thread's symbolized stack, detach: the process runs on unchanged. */
    record StackProcess(Pid pid, Cancellation cancellation) implements Command<DumpReport> {}

    /** Attach to a running process (PTRACE_SEIZE every thread) and hold it stopped. */
    record Attach(Pid pid) implements Command<ProcessInfo> {}

    /**
     * Start a program under the debugger, held at its first instruction (after exec). It is started
     * through a short-lived intermediate, not as a child of the JVM; its output goes to {@code output}.
     */
    record Launch(Path program, List<String> arguments, Optional<Path> workingDirectory,
                  Map<String, String> environment, Path output) implements Command<ProcessInfo> {
        public Launch {
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }
    }

    /** Remove every breakpoint and let the process run on without the debugger. */
    record Detach() implements Command<Boolean> {}

    /** SIGKILL the process and end the session. */
    record Kill() implements Command<Boolean> {}

    /** Stop every thread (Ctrl+Break). */
    record Break() implements Command<Boolean> {}

    /** Continue every thread (F5). */
    record Continue() implements Command<Boolean> {}

    /** One machine instruction in {@code thread} (the last stopped thread when empty); the others stay stopped. */
    record StepInstruction(Optional<Tid> thread) implements Command<Boolean> {}

    /**
     * One machine instruction in {@code thread} (the last stopped thread when empty), a call run
     * through until it returns to the next instruction in this frame (gdb's {@code nexti}).
     */
    record StepOverInstruction(Optional<Tid> thread) implements Command<Boolean> {}

    /** To the next source line in this function, calls run through (F10). */
    record StepOver(Optional<Tid> thread) implements Command<Boolean> {}

    /** To the next source line, into calls of functions that have line information (F11). */
    record StepInto(Optional<Tid> thread) implements Command<Boolean> {}

    /** Run until the current function returns to its caller (Shift+F11). */
    record StepOut(Optional<Tid> thread) implements Command<Boolean> {}

    /**
     * A breakpoint on {@code 0xADDRESS}, {@code file:line} or a function name, optionally with a
     * condition after {@code if} ({@code process_order if id == 7}).
     */
    record SetBreakpoint(String location) implements Command<Breakpoint> {}

    record RemoveBreakpoint(int id) implements Command<Boolean> {}

    record EnableBreakpoint(int id, boolean enabled) implements Command<Breakpoint> {}

    /** Every thread's registers and symbolized stack of the stopped live target. */
    record ReadStacks(Cancellation cancellation) implements Command<DumpReport> {}

    /**
     * The user selected a thread and frame (the scope symbols are evaluated in): raises
     * {@code ChangeSymbolState(DEBUG_CSS_SCOPE, 0)} when it differs from the current one.
     * Answers whether the scope changed.
     */
    record SetScope(Tid thread, int frame) implements Command<Boolean> {}

    /**
     * An address expression in the current scope: {@code 0x7ffe1000} (hex), a register of the scope's
     * thread ({@code rsp}, {@code rip}), a symbol ({@code orders_done}), or any of these
     * {@code +} or {@code -} a hex offset ({@code main+0x10}). Cores know hex and registers.
     */
    record EvaluateAddress(String expression) implements Command<Address> {}

    /**
     * {@code length} bytes of the target's memory at {@code start} (at most {@link #MAX_LENGTH}), at
     * this stop; unreadable bytes are marked, never an error. Also raises {@code MemoryRead}.
     */
    record ReadMemory(Address start, int length) implements Command<MemoryBlock> {
        public static final int MAX_LENGTH = 1 << 20;

        public ReadMemory {
            if (length < 0 || length > MAX_LENGTH) throw new IllegalArgumentException("read 0 to " + MAX_LENGTH + " bytes, not " + length);
        }
    }

    /**
     * Load the symbols of the module at (or containing) {@code module}, or of every module when empty.
     * Loads are queued on the symbol handler's own thread; states arrive as
     * {@link DebugEvent.SymbolStatusChanged}. Answers how many modules were queued.
     */
    record LoadSymbols(Optional<Address> module) implements Command<Integer> {}

    /** Cancel the running and queued symbol loads of one module, or all when empty. Answers whether any was found. */
    record CancelSymbolLoad(Optional<Address> module) implements Command<Boolean> {}

    /** Forget a module's symbols (failed, cancelled, partial or loaded) and load them again. */
    record RetrySymbolLoad(Address module) implements Command<Boolean> {}

    /**
     * Set the symbol path ({@code own;debuglink;build-id[=ROOT];DIR;debuginfod*CACHE*URL…}); raises
     * {@code ChangeSymbolState(PATHS, 0)}. Answers the path as parsed.
     */
    record SetSymbolPath(String path) implements Command<String> {}

    /** Set the symbol options; raises {@code ChangeSymbolState(SYMBOL_OPTIONS, SymbolOption.mask(options))}. */
    record SetSymbolOptions(Set<SymbolOption> options) implements Command<Boolean> {
        public SetSymbolOptions { options = Set.copyOf(options); }
    }

    /**
     * Symbols matching {@code pattern} across the target's modules, WinDbg's {@code x}: a glob
     * ({@code mem*}), {@code /regex/}, optionally after {@code module!} ({@code libc*!mem*}). Loads
     * the symbols of the modules it names first; at most {@link #MAX_HITS} hits, sorted by address.
     */
    record FindSymbols(String pattern) implements Command<List<SymbolHit>> {
        public static final int MAX_HITS = 10_000;

        public FindSymbols {
            if (pattern == null || pattern.isBlank()) throw new IllegalArgumentException("give a symbol name or pattern");
        }
    }

    /**
     * What is at {@code address}, WinDbg's {@code ln}, as one line: module!symbol+offset, source file
     * and line, and the inlined calls there (innermost first). Loads the module's symbols first.
     */
    record DescribeAddress(Address address) implements Command<String> {}

    /**
     * Set the type options (how values are shown); when they change, raises
     * {@code ChangeSymbolState(TYPE_OPTIONS, TypeOption.mask(options))}. Answers whether they changed.
     */
    record SetTypeOptions(Set<TypeOption> options) implements Command<Boolean> {
        public SetTypeOptions { options = Set.copyOf(options); }
    }

    /**
     * The text of source file {@code file} (as the line table names it) of the code at {@code pc}:
     * found through the substitutions, at the DWARF path, under the compilation directory, beside the
     * module's file, then from debuginfod ({@code /buildid/ID/source/PATH}) by the symbol handler,
     * with progress and {@code cancellation}. Answers {@link SourceText.NotFound} listing every place
     * looked when none has it. Never reads on the caller's thread.
     */
    record LocateSource(Address pc, String file, Cancellation cancellation) implements Command<SourceText> {
        public LocateSource {
            if (file == null || file.isEmpty()) throw new IllegalArgumentException("give the source file's name");
        }
    }

    /**
     * The crash inbox: every core in {@code directories} (systemd-coredump's, the ones given; plain
     * {@code core} and {@code core.PID} files too, compressed or not), recorded at or after
     * {@code since} when given, newest first, with what the system recorded beside each and, when
     * {@code signatures} is set, each crash's signature and the crashes grouped by it (computed in
     * one run, on parallel workers; progress arrives as {@link DebugEvent.ProgressReported}).
     */
    record ListCrashes(List<Path> directories, Optional<Instant> since,
                       boolean signatures, Cancellation cancellation) implements Command<CrashInbox> {
        /** Where systemd-coredump stores cores. */
        public static final Path SYSTEMD_DIRECTORY = Path.of("/var/lib/systemd/coredump");

        public ListCrashes { directories = List.copyOf(directories); }
    }

    /**
     * Bind images' imports the way the dynamic linker would, without running them (BindImageEx).
     * Every status-routine call arrives as {@link DebugEvent.BindStatusReported}, each image's end as
     * {@link DebugEvent.BindFinished}; cancelling stops at the next status call. Runs beside the engine
     * thread (binding reads only files). Answers one outcome per image, in order.
     */
    record Bind(List<Path> images, BindOptions options, Cancellation cancellation) implements Command<List<BindOutcome>> {
        public Bind { images = List.copyOf(images); }
    }

    /**
     * Observe the dynamic linker of a program about to be launched (through an LD_AUDIT library): its
     * loads and bindings arrive as bind events. Answers the environment the {@link Launch} must add.
     */
    record ObserveBinds(Path program) implements Command<Map<String, String>> {}

    /** Where a saved core comes from: a running process (gcore), or a core re-written. */
    sealed interface DumpSource {
        record Process(Pid pid) implements DumpSource {}
        record Core(Path core) implements DumpSource {}
    }

    /**
     * Save an ELF core (the gcore analogue) of {@code source} to {@code output}: the live target when
     * it is that process and stopped, else attached for the moment it takes. {@code include} adds
     * address ranges, {@code includeFileText} program text, {@code data} tagged secondary data;
     * {@code sha256} hashes the core as it is written.
     */
    record SaveDump(DumpSource source, Path output, List<AddressRange> include, boolean includeFileText, boolean sha256,
                    List<DumpBlob> data) implements Command<SavedDump> {
        public SaveDump {
            include = List.copyOf(include);
            data = List.copyOf(data);
        }
    }

    /**
     * Replace the source path substitutions (gdb's {@code set substitute-path}), kept for this user
     * across runs; raises {@code ChangeSymbolState(PATHS, 0)}. Answers the list now in force.
     */
    record SetSourceSubstitutions(List<SourceSubstitution> substitutions) implements Command<List<SourceSubstitution>> {
        public SetSourceSubstitutions { substitutions = List.copyOf(substitutions); }
    }

    /** The source path substitutions in force (as kept for this user). */
    record ListSourceSubstitutions() implements Command<List<SourceSubstitution>> {}

    /**
     * The registers of frame {@code frame} (a Call stack row) of {@code thread} as unwound, on a live
     * target (stopped) or a core.
     */
    record ReadFrameRegisters(Tid thread, int frame) implements Command<UnwoundRegisters> {}

    /**
     * xmm0–xmm15, mxcsr and the x87 control/status words of frame {@code frame} of {@code thread}
     * (x86-64; a live target stopped, or an ELF core's {@code NT_FPREGSET}); callers' frames have none.
     */
    record ReadSseRegisters(Tid thread, int frame) implements Command<SseRegisters> {}

    /**
     * Read a crash dump (minidump or ELF core) for a report: crash, threads with stacks, modules, and
     * its secondary data, decoded when {@code decodeData}. A minidump's stacks are walked with the
     * Breakpad symbol stores {@code symbolStores} (';'-separated directories and http(s) URLs) when
     * it names any. The open target is untouched.
     */
    record SummarizeDump(Path file, Optional<Path> sysroot, boolean decodeData, String symbolStores) implements Command<DumpSummary> {
        /** Without Breakpad symbol stores. */
        public SummarizeDump(Path file, Optional<Path> sysroot, boolean decodeData) { this(file, sysroot, decodeData, ""); }
    }

    /** Run {@code program} until it crashes and capture its core into {@code directory} (the demo crash). Answers the core. */
    record CaptureCrash(Path program, List<String> arguments, Path directory, int timeoutSeconds) implements Command<Path> {
        public CaptureCrash { arguments = List.copyOf(arguments); }
    }

    /** The unwind-table entries (FDEs) of an ELF file, named from its symbols or its installed debug file. */
    record ListUnwindTables(Path file) implements Command<UnwindTables> {}

    /** One entry of {@link ListUnwindTables}: its CIE and its decoded rows, as text. */
    record DescribeUnwindEntry(Path file, int index) implements Command<String> {}

    /**
     * The {@code unwind} listing of an ELF file ({@code .eh_frame}, {@code .debug_frame}) or a PE x64
     * image ({@code .pdata}), every entry or only the one at {@code at}, as text or JSON. The listing
     * arrives as {@link DebugEvent.OutputWritten} events while the command runs.
     */
    record WriteUnwindListing(Path file, Optional<Long> at, boolean json) implements Command<UnwindListing> {}

    /** The processes of this machine, for the attach picker. */
    record ListProcesses() implements Command<List<ProcessEntry>> {}

    /** The target of a {@link QuerySymbols}: a core (with its executable), or a running process (stopped while queried). */
    sealed interface SymbolTarget {
        record Core(Path core, Optional<Path> executable) implements SymbolTarget {}
        record Process(Pid pid) implements SymbolTarget {}
    }

    /**
     * A one-shot symbol session, the command line's {@code symbols}: opens {@code target} with its own
     * symbol handler ({@code symbolPath}, or the default path), loads every module when {@code loadAll},
     * finds {@code patterns} (WinDbg's {@code x}) and looks up {@code addresses} (WinDbg's {@code ln},
     * with inlined calls when {@code inlines}), then closes it; a process runs on.
     */
    record QuerySymbols(SymbolTarget target, Optional<String> symbolPath, Set<SymbolOption> options, boolean loadAll,
                        List<String> patterns, List<Address> addresses, boolean inlines) implements Command<SymbolReport> {
        public QuerySymbols {
            options = Set.copyOf(options);
            patterns = List.copyOf(patterns);
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * Run {@code command} with the live target stopped: a running target is stopped first
     * ({@code ProcessStopped}, interrupted) and continued after ("break, do, resume"); a stopped one
     * stays stopped. Answers the command's answer.
     */
    record WhileStopped<R>(Command<R> command) implements Command<R> {}

    /**
     * What the engine does by itself at each stop of a live target: with {@code readStacks}, read
     * every thread's registers and stack (raising {@code ThreadsRefreshed} and {@code StackWalked}),
     * once for the stops one pump of the target reports. Off for a new engine.
     */
    record SetStopPolicy(boolean readStacks) implements Command<Boolean> {}

    /** Write a Breakpad symbol file ({@code .sym}) for an ELF file and its DWARF (Breakpad's dump_syms). */
    record ExportBreakpad(Path file, Path output, Cancellation cancellation) implements Command<SymbolFileWritten> {}

    /**
     * Disassemble {@code range} (x86-64, Intel syntax as {@code objdump -d -M intel}): of the module
     * file {@code file} at the file's addresses when given (no target needed), else of the live
     * target's memory (module or generated code, running or stopped; breakpoints do not show), or of the
     * open ELF core's (the modules' files filling in the code the core left out).
     */
    record Disassemble(Optional<Path> file, CodeRange range) implements Command<Disassembly> {}

    /**
     * A disassembly listing written as {@code objdump -d -M intel} writes it (or as JSON), arriving as
     * {@link DebugEvent.OutputWritten} events while the command runs: {@code what} of the module file
     * {@code file} at the file's addresses, or of the live target's (the open core's) memory when it is
     * empty. {@link AllFunctions}: every function symbol with a size, each decoded whole, in address
     * order (aliases of one body once); {@link AllCode}: every executable section decoded whole, in
     * the file's order (what {@code objdump -d} lists); both of a file only.
     */
    record WriteDisassembly(Optional<Path> file, What what, boolean json) implements Command<DisassemblyListing> {
        /** What a listing covers. */
        public sealed interface What permits Range, AllFunctions, AllCode {}

        public record Range(CodeRange range) implements What {}

        public record AllFunctions() implements What {}

        public record AllCode() implements What {}
    }

    /**
     * The arguments and locals (every enclosing block, static locals included; innermost block first)
     * of one frame: {@code frame} is the index of {@link StackFrame#index()} in the thread's stack,
     * inlined frames counted. Empty thread or frame: the current scope ({@link SetScope}). Members and
     * elements are read to any depth; of an array, the first {@code elements}; pointers are not followed.
     */
    record ReadVariables(Optional<Tid> thread, OptionalInt frame, int elements)
            implements Command<List<Variable>> {
        public static final int DEFAULT_ELEMENTS = 8;

        public ReadVariables {
            if (elements < 0) throw new IllegalArgumentException("elements must not be negative: " + elements);
        }
    }

    /**
     * One C expression in a frame (empty: the current scope), gdb's {@code print}: identifiers (the
     * frame's variables, then the module's globals), {@code . -> [] * &}, casts to named types,
     * arithmetic, comparisons, {@code && ||}. A mistake in the expression or an unreadable address is
     * the answer's {@link Variable#error()}, not a failed command; an unknown thread or frame fails it.
     */
    record Evaluate(Optional<Tid> thread, OptionalInt frame, String expression)
            implements Command<Variable> {
        public Evaluate {
            if (expression == null || expression.isBlank()) throw new IllegalArgumentException("give an expression");
        }
    }

    /**
     * gdb's {@code set var}: give the scalar {@code variable} (an expression of the frame:
     * {@code count}, {@code p->x}, {@code a[2]}) the value of {@code value} (a C expression of the
     * frame, or an enumerator's name), converted to its type, in a frame of the stopped live target
     * (empty thread or frame: the current scope). Written with ptrace; answers the variable as read
     * back. Refused on a core (read-only), for a running target, and for a value not in memory.
     */
    record SetVariable(Optional<Tid> thread, OptionalInt frame, String variable, String value)
            implements Command<Variable> {
        public SetVariable {
            if (variable == null || variable.isBlank()) throw new IllegalArgumentException("name the variable to change");
            if (value == null || value.isBlank()) throw new IllegalArgumentException("give the new value of " + variable);
        }
    }

    /**
     * Set a breakpoint's actions (each replaces the old one; empty clears it): a condition (C
     * expression), stop from the Nth hit where the condition holds, a log message with
     * {@code {expr}} values (a logpoint: prints, never stops). Parsed now: a syntax error fails the command.
     */
    record ConfigureBreakpoint(int id, Optional<String> condition, OptionalLong stopAfterHits,
                               Optional<String> logMessage) implements Command<Breakpoint> {
        public ConfigureBreakpoint {
            if (stopAfterHits.isPresent() && stopAfterHits.getAsLong() < 1) throw new IllegalArgumentException("stop after 1 or more hits");
        }
    }

    /**
     * Watch an lvalue ({@code counter}, {@code orders[2].total}) with a debug register in every
     * thread: writes, or reads and writes when {@code readWrite}. At most {@link Watchpoint#MAX}.
     */
    record SetWatchpoint(String expression, boolean readWrite) implements Command<Watchpoint> {
        public SetWatchpoint {
            if (expression == null || expression.isBlank()) throw new IllegalArgumentException("give an expression to watch");
        }
    }

    record RemoveWatchpoint(int id) implements Command<Boolean> {}

    /**
     * Set the next statement: move {@code thread}'s pc (the last stopped thread when empty) to
     * {@code address} (an address expression, {@code file:line}); the registers otherwise stay.
     * The caller asks the user first: skipping or repeating code changes the program's course.
     */
    record SetProgramCounter(Optional<Tid> thread, String location) implements Command<Address> {}

    /** Run to cursor: continue until a thread reaches {@code location} (or another stop comes first); a one-shot breakpoint. */
    record RunTo(String location) implements Command<Boolean> {}
}
