// The speed reference for `capsim bench`: a hand-written C event loop of the same M/M/4 queue
// (utilization 0.9), binary heap ordered by (time, sequence), xoshiro256** uniforms and
// exponential variates by inversion, mean wait as its only statistic. `make bench` builds and
// runs it next to capsim so that both are measured on one machine at one moment.
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>
#include <time.h>
typedef struct { double t; uint64_t seq; int kind; } Ev;
static Ev heap[1024]; static int n = 0; static uint64_t seqc = 0;
static inline int lt(Ev a, Ev b){ return a.t < b.t || (a.t == b.t && a.seq < b.seq); }
static void push(double t, int kind){ Ev e = {t, seqc++, kind}; int i = n++; while (i > 0){ int p = (i-1)/2; if (!lt(e, heap[p])) break; heap[i] = heap[p]; i = p; } heap[i] = e; }
static Ev pop(void){ Ev top = heap[0]; Ev last = heap[--n]; int i = 0; for(;;){ int c = 2*i+1; if (c >= n) break; if (c+1 < n && lt(heap[c+1], heap[c])) c++; if (!lt(heap[c], last)) break; heap[i] = heap[c]; i = c; } heap[i] = last; return top; }
static uint64_t s[4] = {1,2,3,4};
static inline uint64_t rotl(const uint64_t x, int k){ return (x << k) | (x >> (64 - k)); }
static inline uint64_t next(void){ const uint64_t r = rotl(s[1]*5, 7)*9; const uint64_t t = s[1] << 17; s[2]^=s[0]; s[3]^=s[1]; s[1]^=s[2]; s[0]^=s[3]; s[2]^=t; s[3]=rotl(s[3],45); return r; }
static inline double u01(void){ return (next() >> 11) * 0x1.0p-53; }
static inline double expo(double mean){ return -mean * log1p(-u01()); }
int main(int argc, char **argv){
  /* Customers: the first argument (capsim bench passes --customers), else 20 million. */
  long N = argc > 1 ? atol(argv[1]) : 20000000; if (N < 1) N = 20000000;
  const int c = 4; double lam = 3.6;
  static double q[1<<20]; long qh = 0, qt = 0; int busy = 0; long done = 0; double sumw = 0;
  push(expo(1/lam), 0);
  struct timespec a, b; clock_gettime(CLOCK_MONOTONIC, &a);
  while (done < N){ Ev e = pop(); double now = e.t;
    if (e.kind == 0){ push(now + expo(1/lam), 0); if (busy < c){ busy++; push(now + expo(1.0), 1);} else { q[qt++ & ((1<<20)-1)] = now; } }
    else { done++; if (qh != qt){ double arr = q[qh++ & ((1<<20)-1)]; sumw += now - arr; push(now + expo(1.0), 1);} else busy--; } }
  clock_gettime(CLOCK_MONOTONIC, &b); double sec = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec)*1e-9;
  printf("C reference M/M/4 rho=0.9: %.0f customers/s over %ld customers (Wq = %.4f, exact 1.9694)\n", N/sec, N, sumw/N);
}
