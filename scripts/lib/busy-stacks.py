#!/usr/bin/env python3
"""The busy part of a dotnet-trace thread-time profile (speedscope JSON): drops the samples of threads waiting (their
top frame a wait, a sleep or a blocking read), then prints each frame's inclusive share of the busy samples.
Usage: busy-stacks.py FILE.speedscope.json [N] [FILTER]"""
import json, sys, collections

WAITING = ("WaitHandle.WaitOneNoCheck", "LowLevelLifoSemaphore.WaitForSignal", "LowLevelLifoSemaphore.Wait", "Monitor.Wait",
           "ManualResetEventSlim.Wait", "Interop+Sys.Read", "Kernel32.SetEvent", "SocketAsyncEngine.EventLoop",
           "Thread.Sleep", "WaitNative", "Interop+Sys.WaitForSocketEvents", "UNMANAGED_CODE_TIME", "CPU_TIME")
data = json.load(open(sys.argv[1]))
top = int(sys.argv[2]) if len(sys.argv) > 2 else 60
only = sys.argv[3] if len(sys.argv) > 3 else None
frames = [f["name"] for f in data["shared"]["frames"]]
inclusive, exclusive, busy = collections.Counter(), collections.Counter(), 0
def spans(profile):
    """(stack, milliseconds) pairs of an evented profile: the time between two events belongs to the open stack."""
    stack, last = [], None
    for event in profile["events"]:
        if last is not None and stack and event["at"] > last:
            yield list(stack), event["at"] - last
        last = event["at"]
        if event["type"] == "O":
            stack.append(event["frame"])
        elif stack:
            stack.pop()

for profile in data["profiles"]:
    for stack, weight in spans(profile):
        if not stack:
            continue
        leaf = frames[stack[-1]]
        if any(w in leaf for w in WAITING):
            continue
        names = [frames[i] for i in stack]
        if only and not any(only in n for n in names):
            continue
        busy += weight
        exclusive[leaf] += weight
        for name in set(names):
            inclusive[name] += weight
print(f"busy samples (weight): {busy:.0f}")
for name, w in inclusive.most_common(top):
    print(f"{100 * w / busy:6.1f}%  {name[:150]}")
print("--- exclusive")
for name, w in exclusive.most_common(30):
    print(f"{100 * w / busy:6.1f}%  {name[:150]}")
