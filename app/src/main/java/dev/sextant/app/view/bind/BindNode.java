package dev.sextant.app.view.bind;

/** One node of the bind tree: the image, a library, or a procedure. Immutable. */
public record BindNode(Kind kind, String name, String detail, boolean failed) {
    public enum Kind { IMAGE, MODULE, PROCEDURE, PROBLEM }

    @Override public String toString() {
        return detail.isEmpty() ? name : name + "  —  " + detail;
    }
}
