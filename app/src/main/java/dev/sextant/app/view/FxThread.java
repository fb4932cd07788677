package dev.sextant.app.view;

import javafx.application.Platform;

/** Models belong to the FX thread; this makes a wrong caller fail loudly instead of corrupting a list. */
public final class FxThread {
    private FxThread() {}

    public static void check() {
        if (!Platform.isFxApplicationThread()) {
            throw new IllegalStateException("models are applied on the FX thread, not on " + Thread.currentThread().getName());
        }
    }
}
