package io.kafkalite.junit;

import io.kafkalite.KafkaLite;

/**
 * Puts the embedded broker back after each test (fault rules removed, a paused broker resumed, a stopped one
 * restarted), so one test's faults never reach the next; and says what was installed when a test failed.
 */
final class TestControl {

    private TestControl() {
    }

    static void restore(KafkaLite broker) {
        broker.faults().clear(); // first, so that requests held by a pause are answered normally on resume
        if (!broker.isRunning()) {
            broker.restart();
        } else if (broker.isPaused()) {
            broker.resume();
        }
    }

    /**
     * The broker's test control state for the failure report; then restores it, so that the report's own clients
     * can read the cluster.
     */
    static Report reportAndRestore(KafkaLite broker) {
        String state = !broker.isRunning() ? "stopped" : broker.isPaused() ? "paused" : "running";
        Report report = new Report("Test control of " + broker + " when the test failed: broker " + state + ", "
                + broker.faults().report());
        restore(broker);
        return report;
    }

    /** Attached to a failed test as a suppressed exception, next to the broker snapshot. */
    static final class Report extends RuntimeException {
        private Report(String text) {
            super(text, null, false, false);
        }
    }
}
