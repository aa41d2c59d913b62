package dev.chatsync.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.DefaultBatchType;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import dev.chatsync.message.CassandraRequests.Kind;
import org.junit.jupiter.api.Test;

class CassandraRequestsTest {

  @Test
  void eachRequestCountsAsWhatItCostsTheCluster() {
    assertThat(CassandraRequests.kindOf(SimpleStatement.newInstance("SELECT head_seq FROM t WHERE k = ?"))).isEqualTo(Kind.READ);
    assertThat(CassandraRequests.kindOf(SimpleStatement.newInstance("select head_seq from t where k = ?")
        .setConsistencyLevel(ConsistencyLevel.LOCAL_SERIAL))).isEqualTo(Kind.SERIAL_READ);
    assertThat(CassandraRequests.kindOf(SimpleStatement.newInstance("INSERT INTO t (k, v) VALUES (?, ?) USING TTL 60")))
        .isEqualTo(Kind.WRITE);
    assertThat(CassandraRequests.kindOf(SimpleStatement.newInstance("UPDATE t SET v = ? WHERE k = ? IF v = ?")))
        .isEqualTo(Kind.CONDITIONAL_WRITE);
    assertThat(CassandraRequests.kindOf(SimpleStatement.newInstance("INSERT INTO t (k) VALUES (?) IF NOT EXISTS")))
        .isEqualTo(Kind.CONDITIONAL_WRITE);

    SimpleStatement plain = SimpleStatement.newInstance("INSERT INTO t (k, v) VALUES (1, 2)");
    SimpleStatement conditional = SimpleStatement.newInstance("UPDATE t SET h = 2 WHERE k = 1 IF h = 1");
    assertThat(CassandraRequests.kindOf(BatchStatement.newInstance(DefaultBatchType.UNLOGGED, plain, plain)))
        .as("a batch is one request").isEqualTo(Kind.WRITE);
    assertThat(CassandraRequests.kindOf(BatchStatement.newInstance(DefaultBatchType.LOGGED, conditional, plain)))
        .as("a batch with a condition is a Paxos round").isEqualTo(Kind.CONDITIONAL_WRITE);
  }
}
