package dev.sextant.app.view.source;

import dev.sextant.engine.api.SourceText;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import dev.sextant.app.view.FxThread;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.ListView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;

/**
 * The current frame's source file at its line: a read-only RichTextFX {@link CodeArea} (its
 * paragraphs are virtualised: only the visible lines are laid out, whatever the file's length),
 * C/C++ colours computed off the FX thread, and a gutter with line numbers, breakpoints (click to
 * set or clear) and a marker at each frame's line. A file not found lists where it was looked for
 * and offers "Locate…".
 */
public final class SourceView {
    private final CodeArea area = new CodeArea();
    private final Label title = new Label("Source");
    private final Label message = new Label();
    private final ListView<String> looked = new ListView<>();
    private final Button locate = new Button("Locate…");
    private final VBox missing;
    private final BorderPane node;
    private final Gutter gutter;
    private final ReadOnlyObjectWrapper<SourceModel.Display> rendered = new ReadOnlyObjectWrapper<>();
    private SourceText.Found text;
    private int highlighted = -1;

    /**
     * @param setBreakpoint  sets a breakpoint at {@code file:line}
     * @param removeBreakpoint removes breakpoint {@code id}
     * @param locateFile     "Locate…" on a missing file: the view's model names the file (FX thread)
     */
    public SourceView(SourceModel model, Consumer<String> setBreakpoint, IntConsumer removeBreakpoint, Consumer<String> locateFile) {
        area.setEditable(false);
        area.setId("source-area");
        area.getStyleClass().add("source-area");
        gutter = new Gutter(area, line -> {
            SourceModel.Display d = model.display().get();
            Integer bp = d.breakpoints().get(line);
            if (bp != null) removeBreakpoint.accept(bp);
            else model.frame().flatMap(f -> f.file()).ifPresent(f -> setBreakpoint.accept(f + ":" + line));
        });
        title.setId("source-title");
        title.getStyleClass().add("text-bold");
        message.setId("source-message");
        message.setWrapText(true);
        looked.setId("source-looked");
        looked.setPrefHeight(160);
        locate.setId("source-locate");
        locate.setOnAction(e -> model.frame().flatMap(f -> f.file()).ifPresent(locateFile));
        missing = new VBox(6, looked, locate);
        VBox.setVgrow(looked, Priority.ALWAYS);
        VirtualizedScrollPane<CodeArea> scroll = new VirtualizedScrollPane<>(area);
        StackPane body = new StackPane(scroll, missing);
        node = new BorderPane(body);
        node.setTop(new VBox(2, title, message));
        node.getStylesheets().add(SourceView.class.getResource("source.css").toExternalForm());
        model.display().addListener((o, a, d) -> render(d));
        render(model.display().get());
    }

    private void render(SourceModel.Display d) {
        title.setText(d.title());
        title.setTooltip(d.text().map(t -> new Tooltip(t.location() + " (found by " + t.how() + ")")).orElse(null));
        message.setText(d.message());
        message.setManaged(!d.message().isEmpty());
        message.setVisible(!d.message().isEmpty());
        boolean notFound = d.missing().isPresent();
        missing.setVisible(notFound);
        missing.setManaged(notFound);
        if (notFound) {
            SourceText.NotFound nf = d.missing().get();
            message.setText(nf.file() + " was not found. Looked at:");
            message.setManaged(true);
            message.setVisible(true);
            looked.getItems().setAll(nf.looked());
        }
        area.setVisible(d.text().isPresent());
        long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
        boolean newFile = d.text().isPresent() && d.text().get() != text;
        if (newFile) {
            text = d.text().get();
            highlighted = -1;
            area.replaceText(text.text());
            area.getUndoManager().forgetHistory();
            colour(text, System.nanoTime());
        }
        gutter.update(d.pcLines(), d.breakpoints(), d.line());
        if (d.text().isPresent()) highlight(d.line());
        if (newFile) {
            openMillis = (System.nanoTime() - t0) / 1e6;
            openCpuMillis = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
        }
        rendered.set(d);
    }

    private void highlight(int line) {
        int paragraphs = area.getParagraphs().size();
        boolean same = line - 1 == highlighted;
        // Whether the line is on screen is read before any change: the area is still laid out from the
        // last pulse, so the read costs no layout pass.
        boolean onScreen = line >= 1 && line <= paragraphs && inViewport(line - 1);
        if (same && line >= 1 && line <= paragraphs) {
            if (!onScreen) area.showParagraphAtCenter(highlighted);
            return;
        }
        if (highlighted >= 0 && highlighted < paragraphs) area.setParagraphStyle(highlighted, List.of());
        highlighted = -1;
        if (line < 1 || line > paragraphs) return;
        highlighted = line - 1;
        area.setParagraphStyle(highlighted, List.of("current-line"));
        area.moveTo(highlighted, 0);
        if (!onScreen) area.showParagraphAtCenter(highlighted);
    }

    /** Whether paragraph {@code p} is well inside the viewport (a step to the next line does not scroll). */
    private boolean inViewport(int p) {
        try {
            return p > area.firstVisibleParToAllParIndex() && p < area.lastVisibleParToAllParIndex();
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            return false;                                   // nothing laid out yet: centre it
        }
    }

    /** Colours computed on a worker (a 100,000-line file takes a while), applied if the file is still shown. */
    private void colour(SourceText.Found file, long since) {
        FxThread.whenDone(CompletableFuture.supplyAsync(() -> CSyntax.highlight(file.text())), spans -> {
            if (text != file) return;
            long t0 = System.nanoTime(), c0 = CPU.getCurrentThreadCpuTime();
            area.setStyleSpans(0, spans);
            colourApplyMillis = (System.nanoTime() - t0) / 1e6;
            colourApplyCpuMillis = (CPU.getCurrentThreadCpuTime() - c0) / 1e6;
            colouredMillis = (System.nanoTime() - since) / 1e6;
            coloured.set(file);
        }, e -> { });       // uncoloured text is still the text
    }

    private double openMillis, colourApplyMillis, colouredMillis, openCpuMillis, colourApplyCpuMillis;
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private final ReadOnlyObjectWrapper<SourceText.Found> coloured = new ReadOnlyObjectWrapper<>();

    /**
     * Timings of the last file opened, in milliseconds: the FX thread's work to show it at its line
     * (wall, CPU), to apply its colours (wall, CPU), and the wall time until it was coloured (worker included).
     */
    public double[] lastOpenTimings() {
        return new double[] {openMillis, openCpuMillis, colourApplyMillis, colourApplyCpuMillis, colouredMillis};
    }

    /** The file whose colours were applied last. */
    public ReadOnlyObjectProperty<SourceText.Found> coloured() { return coloured.getReadOnlyProperty(); }

    /** The state last drawn (FX thread): tests and the step-latency bench wait on it. */
    public ReadOnlyObjectProperty<SourceModel.Display> rendered() { return rendered.getReadOnlyProperty(); }

    /** The text of the highlighted line, or empty. */
    public java.util.Optional<String> highlightedLineText() {
        return highlighted < 0 ? java.util.Optional.empty() : java.util.Optional.of(area.getParagraph(highlighted).getText());
    }

    public CodeArea area() { return area; }

    public Gutter gutter() { return gutter; }

    public Node node() { return node; }
}
