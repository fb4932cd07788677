package dev.sextant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sextant.app.view.modules.ModulesModel;
import dev.sextant.engine.api.Address;
import dev.sextant.engine.api.DebugEvent;
import dev.sextant.engine.api.Module;
import dev.sextant.engine.api.Pid;
import dev.sextant.engine.api.ProcessInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** A storm of engine events reaches the models in a few batches, and the FX thread keeps its pulse. */
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FxEventBridgeTest {
    @Start void start(Stage stage) { stage.show(); }

    @Test void aHundredThousandEventsArriveInFewBatchesWithoutStallingThePulse() throws Exception {
        ModulesModel modules = new ModulesModel();
        AtomicInteger applied = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        int n = 100_000;
        // The FX thread's CPU time per batch, not the wall time between pulses: a loaded machine stretches
        // the latter whatever the bridge does (bench/fx-pulse.sh measures pulses on a quiet one).
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        AtomicLong longestApplyNs = new AtomicLong();
        FxEventBridge bridge = new FxEventBridge(List.of(batch -> {
            long t0 = cpu.getCurrentThreadCpuTime();
            modules.apply(batch);
            longestApplyNs.accumulateAndGet(cpu.getCurrentThreadCpuTime() - t0, Math::max);
        }, batch -> {
            if (applied.addAndGet(batch.size()) == n + 1) done.countDown();
        }));
        AtomicLong longestGapNs = new AtomicLong();
        CountDownLatch pulsing = new CountDownLatch(2);
        AnimationTimer pulse = new AnimationTimer() {
            long last;
            @Override public void handle(long now) {
                if (last != 0) longestGapNs.accumulateAndGet(now - last, Math::max);
                last = now;
                pulsing.countDown();
            }
        };
        Platform.runLater(pulse::start);
        assertThat(pulsing.await(10, TimeUnit.SECONDS)).as("the FX pulse runs").isTrue();
        ProcessInfo p = new ProcessInfo(new Pid(1), Optional.empty(), "x", "", Optional.empty(), "x86_64");
        Thread engine = new Thread(() -> {
            bridge.onEvent(new DebugEvent.TargetOpened(7, "storm", "test", p, Optional.empty(), List.of()));
            for (int i = 0; i < n; i++) {
                Module m = new Module("/lib/m" + i + ".so", Address.of(0x1000L * i), 0x1000, Optional.empty(), Optional.empty(), Optional.empty());
                bridge.onEvent(new DebugEvent.ModuleLoaded(7, m));
            }
        }, "fake-engine");
        engine.start();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        Platform.runLater(pulse::stop);
        List<Integer> size = new ArrayList<>();
        CountDownLatch read = new CountDownLatch(1);
        Platform.runLater(() -> { size.add(modules.rows().size()); read.countDown(); });
        read.await(5, TimeUnit.SECONDS);
        assertThat(size.get(0)).isEqualTo(n);
        assertThat(bridge.batchesApplied()).isLessThan(n / 100);
        assertThat(TimeUnit.NANOSECONDS.toMillis(longestApplyNs.get())).as("the FX thread's longest batch, CPU ms").isLessThan(250);
        assertThat(longestGapNs.get()).as("the pulse ran while the events arrived").isPositive();
    }
}
