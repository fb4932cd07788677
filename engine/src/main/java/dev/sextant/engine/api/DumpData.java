package dev.sextant.engine.api;

/**
 * One piece of data a component added to a dump, for views (the {@code .enumtag} analogue): its tag
 * ({@code minidump:0x47670003}, {@code note:CORE:0x1}), a name for people, the component that added
 * it, its size in bytes, and its decoded rendering (text, key = value lines, or a hex dump). Immutable.
 */
public record DumpData(String tag, String name, String component, long size, String decoded) {}
