#!/usr/bin/env python3
"""Where an API's CPU went, from a dotnet-trace thread-time profile converted to speedscope
(`dotnet dotnet-trace convert X.nettrace --format Speedscope`): only the CPU_TIME samples of thread-pool work (the socket
engine's epoll wait excluded), each counted under the deepest frame of a known library, as a share of them all.
Usage: scripts/lib/busy-stacks.py X.speedscope.json"""
import json, sys, collections

CATEGORIES = [("JWT validation, authentication", ("IdentityModel", "JwtBearer", "Authentication.Authentication")),
              ("System.Text.Json", ("System.Text.Json",)),
              ("Npgsql (socket I/O, protocol)", ("Npgsql!",)),
              ("Marten SaveChanges", ("SaveChangesAsync",)),
              ("Marten FetchForWriting", ("FetchForWriting", "fetchForWriting")),
              ("Wolverine", ("Wolverine",)),
              ("Polly (Marten's command retries)", ("Polly",)),
              ("Serilog", ("Serilog",)),
              ("metrics, activities, EventSource", ("System.Diagnostics.Metrics", "Activity", "OpenTelemetry", "Tracing.EventSource")),
              ("Kestrel, ASP.NET Core pipeline", ("Kestrel", "AspNetCore"))]
data = json.load(open(sys.argv[1]))
frames = [f["name"] for f in data["shared"]["frames"]]

def spans(profile):
    """(stack, milliseconds) of an evented profile: the time between two events belongs to the stack open then."""
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and stack and event["at"] > last:
            yield list(stack), event["at"] - last
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()

shares, total = collections.Counter(), 0.0
for profile in data["profiles"]:
    for stack, ms in spans(profile):
        names = [frames[i] for i in stack]
        if names[-1] != "CPU_TIME" or any("SocketAsyncEngine.EventLoop" in n for n in names):
            continue
        if not any("ThreadPoolWorkQueue.Dispatch" in n or "IThreadPoolWorkItem.Execute" in n for n in names):
            continue
        total += ms
        found = next((category for name in reversed(names) for category, keys in CATEGORIES if any(k in name for k in keys)), "other (runtime, thread pool, GC)")
        shares[found] += ms
print(f"CPU on thread-pool work: {total / 1000:.1f} s")
for category, ms in shares.most_common():
    print(f"{100 * ms / total:5.1f}%  {category}")
