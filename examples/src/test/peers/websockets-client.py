"""Python `websockets` client against an echo endpoint. usage: websockets-client.py WS_URL [--deflate]

Sends the same echo cases as messages.mjs (plus a ping), checks every answer, closes with 1000 and
prints one JSON line: {"ok": true, "extensions": [...], "cases": N}. Exit 0 only on success.
"""
import asyncio
import json
import sys

import websockets


def mixed_text(length):
    """A text of `length` code points mixing 1- to 4-byte UTF-8 characters."""
    pattern = "Ferry ⛴ fährt über den Fluß; 渡し船 😀 "
    return (pattern * (length // len(pattern) + 1))[:length]


def pattern_bytes(length):
    return bytes(i % 251 for i in range(length))


CASES = [
    ("short ASCII text", "hello"),
    ("empty text", ""),
    ("non-ASCII text", "héllo wörld ✓ 😀 日本語"),
    ("70 KiB text", mixed_text(70 * 1024)),
    ("100 KiB binary", pattern_bytes(100 * 1024)),
    ("empty binary", b""),
    ("1 MiB binary", pattern_bytes(1024 * 1024)),
]


async def run(url, deflate):
    async with websockets.connect(
        url, compression="deflate" if deflate else None, max_size=64 * 1024 * 1024
    ) as socket:
        for name, data in CASES:
            print("echo: " + name, file=sys.stderr)
            await socket.send(data)
            answer = await socket.recv()
            if answer != data or type(answer) is not type(data):
                raise AssertionError("echo of " + name + " differs")
        pong = await socket.ping(b"are you there?")
        await pong
        extensions = [str(e.name) for e in socket.extensions]
        await socket.close(code=1000, reason="bye")
        if socket.close_code != 1000:
            raise AssertionError("expected close code 1000 back, got %s" % socket.close_code)
        return {"ok": True, "extensions": extensions, "cases": len(CASES) + 1}


def main():
    url = sys.argv[1]
    deflate = "--deflate" in sys.argv[2:]
    try:
        result = asyncio.run(asyncio.wait_for(run(url, deflate), timeout=30))
    except Exception as e:  # report any failure as one JSON line and a non-zero exit
        print(json.dumps({"ok": False, "error": "%s: %s" % (type(e).__name__, e)}))
        sys.exit(1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
