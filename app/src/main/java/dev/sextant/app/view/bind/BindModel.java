package dev.sextant.app.view.bind;

import dev.sextant.app.view.FxThread;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindStatus;
import dev.sextant.engine.api.DebugEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.control.TreeItem;

/**
 * The tree of the current bind, built from the status routine's calls as they arrive: image →
 * libraries (with where each was found) → the procedures bound in each. Failures (libraries not
 * found, unresolved symbols, broken tables) are put first and marked.
 */
public final class BindModel {
    private final TreeItem<BindNode> root = new TreeItem<>(new BindNode(BindNode.Kind.IMAGE, "No image bound", "", false));
    private final Map<String, TreeItem<BindNode>> modules = new HashMap<>();
    private final ReadOnlyStringWrapper counts = new ReadOnlyStringWrapper("");
    private TreeItem<BindNode> unresolved;
    private long bindId = -1;
    private int procedures, failures;

    public TreeItem<BindNode> root() { return root; }

    public ReadOnlyStringProperty counts() { return counts.getReadOnlyProperty(); }

    public void apply(List<DebugEvent> batch) {
        FxThread.check();
        for (DebugEvent e : batch) {
            if (e instanceof DebugEvent.BindStatusReported r) {
                if (r.bindId() != bindId) start(r.bindId(), r.status());
                add(r.status());
            } else if (e instanceof DebugEvent.BindFinished f && f.bindId() == bindId) {
                counts.set(f.modules() + " libraries, " + f.procedures() + " procedures, " + f.failures() + " failures"
                        + (f.stopped() ? " (stopped)" : "") + " in " + f.millis() + " ms");
            }
        }
        if (bindId != -1 && counts.get().isEmpty()) counts.set(modules.size() + " libraries, " + procedures + " procedures so far");
    }

    private void start(long id, BindStatus s) {
        bindId = id;
        modules.clear();
        unresolved = null;
        procedures = failures = 0;
        counts.set("");
        root.getChildren().clear();
        root.setValue(new BindNode(BindNode.Kind.IMAGE, s.imageName(), "", false));
        root.setExpanded(true);
    }

    private void add(BindStatus s) {
        BindParameter p = s.parameter();
        switch (s.reason()) {
            case BindImportModule -> module(s.dllName(), text(p), false);
            case BindImportModuleFailed -> module(s.dllName(), text(p), true);
            case BindImportProcedure, BindForwarder -> {
                procedures++;
                boolean forwarder = s.reason() == BindReason.BindForwarder;
                // With all-images, dependencies' own imports: count them, keep the tree to the image's.
                if (!s.imageName().equals(root.getValue().name()) && !forwarder) return;
                TreeItem<BindNode> m = module(s.dllName().isEmpty() ? "(no library)" : s.dllName(), "", false);
                String name = p instanceof BindParameter.ForwarderName f ? f.name() : text(p);
                String where = forwarder ? "forwarded: " + text(p) : "0x" + Long.toHexString(s.va());
                m.getChildren().add(new TreeItem<>(new BindNode(BindNode.Kind.PROCEDURE, name, where, false)));
            }
            case BindImportProcedureFailed -> {
                procedures++;
                failures++;
                if (unresolved == null) {
                    unresolved = new TreeItem<>(new BindNode(BindNode.Kind.PROBLEM, "Unresolved symbols", "", true));
                    unresolved.setExpanded(true);
                    root.getChildren().add(0, unresolved);
                }
                unresolved.getChildren().add(new TreeItem<>(new BindNode(BindNode.Kind.PROCEDURE, text(p),
                        "needed by " + shortName(s.imageName()) + (s.dllName().isEmpty() ? "" : ", version from " + s.dllName()), true)));
            }
            case BindImageComplete -> { }
            default -> {
                if (s.failure()) {
                    failures++;
                    root.getChildren().add(0, new TreeItem<>(new BindNode(BindNode.Kind.PROBLEM, s.reason().name(),
                            (s.dllName().isEmpty() ? "" : s.dllName() + ": ") + text(p), true)));
                }
            }
        }
    }

    /** A status parameter as the tree shows it. */
    static String text(BindParameter p) {
        if (p instanceof BindParameter.ModuleFound f) return f.path() + " (" + f.foundBy() + ")";
        if (p instanceof BindParameter.Failure f) return f.message() + (f.trail().isEmpty() ? "" : "; tried " + String.join(", ", f.trail()));
        if (p instanceof BindParameter.ProcedureName n) return n.name() + n.version().map(v -> "@" + v).orElse("");
        if (p instanceof BindParameter.ForwarderName f) return f.name() + " → " + f.target();
        if (p instanceof BindParameter.ByteCount c) return c.bytes() + " bytes";
        if (p instanceof BindParameter.SymbolFile f) return f.path();
        if (p instanceof BindParameter.Written w) return "bound copy written to " + w.path();
        if (p instanceof BindParameter.BoundImports b) return b.imports().size() + " bound imports";
        return "";
    }

    private TreeItem<BindNode> module(String name, String detail, boolean failed) {
        TreeItem<BindNode> m = modules.get(name);
        if (m == null) {
            m = new TreeItem<>(new BindNode(BindNode.Kind.MODULE, name, failed ? "not found: " + detail : detail, failed));
            modules.put(name, m);
            if (failed) {
                failures++;
                root.getChildren().add(0, m);
            } else {
                root.getChildren().add(m);
            }
        } else if (!detail.isEmpty() && m.getValue().detail().isEmpty()) {
            m.setValue(new BindNode(BindNode.Kind.MODULE, name, detail, failed));
        }
        return m;
    }

    private static String shortName(String path) {
        int slash = path.lastIndexOf('/');
        return slash >= 0 ? path.substring(slash + 1) : path;
    }
}
