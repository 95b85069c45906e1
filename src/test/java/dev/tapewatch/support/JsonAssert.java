package dev.tapewatch.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** JSON compared field by field: the same names, the same strings and nulls, numbers equal to 1e-9. */
public final class JsonAssert {
  private JsonAssert() {
  }

  public static void assertSame(Object expected, Object actual, String where) {
    if (expected instanceof Number e && actual instanceof Number a) {
      assertEquals(e.doubleValue(), a.doubleValue(), 1e-9, where);
    } else if (expected instanceof JsonObject e && actual instanceof JsonObject a) {
      assertEquals(e.fieldNames(), a.fieldNames(), where);
      e.fieldNames().forEach(k -> assertSame(e.getValue(k), a.getValue(k), where + "." + k));
    } else if (expected instanceof JsonArray e && actual instanceof JsonArray a) {
      assertEquals(e.size(), a.size(), where + " size: " + a.encode());
      for (int i = 0; i < e.size(); i++) {
        assertSame(e.getValue(i), a.getValue(i), where + "[" + i + "]");
      }
    } else {
      assertEquals(expected, actual, where);
    }
  }
}
