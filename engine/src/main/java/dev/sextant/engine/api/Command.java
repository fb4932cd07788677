package dev.sextant.engine.api;

/** Something the engine is asked to do, answered with a result of type {@code R}. Imperative names. */
public sealed interface Command<R> permits Command.OpenCore, Command.CloseTarget,
        Command.StackProcess, Command.Attach, Command.Launch, Command.Detach, Command.Kill, Command.Break,
        Command.Continue, Command.StepInstruction, Command.StepOver, Command.StepInto, Command.StepOut,
        Command.SetBreakpoint, Command.RemoveBreakpoint, Command.EnableBreakpoint, Command.ReadStacks,
        Command.SetScope, Command.EvaluateAddress, Command.ReadMemory,
        Command.LoadSymbols, Command.CancelSymbolLoad, Command.RetrySymbolLoad, Command.SetSymbolPath, Command.SetSymbolOptions,
        Command.FindSymbols, Command.DescribeAddress, Command.SetTypeOptions, Command.ListCrashes {

    /** Open a crash dump (an ELF core or a minidump, told apart by its magic); replaces the current target. */
    record OpenCore(java.nio.file.Path core, java.util.Optional<java.nio.file.Path> executable,
                    java.util.Optional<java.nio.file.Path> sysroot, Cancellation cancellation) implements Command<DumpReport> {}

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
    record Launch(java.nio.file.Path program, java.util.List<String> arguments, java.util.Optional<java.nio.file.Path> workingDirectory,
                  java.util.Map<String, String> environment, java.nio.file.Path output) implements Command<ProcessInfo> {
        public Launch {
            arguments = java.util.List.copyOf(arguments);
            environment = java.util.Map.copyOf(environment);
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
    record StepInstruction(java.util.Optional<Tid> thread) implements Command<Boolean> {}

    /** To the next source line in this function, calls run through (F10). */
    record StepOver(java.util.Optional<Tid> thread) implements Command<Boolean> {}

    /** To the next source line, into calls of functions that have line information (F11). */
    record StepInto(java.util.Optional<Tid> thread) implements Command<Boolean> {}

    /** Run until the current function returns to its caller (Shift+F11). */
    record StepOut(java.util.Optional<Tid> thread) implements Command<Boolean> {}

    /** A breakpoint on {@code 0xADDRESS}, {@code file:line} or a function name. */
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
    record LoadSymbols(java.util.Optional<Address> module) implements Command<Integer> {}

    /** Cancel the running and queued symbol loads of one module, or all when empty. Answers whether any was found. */
    record CancelSymbolLoad(java.util.Optional<Address> module) implements Command<Boolean> {}

    /** Forget a module's symbols (failed, cancelled, partial or loaded) and load them again. */
    record RetrySymbolLoad(Address module) implements Command<Boolean> {}

    /**
     * Set the symbol path ({@code own;debuglink;build-id[=ROOT];DIR;debuginfod*CACHE*URL…}); raises
     * {@code ChangeSymbolState(PATHS, 0)}. Answers the path as parsed.
     */
    record SetSymbolPath(String path) implements Command<String> {}

    /** Set the symbol options; raises {@code ChangeSymbolState(SYMBOL_OPTIONS, SymbolOption.mask(options))}. */
    record SetSymbolOptions(java.util.Set<SymbolOption> options) implements Command<Boolean> {
        public SetSymbolOptions { options = java.util.Set.copyOf(options); }
    }

    /**
     * Symbols matching {@code pattern} across the target's modules, WinDbg's {@code x}: a glob
     * ({@code mem*}), {@code /regex/}, optionally after {@code module!} ({@code libc*!mem*}). Loads
     * the symbols of the modules it names first; at most {@link #MAX_HITS} hits, sorted by address.
     */
    record FindSymbols(String pattern) implements Command<java.util.List<SymbolHit>> {
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
    record SetTypeOptions(java.util.Set<TypeOption> options) implements Command<Boolean> {
        public SetTypeOptions { options = java.util.Set.copyOf(options); }
    }

    /**
     * The crash inbox: every core in {@code directories} (systemd-coredump's, the ones given; plain
     * {@code core} and {@code core.PID} files too, compressed or not), recorded at or after
     * {@code since} when given, newest first, with what the system recorded beside each and, when
     * {@code signatures} is set, each crash's signature and the crashes grouped by it (computed in
     * one run, on parallel workers; progress arrives as {@link DebugEvent.ProgressReported}).
     */
    record ListCrashes(java.util.List<java.nio.file.Path> directories, java.util.Optional<java.time.Instant> since,
                       boolean signatures, Cancellation cancellation) implements Command<CrashInbox> {
        /** Where systemd-coredump stores cores. */
        public static final java.nio.file.Path SYSTEMD_DIRECTORY = java.nio.file.Path.of("/var/lib/systemd/coredump");

        public ListCrashes { directories = java.util.List.copyOf(directories); }
    }
}
