#!/usr/bin/env python3
"""Load for `korqa serve` (bench/serve.sh): POST /v1/ask with ChatbotData questions over
persistent HTTP/1.1 connections (the standard library only), N requests per connection, C
connections in threads. Prints requests/s, p50/p99 latency (ms) and the error count."""
import csv, http.client, json, sys, threading, time

host, port, questions_file, total, connections = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
with open(questions_file, encoding="utf-8") as f:
    questions = [row["Q"] for row in csv.DictReader(f)]
latencies, errors, lock = [], [0], threading.Lock()

def worker(k):
    conn = http.client.HTTPConnection(host, port)
    mine = []
    for i in range(total // connections):
        body = json.dumps({"question": questions[(k * 7919 + i) % len(questions)]}).encode()
        t = time.perf_counter()
        conn.request("POST", "/v1/ask", body, {"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        mine.append(time.perf_counter() - t)
        if response.status != 200:
            with lock: errors[0] += 1
    with lock: latencies.extend(mine)

start = time.perf_counter()
threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
for t in threads: t.start()
for t in threads: t.join()
elapsed = time.perf_counter() - start
latencies.sort()
print(json.dumps({"connections": connections, "requests": len(latencies), "requests_per_s": round(len(latencies) / elapsed, 1),
                  "p50_ms": round(1000 * latencies[len(latencies) // 2], 3), "p99_ms": round(1000 * latencies[int(len(latencies) * 0.99)], 3),
                  "errors": errors[0]}))
