# ostep_check.py SEED NUM FRAMES POLICY CLOCKBITS - an independent model of
# OSTEP paging-policy.py's compute mode (-c), written from its documented
# rules and using Python's own random module, for tests/run.sh to hold
# vmlab replay --ostep against: prints the FINALSTATS line.
import random
import sys

seed, num, frames, policy, clockbits = (int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]),
                                        sys.argv[4], int(sys.argv[5]))
random.seed(seed)
addrs = [int(10 * random.random()) for _ in range(num)]
memory, ref, hits, misses = [], {}, 0, 0
for n in addrs:
    if n in memory:
        hits += 1
        if policy == 'LRU':
            memory.remove(n)
            memory.append(n)
    else:
        misses += 1
        if len(memory) == frames:
            if policy in ('FIFO', 'LRU'):
                memory.pop(0)
            elif policy == 'RAND':
                memory.pop(int(random.random() * len(memory)))
            elif policy == 'CLOCK':
                while True:
                    page = memory[int(random.random() * len(memory))]
                    if ref[page] >= 1:
                        ref[page] -= 1
                    else:
                        memory.remove(page)
                        del ref[page]
                        break
        memory.append(n)
    if n not in ref:
        ref[n] = 1
    else:
        ref[n] = min(ref[n] + 1, clockbits)
print('FINALSTATS hits %d   misses %d   hitrate %.2f' % (hits, misses, 100.0 * hits / (hits + misses)))
