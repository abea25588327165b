package io.kafkalite;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;

import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.RequestUtils;

/**
 * A bare protocol client: one request at a time, any version, any content. For tests of exact error codes and
 * of misbehaving clients, which kafka-clients' own classes never send.
 */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    RawClient(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    @SuppressWarnings("unchecked")
    <T extends ApiMessage> T send(ApiKeys key, short version, ApiMessage request) throws IOException {
        RequestHeader header = new RequestHeader(key, version, "raw-client", ++correlationId);
        ByteBuffer frame = RequestUtils.serialize(header.data(), header.headerVersion(), request, version);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return (T) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header).data();
    }

    /** Writes bytes as they are, with no framing: for malformed input. */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame without decoding it. */
    ByteBuffer readFrame() throws IOException {
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return ByteBuffer.wrap(response);
    }

    /** Whether the broker closed this connection (waits up to the socket timeout for it to happen). */
    boolean closedByBroker() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true; // reset by the broker
        }
    }

    /** Whether the broker closed this connection after whatever it still sent (a TLS alert, say). */
    boolean closedByBrokerAfterAnyReply() throws IOException {
        try {
            byte[] discard = new byte[4096];
            while (in.read(discard) >= 0) {
                // a reply before the close is allowed
            }
            return true;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    /** JoinGroup v9 the way a new member does it: MEMBER_ID_REQUIRED first, then again with the given id. */
    JoinGroupResponseData joinGroup(String group, String instanceId, String protocolType, String protocol,
                                    byte[] metadata, int rebalanceTimeoutMs) throws IOException {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(metadata));
        JoinGroupRequestData request = new JoinGroupRequestData()
                .setGroupId(group)
                .setMemberId("")
                .setGroupInstanceId(instanceId.isEmpty() ? null : instanceId)
                .setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(rebalanceTimeoutMs)
                .setProtocolType(protocolType)
                .setProtocols(protocols);
        JoinGroupResponseData response = send(ApiKeys.JOIN_GROUP, (short) 9, request);
        if (response.errorCode() == Errors.MEMBER_ID_REQUIRED.code()) {
            response = send(ApiKeys.JOIN_GROUP, (short) 9, request.setMemberId(response.memberId()));
        }
        return response;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
