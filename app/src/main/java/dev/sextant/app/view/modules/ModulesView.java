package dev.sextant.app.view.modules;

import dev.sextant.app.view.table.TableKit;
import dev.sextant.icons.Icon;
import javafx.scene.Node;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;

/** The Modules table: path, base, size, build-id, and whether the module's file (and so its symbols) was found. */
public final class ModulesView {
    private final TableKit<ModuleRow> kit;

    public ModulesView(ModulesModel model, java.util.function.Consumer<String> bindModule) {
        kit = new TableKit<>("modules", model.rows(), ModuleRow::searchText);
        kit.column("Name", ModuleRow::name, 160);
        kit.column("Base", ModuleRow::base, 140);
        kit.column("Size", ModuleRow::size, 90);
        TableColumn<ModuleRow, String> symbols = kit.column("Symbols", ModuleRow::symbols, 90);
        symbols.setCellFactory(c -> new TableCell<>() {
            @Override protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setGraphic(empty || s == null ? null : ("found".equals(s) ? Icon.MODULE : Icon.MODULE_MISSING).graphic());
            }
        });
        kit.column("Build-id", ModuleRow::buildId, 300);
        kit.column("Path", ModuleRow::path, 280);
        kit.column("File found", ModuleRow::file, 280);
        kit.addRowAction("Bind this module…", Icon.MODULE.graphic(), r -> {
            String file = r.file().startsWith("/") ? r.file() : r.path();
            if (file.startsWith("/")) bindModule.accept(file);
        });
    }

    public Node node() { return kit.node(); }

    public TableKit<ModuleRow> kit() { return kit; }
}
