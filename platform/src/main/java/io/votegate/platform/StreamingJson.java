package io.votegate.platform;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Vert.x's JSON, in every Votegate process, read and written with Jackson's streaming parser and generator. Vert.x
 * takes Jackson's object mapper (databind) instead whenever databind is on the class path, and whether it is depends
 * on the company a service keeps: Flyway brings it to the ballot-server, the embedded Kafka broker to {@code
 * ./votegate up}, nothing to the gateway or the tally. So the same ballot was encoded two ways, and under {@code up}
 * the slow one: the object mapper's serializers took 5 % of the gateway's event loops in an intake phase of {@code
 * bench}, for output the streaming generator writes alike. Votegate maps no Java objects to JSON, so it needs none
 * of databind. Registered as a service (META-INF/services), ahead of Vert.x's own choice.
 */
public final class StreamingJson implements JsonFactory {
  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
