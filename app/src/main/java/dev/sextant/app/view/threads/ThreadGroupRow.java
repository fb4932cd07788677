package dev.sextant.app.view.threads;

import dev.sextant.engine.api.Tid;
import java.util.Optional;

/**
 * A row of the grouped Threads view: a stack group ({@code tid} empty, {@code count} threads) or one
 * of its threads. {@code stack}: the group's functions, innermost first ({@code "park_a ← path_a ← start_thread"}).
 */
public record ThreadGroupRow(Optional<Tid> tid, int count, String name, String stack, String source, int frames, boolean marked) {}
