package dev.sextant.app.view.symbolstate;

/** One ChangeSymbolState notification as logged: when, the flags decoded, the argument decoded. Immutable. */
public record SymbolStateRow(long sequence, String time, String flags, String argument) {}
