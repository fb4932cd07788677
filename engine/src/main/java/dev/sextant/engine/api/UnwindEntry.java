package dev.sextant.engine.api;

/** One FDE of a file's unwind tables, for a table row; {@code index} names it for {@code DescribeUnwindEntry}. */
public record UnwindEntry(int index, String section, long start, long end, String symbol, String augmentation, boolean lsda) {}
