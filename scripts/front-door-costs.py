#!/usr/bin/env python3
"""What hostile documents cost the server before it refuses them (README, Security).

Starts `hearth serve` (the binary given, on a fresh SQLite file), then sends documents just under the
body limit that would be expensive if expanded or validated naively, and reports for each the answer's
code, the time to the answer and the server's resident memory (VmRSS, and the peak VmHWM) after it.
Also prints what the benchmark's queries and GraphiQL's introspection query cost in fields.

    python3 scripts/front-door-costs.py target/release/hearth
"""

import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

BODY_LIMIT = 1024 * 1024

INTROSPECTION = """
query IntrospectionQuery { __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { ...FullType } directives { name description locations args { ...InputValue } } } }
fragment FullType on __Type { kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef }
    isDeprecated deprecationReason }
  inputFields { ...InputValue } interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef } }
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
"""

W2 = ("query W2Traversal { clients(first: 50) { nodes { id firstName lastName "
      "enrollments { id entryDate project { name organization { name } } } "
      "ceEvents { id eventType referredProject { name } resultingEnrollment { id entryDate } } } } }")


def start(binary, env):
    db = tempfile.mktemp(suffix=".db")
    base = dict(os.environ, DATABASE_URL=f"sqlite://{db}?mode=rwc", HEARTH_BIND="127.0.0.1:0",
                HEARTH_TODAY="2026-06-30", **env)
    token = subprocess.run([binary, "create-admin", "--email", "costs@hearth.test"], env=base,
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    server = subprocess.Popen([binary, "serve"], env=base, stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        found = re.search(r"http://\S+/graphql", line)
        if found:
            return server, found.group(0), token
    raise SystemExit("hearth serve did not start")


def post(url, token, query):
    body = json.dumps({"query": query}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request) as response:
            answer = json.load(response)
    except urllib.error.HTTPError as err:
        answer = json.load(err)
    return answer, (time.perf_counter() - started) * 1000, len(body)


def memory(pid):
    status = open(f"/proc/{pid}/status").read()
    field = lambda name: int(re.search(rf"{name}:\s+(\d+) kB", status).group(1)) // 1024
    return field("VmRSS"), field("VmHWM")


def fit(make):
    """The largest document `make(n)` whose JSON body is under the body limit."""
    low, high = 1, 1
    while len(json.dumps({"query": make(high)})) < BODY_LIMIT:
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        if len(json.dumps({"query": make(mid)})) < BODY_LIMIT:
            low = mid
        else:
            high = mid
    return make(low)


def bomb_chain(n):
    query = "query { ...F0 }\n"
    for level in range(n):
        query += f"fragment F{level} on Query {{ {' '.join([f'...F{level + 1}'] * 10)} }}\n"
    return query + f"fragment F{n} on Query {{ __typename }}"


HOSTILE = {
    "fragment bomb 10^8 (646 bytes)": lambda: bomb_chain(8),
    "fragment chain, 10 spreads per level, to the limit": lambda: fit(bomb_chain),
    "one field repeated": lambda: fit(lambda n: "{ " + "__typename " * n + "}"),
    "aliases": lambda: fit(lambda n: "{ " + " ".join(f"a{i}: __typename" for i in range(n)) + " }"),
    "nesting": lambda: fit(lambda n: "{ me " * n + "}" * n),
    "many fragments, each spread once": lambda: fit(lambda n: "query { " + " ".join(
        f"...F{i}" for i in range(n)) + " } " + " ".join(
        f"fragment F{i} on Query {{ __typename }}" for i in range(n))),
    "arguments": lambda: fit(lambda n: "{ clients(" + ", ".join(["first: 1"] * n) + ") { totalCount } }"),
    "list value": lambda: fit(lambda n: "{ clients(search: [" + ",".join(["1"] * n) + "]) { totalCount } }"),
    "variables": lambda: fit(lambda n: "query(" + ", ".join(f"$v{i}: Int" for i in range(n)) + ") { __typename }"),
}


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/hearth"
    server, url, token = start(binary, {"HEARTH_MAX_SELECTIONS": "1"})
    for name, query in [("GraphiQL introspection", INTROSPECTION), ("benchmark W2", W2)]:
        answer, _, _ = post(url, token, query)
        message = answer["errors"][0]["message"]
        fields = re.search(r"resolve (\d+) fields", message).group(1)
        print(f"{name}: {fields} fields")
    server.kill()

    server, url, token = start(binary, {})
    rss, peak = memory(server.pid)
    print(f"server at start: {rss} MB resident, peak {peak} MB")
    print("| document | body | answer | time | resident after | peak after |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, make in HOSTILE.items():
        query = make()
        worst = 0.0
        for _ in range(3):
            answer, ms, size = post(url, token, query)
            worst = max(worst, ms)
        code = answer.get("errors", [{}])[0].get("extensions", {}).get("code", "ok")
        rss, peak = memory(server.pid)
        print(f"| {name} | {size // 1024} KB | {code} | {worst:.0f} ms | {rss} MB | {peak} MB |")
    server.kill()


if __name__ == "__main__":
    main()
