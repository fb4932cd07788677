package dev.sextant.engine.dump;

import dev.sextant.engine.dump.secondary.SecondaryData;
import dev.sextant.engine.dump.secondary.SecondaryDumpNote;
import dev.sextant.engine.format.elf.CoreFile;
import dev.sextant.engine.format.elf.Note;
import dev.sextant.engine.format.io.ByteReader;
import dev.sextant.engine.format.io.FormatException;
import dev.sextant.engine.format.minidump.CrashpadInfo;
import dev.sextant.engine.format.minidump.Minidump;
import dev.sextant.engine.format.minidump.ModuleRecord;
import dev.sextant.engine.format.minidump.StreamType;
import dev.sextant.engine.format.minidump.SystemInfo;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Lists the secondary data of a dump: what components added beyond threads, modules and memory. */
public final class SecondaryDataIndex {
    private SecondaryDataIndex() {}

    /** Streams this reader shows as threads, modules, memory or the crash summary: not listed as secondary data. */
    private static final Set<Integer> DECODED_STREAMS = Set.of(StreamType.UNUSED, StreamType.THREAD_LIST,
            StreamType.MODULE_LIST, StreamType.MEMORY_LIST, StreamType.EXCEPTION, StreamType.SYSTEM_INFO,
            StreamType.MEMORY64_LIST, StreamType.MISC_INFO, StreamType.MEMORY_INFO_LIST, StreamType.THREAD_NAMES,
            StreamType.UNLOADED_MODULE_LIST, StreamType.HANDLE_DATA);

    /** User and unknown streams by stream type, then Crashpad annotations by key, per module. */
    public static List<SecondaryData> ofMinidump(Minidump dump) {
        boolean is64 = dump.systemInfo().map(SystemInfo::is64).orElse(true);
        List<SecondaryData> out = new ArrayList<>();
        for (Minidump.StreamEntry e : dump.directory()) {
            if (DECODED_STREAMS.contains(e.type())) continue;
            ByteReader bytes;
            try {
                bytes = dump.bytesOf(e);
            } catch (FormatException ex) {
                continue; // the reader already reported the broken directory entry
            }
            out.add(new SecondaryData(String.format("minidump:0x%x", e.type()), e.name(), component(e.type()), bytes, is64));
        }
        dump.crashpadInfo().ifPresent(info -> crashpad(info, dump.modules(), is64, out));
        return List.copyOf(out);
    }

    private static String component(int type) {
        return switch (type >>> 16) {
            case 0x4767 -> "breakpad";
            case 0x4350 -> "crashpad";
            case 0x4d7a -> "mozilla";
            case 0 -> "windows";
            default -> "user stream";
        };
    }

    private static void crashpad(CrashpadInfo info, List<ModuleRecord> modules, boolean is64, List<SecondaryData> out) {
        info.simpleAnnotations().forEach((k, v) -> out.add(new SecondaryData("crashpad:simple", k, "crashpad", utf8(v), is64)));
        for (CrashpadInfo.ModuleInfo m : info.modules()) {
            String component = "crashpad module " + (m.moduleIndex() < modules.size()
                    ? modules.get((int) m.moduleIndex()).shortName() : "#" + m.moduleIndex());
            if (!m.listAnnotations().isEmpty()) {
                ByteArrayOutputStream joined = new ByteArrayOutputStream();
                for (int i = 0; i < m.listAnnotations().size(); i++) {
                    if (i > 0) joined.write(0);
                    joined.writeBytes(m.listAnnotations().get(i).getBytes(StandardCharsets.UTF_8));
                }
                out.add(new SecondaryData("crashpad:list", "list annotations", component,
                        ByteReader.of(joined.toByteArray(), ByteOrder.LITTLE_ENDIAN), is64));
            }
            m.simpleAnnotations().forEach((k, v) -> out.add(new SecondaryData("crashpad:simple", k, component, utf8(v), is64)));
            for (CrashpadInfo.Annotation a : m.annotations()) {
                out.add(new SecondaryData(String.format("crashpad:annotation:0x%x", a.type()), a.name(), component,
                        ByteReader.of(a.value(), ByteOrder.LITTLE_ENDIAN), is64));
            }
        }
    }

