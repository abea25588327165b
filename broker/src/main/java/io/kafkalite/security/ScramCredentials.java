package io.kafkalite.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.kafkalite.metadata.MetadataJournal;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * SCRAM credentials by user and mechanism, changed through Admin's {@code alterUserScramCredentials} (with Kafka's
 * checks and messages) or declared at start, and kept in the metadata journal. Owned by the broker loop thread.
 */
public final class ScramCredentials implements MetadataJournal.Participant {

    private final Map<Key, ScramCredential> credentials = new HashMap<>();
    private final MetadataJournal journal;

    public ScramCredentials(MetadataJournal journal) {
        this.journal = journal;
    }

    /** The credential of a user for a mechanism, or null. */
    public ScramCredential get(String user, ScramMechanism mechanism) {
        return credentials.get(new Key(user, mechanism));
    }

    /** Sets (or replaces) a user's credential and persists it. */
    public void put(String user, ScramMechanism mechanism, ScramCredential credential) {
        credentials.put(new Key(user, mechanism), credential);
        journal.scramCredential(user, mechanism.type(), credential.salt(), credential.storedKey(), credential.serverKey(),
                credential.iterations());
    }

    /** AlterUserScramCredentials: every user is answered, each altered at most once per request. */
    public AlterUserScramCredentialsResponseData alter(AlterUserScramCredentialsRequestData request) {
        Map<String, Integer> mentions = new HashMap<>();
        request.deletions().forEach(d -> mentions.merge(d.name(), 1, Integer::sum));
        request.upsertions().forEach(u -> mentions.merge(u.name(), 1, Integer::sum));
        Map<String, AlterUserScramCredentialsResult> results = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : request.deletions()) {
            results.computeIfAbsent(deletion.name(), name -> delete(name, deletion.mechanism(), mentions.get(name)));
        }
        for (ScramCredentialUpsertion upsertion : request.upsertions()) {
            results.computeIfAbsent(upsertion.name(), name -> upsert(upsertion, mentions.get(name)));
        }
        return new AlterUserScramCredentialsResponseData().setResults(new ArrayList<>(results.values()));
    }

    private AlterUserScramCredentialsResult delete(String user, byte type, int mentions) {
        AlterUserScramCredentialsResult result = new AlterUserScramCredentialsResult().setUser(user);
        ScramMechanism mechanism = ScramMechanism.fromType(type);
        if (mentions > 1) {
            return fail(result, Errors.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request");
        }
        String error = validate(user, mechanism);
        if (error != null) {
            return fail(result, errorFor(user, mechanism), error);
        }
        if (credentials.remove(new Key(user, mechanism)) == null) {
            return fail(result, Errors.RESOURCE_NOT_FOUND, "Attempt to delete a user credential that does not exist");
        }
        journal.scramCredentialDeleted(user, type);
        return result;
    }

    private AlterUserScramCredentialsResult upsert(ScramCredentialUpsertion upsertion, int mentions) {
        AlterUserScramCredentialsResult result = new AlterUserScramCredentialsResult().setUser(upsertion.name());
        ScramMechanism mechanism = ScramMechanism.fromType(upsertion.mechanism());
        if (mentions > 1) {
            return fail(result, Errors.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request");
        }
        String error = validate(upsertion.name(), mechanism);
        if (error != null) {
            return fail(result, errorFor(upsertion.name(), mechanism), error);
        }
        if (upsertion.iterations() < ScramCredential.MIN_ITERATIONS) {
            return fail(result, Errors.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        }
        if (upsertion.iterations() > ScramCredential.MAX_ITERATIONS) {
            return fail(result, Errors.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        }
        put(upsertion.name(), mechanism, ScramCredential.fromSaltedPassword(mechanism, upsertion.salt(),
                upsertion.saltedPassword(), upsertion.iterations()));
        return result;
    }

    private static String validate(String user, ScramMechanism mechanism) {
        if (user.isEmpty()) {
            return "Username must not be empty";
        }
        return mechanism == ScramMechanism.UNKNOWN ? "Unknown SCRAM mechanism" : null;
    }

    private static Errors errorFor(String user, ScramMechanism mechanism) {
        return user.isEmpty() ? Errors.UNACCEPTABLE_CREDENTIAL : Errors.UNSUPPORTED_SASL_MECHANISM;
    }

    private static AlterUserScramCredentialsResult fail(AlterUserScramCredentialsResult result, Errors error, String message) {
        return result.setErrorCode(error.code()).setErrorMessage(message);
    }

    /** DescribeUserScramCredentials: every user (none named) or the named ones, with mechanisms and iterations. */
    public DescribeUserScramCredentialsResponseData describe(List<UserName> users) {
        Map<String, Boolean> duplicated = new LinkedHashMap<>();
        if (users == null || users.isEmpty()) {
            new TreeSet<>(credentials.keySet().stream().map(Key::user).toList()).forEach(u -> duplicated.put(u, false));
        } else {
            users.forEach(u -> duplicated.merge(u.name(), false, (a, b) -> true));
        }
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        duplicated.forEach((user, twice) -> {
            DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
            if (twice) {
                result.setErrorCode(Errors.DUPLICATE_RESOURCE.code()).setErrorMessage(
                        "Cannot describe SCRAM credentials for the same user twice in a single request: " + user);
            } else {
                List<CredentialInfo> infos = new ArrayList<>();
                for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                    ScramCredential credential = get(user, mechanism);
                    if (credential != null) {
                        infos.add(new CredentialInfo().setMechanism(mechanism.type()).setIterations(credential.iterations()));
                    }
                }
                if (infos.isEmpty()) {
                    result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                            .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
                } else {
                    result.setCredentialInfos(infos);
                }
            }
            response.results().add(result);
        });
        return response;
    }

    @Override
    public void onScramCredential(String user, byte mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                                  int iterations) {
        credentials.put(new Key(user, ScramMechanism.fromType(mechanism)),
                new ScramCredential(salt, storedKey, serverKey, iterations));
    }

    @Override
    public void onScramCredentialDeleted(String user, byte mechanism) {
        credentials.remove(new Key(user, ScramMechanism.fromType(mechanism)));
    }

    @Override
    public void writeSnapshot(MetadataJournal snapshot) {
        credentials.forEach((key, credential) -> snapshot.scramCredential(key.user(), key.mechanism().type(),
                credential.salt(), credential.storedKey(), credential.serverKey(), credential.iterations()));
    }

    private record Key(String user, ScramMechanism mechanism) {
    }
}
