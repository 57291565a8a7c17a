package io.votegate.standalone;

import io.votegate.embedded.Waiting;
import io.votegate.model.Topics;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeProducersResult.PartitionProducerState;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka broker (KRaft, combined broker and controller) from the {@code kafka_2.13} artifact, in this process,
 * with its log under the data directory. Formatted on first start; ports chosen once and kept.
 */
final class KafkaNode implements AutoCloseable {
  private final KafkaRaftServer server;
  private final String bootstrap;

  private KafkaNode(KafkaRaftServer server, String bootstrap) {
    this.server = server;
    this.bootstrap = bootstrap;
  }

  /**
   * Starts the broker on {@code dir}; {@code transactionalIds} are those of the transactional producers that use it
   * (see {@link #abortHangingTransactions}).
   */
  static KafkaNode start(Path dir, Collection<String> transactionalIds) throws Exception {
    Files.createDirectories(dir);
    var ports = Ports.remembered(dir.resolve("ports.properties"), "broker", "controller");
    var props = new Properties();
    props.putAll(Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", "1"),
        Map.entry("controller.quorum.voters", "1@127.0.0.1:" + ports.get("controller")),
        Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + ports.get("broker") + ",CONTROLLER://127.0.0.1:" + ports.get("controller")),
        Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.get("broker")),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("log.dirs", dir.resolve("log").toString()),
        // One node: internal topics with one replica, or consumer groups and transactions never form.
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        Map.entry("auto.create.topics.enable", "false"),
        // After a crash the controller waits out the dead incarnation's session before the broker may register
        // again: on one node that is pure downtime, so keep the session short.
        Map.entry("broker.heartbeat.interval.ms", "500"),
        Map.entry("broker.session.timeout.ms", "2000"),
        Map.entry("num.network.threads", "2"),
        Map.entry("num.io.threads", "4")));
    var config = dir.resolve("server.properties");
    try (var out = Files.newBufferedWriter(config)) {
      props.store(out, "Written at every start by ./votegate up");
    }
    var log = dir.resolve("log");
    var fresh = !Files.exists(log.resolve("meta.properties"));
    if (fresh) {
      format(config);
    }
    // The broker marks a clean stop with this file; without it, it checks and rebuilds its log's tail and indexes.
    var crashed = !fresh && !Files.exists(log.resolve(".kafka_cleanshutdown"));
    var server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
    try (var waiting = crashed
        ? Waiting.announce("Kafka is recovering its log after a crash …", "Kafka's log recovery")
        : Waiting.quietly("Kafka to start")) {
      server.startup();
    }
    var node = new KafkaNode(server, "127.0.0.1:" + ports.get("broker"));
    node.createTopics();
    node.abortHangingTransactions(transactionalIds);
    return node;
  }

  private static void format(Path config) throws IOException {
    var output = new ByteArrayOutputStream();
    int status = StorageTool.execute(new String[] {"format", "--ignore-formatted", "--cluster-id",
        Uuid.randomUuid().toString(), "--config", config.toString()}, new PrintStream(output, true));
    if (status != 0) {
      throw new IOException("formatting Kafka's storage failed: " + output);
    }
  }

  /** The Votegate topics, with the partition counts of their definitions. Blocking, at startup only. */
  private void createTopics() throws InterruptedException, ExecutionException {
    try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      var existing = admin.listTopics().names().get();
      var missing = Topics.definitions().stream().filter(d -> !existing.contains(d.name()))
          .map(d -> new NewTopic(d.name(), d.partitions(), (short) 1).configs(d.config())).toList();
      try {
        admin.createTopics(missing).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  /**
   * Ends the transactions a crash of this single-node broker leaves open with nothing left to end them: the
   * ballot-server's consumer would wait forever for its group's offsets, and the tally's read_committed view would stop
   * at the open transaction. No transactional producer runs yet at this point. Two kinds, as {@code kafka-transactions.sh
   * find-hanging} and {@code abort} would find and end them:
   * <ul>
   *   <li>An open transaction of a producer the coordinator does not know (it came back without it).</li>
   *   <li>One the coordinator knows it has ended, whose partitions never got its markers. A commit the crash caught
   *   between its prepare record and its markers is completed by the coordinator as it loads; but on this one node it
   *   loads before the broker is registered again, finds no leader for the transaction's partitions, takes them for
   *   deleted and skips their markers (its log says so: "these partitions are likely deleted already"). Seen in
   *   {@code UpCommandIT} in 3 of 16 runs: decisions stopped for good after the restart, receipts pending.</li>
   * </ul>
   * Either is aborted, when that keeps the transaction whole: when none of its partitions has a marker that may be its
   * commit. Its ballots are then decided again, and the ballot-server recognises its own earlier decisions. A
   * transaction that did commit on some partition is not aborted on the others (its offsets committed without its
   * decisions, or the reverse, would count ballots twice or never): that is reported, and left.
   *
   * <p>A producer whose transaction the coordinator is still ending is waited for, and one it has open is left to it
   * (it aborts it when the producer starts again). The coordinator takes over its partitions after the broker starts,
   * and until it does it lists no transaction, without an error (it errs only while it loads them); so it is asked by
   * transactional ID, which the admin client retries until the coordinator has loaded it.
   */
  private void abortHangingTransactions(Collection<String> transactionalIds)
      throws InterruptedException, ExecutionException {
    try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
      if (!names.contains("__transaction_state")) {
        return; // no transaction ever began here (and asking for a coordinator would create its topic)
      }
      var ids = new HashSet<>(transactionalIds);
      admin.listTransactions().all().get().forEach(listing -> ids.add(listing.transactionalId()));
      // Known by producer ID, not epoch: with transactions v2 the coordinator bumps the epoch as it ends each one.
      var known = new HashMap<Long, TransactionDescription>();
      for (var id : ids) {
        var description = settled(admin, id);
        if (description != null) {
          known.put(description.producerId(), description);
        }
      }
      var partitions = admin.describeTopics(names).allTopicNames().get().values().stream()
          .flatMap(t -> t.partitions().stream().map(p -> new TopicPartition(t.name(), p.partition()))).toList();
      var producers = admin.describeProducers(partitions).all().get();
      var hanging = new ArrayList<AbortTransactionSpec>();
      var split = new ArrayList<String>();
      for (var entry : producers.entrySet()) {
        for (var producer : entry.getValue().activeProducers()) {
          var coordinator = known.get(producer.producerId());
          if (producer.currentTransactionStartOffset().isEmpty()
              || (coordinator != null && !endedWithoutMarkers(coordinator, producer))) {
            continue;
          }
          // Unless it is known to have aborted, it may have committed elsewhere.
          if (coordinator != null && coordinator.state() != TransactionState.COMPLETE_ABORT
              && endedSomewhere(producers, producer)) {
            split.add(entry.getKey() + " (producer " + producer.producerId() + ")");
            continue;
          }
          hanging.add(new AbortTransactionSpec(entry.getKey(), producer.producerId(),
              (short) producer.producerEpoch(), producer.coordinatorEpoch().orElse(0)));
        }
      }
      int aborted = 0;
      for (var spec : hanging) {
        try {
          admin.abortTransaction(spec).all().get();
          aborted++;
        } catch (ExecutionException e) {
          // A newer epoch already ended it: the coordinator finished the transaction while we looked.
          if (!(e.getCause() instanceof InvalidProducerEpochException)) {
            throw e;
          }
        }
      }
      if (aborted > 0) {
        System.err.printf("Kafka: aborted the transaction the crash left open (%d partitions); its ballots are "
            + "decided again.%n", aborted);
      }
      if (!split.isEmpty()) {
        System.err.println("Kafka: a transaction the crash interrupted committed on some partitions but is still open "
            + "on " + String.join(", ", split) + "; aborting those would count its ballots twice or never, so it is "
            + "left, and decisions wait for it. Finish it with kafka-transactions.sh, or restore from a backup.");
      }
    }
  }

  /** The coordinator's view of {@code id} once it has ended any transaction it was ending; null if it has none. */
  private static TransactionDescription settled(Admin admin, String id)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      TransactionDescription description;
      try {
        description = admin.describeTransactions(List.of(id)).description(id).get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TransactionalIdNotFoundException) {
          return null;
        }
        throw e;
      }
      var state = description.state();
      boolean ending = state == TransactionState.PREPARE_COMMIT || state == TransactionState.PREPARE_ABORT
          || state == TransactionState.PREPARE_EPOCH_FENCE;
      if (!ending || System.nanoTime() > deadline) {
        return description;
      }
      Thread.sleep(100);
    }
  }

  /**
   * True if the coordinator has ended the transaction {@code producer} still has open on a partition: it has no open
   * transaction of its own (it ended one, or a producer started again since), and has moved past that transaction's
   * epoch (transactions v2 bump it as each one ends).
   */
  private static boolean endedWithoutMarkers(TransactionDescription coordinator, ProducerState producer) {
    var state = coordinator.state();
    return (state == TransactionState.COMPLETE_COMMIT || state == TransactionState.COMPLETE_ABORT
        || state == TransactionState.EMPTY) && coordinator.producerEpoch() > producer.producerEpoch();
  }

  /**
   * True if some partition has a marker of the transaction {@code open} still has open: there the producer has moved
   * on to the next epoch (the marker's, with transactions v2) and has nothing open.
   */
  private static boolean endedSomewhere(Map<TopicPartition, PartitionProducerState> producers, ProducerState open) {
    return producers.values().stream().flatMap(p -> p.activeProducers().stream())
        .anyMatch(p -> p.producerId() == open.producerId() && p.currentTransactionStartOffset().isEmpty()
            && p.producerEpoch() == open.producerEpoch() + 1);
  }

  String bootstrap() {
    return bootstrap;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