    private static ByteReader utf8(String s) {
        return ByteReader.of(s.getBytes(StandardCharsets.UTF_8), ByteOrder.LITTLE_ENDIAN);
    }

    /** Tag of the secondary dump data notes {@link DumpWriter} stores for reason callbacks. */
    public static final String SECONDARY_DUMP_DATA_TAG = SecondaryDumpNote.TAG;

    /** Every note of an ELF core, known or not, by owner name and type. */
    public static List<SecondaryData> ofElfCore(CoreFile core) {
        List<SecondaryData> out = new ArrayList<>(core.notes().size());
        for (Note n : core.notes()) {
            if (n.owner().equals(SecondaryDumpNote.OWNER) && n.type() == SecondaryDumpNote.TYPE) {
                // A component's KbCallbackSecondaryDumpData blob saved by DumpWriter: listed under that component, named by its GUID.
                try {
                    SecondaryDumpNote sd = SecondaryDumpNote.decode(n.desc());
                    out.add(new SecondaryData(SECONDARY_DUMP_DATA_TAG, "{" + sd.guid() + "}", sd.component(), n.desc(), core.header().is64()));
                    continue;
                } catch (FormatException e) {
                    // listed by owner and type below, shown as hex
                }
            }
            out.add(new SecondaryData(String.format("note:%s:0x%x", n.owner(), n.type()), noteName(n.owner(), n.type()),
                    n.owner().isEmpty() ? "(no owner)" : n.owner(), n.desc(), core.header().is64()));
        }
        return List.copyOf(out);
    }

    private static final Map<Integer, String> CORE_NOTES = Map.of(1, "NT_PRSTATUS", 2, "NT_FPREGSET", 3, "NT_PRPSINFO",
            4, "NT_TASKSTRUCT", 6, "NT_AUXV", 0x53494749, "NT_SIGINFO", 0x46494c45, "NT_FILE", 0x46e62b7f, "NT_PRXFPREG");
    private static final Map<Integer, String> LINUX_NOTES = Map.ofEntries(Map.entry(0x200, "NT_386_TLS"),
            Map.entry(0x201, "NT_386_IOPERM"), Map.entry(0x202, "NT_X86_XSTATE"), Map.entry(0x204, "NT_X86_SHSTK"), Map.entry(0x205, "NT_X86_XSAVE_LAYOUT"),
            Map.entry(0x400, "NT_ARM_VFP"), Map.entry(0x401, "NT_ARM_TLS"), Map.entry(0x402, "NT_ARM_HW_BREAK"),
            Map.entry(0x403, "NT_ARM_HW_WATCH"), Map.entry(0x404, "NT_ARM_SYSTEM_CALL"), Map.entry(0x405, "NT_ARM_SVE"),
            Map.entry(0x406, "NT_ARM_PAC_MASK"), Map.entry(0x410, "NT_ARM_TAGGED_ADDR_CTRL"),
            Map.entry(0x411, "NT_ARM_PAC_ENABLED_KEYS"), Map.entry(0x46e62b7f, "NT_PRXFPREG"));

    public static String noteName(String owner, int type) {
        String n = switch (owner) {
            case "CORE" -> CORE_NOTES.get(type);
            case "LINUX" -> LINUX_NOTES.get(type);
            case "GNU" -> type == 3 ? "NT_GNU_BUILD_ID" : type == 1 ? "NT_GNU_ABI_TAG" : type == 5 ? "NT_GNU_PROPERTY_TYPE_0" : null;
            default -> null;
        };
        return n != null ? n : String.format("type 0x%x", type);
    }
}
