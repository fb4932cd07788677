package dev.sextant.engine.api;

/**
 * The symbol-state feed of {@code IDebugEventCallbacks::ChangeSymbolState}, with the seed's flag
 * values (dbgeng.h {@code DEBUG_CSS_*}). Called on the engine thread for every change whose flags
 * intersect {@link #interestMask()}; {@code argument} is the seed's: the module base for
 * {@code LOADS}, the base for {@code UNLOADS} (0 when several modules went at once), the new
 * options for {@code SYMBOL_OPTIONS}, and 0 whenever more than one flag is set. Copy, enqueue,
 * return: a listener that throws is removed and the failure reported as a diagnostic.
 */
public interface EngineListener {
    int DEBUG_CSS_ALL = 0xffffffff;
    int DEBUG_CSS_LOADS = 0x00000001;
    int DEBUG_CSS_UNLOADS = 0x00000002;
    int DEBUG_CSS_SCOPE = 0x00000004;
    int DEBUG_CSS_PATHS = 0x00000008;
    int DEBUG_CSS_SYMBOL_OPTIONS = 0x00000010;
    int DEBUG_CSS_TYPE_OPTIONS = 0x00000020;
    int DEBUG_CSS_COLLAPSE_CHILDREN = 0x00000040;

    /** Which {@code DEBUG_CSS_*} flags this listener wants; read once when it is added. */
    default int interestMask() { return DEBUG_CSS_ALL; }

    void changeSymbolState(int flags, long argument);

    /** {@code "LOADS|UNLOADS"}, for logs. */
    static String describe(int flags) {
        String[] names = {"LOADS", "UNLOADS", "SCOPE", "PATHS", "SYMBOL_OPTIONS", "TYPE_OPTIONS", "COLLAPSE_CHILDREN"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) sb.append(sb.length() == 0 ? "" : "|").append(names[i]);
        }
        int rest = flags & ~0x7f;
        if (rest != 0) sb.append(sb.length() == 0 ? "" : "|").append("0x").append(Integer.toHexString(rest));
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
