"""The Autobahn|Testsuite fuzzing server (wstest -m fuzzingserver) for Ferry's client, under Jython 2.7.

usage: jython fuzzingserver.py REPORT_DIR [CASES]

Listens on 127.0.0.1 on a free port, prints "listening PORT" and serves the whole case set of the suite
bundled in autobahntestsuite-maven-plugin 0.1.5 (Autobahn 0.6.4, testsuite 0.5.6): /getCaseCount,
/runCase?case=N&agent=A, /updateReports?agent=A (writes REPORT_DIR/index.json and one report per case).
CASES, a comma-separated list of case ids with * wildcards such as "2.*,6.4.3", picks fewer cases.
It stops when its standard input closes, so it never outlives the test that started it.

This is the wiring of wstest's fuzzingserver mode (autobahntestsuite.fuzzing.startServer) minus the report
web site, which that mode binds to every interface on port 8080.
"""
import sys
import threading

from twisted.internet import reactor

from autobahn.websocket import WebSocketProtocol, listenWS
from autobahntestsuite import fuzzing

spec = {
    "url": "ws://127.0.0.1:0",
    "options": {"failByDrop": False},
    "outdir": sys.argv[1],
    "cases": sys.argv[2].split(",") if len(sys.argv) > 2 else ["*"],
    "exclude-cases": [],
    "exclude-agent-cases": {},
}

# Jython 2.7.2's sockets (Netty channels) close as soon as the peer's FIN or RST arrives, and a later send
# then returns 0 instead of failing. When a client sends its Close and closes TCP right away (Ferry's client
# does when it fails the connection), the suite's answering Close never leaves Twisted's buffer,
# loseConnection() waits for it forever and the case is never logged. So a graceful drop turns abortive after
# the suite's own close handshake timeout (1 s); the suite has judged the case on what it received by then.
graceful_drop = WebSocketProtocol.dropConnection


def drop_connection(self, abort=False):
    graceful_drop(self, abort)
    if not abort:
        transport = self.transport
        reactor.callLater(self.closeHandshakeTimeout, transport.abortConnection)

WebSocketProtocol.dropConnection = drop_connection

factory = fuzzing.FuzzingServerFactory(spec)
port = listenWS(factory, interface="127.0.0.1")
# The factory checks the Host header's port against the port it was configured with (0: any free one).
factory.port = factory.externalPort = port.getHost().port


def stop_when_stdin_closes():
    sys.stdin.read()
    reactor.callFromThread(reactor.stop)

watcher = threading.Thread(target=stop_when_stdin_closes)
watcher.setDaemon(True)
watcher.start()

print "listening %d" % port.getHost().port
sys.stdout.flush()
reactor.run(installSignalHandlers=0)
