package dev.sextant.app.view.processes;

import dev.sextant.app.view.FxThread;
import dev.sextant.app.view.table.TableKit;
import dev.sextant.engine.api.ProcessEntry;
import dev.sextant.icons.Icon;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.css.PseudoClass;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * Debug → Attach…: the machine's processes (pid, user, command line) with a filter, sortable
 * columns, and for each one that cannot be attached the reason. Enter or Attach attaches to the
 * selected process; the list is read off the FX thread.
 */
public final class ProcessPicker {
    private static final PseudoClass UNAVAILABLE = PseudoClass.getPseudoClass("unavailable");
    private final ObservableList<ProcessEntry> rows = FXCollections.observableArrayList();
    private final TableKit<ProcessEntry> kit = new TableKit<>("processes", rows, ProcessPicker::searchText);
    private final Dialog<ProcessEntry> dialog = new Dialog<>();
    private final Supplier<CompletableFuture<List<ProcessEntry>>> lister;
    private final Label note = new Label();

    public ProcessPicker(Window owner, Supplier<CompletableFuture<List<ProcessEntry>>> lister, Consumer<ProcessEntry> attach) {
        this.lister = lister;
        kit.column("PID", e -> e.pid().value(), 80);
        kit.column("User", ProcessEntry::user, 90);
        kit.column("Name", ProcessEntry::command, 140);
        kit.column("Command line", ProcessEntry::commandLine, 420);
        kit.column("Cannot attach", e -> e.cannotAttach().orElse(""), 300);
        kit.table().setRowFactory(t -> new TableRow<>() {
            @Override protected void updateItem(ProcessEntry e, boolean empty) {
                super.updateItem(e, empty);
                pseudoClassStateChanged(UNAVAILABLE, !empty && e != null && e.cannotAttach().isPresent());
            }
        });
        kit.table().setOnKeyPressed(k -> {
            if (k.getCode() == KeyCode.ENTER && attachable()) {
                dialog.setResult(kit.table().getSelectionModel().getSelectedItem());
                dialog.close();
                k.consume();
            }
        });
        kit.table().setOnMouseClicked(m -> {
            if (m.getClickCount() == 2 && attachable()) {
                dialog.setResult(kit.table().getSelectionModel().getSelectedItem());
                dialog.close();
            }
        });
        note.setId("processes-note");
        ButtonType attachType = new ButtonType("Attach", ButtonBar.ButtonData.OK_DONE);
        ButtonType refreshType = new ButtonType("Refresh", ButtonBar.ButtonData.LEFT);
        dialog.initOwner(owner);
        dialog.setTitle("Attach to a process");
        dialog.setHeaderText("Pick a process to debug (type to filter; Enter attaches)");
        dialog.setGraphic(Icon.DETACH.graphic(24));
        dialog.setResizable(true);
        dialog.getDialogPane().setContent(new VBox(6, kit.node(), note));
        dialog.getDialogPane().setPrefSize(1000, 560);
        dialog.getDialogPane().getStylesheets().add(ProcessPicker.class.getResource("/dev/sextant/app/sextant.css").toExternalForm());
        // Filtering down to one process selects it, so that typing its name and Enter attaches.
        kit.table().getItems().addListener((javafx.collections.ListChangeListener<ProcessEntry>) c -> {
            if (kit.table().getItems().size() == 1) kit.table().getSelectionModel().select(0);
        });
        dialog.getDialogPane().getButtonTypes().addAll(refreshType, attachType, ButtonType.CANCEL);
        Button attachButton = (Button) dialog.getDialogPane().lookupButton(attachType);
        attachButton.setId("processes-attach");
        attachButton.disableProperty().bind(javafx.beans.binding.Bindings.createBooleanBinding(() -> !attachable(),
                kit.table().getSelectionModel().selectedItemProperty()));
        Button refresh = (Button) dialog.getDialogPane().lookupButton(refreshType);
        refresh.addEventFilter(javafx.event.ActionEvent.ACTION, e -> { e.consume(); refresh(); });
        dialog.setResultConverter(b -> b == attachType ? kit.table().getSelectionModel().getSelectedItem() : null);
        dialog.setOnHidden(e -> {
            ProcessEntry chosen = dialog.getResult();
            if (chosen != null) attach.accept(chosen);
        });
    }

    private boolean attachable() {
        ProcessEntry e = kit.table().getSelectionModel().getSelectedItem();
        return e != null && e.cannotAttach().isEmpty();
    }

    private static String searchText(ProcessEntry e) {
        return e.pid().value() + " " + e.user() + " " + e.command() + " " + e.commandLine();
    }

    /** Reads /proc again (in the background); the filter stays. */
    public CompletableFuture<List<ProcessEntry>> refresh() {
        note.setText("Reading /proc…");
        return FxThread.whenDone(lister.get(), list -> {
            rows.setAll(list);
            long blocked = list.stream().filter(x -> x.cannotAttach().isPresent()).count();
            note.setText(list.size() + " processes; " + blocked + " cannot be attached (the last column says why)");
        }, e -> note.setText("The process list could not be read: " + e.getMessage()));
    }

    /** Opens the dialog (not modal-blocking: the window stays live) with a fresh list; the filter box has the focus. */
    public void show() {
        dialog.setResult(null);
        refresh();
        dialog.show();
        FxThread.later(() -> kit.filterField().requestFocus());
    }

    public TableKit<ProcessEntry> kit() { return kit; }

    public Dialog<ProcessEntry> dialog() { return dialog; }
}
