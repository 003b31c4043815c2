// bench/ratio_main.h - pairs a benchmark with its baseline from the same run.
// ratio_main.cpp runs everything with repetitions and prints, for each pair,
// the medians and their ratio next to the goal.
#ifndef COMKIT_BENCH_RATIO_MAIN_H
#define COMKIT_BENCH_RATIO_MAIN_H

#include <string>
#include <vector>

namespace comkit::bench {

struct pair_spec {
  std::string candidate;  // benchmark name (as registered)
  std::string baseline;   // benchmark name of the baseline, or "" for an absolute goal
  double max_ratio;       // goal for candidate/baseline (0: none)
  double max_ns;          // goal for the candidate's median in ns (0: none)
};

inline std::vector<pair_spec>& pairs() {
  static std::vector<pair_spec> p;
  return p;
}

struct register_pair {
  register_pair(pair_spec s) { pairs().push_back(std::move(s)); }
};

}  // namespace comkit::bench

#define COMKIT_BENCH_CAT2(a, b) a##b
#define COMKIT_BENCH_CAT(a, b) COMKIT_BENCH_CAT2(a, b)
/// COMKIT_BENCH_PAIR("BM_X", "BM_Baseline", 1.1, 0): report X against Baseline.
#define COMKIT_BENCH_PAIR(...) \
  static ::comkit::bench::register_pair COMKIT_BENCH_CAT(comkit_bench_pair_, __LINE__)({__VA_ARGS__})

#endif
