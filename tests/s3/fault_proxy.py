#!/usr/bin/python3
"""A TCP proxy on loopback that breaks connections mid-transfer, for the S3 fault tests.

    fault_proxy.py --target 127.0.0.1:7480 --port-file F [--fault MODE] [--dir down|up]
                   [--at BYTES] [--count K] [--log FILE]

Listens on 127.0.0.1 (an ephemeral port, written to --port-file once it accepts) and forwards
every connection to --target. A connection is faulted once it has carried --at bytes in
direction --dir (down: server -> client, i.e. responses; up: client -> server, requests),
until --count connections have been faulted; after that everything passes through. Modes:

    pass      never fault
    drop      close the connection as soon as it is accepted (nothing forwarded; --at ignored)
    truncate  forward exactly --at bytes, then close both sides (a short read / short upload)
    reset     forward exactly --at bytes, then reset the client connection (RST)
    stall     forward exactly --at bytes, then forward nothing more, holding the connection
              open until the client gives up (exercises the client's read timeout)

Each fault is logged as one line to --log. Stops on SIGTERM. Python standard library only.
"""
import argparse
import asyncio
import os
import signal
import socket
import struct
import sys


class Proxy:
    def __init__(self, args):
        self.args = args
        host, port = args.target.rsplit(":", 1)
        self.target = (host, int(port))
        self.faults = 0
        self.connections = 0
        self.log = open(args.log, "a", buffering=1) if args.log else None

    def claim_fault(self):
        """True if the caller may fault its connection now (at most --count in total)."""
        if self.args.fault == "pass" or self.faults >= self.args.count:
            return False
        self.faults += 1
        if self.log:
            self.log.write(f"fault {self.faults}: {self.args.fault} on connection "
                           f"{self.connections} after {self.args.at} bytes {self.args.dir}\n")
        return True

    async def handle(self, client_r, client_w):
        self.connections += 1
        if self.args.fault == "drop" and self.claim_fault():
            client_w.close()
            return
        try:
            server_r, server_w = await asyncio.open_connection(*self.target)
        except OSError:
            client_w.close()
            return
        state = {"stalled": False}
        at, mode = self.args.at, self.args.fault

        async def pump(reader, writer, faultable):
            sent = 0
            try:
                while True:
                    data = await reader.read(65536)
                    if not data:
                        break
                    if state["stalled"]:
                        continue  # swallow everything: the peer sees a silent connection
                    if faultable and sent + len(data) >= at and self.claim_fault():
                        writer.write(data[:at - sent])
                        await writer.drain()
                        if mode == "stall":
                            state["stalled"] = True
                            continue
                        if mode == "reset":
                            sock = client_w.transport.get_extra_info("socket")
                            if sock is not None:
                                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                                struct.pack("ii", 1, 0))
                        break
                    writer.write(data)
                    await writer.drain()
                    sent += len(data)
            except (ConnectionError, OSError):
                pass
            if state["stalled"] and reader is server_r:
                return  # the server is done; keep the client waiting until it gives up
            # One side ended (or was faulted): end the other too, so its pump sees EOF.
            for w in (client_w, server_w):
                w.close()

        down = self.args.dir == "down"
        await asyncio.gather(pump(server_r, client_w, down), pump(client_r, server_w, not down))


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--fault", default="pass", choices=["pass", "drop", "truncate", "reset", "stall"])
    p.add_argument("--dir", default="down", choices=["down", "up"])
    p.add_argument("--at", type=int, default=1)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--log")
    args = p.parse_args()
    if args.at < 1:
        p.error("--at must be at least 1")
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as f:
        f.write(f"{port}\n")
    os.replace(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
