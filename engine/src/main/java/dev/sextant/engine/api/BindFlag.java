package dev.sextant.engine.api;

/** Options of one bind, after {@code BIND_NO_UPDATE}, {@code BIND_ALL_IMAGES} and friends. */
public enum BindFlag {
    /** Analyse only, write nothing: the default and the only mode for ELF. */
    NO_UPDATE,
    /** Bind every loaded dependency's own imports too, not only the image's. */
    ALL_IMAGES,
    /** PE only: write a bound copy of the image (not implemented for ELF, where it is refused). */
    UPDATE_COPY
}
