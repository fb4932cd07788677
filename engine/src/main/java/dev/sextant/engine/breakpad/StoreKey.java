package dev.sextant.engine.breakpad;

import dev.sextant.engine.format.minidump.ModuleRecord;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a module's symbol file is in a Breakpad store: {@code NAME/ID/NAME.sym} ({@code NAME.pdb} gives
 * {@code NAME.sym}). NAME is the debug file (a PDB) or the code file's last component; ID the debug
 * identifier (PDB GUID and age; for an ELF build-id, its Breakpad form). Both come from the dump, so
 * they are data: a name with a path separator, {@code ..}, a control character or more than 255
 * bytes has no key, an id must be hex; URLs carry them percent-encoded.
 */
public record StoreKey(String name, String id) {
    private static final Pattern ID = Pattern.compile("[0-9A-Fa-f]{1,64}");

    public StoreKey {
        if (!safeName(name)) throw new IllegalArgumentException("not a module name for a symbol store: " + printable(name));
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("not a debug identifier: " + printable(id));
    }

    /** The key of a minidump module, or empty when the dump gives no usable name or id. */
    public static Optional<StoreKey> of(ModuleRecord m) {
        String name = m.debugFileName().map(StoreKey::lastComponent).orElse(m.shortName());
        String id = m.codeView().orElse(null) instanceof ModuleRecord.ElfBuildId b ? BreakpadExport.moduleId(b.buildId()) : m.debugId();
        if (!safeName(name) || !ID.matcher(id).matches()) return Optional.empty();
        return Optional.of(new StoreKey(name, id.toUpperCase()));
    }

    /** {@code NAME.sym}, {@code .pdb} dropped. */
    public String fileName() {
        String base = name.toLowerCase().endsWith(".pdb") ? name.substring(0, name.length() - 4) : name;
        return base + ".sym";
    }

    /** The relative path in a directory store. */
    public String path() { return name + "/" + id + "/" + fileName(); }

    /** The relative URL in an HTTP store, each component percent-encoded. */
    public String urlPath() { return enc(name) + "/" + enc(id) + "/" + enc(fileName()); }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"); }

    private static String lastComponent(String s) {
        int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        return cut >= 0 ? s.substring(cut + 1) : s;
    }

    static boolean safeName(String n) {
        if (n == null || n.isEmpty() || n.equals(".") || n.equals("..") || n.contains("..")
                || n.getBytes(StandardCharsets.UTF_8).length > 255) return false;
        for (int i = 0; i < n.length(); i++) {
            char c = n.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f || c == ':' && i == 1) return false;
        }
        return true;
    }

    private static String printable(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        return '"' + b.toString() + '"';
    }
}
