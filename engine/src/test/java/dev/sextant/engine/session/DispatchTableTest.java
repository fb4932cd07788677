package dev.sextant.engine.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.engine.api.Command;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The engine answers every command the api declares: a new record without its dispatch entry fails here, not in a user's session. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
final class DispatchTableTest {
    @Test void everyCommandHasAHandler() {
        List<Class<?>> commands = Arrays.stream(Command.class.getPermittedSubclasses())
                .filter(c -> c.isRecord()).toList();
        assertThat(commands).hasSizeGreaterThan(30);
        try (EngineThread engine = new EngineThread()) {
            assertThat(commands).allSatisfy(c -> assertThat(engine.handles(c)).as(c.getSimpleName()).isTrue());
        }
    }
}
