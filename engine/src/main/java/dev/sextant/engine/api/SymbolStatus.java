package dev.sextant.engine.api;

/** The symbol state of one module, as a Modules table shows it. */
public enum SymbolStatus { DEFERRED, LOADING, LOADED, PARTIAL, FAILED, CANCELLED }
