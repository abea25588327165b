package io.kafkalite.examples.game;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FraudDetectorTest {

    private final FraudDetector detector = new FraudDetector();

    @Test
    void onlyTheLastTwentyLoginAddressesCount() {
        detector.onEvent("dave", GameEvent.login("1.1.1.1"));
        for (int i = 0; i < 20; i++) {
            detector.onEvent("dave", GameEvent.login("2.2.2." + i));
        }
        assertThat(detector.onEvent("dave", GameEvent.trade("2.2.2.7", 10))).isEmpty();
        assertThat(detector.onEvent("dave", GameEvent.trade("1.1.1.1", 10))).isPresent();
    }

    @Test
    void largeTradesNeedAHistoryToCompareWith() {
        detector.onEvent("erin", GameEvent.login("1.1.1.1"));
        assertThat(detector.onEvent("erin", GameEvent.trade("1.1.1.1", 1_000_000))).isEmpty();
        detector.onEvent("erin", GameEvent.trade("1.1.1.1", 10));
        detector.onEvent("erin", GameEvent.trade("1.1.1.1", 10));
        assertThat(detector.onEvent("erin", GameEvent.trade("1.1.1.1", 10_000_000))).isPresent();
    }

    @Test
    void eventsSurviveTheirEncoding() {
        assertThat(GameEvent.decode(GameEvent.trade("10.0.0.1", 42).encode())).isEqualTo(GameEvent.trade("10.0.0.1", 42));
        assertThat(GameEvent.decode(GameEvent.login("::1").encode())).isEqualTo(GameEvent.login("::1"));
    }
}
