package io.kafkalite.metadata;

import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One named listener: where it binds, what it advertises to clients and how clients must talk to it. Ports are 0
 * until the socket is bound (port 0 picks a free one), then {@link #bound(int)} gives the listener with its real port.
 *
 * @param bindHost       the address to bind; empty binds every interface, as in Kafka
 * @param advertisedHost the host clients are told to connect to (Metadata, FindCoordinator, DescribeCluster)
 * @param advertisedPort the port clients are told; 0 means "the bound port"
 */
public record Listener(ListenerName name, SecurityProtocol securityProtocol, String bindHost, int bindPort,
                       String advertisedHost, int advertisedPort) {

    /** This listener once its socket is bound to {@code port}; an advertised port of 0 becomes that port. */
    public Listener bound(int port) {
        return new Listener(name, securityProtocol, bindHost, port, advertisedHost, advertisedPort == 0 ? port : advertisedPort);
    }

    /** Whether clients of this listener authenticate with SASL (SASL_PLAINTEXT, SASL_SSL). */
    public boolean usesSasl() {
        return securityProtocol == SecurityProtocol.SASL_PLAINTEXT || securityProtocol == SecurityProtocol.SASL_SSL;
    }

    /** Whether connections to this listener are TLS (SSL, SASL_SSL). */
    public boolean usesTls() {
        return securityProtocol == SecurityProtocol.SSL || securityProtocol == SecurityProtocol.SASL_SSL;
    }

    /** {@code host:port} for a client's {@code bootstrap.servers}, IPv6 literals in brackets. */
    public String advertisedAddress() {
        return hostAndPort(advertisedHost, advertisedPort);
    }

    public static String hostAndPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return name.value() + "://" + hostAndPort(bindHost, bindPort) + " (" + securityProtocol + ", advertised "
                + advertisedAddress() + ")";
    }
}
