package dev.sextant.engine.unwind;

import java.util.OptionalLong;

/**
 * A Common Information Entry of {@code .eh_frame} or {@code .debug_frame}. Offsets are section offsets;
 * {@code instructionsOffset}/{@code instructionsLength} locate the initial instructions.
 * {@code personality} is the decoded personality routine pointer ({@code P}), which is the address of
 * the pointer when {@code personalityIndirect}. Immutable.
 */
public record Cie(long offset, long length, int version, String augmentation, long codeAlignment, long dataAlignment,
                  int returnAddressRegister, int fdeEncoding, int lsdaEncoding, int personalityEncoding,
                  OptionalLong personality, boolean personalityIndirect, boolean signalFrame, int addressSize,
                  int segmentSize, boolean hasAugmentationData, long instructionsOffset, int instructionsLength)
        implements CfiRecord {}
