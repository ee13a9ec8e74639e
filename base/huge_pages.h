// Transparent huge pages for the simulator's heap.
//
// Large runs are bound by cache and TLB misses: every delivered message
// touches per-root tables of a node last touched thousands of messages ago,
// gigabytes apart. With 4 KiB pages each such access also misses the TLB;
// with 2 MiB pages it mostly does not (docs/performance.md: 17 % less wall
// time for a 100,000-node broadcast). Debian leaves THP in `madvise` mode,
// and glibc madvises its heap only when the GLIBC_TUNABLES variable says
// glibc.malloc.hugetlb=1 at process start. So the binaries that run
// simulations call UseHugePages first: when GLIBC_TUNABLES is unset it sets
// it and executes itself again, once. It changes no result (nothing depends
// on addresses); PLUMSIM_HUGE_PAGES=0, or any GLIBC_TUNABLES of your own,
// turns it off.
#ifndef PLUMSIM_BASE_HUGE_PAGES_H_
#define PLUMSIM_BASE_HUGE_PAGES_H_

namespace plumsim {

// Returns only if it did not re-execute (already set, turned off, or the
// exec failed: the run then goes on with normal pages).
void UseHugePages(char** argv);

}  // namespace plumsim

#endif  // PLUMSIM_BASE_HUGE_PAGES_H_
