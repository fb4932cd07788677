/**
 * Unwind tables, static and dynamic.
 * <ul>
 * <li>ELF: {@link ElfUnwindTables} opens a file's {@code .eh_frame} (through
 *     {@link EhFrameHdr} for lookups) and {@code .debug_frame};
 *     {@link CfiSection} decodes CIEs and FDEs and
 *     {@link CfaProgram} runs CFA programs into rows, laid out as
 *     {@code readelf --debug-dump=frames-interp} does (the tests compare the two).</li>
 * <li>PE x64: {@link PdataTable} ({@code RUNTIME_FUNCTION}s) and
 *     {@link UnwindInfo} (version 1 and 2, chains of at most eight links);
 *     {@link PeDwarf} for MinGW's {@code .debug_frame}.</li>
 * <li>Dynamic: {@link FunctionTables}, the seed's
 *     {@code RtlInstallFunctionTableCallback} family, with out-of-process providers as plug-ins.
 *     {@link DynamicTables} fills one per target from what the target
 *     registered: {@link GdbJitInterface} objects, libgcc
 *     {@code __register_frame} sections, {@link PerfMap} names.</li>
 * <li>Walking: {@link StackFrames} turns libdwfl's walk into frames with
 *     their {@link FrameSource}; frames in generated code are stepped by
 *     {@link CfiStep} with a dynamic table's rows, over
 *     {@link TargetMemory}.</li>
 * </ul>
 * Everything here is pure Java over {@link ByteReader}: malformed input
 * gives a {@link FormatException} or a {@link CfiRecord.Bad}
 * entry, never another exception or a hang. Addresses are link-time (ELF) or RVAs (PE) unless a
 * method says otherwise.
 */
package dev.sextant.engine.unwind;

import dev.sextant.engine.api.FrameSource;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
