// bench/ratio_main.cpp - main() for comkit's benchmarks: runs every benchmark
// (5 repetitions unless told otherwise), then prints each registered pair's
// medians, ratio and goal, so speed claims are always relative to a
// baseline measured in the same run on the same machine.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "ratio_main.h"

namespace {

class median_collector : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, double> median_ns;

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median")
        median_ns[r.run_name.str()] = r.GetAdjustedRealTime() * unit_to_ns(r.time_unit);
      else if (r.run_type == Run::RT_Iteration && !median_ns.count(r.run_name.str()))
        median_ns[r.run_name.str()] = r.GetAdjustedRealTime() * unit_to_ns(r.time_unit);
    }
    ConsoleReporter::ReportRuns(runs);
  }

 private:
  static double unit_to_ns(benchmark::TimeUnit u) {
    switch (u) {
      case benchmark::kSecond: return 1e9;
      case benchmark::kMillisecond: return 1e6;
      case benchmark::kMicrosecond: return 1e3;
      case benchmark::kNanosecond: break;
    }
    return 1;
  }
};

}  // namespace

int main(int argc, char** argv) {
  // Defaults, each overridable on the command line: 5 repetitions, run in a
  // random interleaved order so that drift of a shared machine hits
  // candidates and baselines alike.
  std::vector<char*> args(argv, argv + argc);
  std::string defaults[] = {"--benchmark_repetitions=5", "--benchmark_enable_random_interleaving=true"};
  for (std::string& d : defaults) {
    const std::string key = d.substr(0, d.find('='));
    bool given = false;
    for (int i = 1; i < argc; ++i) given |= std::string(argv[i]).rfind(key, 0) == 0;
    if (!given) args.push_back(d.data());
  }
  int n = static_cast<int>(args.size());
  benchmark::Initialize(&n, args.data());
  if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  median_collector reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  std::printf("\n%-44s %10s %10s %8s %s\n", "candidate vs baseline (medians)", "cand ns", "base ns", "ratio", "goal");
  int missed = 0;
  for (const auto& p : comkit::bench::pairs()) {
    const auto c = reporter.median_ns.find(p.candidate);
    if (c == reporter.median_ns.end()) continue;  // filtered out
    const auto b = p.baseline.empty() ? reporter.median_ns.end() : reporter.median_ns.find(p.baseline);
    const double ratio = b != reporter.median_ns.end() ? c->second / b->second : 0;
    std::string goal;
    bool met = true;
    if (p.max_ratio > 0 && b != reporter.median_ns.end()) {
      goal += "<= " + std::to_string(p.max_ratio).substr(0, 4) + "x ";
      met &= ratio <= p.max_ratio;
    }
    if (p.max_ns > 0) {
      goal += "<= " + std::to_string(static_cast<int>(p.max_ns)) + " ns ";
      met &= c->second <= p.max_ns;
    }
    missed += !met;
    std::printf("%-44s %10.2f %10s %8s %s%s\n", p.candidate.c_str(), c->second,
                b != reporter.median_ns.end() ? std::to_string(b->second).substr(0, 7).c_str() : "-",
                ratio > 0 ? std::to_string(ratio).substr(0, 5).c_str() : "-", goal.c_str(), met ? "met" : "MISSED");
    if (b != reporter.median_ns.end()) std::printf("    baseline: %s\n", p.baseline.c_str());
  }
  std::printf("%d goal(s) missed\n", missed);
  return 0;
}
