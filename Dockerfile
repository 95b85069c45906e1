# Build stage: the same Maven build as README's first command.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY conf conf
COPY webroot webroot
COPY src/main src/main
RUN mvn -q -B -DskipTests package

# Runtime stage: a slim JRE, a non-root user, configuration from the environment.
FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK below.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app tapewatch \
    && mkdir -p /var/lib/tapewatch && chown tapewatch /var/lib/tapewatch
WORKDIR /app
COPY --from=build /src/target/tapewatch.jar /app/tapewatch.jar
USER tapewatch
# HTTP; in cluster mode also Hazelcast (CLUSTER_PORT) and the event bus (CLUSTER_BUS_PORT, as in deploy/).
EXPOSE 8080 5701 5801
# The lean heap policy: the heap at most 60% of the container's memory (400 symbols keep about 250 MiB live; the rest
# is room for the young generation), metaspace, code cache and thread stacks bounded, idle memory handed back every
# minute, and an out-of-memory error ends the process for the orchestrator to restart rather than limping on.
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=60 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:G1PeriodicGCInterval=60000 -XX:+ExitOnOutOfMemoryError" \
    LOG_FORMAT=json \
    DATA_DIR=/var/lib/tapewatch
# The outbox and the embedded store: mount a volume here, or they go with the container.
VOLUME /var/lib/tapewatch
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:${HTTP_PORT:-8080}/health || exit 1
ENTRYPOINT ["java", "-jar", "/app/tapewatch.jar"]
