package dev.tapewatch.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import dev.tapewatch.bus.Addresses;
import dev.tapewatch.bus.NodeShare;
import dev.tapewatch.config.TapewatchConfig;
import io.vertx.core.Context;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives this node its share of the symbols. Ownership lives in the cluster-wide map {@value #OWNERS_MAP} (symbol →
 * node id), claimed with putIfAbsent (or, for the symbol of an owner no longer a member, by replacing exactly its
 * entry), so a symbol has one owner at a time. The owner runs the symbol's verticle and announces its share
 * ({@link NodeShare}) so that the feed and the agents follow. Quotas are shared among the participating nodes, listed
 * in {@value #PARTICIPANTS_MAP}: a node joins that list once it is ready to claim and leaves it first when it stops,
 * so the others hand over to a newcomer only when it can take, and take a leaver's symbols the moment it lets go of
 * them. The plan ({@link OwnershipPlan}) is re-run when a member joins or leaves, when a peer asks, and every second;
 * each pass also stops any symbol running here whose entry names another node (after a split or a lost entry), and
 * frees any entry naming this node for a symbol not running here (after it stepped down).
 *
 * <p>A node steps down ({@link OwnershipPlan#standing}) when it sees fewer members than {@code CLUSTER_QUORUM}, or
 * when its periodic pass stood still long enough for the others to have declared it dead: it stops every symbol here
 * at once, without touching the maps (on the cut-off side they are a partial copy that the merge discards), and
 * claims again only once it sees a quorum whose member list has held still for {@link #SETTLE_MS}.
 *
 * <p>Publishes on {@link Addresses#CLUSTER_STATUS}, this node only, after every pass and whenever the symbols running
 * here change: {@code {enabled: true, name, node_id, state: stable|rebalancing|cut_off, members: [{node_id, host,
 * http_port, self, participating, symbols}], owners: {SYM: node_id | null}, running: {SYM: since_ms}, as_of,
 * takeovers: [{symbol, from, left_at, claimed_at, took_ms}], quorum}}; {@code cut_off} while the node sees fewer
 * members than {@code quorum}. {@code members} and {@code owners} are the map as this node last read it;
 * {@code running} is what this node itself runs at {@code as_of}: each symbol whose verticle is starting, running or
 * stopping here, since just before its deployment began. A symbol leaves it only once its verticle has
 * stopped, so two nodes' {@code running} intervals [since, as_of] that overlap prove that one symbol ran twice.
 */
public final class SymbolOwnershipVerticle extends VerticleBase {
  public static final String OWNERS_MAP = "tapewatch.symbol-owners";
  public static final String PARTICIPANTS_MAP = "tapewatch.participants";
  static final long RECONCILE_MS = Addresses.STATUS_PERIOD_MS;
  /**
   * A starting node claims nothing until the member list has held still this long, so that nodes started together
   * split the symbols once instead of the first one taking all and handing most back (Kafka's initial rebalance
   * delay, for the same reason). Takeovers after a failure never wait.
   */
  static final long SETTLE_MS = 2000;
  static final int TAKEOVERS_KEPT = 50;
  /**
   * Symbols claimed at once. Each claim waits on round trips (the map, the symbol's consumers registered cluster-wide,
   * the store), so a departed node's share taken one symbol after another took seconds per ten symbols on a loaded
   * machine; a few at a time overlap those waits without starting a whole share at once.
   */
  static final int CLAIMS_AT_ONCE = 8;
  private static final Logger LOG = LoggerFactory.getLogger(SymbolOwnershipVerticle.class);

  private final TapewatchConfig config;
  private final HazelcastClusterManager manager;
  /** Makes the verticle that runs one symbol here: the cluster knows symbols only as names. */
  private final Function<String, Deployable> symbolVerticle;
  private final long stallMs;
  /** This node's symbols and the deployment id of each one's verticle, in the order they were claimed. */
  private final Map<String, String> deployed = new LinkedHashMap<>();
  /** Every symbol whose verticle is starting, running or stopping here, and since when (see the class comment). */
  private final Map<String, Long> runningSince = new TreeMap<>();
  /** When each departed node was seen to leave, for the takeover times. */
  private final Map<String, Long> leftAtMs = new HashMap<>();
  private final Deque<JsonObject> takeovers = new ArrayDeque<>();
  private final Map<String, JsonObject> memberInfo = new HashMap<>();
  private AsyncMap<String, String> owners;
  private AsyncMap<String, Long> participants;
  /** The pass under way, or a completed future: stop waits for it. */
  private Future<?> pass = Future.succeededFuture();
  private Map<String, String> lastOwners = Map.of();
  private List<String> lastParticipants = List.of();
  private MessageConsumer<Object> rebalance;
  private UUID membershipListener;
  private String self;
  private boolean reconciling;
  private boolean again;
  private boolean stopping;
  private boolean settled;
  private List<String> lastMembers = List.of();
  private long membersChangedMs;
  private long timer;
  private long lastTickNanos;
  /** Why this node runs no symbol, or {@code OWNING}. */
  private OwnershipPlan.Standing standing = OwnershipPlan.Standing.OWNING;

  public SymbolOwnershipVerticle(TapewatchConfig config, HazelcastClusterManager manager,
      Function<String, Deployable> symbolVerticle) {
    this.config = config;
    this.manager = manager;
    this.symbolVerticle = symbolVerticle;
    this.stallMs = OwnershipPlan.stallMs(config.cluster().failureTimeoutSec() * 1000L,
        ClusterNode.HEARTBEAT_SEC * 1000L, RECONCILE_MS);
  }

  @Override
  public Future<?> start() {
    self = manager.getNodeId();
    Context context = vertx.getOrCreateContext();
    membershipListener = manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        context.runOnContext(v -> reconcile());
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        long now = System.currentTimeMillis();
        context.runOnContext(v -> {
          // Vert.x names nodes by its own ids, not Hazelcast's member uuids: the departed are the known ids now gone.
          List<String> remaining = manager.getNodes();
          for (String node : lastMembers) {
            if (!remaining.contains(node)) {
              leftAtMs.merge(node, now, Math::min);
              LOG.warn("cluster node " + node + " at " + event.getMember().getAddress() + " left; taking over its"
                  + " symbols");
            }
          }
          reconcile();
        });
      }
    });
    rebalance = vertx.eventBus().consumer(Addresses.CLUSTER_REBALANCE, m -> reconcile());
    return vertx.sharedData().<String, String>getAsyncMap(OWNERS_MAP)
        .compose(map -> {
          owners = map;
          return vertx.sharedData().<String, Long>getAsyncMap(PARTICIPANTS_MAP);
        })
        .compose(map -> {
          participants = map;
          return rebalance.completion();
        })
        .onSuccess(v -> {
          lastTickNanos = System.nanoTime();
          timer = vertx.setPeriodic(RECONCILE_MS, id -> tick());
          reconcile();
        });
  }

  /**
   * The periodic pass, which also notices that this node stood still: a JVM paused (a stop signal, a long collection,
   * a suspended VM) runs nothing meanwhile, and resumes running its symbols the moment it wakes, possibly after the
   * others took them and before its own member list shows them gone.
   */
  private void tick() {
    long now = System.nanoTime();
    long gapMs = (now - lastTickNanos) / 1_000_000;
    lastTickNanos = now;
    if (OwnershipPlan.standing(manager.getNodes().size(), config.cluster().quorum(), gapMs, stallMs)
        == OwnershipPlan.Standing.STALLED) {
      stepDown(OwnershipPlan.Standing.STALLED, "its pass stood still " + gapMs + " ms (" + stallMs + " ms may get it"
          + " declared dead)");
    }
    reconcile();
  }

  /** Stops every symbol here at once and claims none until a quorum has held still for {@link #SETTLE_MS}. */
  private void stepDown(OwnershipPlan.Standing why, String reason) {
    if (standing != why) {
      LOG.warn("running no symbol: " + reason + "; stopping " + deployed.size() + " symbols");
    }
    standing = why;
    settled = false;
    membersChangedMs = System.currentTimeMillis();
    List.copyOf(deployed.keySet()).forEach(this::undeploy);
  }

  /** One pass of the plan; a pass asked for while one runs follows it. Never fails. */
  private void reconcile() {
    if (stopping) {
      return;
    }
    List<String> members = manager.getNodes().stream().sorted().toList();
    // Before waiting for a pass under way: that pass may hang on a map the rest of the cluster no longer serves.
    if (OwnershipPlan.standing(members.size(), config.cluster().quorum(), 0, stallMs)
        == OwnershipPlan.Standing.MINORITY) {
      stepDown(OwnershipPlan.Standing.MINORITY, "it sees " + members.size() + " of the " + config.cluster().quorum()
          + " members CLUSTER_QUORUM asks for");
      lastMembers = members;
      publishStatus(members);
      return;
    }
    if (reconciling) {
      again = true;
      return;
    }
    // A node seen again (a split healed: Vert.x keeps its id) leaves afresh next time.
    leftAtMs.keySet().removeAll(members);
    long now = System.currentTimeMillis();
    if (!members.equals(lastMembers)) {
      lastMembers = members;
      membersChangedMs = now;
    }
    if (!settled && now - membersChangedMs < SETTLE_MS) {
      publishStatus(members);
      return;
    }
    boolean joining = !settled;
    settled = true;
    standing = OwnershipPlan.Standing.OWNING;
    reconciling = true;
    pass = onePass(members, now, joining)
        .onFailure(e -> LOG.warn("symbol ownership pass failed: " + e.getMessage()))
        .onComplete(finished -> {
          reconciling = false;
          publishStatus(members);
          if (again) {
            again = false;
            reconcile();
          }
        });
  }

  private Future<?> onePass(List<String> members, long now, boolean joining) {
    return participants.putIfAbsent(self, now)
        .compose(v -> {
          if (joining) {
            // The others may now hand this node its share.
            vertx.eventBus().publish(Addresses.CLUSTER_REBALANCE, null);
          }
          // The owners before the participants: a node claims only once it is on the list, so every owner read here
          // that still lives is on the list read next.
          return owners.entries();
        })
        .compose(current -> participants.keys().compose(ready -> {
          // Read now, not when the pass began: a node that joined meanwhile and claimed is no departed owner.
          List<String> present = manager.getNodes().stream().sorted().toList();
          // A node that died never took itself off the list.
          ready.stream().filter(node -> !present.contains(node)).forEach(participants::remove);
          List<String> participating = present.stream().filter(ready::contains).toList();
          lastParticipants = participating;
          lastOwners = current;
          return matchEntries(current).compose(mine -> apply(OwnershipPlan.compute(config.symbols(), present,
              participating, mine, self)));
        }))
        .compose(v -> refreshMembers(members));
  }

  private Future<?> apply(OwnershipPlan plan) {
    // The member list may show a departure before the listener reports it.
    plan.stale().values().forEach(node -> leftAtMs.putIfAbsent(node, System.currentTimeMillis()));
    Future<?> step = Future.succeededFuture();
    for (String s : plan.release()) {
      step = step.compose(v -> release(s));
    }
    boolean released = !plan.release().isEmpty();
    return step.compose(v -> claimAll(plan.claim(), plan.stale())).compose(v -> owners.entries()).onSuccess(after -> {
      lastOwners = after;
      if (released) {
        vertx.eventBus().publish(Addresses.CLUSTER_REBALANCE, null);
      }
    });
  }

  /** Claims {@code symbols} (most preferred first) {@link #CLAIMS_AT_ONCE} at a time. */
  private Future<?> claimAll(List<String> symbols, Map<String, String> stale) {
    Deque<String> queue = new ArrayDeque<>(symbols);
    List<Future<?>> lanes = new ArrayList<>();
    for (int i = 0; i < Math.min(CLAIMS_AT_ONCE, symbols.size()); i++) {
      lanes.add(claimNext(queue, stale));
    }
    return Future.join(lanes);
  }

  private Future<?> claimNext(Deque<String> queue, Map<String, String> stale) {
    String s = queue.poll();
    return s == null ? Future.succeededFuture() : claim(s, stale.get(s)).compose(v -> claimNext(queue, stale));
  }

  /**
   * Stops here, all at once, every symbol whose entry names another node, and re-asserts an entry that vanished (both
   * can follow a split of the cluster or the loss of a map partition): never two nodes running one symbol for long.
   * Frees every entry naming this node for a symbol not running here (it stepped down, or the merge of a healed split
   * brought its entry back): no pass is claiming meanwhile, and such a symbol would otherwise run nowhere. Returns the
   * owners to plan with.
   */
  private Future<Map<String, String>> matchEntries(Map<String, String> current) {
    Map<String, String> planned = new HashMap<>(current);
    List<Future<?>> stops = new ArrayList<>();
    current.forEach((s, owner) -> {
      if (owner.equals(self) && !deployed.containsKey(s)) {
        planned.remove(s);
        stops.add(owners.removeIfPresent(s, self));
      }
    });
    for (String s : List.copyOf(deployed.keySet())) {
      String owner = current.get(s);
      if (owner == null) {
        stops.add(owners.putIfAbsent(s, self).compose(other -> other == null || other.equals(self)
            ? Future.succeededFuture() : stopHere(s, "its entry now names " + other)));
      } else if (!owner.equals(self)) {
        stops.add(stopHere(s, "its entry names " + owner));
      }
    }
    return Future.join(stops).map(planned);
  }

  private Future<?> stopHere(String symbol, String why) {
    LOG.atWarn().addKeyValue("symbol", symbol).log("stopping " + symbol + " on this node: " + why);
    return undeploy(symbol);
  }

  /** Takes the symbol out of this node's share (the feed and agents let go first), then stops its verticle. */
  private Future<?> undeploy(String symbol) {
    String id = deployed.remove(symbol);
    announceShare();
    return id == null ? Future.succeededFuture() : vertx.undeploy(id).onComplete(done -> notRunning(symbol));
  }

  private void notRunning(String symbol) {
    runningSince.remove(symbol);
    publishStatus(lastMembers);
  }

  private void announceShare() {
    NodeShare.announce(vertx.eventBus(), List.copyOf(deployed.keySet()));
  }

  /**
   * Claims one symbol: a free one with putIfAbsent, a departed node's by replacing exactly that node's entry, so that
   * one survivor wins and knows whom it took over from. Losing the race to another node is not an error.
   */
  private Future<Void> claim(String symbol, String previousOwner) {
    Future<Boolean> won = previousOwner == null ? owners.putIfAbsent(symbol, self).map(existing -> existing == null)
        : owners.replaceIfPresent(symbol, previousOwner, self);
    return won.compose(claimed -> {
      if (!claimed || deployed.containsKey(symbol)) {
        return Future.<Void>succeededFuture();
      }
      if (stopping || !settled) {
        // Won while stopping or after stepping down: give it straight back.
        return owners.removeIfPresent(symbol, self).<Void>mapEmpty();
      }
      runningSince.put(symbol, System.currentTimeMillis());
      publishStatus(lastMembers);
      return vertx.deployVerticle(symbolVerticle.apply(symbol))
          .onFailure(e -> notRunning(symbol))
          .onSuccess(id -> {
            deployed.put(symbol, id);
            announceShare();
            noteTakeover(symbol, previousOwner);
            if (!settled) {
              stopHere(symbol, "this node stepped down while it started");
            }
          })
          .<Void>mapEmpty()
          // The entry must not outlive a verticle that never started: another node can try.
          .recover(e -> owners.removeIfPresent(symbol, self).compose(v -> Future.failedFuture(e)));
    });
  }

  private void noteTakeover(String symbol, String previousOwner) {
    long now = System.currentTimeMillis();
    Long leftAt = previousOwner == null ? null : leftAtMs.get(previousOwner);
    JsonObject t = new JsonObject().put("symbol", symbol).put("from", previousOwner).put("left_at", leftAt)
        .put("claimed_at", now).put("took_ms", leftAt == null ? null : now - leftAt);
    takeovers.addFirst(t);
    while (takeovers.size() > TAKEOVERS_KEPT) {
      takeovers.removeLast();
    }
    var log = LOG.atInfo().addKeyValue("symbol", symbol);
    if (leftAt != null) {
      log.addKeyValue("duration_ms", now - leftAt).log("took over " + symbol + " from departed node "
          + previousOwner + " " + (now - leftAt) + " ms after it left");
    } else {
      log.log("claimed " + symbol);
    }
  }

  /** Stops the symbol here first, then frees its entry: never two nodes running it. */
  private Future<?> release(String symbol) {
    LOG.atInfo().addKeyValue("symbol", symbol).log("releasing " + symbol + " to rebalance the cluster");
    return undeploy(symbol).eventually(() -> owners.removeIfPresent(symbol, self));
  }

  /** Host and HTTP port of each member, from the event bus's node information. */
  private Future<?> refreshMembers(List<String> members) {
    memberInfo.keySet().retainAll(members);
    List<Future<?>> lookups = new ArrayList<>();
    for (String node : members) {
      if (memberInfo.containsKey(node)) {
        continue;
      }
      Promise<NodeInfo> info = Promise.promise();
      manager.getNodeInfo(node, info);
      lookups.add(info.future().onSuccess(ni -> memberInfo.put(node, new JsonObject().put("host", ni.host())
          .put("http_port", ni.metadata() == null ? null : ni.metadata().getInteger("http_port")))));
    }
    return Future.join(lookups).otherwiseEmpty();
  }

  /**
   * Stable means balanced: this node owns (it has not stepped down), every member takes part, every symbol has a live
   * owner, and every node holds its quota. Anything else (a node joining, leaving or dead, symbols being handed over)
   * is rebalancing, or cut_off while this node sees fewer members than the quorum.
   */
  private void publishStatus(List<String> members) {
    List<String> taking = lastParticipants.stream().filter(members::contains).sorted().toList();
    JsonObject ownerJson = new JsonObject();
    boolean stable = standing == OwnershipPlan.Standing.OWNING && taking.size() == members.size();
    for (String s : config.symbols()) {
      String owner = lastOwners.get(s);
      boolean live = owner != null && members.contains(owner);
      stable &= live;
      ownerJson.put(s, live ? owner : null);
    }
    JsonArray memberJson = new JsonArray();
    for (String node : members) {
      List<String> held = config.symbols().stream().filter(s -> node.equals(lastOwners.get(s))).toList();
      int index = taking.indexOf(node);
      stable &= index >= 0 && held.size() == OwnershipPlan.quota(config.symbols().size(), taking.size(), index);
      JsonObject info = memberInfo.getOrDefault(node, new JsonObject().putNull("host").putNull("http_port"));
      memberJson.add(new JsonObject().put("node_id", node).put("host", info.getValue("host"))
          .put("http_port", info.getValue("http_port")).put("self", node.equals(self))
          .put("participating", index >= 0).put("symbols", new JsonArray(held)));
    }
    vertx.eventBus().publish(Addresses.CLUSTER_STATUS, new JsonObject()
        .put("enabled", true)
        .put("name", config.cluster().name())
        .put("node_id", self)
        .put("state", standing == OwnershipPlan.Standing.MINORITY ? "cut_off" : stable ? "stable" : "rebalancing")
        .put("members", memberJson)
        .put("owners", ownerJson)
        .put("running", new JsonObject(new LinkedHashMap<>(runningSince)))
        .put("as_of", System.currentTimeMillis())
        .put("takeovers", new JsonArray(List.copyOf(takeovers)))
        .put("quorum", config.cluster().quorum()));
  }

  /**
   * Releases every symbol of this node at once, after the pass under way: the node leaves the participants first (so
   * the others' quotas grow), its symbol verticles are stopped (Vert.x undeploys them before this runs, being this
   * verticle's children), the entries go, and the peers are told to claim them now rather than after a failure
   * timeout.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    runningSince.clear();
    vertx.cancelTimer(timer);
    manager.getHazelcastInstance().getCluster().removeMembershipListener(membershipListener);
    return pass.eventually(() -> participants.remove(self)).eventually(() -> {
      List<String> mine = List.copyOf(deployed.keySet());
      deployed.clear();
      announceShare();
      return Future.join(mine.stream().map(s -> (Future<?>) owners.removeIfPresent(s, self)).toList())
          .onComplete(done -> {
            LOG.info("released " + mine.size() + " symbols to the other nodes");
            vertx.eventBus().publish(Addresses.CLUSTER_REBALANCE, null);
          });
    }).eventually(rebalance::unregister);
  }
}
