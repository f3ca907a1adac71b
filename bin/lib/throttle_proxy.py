#!/usr/bin/env python3
"""A TCP proxy that can be made slow while it runs: the slow sink of bin/soak.

    throttle_proxy.py --listen 127.0.0.1:15432 --target 127.0.0.1:5432 --control .stack/soak/throttle

The control file holds "<bytes per second> <delay ms>" (e.g. "20000 50"); "0 0" or no file forwards at full
speed. It is re-read twice a second, so a running job's connections slow down (and recover) without being
dropped: the point is a server that answers slowly, not one that fails. The byte rate applies per connection
and direction, the delay to every chunk forwarded (a slow round trip).
"""
import argparse
import asyncio
import os
import signal
import sys

CHUNK = 16 * 1024


class Throttle:
    def __init__(self, control):
        self.control = control
        self.bytes_per_second = 0
        self.delay_seconds = 0.0
        self.mtime = None

    def reload(self):
        try:
            mtime = os.stat(self.control).st_mtime_ns
        except FileNotFoundError:
            self.bytes_per_second, self.delay_seconds, self.mtime = 0, 0.0, None
            return
        if mtime == self.mtime:
            return
        self.mtime = mtime
        with open(self.control) as f:
            fields = f.read().split()
        try:
            rate, delay = int(fields[0]), int(fields[1]) if len(fields) > 1 else 0
        except (IndexError, ValueError):
            print(f"throttle_proxy: ignoring control file {self.control}: expected '<bytes/s> <delay ms>'",
                  file=sys.stderr, flush=True)
            return
        self.bytes_per_second, self.delay_seconds = max(0, rate), max(0, delay) / 1000.0
        print(f"throttle_proxy: {self.bytes_per_second or 'unlimited'} bytes/s, {delay} ms delay per chunk",
              flush=True)

    async def watch(self):
        while True:
            self.reload()
            await asyncio.sleep(0.5)

    async def pace(self, size):
        wait = self.delay_seconds
        if self.bytes_per_second > 0:
            wait += size / self.bytes_per_second
        if wait > 0:
            await asyncio.sleep(wait)


async def pipe(reader, writer, throttle):
    try:
        while True:
            data = await reader.read(CHUNK)
            if not data:
                break
            await throttle.pace(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", required=True, help="host:port to accept connections on")
    parser.add_argument("--target", required=True, help="host:port to forward them to")
    parser.add_argument("--control", required=True, help="file with '<bytes per second> <delay ms>'")
    args = parser.parse_args()
    listen_host, listen_port = args.listen.rsplit(":", 1)
    target_host, target_port = args.target.rsplit(":", 1)
    throttle = Throttle(args.control)

    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(target_host, int(target_port))
        except OSError as e:
            print(f"throttle_proxy: cannot reach {args.target}: {e}", file=sys.stderr, flush=True)
            client_writer.close()
            return
        await asyncio.gather(pipe(client_reader, server_writer, throttle),
                             pipe(server_reader, client_writer, throttle))

    server = await asyncio.start_server(handle, listen_host, int(listen_port))
    print(f"throttle_proxy: {args.listen} -> {args.target}, control file {args.control}", flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    watcher = asyncio.create_task(throttle.watch())
    async with server:
        await stop
    watcher.cancel()


if __name__ == "__main__":
    asyncio.run(main())
