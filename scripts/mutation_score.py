"""The score of a mutation run (scripts/mutation): reads `mutmut results --all true` on
stdin, keeps the mutants matching the patterns given, prints the count by status, the share
killed and each survivor."""

import fnmatch
import sys
from collections import Counter


def main(patterns: list[str]) -> None:
    statuses: dict[str, str] = {}
    for line in sys.stdin:
        name, _, status = line.strip().rpartition(": ")
        if name and any(fnmatch.fnmatchcase(name, p) for p in patterns):
            statuses[name] = status
    counts = Counter(statuses.values())
    total = len(statuses)
    killed = counts["killed"] + counts["timeout"]
    print(", ".join(f"{status}: {n}" for status, n in sorted(counts.items())))
    if total:
        print(f"{killed} killed of {total} ({100 * killed / total:.1f} %)")
    for name, status in sorted(statuses.items()):
        if status not in ("killed", "timeout"):
            print(f"  {status}: {name}")


if __name__ == "__main__":
    main(sys.argv[1:])
