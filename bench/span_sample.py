"""Span-query recall on every 4th dev span query: a quick check of the re-ranker (index path as argv[1])."""
import sys, json, time
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[1]))
from ttdn_search.search import Searcher
s = Searcher(sys.argv[1] if len(sys.argv) > 1 else 'index')
qs = [json.loads(l) for l in open(str(__import__('pathlib').Path(__file__).resolve().parents[2] / 'shared/eval/dev/queries.jsonl'))]
qs = [q for q in qs if q['kind'].startswith('span')][::4]
hit = 0; rr = 0; lat = []
for q in qs:
    t = time.perf_counter(); r = s.search(q['query']); lat.append(time.perf_counter() - t)
    ids = [h.id for h in r.hits]; rel = q['relevant_ids'][0]
    if rel in ids: hit += 1; rr += 1 / (ids.index(rel) + 1)
lat.sort()
print(len(qs), 'R@10', hit / len(qs), 'MRR', rr / len(qs), 'p50', lat[len(lat)//2])
