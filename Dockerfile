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
RUN useradd --system --uid 10001 --home-dir /app tapewatch
WORKDIR /app
COPY --from=build /src/target/tapewatch.jar /app/tapewatch.jar
COPY webroot /app/webroot
USER tapewatch
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:+UseContainerSupport -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    LOG_FORMAT=json
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:${HTTP_PORT:-8080}/health || exit 1
ENTRYPOINT ["java", "-jar", "/app/tapewatch.jar"]
