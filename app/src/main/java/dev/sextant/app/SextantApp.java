package dev.sextant.app;

public final class SextantApp extends javafx.application.Application {
    @Override public void start(javafx.stage.Stage stage) {}
}
