/**
 * Unwind tables, static and dynamic.
 * <ul>
 * <li>ELF: {@link dev.sextant.engine.unwind.ElfUnwindTables} opens a file's {@code .eh_frame} (through
 *     {@link dev.sextant.engine.unwind.EhFrameHdr} for lookups) and {@code .debug_frame};
 *     {@link dev.sextant.engine.unwind.CfiSection} decodes CIEs and FDEs and
 *     {@link dev.sextant.engine.unwind.CfaProgram} runs CFA programs into rows, laid out as
 *     {@code readelf --debug-dump=frames-interp} does (the tests compare the two).</li>
 * <li>PE x64: {@link dev.sextant.engine.unwind.PdataTable} ({@code RUNTIME_FUNCTION}s) and
 *     {@link dev.sextant.engine.unwind.UnwindInfo} (version 1 and 2, chains of at most eight links);
 *     {@link dev.sextant.engine.unwind.PeDwarf} for MinGW's {@code .debug_frame}.</li>
 * <li>Dynamic: {@link dev.sextant.engine.unwind.FunctionTables}, the seed's
 *     {@code RtlInstallFunctionTableCallback} family, with out-of-process providers as plug-ins.
 *     {@link dev.sextant.engine.unwind.DynamicTables} fills one per target from what the target
 *     registered: {@link dev.sextant.engine.unwind.GdbJitInterface} objects, libgcc
 *     {@code __register_frame} sections, {@link dev.sextant.engine.unwind.PerfMap} names.</li>
 * <li>Walking: {@link dev.sextant.engine.unwind.StackFrames} turns libdwfl's walk into frames with
 *     their {@link dev.sextant.engine.api.FrameSource}; frames in generated code are stepped by
 *     {@link dev.sextant.engine.unwind.CfiStep} with a dynamic table's rows, over
 *     {@link dev.sextant.engine.unwind.TargetMemory}.</li>
 * </ul>
 * Everything here is pure Java over {@link dev.sextant.engine.format.io.ByteReader}: malformed input
 * gives a {@link dev.sextant.engine.format.io.FormatException} or a {@link dev.sextant.engine.unwind.CfiRecord.Bad}
 * entry, never another exception or a hang. Addresses are link-time (ELF) or RVAs (PE) unless a
 * method says otherwise.
 */
package dev.sextant.engine.unwind;
