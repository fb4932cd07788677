package dev.sextant.engine.bind;

import dev.sextant.engine.api.BindReason;
import dev.sextant.engine.api.BindParameter;
import dev.sextant.engine.api.BindResult;
/**
 * The status routine of a bind ({@code PIMAGEHLP_STATUS_ROUTINE}): called on the binding thread for
 * each event, in order. Returning {@code false} stops the bind at once; the partial result is then
 * returned with {@link BindResult#stopped()} set. Must not block for long.
 */
@FunctionalInterface
public interface BindStatusRoutine {
    /**
     * @param reason    what happened
     * @param imageName the image whose imports are being bound (its path)
     * @param dllName   the library concerned (the needed name), or empty when none
     * @param va        a link-time (module-relative) address: where a procedure resolved; 0 when none
     * @param parameter what the seed passes for this reason, as a record
     */
    boolean status(BindReason reason, String imageName, String dllName, long va, BindParameter parameter);

    /** A routine that watches nothing and always goes on. */
    BindStatusRoutine CONTINUE = (reason, image, dll, va, parameter) -> true;
}
