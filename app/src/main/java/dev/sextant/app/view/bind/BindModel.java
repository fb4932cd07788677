package dev.sextant.app.view.bind;

import dev.sextant.app.view.FxThread;
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
            if (e instanceof DebugEvent.BindStatusReported s) {
                if (s.stopId() != bindId) start(s);
                add(s);
            } else if (e instanceof DebugEvent.BindFinished f && f.stopId() == bindId) {
                counts.set(f.modules() + " libraries, " + f.procedures() + " procedures, " + f.failures() + " failures"
                        + (f.stopped() ? " (stopped)" : "") + " in " + f.millis() + " ms");
            }
        }
        if (bindId != -1 && counts.get().isEmpty()) counts.set(modules.size() + " libraries, " + procedures + " procedures so far");
    }

    private void start(DebugEvent.BindStatusReported s) {
        bindId = s.stopId();
        modules.clear();
        unresolved = null;
        procedures = failures = 0;
        counts.set("");
        root.getChildren().clear();
        root.setValue(new BindNode(BindNode.Kind.IMAGE, s.imageName(), "", false));
        root.setExpanded(true);
    }

    private void add(DebugEvent.BindStatusReported s) {
        switch (s.reason()) {
            case "BindImportModule" -> module(s.dllName(), s.parameter(), false);
            case "BindImportModuleFailed" -> module(s.dllName(), s.parameter(), true);
            case "BindImportProcedure", "BindForwarder" -> {
                if (!s.imageName().equals(root.getValue().name()) && !s.reason().equals("BindForwarder")) {
                    // With all-images, dependencies' own imports: count them, keep the tree to the image's.
                    procedures++;
                    return;
                }
                procedures++;
                TreeItem<BindNode> m = module(s.dllName().isEmpty() ? "(no library)" : s.dllName(), "", false);
                String where = s.reason().equals("BindForwarder") ? "forwarded: " + s.parameter()
                        : "0x" + Long.toHexString(s.va());
                m.getChildren().add(new TreeItem<>(new BindNode(BindNode.Kind.PROCEDURE,
                        s.reason().equals("BindForwarder") ? s.parameter().split(" → ")[0] : s.parameter(), where, false)));
            }
            case "BindImportProcedureFailed" -> {
                procedures++;
                failures++;
                if (unresolved == null) {
                    unresolved = new TreeItem<>(new BindNode(BindNode.Kind.PROBLEM, "Unresolved symbols", "", true));
                    unresolved.setExpanded(true);
                    root.getChildren().add(0, unresolved);
                }
                unresolved.getChildren().add(new TreeItem<>(new BindNode(BindNode.Kind.PROCEDURE, s.parameter(),
                        "needed by " + shortName(s.imageName()) + (s.dllName().isEmpty() ? "" : ", version from " + s.dllName()), true)));
            }
            case "BindImageComplete" -> { }
            default -> {
                if (s.failure()) {
                    failures++;
                    root.getChildren().add(0, new TreeItem<>(new BindNode(BindNode.Kind.PROBLEM, s.reason(),
                            (s.dllName().isEmpty() ? "" : s.dllName() + ": ") + s.parameter(), true)));
                }
            }
        }
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
