// kafkajs against a broker, one scenario per run, as KafkajsTest starts it:
//   node client.js <bootstrap> <scenario> <args...>
// Prints one JSON object on its last line of stdout; exits 1 with the error on stderr when the scenario fails.
'use strict';
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, scenario, ...args] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'kafkajs-compat', brokers: [bootstrap], logLevel: logLevel.WARN });

// A transactional producer: one transaction aborted, then one committed.
async function transactions(topic, transactionalId) {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ key: 'a0', value: 'aborted-0' }, { key: 'a1', value: 'aborted-1' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [0, 1, 2].map(i => ({ key: 'c' + i, value: 'committed-' + i })) });
    await committed.commit();
  } finally {
    await producer.disconnect();
  }
  return { sent: 5 };
}

// A group consumer that skips aborted records, reads `expected` values, then waits a moment for any extra.
async function readCommitted(topic, groupId, expected) {
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  await consumer.connect();
  const values = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('read ' + values.length + ' of ' + expected + ': ' + values)), 30000);
      consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value.toString());
          if (values.length === Number(expected)) {
            clearTimeout(timeout);
            setTimeout(resolve, 1000);
          }
        },
      });
    });
  } finally {
    await consumer.disconnect(); // commits what eachMessage resolved
  }
  return { values };
}

// Consume-transform-produce in transactions, offsets committed inside them; the first transaction is aborted and its
// batch read again, so the output shows each input exactly once only if the abort really undid both.
async function exactlyOnce(input, output, groupId, transactionalId, count) {
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([consumer.connect(), producer.connect()]);
  let transactions = 0;
  let aborts = 0;
  let processed = 0;
  let abortedRecords = 0;
  try {
    await consumer.subscribe({ topic: input, fromBeginning: true });
    await new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error('processed ' + processed + ' of ' + count)), 60000);
      consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
          const transaction = await producer.transaction();
          await transaction.send({
            topic: output,
            messages: batch.messages.map(m => ({ key: m.key, value: m.value.toString().toUpperCase() })),
          });
          const next = (BigInt(batch.lastOffset()) + 1n).toString();
          await transaction.sendOffsets({
            consumerGroupId: groupId,
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
          });
          transactions++;
          if (aborts === 0) {
            aborts++;
            abortedRecords = batch.messages.length;
            await transaction.abort();
            consumer.seek({ topic: batch.topic, partition: batch.partition, offset: batch.firstOffset() });
            return;
          }
          await transaction.commit();
          for (const m of batch.messages) {
            resolveOffset(m.offset);
          }
          await heartbeat();
          processed += batch.messages.length;
          if (processed >= Number(count)) {
            clearTimeout(timeout);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return { processed, transactions, aborts, abortedRecords };
}

// Admin: a topic created, described and listed, and groups listed.
async function admin(topic) {
  const client = kafka.admin();
  await client.connect();
  try {
    await client.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const metadata = await client.fetchTopicMetadata({ topics: [topic] });
    const listed = (await client.listTopics()).includes(topic);
    return { listed, partitions: metadata.topics[0].partitions.length };
  } finally {
    await client.disconnect();
  }
}

const scenarios = { transactions, 'read-committed': readCommitted, 'exactly-once': exactlyOnce, admin };

(async () => {
  const run = scenarios[scenario];
  if (!run) {
    throw new Error('unknown scenario ' + scenario + '; known: ' + Object.keys(scenarios).join(', '));
  }
  const result = await run(...args);
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch(error => {
  process.stderr.write('kafkajs ' + scenario + ' failed: ' + (error.stack || error) + '\n');
  process.exit(1);
});
