package dev.sextant.engine.elfutils.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The field order JnaWarmup puts in JNA's cache is the one FFIType's annotation gives, and JNA finds its cache. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JnaWarmupTest {
    @Test void seededOrderIsFfiTypesAnnotation() throws Exception {
        assertThat(JnaWarmup.seedFieldOrder()).as("JNA's field-order cache is where JnaWarmup looks").isTrue();
        Structure.FieldOrder order = JnaWarmup.ffiType().getAnnotation(Structure.FieldOrder.class);
        assertThat(order).isNotNull();
        assertThat(JnaWarmup.FFI_TYPE_FIELDS).containsExactly(order.value());
        // JNA still works after the seeding: a call through it returns
        assertThat(Dwfl.unavailableReason()).isEmpty();
    }
}
