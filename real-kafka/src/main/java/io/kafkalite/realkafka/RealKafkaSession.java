package io.kafkalite.realkafka;

import java.util.Map;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Apache Kafka broker for a whole test run, when the system property {@value #ENABLE_PROPERTY} is
 * {@code true}: started before the first test and pointed to by {@value #EXTERNAL_PROPERTY}, the property that
 * switches the Kafkalite extension to external mode; stopped after the last test. Registered through
 * {@code META-INF/services}, so a Surefire execution only needs this jar on its classpath and the property set.
 */
public final class RealKafkaSession implements LauncherSessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(RealKafkaSession.class);

    /** Set to {@code true} to run the session's tests against a real broker. */
    public static final String ENABLE_PROPERTY = "kafkalite.test.real-kafka";
    /** The extension's switch to external mode ({@code KafkaLiteExtension.EXTERNAL_BOOTSTRAP_PROPERTY}). */
    static final String EXTERNAL_PROPERTY = "kafkalite.external.bootstrap.servers";

    private RealKafkaBroker broker;
    private String previous;

    /** Starts the broker if the run asks for one. */
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (!Boolean.getBoolean(ENABLE_PROPERTY)) {
            return;
        }
        broker = RealKafkaBroker.start(Map.of());
        previous = System.getProperty(EXTERNAL_PROPERTY);
        System.setProperty(EXTERNAL_PROPERTY, broker.bootstrapServers());
        LOG.info("Tests of this run go to {}, not to an embedded Kafkalite", broker);
    }

    /** Stops the broker, if one was started. */
    @Override
    public void launcherSessionClosed(LauncherSession session) {
        if (broker == null) {
            return;
        }
        if (previous == null) {
            System.clearProperty(EXTERNAL_PROPERTY);
        } else {
            System.setProperty(EXTERNAL_PROPERTY, previous);
        }
        broker.close();
        broker = null;
    }
}
