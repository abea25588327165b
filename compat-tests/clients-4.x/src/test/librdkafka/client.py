"""librdkafka through its Python binding (Debian's python3-confluent-kafka), one scenario per run, as
LibrdkafkaTransactionsTest starts it:
    python3 client.py <bootstrap> <scenario> <args...>
Prints one JSON object on its last line of stdout; exits 1 with the error on stderr when the scenario fails."""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

TIMEOUT = 30


def transactions(bootstrap, topic, transactional_id):
    """A transactional producer: one transaction aborted, then one committed."""
    producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id})
    producer.init_transactions(TIMEOUT)
    producer.begin_transaction()
    for i in range(2):
        producer.produce(topic, key=b'a%d' % i, value=b'aborted-%d' % i)
    producer.flush(TIMEOUT)
    producer.abort_transaction(TIMEOUT)
    producer.begin_transaction()
    for i in range(3):
        producer.produce(topic, key=b'c%d' % i, value=b'committed-%d' % i)
    producer.commit_transaction(TIMEOUT)
    return {'sent': 5}


def read_committed(bootstrap, topic, group_id, expected):
    """A group consumer that skips aborted records: reads `expected` values, commits, then looks for any extra."""
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group_id, 'isolation.level': 'read_committed',
                         'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    consumer.subscribe([topic])
    values = []
    deadline = time.time() + TIMEOUT
    try:
        while len(values) < int(expected) and time.time() < deadline:
            for message in consumer.consume(100, 0.5):
                if message.error():
                    raise KafkaException(message.error())
                values.append(message.value().decode())
        extra = consumer.consume(100, 1.0)
        values += [m.value().decode() for m in extra if not m.error()]
        consumer.commit(asynchronous=False)
    finally:
        consumer.close()
    return {'values': values}


def exactly_once(bootstrap, source, sink, group_id, transactional_id, count):
    """Consume-transform-produce with the offsets committed in each transaction; the first transaction is aborted
    and its records read again, so the sink shows each input exactly once only if the abort undid both."""
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group_id, 'isolation.level': 'read_committed',
                         'auto.offset.reset': 'earliest', 'enable.auto.commit': False})
    producer = Producer({'bootstrap.servers': bootstrap, 'transactional.id': transactional_id})
    producer.init_transactions(TIMEOUT)
    consumer.subscribe([source])
    processed, transactions_run, aborts, aborted_records = 0, 0, 0, 0
    deadline = time.time() + 2 * TIMEOUT
    try:
        while processed < int(count) and time.time() < deadline:
            messages = consumer.consume(100, 0.5)
            if not messages:
                continue
            producer.begin_transaction()
            for message in messages:
                if message.error():
                    raise KafkaException(message.error())
                producer.produce(sink, key=message.key(), value=message.value().upper())
            last = messages[-1]
            producer.send_offsets_to_transaction(
                [TopicPartition(last.topic(), last.partition(), last.offset() + 1)],
                consumer.consumer_group_metadata(), TIMEOUT)
            transactions_run += 1
            if aborts == 0:
                aborts += 1
                aborted_records = len(messages)
                producer.flush(TIMEOUT)  # else librdkafka drops the unsent records itself and the broker aborts nothing
                producer.abort_transaction(TIMEOUT)
                first = messages[0]
                consumer.seek(TopicPartition(first.topic(), first.partition(), first.offset()))
                continue
            producer.commit_transaction(TIMEOUT)
            processed += len(messages)
    finally:
        consumer.close()
    return {'processed': processed, 'transactions': transactions_run, 'aborts': aborts,
            'abortedRecords': aborted_records}


SCENARIOS = {'transactions': transactions, 'read-committed': read_committed, 'exactly-once': exactly_once}

if __name__ == '__main__':
    bootstrap, scenario, *args = sys.argv[1:]
    try:
        if scenario not in SCENARIOS:
            raise ValueError('unknown scenario %s; known: %s' % (scenario, ', '.join(SCENARIOS)))
        print(json.dumps(SCENARIOS[scenario](bootstrap, *args), separators=(',', ':')))
    except Exception as error:  # the test shows whatever went wrong, with librdkafka's own message
        print('librdkafka %s failed: %r' % (scenario, error), file=sys.stderr)
        sys.exit(1)
