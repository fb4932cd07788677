package dev.sextant.engine.format.minidump;

/**
 * Minidump stream types: Microsoft's {@code MINIDUMP_STREAM_TYPE}, Breakpad's {@code 0x4767xxxx}
 * (Linux and Breakpad info), Crashpad's {@code 0x4350xxxx} and Mozilla's {@code 0x4d7axxxx}.
 */
public final class StreamType {
    private StreamType() {}

    public static final int UNUSED = 0, THREAD_LIST = 3, MODULE_LIST = 4, MEMORY_LIST = 5, EXCEPTION = 6,
            SYSTEM_INFO = 7, THREAD_EX_LIST = 8, MEMORY64_LIST = 9, COMMENT_A = 10, COMMENT_W = 11,
            HANDLE_DATA = 12, FUNCTION_TABLE = 13, UNLOADED_MODULE_LIST = 14, MISC_INFO = 15,
            MEMORY_INFO_LIST = 16, THREAD_INFO_LIST = 17, HANDLE_OPERATION_LIST = 18, TOKEN = 19,
            JAVASCRIPT_DATA = 20, SYSTEM_MEMORY_INFO = 21, PROCESS_VM_COUNTERS = 22, IPT_TRACE = 23,
            THREAD_NAMES = 24, LAST_RESERVED = 0xffff;

    public static final int BREAKPAD_INFO = 0x47670001, ASSERTION_INFO = 0x47670002, LINUX_CPU_INFO = 0x47670003,
            LINUX_PROC_STATUS = 0x47670004, LINUX_LSB_RELEASE = 0x47670005, LINUX_CMD_LINE = 0x47670006,
            LINUX_ENVIRON = 0x47670007, LINUX_AUXV = 0x47670008, LINUX_MAPS = 0x47670009, LINUX_DSO_DEBUG = 0x4767000a;

    public static final int CRASHPAD_INFO = 0x43500001;

    public static final int MOZ_MACOS_CRASH_INFO = 0x4d7a0001, MOZ_MACOS_BOOTARGS = 0x4d7a0002,
            MOZ_LINUX_LIMITS = 0x4d7a0003, MOZ_SOFT_ERRORS = 0x4d7a0004;

    /** The name writers and processors use for a stream type, or {@code "stream 0x…"}. */
    /** "ThreadList stream", or "stream 0x47670009" for a type without a name (not "stream 0x47670009 stream"). */
    public static String label(int type) {
        String n = name(type);
        return n.startsWith("stream 0x") ? n : n + " stream";
    }

    public static String name(int type) {
        return switch (type) {
            case UNUSED -> "Unused";
            case THREAD_LIST -> "ThreadList";
            case MODULE_LIST -> "ModuleList";
            case MEMORY_LIST -> "MemoryList";
            case EXCEPTION -> "Exception";
            case SYSTEM_INFO -> "SystemInfo";
            case THREAD_EX_LIST -> "ThreadExList";
            case MEMORY64_LIST -> "Memory64List";
            case COMMENT_A -> "CommentA";
            case COMMENT_W -> "CommentW";
            case HANDLE_DATA -> "HandleData";
            case FUNCTION_TABLE -> "FunctionTable";
            case UNLOADED_MODULE_LIST -> "UnloadedModuleList";
            case MISC_INFO -> "MiscInfo";
            case MEMORY_INFO_LIST -> "MemoryInfoList";
            case THREAD_INFO_LIST -> "ThreadInfoList";
            case HANDLE_OPERATION_LIST -> "HandleOperationList";
            case TOKEN -> "Token";
            case JAVASCRIPT_DATA -> "JavaScriptData";
            case SYSTEM_MEMORY_INFO -> "SystemMemoryInfo";
            case PROCESS_VM_COUNTERS -> "ProcessVmCounters";
            case IPT_TRACE -> "IptTrace";
            case THREAD_NAMES -> "ThreadNames";
            case BREAKPAD_INFO -> "BreakpadInfo";
            case ASSERTION_INFO -> "AssertionInfo";
            case LINUX_CPU_INFO -> "LinuxCpuInfo";
            case LINUX_PROC_STATUS -> "LinuxProcStatus";
            case LINUX_LSB_RELEASE -> "LinuxLsbRelease";
            case LINUX_CMD_LINE -> "LinuxCmdLine";
            case LINUX_ENVIRON -> "LinuxEnviron";
            case LINUX_AUXV -> "LinuxAuxv";
            case LINUX_MAPS -> "LinuxMaps";
            case LINUX_DSO_DEBUG -> "LinuxDsoDebug";
            case CRASHPAD_INFO -> "CrashpadInfo";
            case MOZ_MACOS_CRASH_INFO -> "MozMacosCrashInfo";
            case MOZ_MACOS_BOOTARGS -> "MozMacosBootargs";
            case MOZ_LINUX_LIMITS -> "MozLinuxLimits";
            case MOZ_SOFT_ERRORS -> "MozSoftErrors";
            default -> "stream 0x" + Integer.toHexString(type);
        };
    }

    /** True for the types below {@link #LAST_RESERVED} that Windows defines and this reader decodes itself. */
    public static boolean isUserStream(int type) {
        return Integer.compareUnsigned(type, LAST_RESERVED) > 0;
    }
}
