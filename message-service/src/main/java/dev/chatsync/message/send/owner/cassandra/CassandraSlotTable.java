package dev.chatsync.message.send.owner.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BatchStatementBuilder;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import dev.chatsync.message.send.owner.SlotTable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All slots of the cluster in one partition (one {@code ring}: {@code send} for the service; a
 * test runs owners of its own beside it in another), so that one conditional batch
 * renews every slot an instance holds: one Paxos round per instance per renewal period, whatever
 * the send rate. Only conditional writes touch send_slots, never plain ones (mixing the two on a
 * row breaks Paxos' ordering).
 */
public class CassandraSlotTable implements SlotTable {

  private final CqlSession session;
  private final String ring;
  private final PreparedStatement heartbeat;
  private final PreparedStatement leave;
  private final PreparedStatement selectInstances;
  private final PreparedStatement selectSlots;
  private final PreparedStatement acquireFree;
  private final PreparedStatement acquireSeen;
  private final PreparedStatement renew;
  private final PreparedStatement release;

  public CassandraSlotTable(CqlSession session, String ring) {
    this.session = session;
    this.ring = ring;
    heartbeat = session.prepare("INSERT INTO send_instances (ring, instance_id, address) VALUES (?, ?, ?) USING TTL ?");
    leave = session.prepare("DELETE FROM send_instances WHERE ring = ? AND instance_id = ?");
    selectInstances = session.prepare("SELECT instance_id, address FROM send_instances WHERE ring = ?");
    selectSlots = session.prepare("SELECT slot, owner, address, epoch, expires_at, ceiling FROM send_slots WHERE ring = ?");
    String take = "UPDATE send_slots SET owner = ?, address = ?, epoch = ?, expires_at = ?, ceiling = ? WHERE ring = ? AND slot = ? ";
    acquireFree = session.prepare(take + "IF epoch = null");
    // Not the epoch alone: a renewal keeps the epoch, so an owner that woke up and renewed between
    // our read and this write would keep the slot beside us. Its renewal moved expires_at.
    acquireSeen = session.prepare(take + "IF epoch = ? AND expires_at = ?");
    renew = session.prepare("UPDATE send_slots SET expires_at = ?, ceiling = ?, address = ? WHERE ring = ? AND slot = ? "
        + "IF owner = ? AND epoch = ?");
    release = session.prepare("UPDATE send_slots SET owner = null, address = null, ceiling = ? WHERE ring = ? AND slot = ? "
        + "IF owner = ? AND epoch = ?");
  }

  @Override
  public void heartbeat(Instance self, Duration ttl) {
    session.execute(heartbeat.bind(ring, self.id(), self.address(), Math.toIntExact(Math.max(1, ttl.toSeconds()))));
  }

  @Override
  public void leave(String id) {
    session.execute(leave.bind(ring, id));
  }

  @Override
  public List<Instance> instances() {
    List<Instance> instances = new ArrayList<>();
    for (Row row : session.execute(selectInstances.bind(ring))) {
      instances.add(new Instance(row.getString("instance_id"), row.getString("address")));
    }
    return instances;
  }

  @Override
  public Map<Integer, Slot> slots() {
    Map<Integer, Slot> slots = new HashMap<>();
    for (Row row : session.execute(selectSlots.bind(ring))) {
      int slot = row.getInt("slot");
      Instant expiresAt = row.getInstant("expires_at");
      slots.put(slot, new Slot(slot, row.getString("owner"), row.getString("address"), row.getLong("epoch"),
          expiresAt == null ? Instant.EPOCH : expiresAt, row.getLong("ceiling")));
    }
    return slots;
  }

  @Override
  public boolean acquire(Instance owner, Collection<Slot> seen, Instant expiresAt, long ceiling) {
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
    for (Slot slot : seen) {
      batch.addStatement(slot.epoch() == 0
          ? acquireFree.bind(owner.id(), owner.address(), 1L, expiresAt, ceiling, ring, slot.slot())
          : acquireSeen.bind(owner.id(), owner.address(), slot.epoch() + 1, expiresAt, ceiling, ring, slot.slot(), slot.epoch(),
              slot.expiresAt()));
    }
    return session.execute(batch.build()).wasApplied();
  }

  @Override
  public boolean renew(Instance owner, Map<Integer, Long> epochs, Instant expiresAt, long ceiling) {
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
    epochs.forEach((slot, epoch) -> batch.addStatement(renew.bind(expiresAt, ceiling, owner.address(), ring, slot, owner.id(),
        epoch)));
    return session.execute(batch.build()).wasApplied();
  }

  @Override
  public boolean release(String owner, Map<Integer, Long> epochs, Map<Integer, Long> ceilings) {
    BatchStatementBuilder batch = BatchStatement.builder(BatchType.LOGGED);
    epochs.forEach((slot, epoch) -> batch.addStatement(release.bind(ceilings.get(slot), ring, slot, owner, epoch)));
    return session.execute(batch.build()).wasApplied();
  }
}
