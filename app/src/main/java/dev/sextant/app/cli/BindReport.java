package dev.sextant.app.cli;

import dev.sextant.engine.format.json.JsonOut;
import dev.sextant.engine.api.BindResult;
import dev.sextant.engine.api.BindResult.Module;
import dev.sextant.engine.api.BindResult.Procedure;
import dev.sextant.engine.api.BindResult.Status;
import dev.sextant.engine.api.BindResult.Unresolved;

/** Renders a {@link BindResult} as text (failures first) or as the documented JSON. */
public final class BindReport {
    private BindReport() {}

    /**
     * {@code {image, format, modules: [{name, path, foundBy, delayLoad, procedures: [{name, ordinal, version,
     * status, resolvedIn, address, forwardedTo}]}], missing: [name], unresolved: [{module, name,
     * version}]}}, one line, addresses as 0x hex.
     */
    public static String json(BindResult r) {
        StringBuilder sb = new StringBuilder(16 * 1024);
        JsonOut j = new JsonOut();
        j.beginObject();
        j.name("image").value(r.image());
        j.name("format").value(r.format());
        j.name("modules").beginArray();
        for (Module m : r.modules()) {
            j.beginObject().name("name").value(m.name()).name("path").value(m.path().orElse(null))
                    .name("foundBy").value(m.foundBy()).name("delayLoad").value(m.delayLoad());
            j.name("procedures").beginArray();
            for (Procedure p : m.procedures()) {
                j.beginObject().name("name").value(p.name()).name("ordinal").value(p.ordinal())
                        .name("version").value(p.version().orElse(null))
                        .name("status").value(p.status().label())
                        .name("resolvedIn").value(p.resolvedIn().orElse(null));
                j.name("address");
                if (p.status().failed() || p.status() == Status.WEAK_UNDEFINED) j.nullValue(); else j.hex(p.address());
                j.name("forwardedTo").value(p.forwardedTo().orElse(null)).endObject();
            }
            j.endArray().endObject();
        }
        j.endArray();
        j.name("missing").beginArray();
        r.missing().forEach(j::value);
        j.endArray();
        j.name("unresolved").beginArray();
        for (Unresolved u : r.unresolved()) {
            j.beginObject().name("module").value(u.module()).name("name").value(u.name())
                    .name("version").value(u.version().orElse(null)).endObject();
        }
        j.endArray();
        if (r.stopped()) j.name("stopped").value(true);
        j.endObject();
        return sb.append(j.text()).append('\n').toString();
    }

    public static String text(BindResult r) {
        StringBuilder sb = new StringBuilder(8 * 1024);
        sb.append(r.image()).append(" (").append(r.format()).append(")\n");
        if (!r.missing().isEmpty() || !r.unresolved().isEmpty()) {
            for (String m : r.missing()) {
                sb.append("  MISSING library ").append(m);
                r.modules().stream().filter(x -> x.name().equals(m) && x.path().isEmpty()).findFirst()
                        .ifPresent(x -> sb.append(" (needed by ").append(x.neededBy().orElse("?")).append("; ")
                                .append(x.failure().orElse("not found")).append(')'));
                sb.append('\n');
            }
            for (Unresolved u : r.unresolved()) {
                sb.append("  UNRESOLVED ").append(u.name()).append(u.version().map(v -> "@" + v).orElse(""))
                        .append(" (imported by ").append(u.module()).append(")\n");
            }
        }
        for (Module m : r.modules()) {
            if (m.path().isEmpty()) {
                sb.append("  ").append(m.name()).append(" => not found").append(m.delayLoad() ? " (delay-load)\n" : "\n");
                continue;
            }
            m.failure().ifPresent(f -> sb.append("  ").append(m.name()).append(": ").append(f).append('\n'));
            if (!m.foundBy().equals("image")) {
                sb.append("  ").append(m.name()).append(" => ").append(m.path().get()).append("  [").append(m.foundBy())
                        .append(m.delayLoad() ? "; delay-load]\n" : "]\n");
            }
            int bound = 0;      // a loop, not a stream: cold streams cost more than the rest of the report
            for (Procedure p : m.procedures()) if (!p.status().failed()) bound++;
            if (!m.procedures().isEmpty()) {
                sb.append("    ").append(m.name()).append(": ").append(bound).append('/').append(m.procedures().size())
                        .append(" imports bound\n");
            }
        }
        return sb.toString();
    }
}
