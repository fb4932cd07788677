package dev.sextant.engine.elfutils;

/** What {@link ElfSession#cfiAt} found: no module at the pc, a module whose CFI does not cover it, or CFI that does. */
public enum CfiCoverage { NO_MODULE, NO_FDE, FDE }
