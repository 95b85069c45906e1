package dev.tapewatch.dashboard;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A loopback TCP proxy in front of the service, so that a test can take the network away from the browser (every
 * open connection closed, new ones refused) and give it back, while the service itself keeps running.
 */
final class TcpProxy implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cut;

  private TcpProxy(Vertx vertx, int targetPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer().connectHandler(in -> {
      if (cut) {
        in.close();
        return;
      }
      in.pause();
      open.add(in);
      in.closeHandler(v -> open.remove(in));
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed() || cut) {
          in.close();
          if (ar.succeeded()) {
            ar.result().close();
          }
          return;
        }
        NetSocket out = ar.result();
        open.add(out);
        out.closeHandler(v -> {
          open.remove(out);
          in.close();
        });
        in.closeHandler(v -> {
          open.remove(in);
          out.close();
        });
        in.handler(out::write);
        out.handler(in::write);
        in.resume();
      });
    });
  }

  static TcpProxy start(Vertx vertx, int targetPort) throws Exception {
    TcpProxy proxy = new TcpProxy(vertx, targetPort);
    proxy.server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return proxy;
  }

  int port() {
    return server.actualPort();
  }

  /** Closes every connection through the proxy and refuses new ones until {@link #restore()}. */
  void cut() {
    cut = true;
    for (NetSocket s : open) {
      s.close();
    }
  }

  void restore() {
    cut = false;
  }

  @Override
  public void close() throws Exception {
    cut();
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
