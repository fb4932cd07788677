package dev.sextant.engine.api;

import java.util.Optional;

/**
 * One thread of a target: id, name where known, whether it is the thread that crashed (or
 * stopped the process), the signal pending for it, and its general registers. Immutable.
 */
public record ThreadInfo(Tid tid, Optional<String> name, boolean crashed, int signal, RegisterSet registers) {}
