// examples/apartments/main.cpp - a single-threaded component used from
// several threads. The component (a counter with no lock at all) lives in a
// single-threaded apartment, comkit::sta_thread; four worker threads in the
// multithreaded apartment each get it through an agile_ref, which gives
// them a proxy; every call is marshalled to the component's thread and run
// there one at a time, so the unlocked counter stays exact. The proxy and
// stub are built from counter.idl's tables; the calls look like plain C++
// through the generated projection (counter.Add(1)).
#include <comkit/apartment.h>
#include <comkit/comkit.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "counter_projection.h"

namespace {

// Deliberately single-threaded: plain members, no lock. It only ever runs
// on the thread that made it, which it checks on every call.
struct counter : comkit::implements<counter, ICounter> {
  LONG Add(LONG n) {
    check_thread();
    m_total += n;
    return m_total;
  }
  LONG Log(std::u16string_view caller) {
    check_thread();
    m_callers.emplace_back(caller);
    return static_cast<LONG>(m_callers.size());
  }
  DWORD Owner() const { return m_owner; }

  int wrong_thread_calls() const { return m_wrong; }

 private:
  void check_thread() {
    if (GetCurrentThreadId() != m_owner) ++m_wrong;
  }
  DWORD m_owner = GetCurrentThreadId();
  LONG m_total = 0;
  int m_wrong = 0;
  std::vector<std::u16string> m_callers;
};

}  // namespace

int main() {
  if (CoInitializeEx(nullptr, COINIT_MULTITHREADED) < 0) return 1;
  constexpr int threads = 4, calls = 2000;
  std::atomic<int> failures{0};  // counted by the workers
  {
    comkit::sta_thread sta;  // the component's apartment: a thread that pumps
    comkit::com_ptr<counter> impl;
    comkit::agile_ref<ICounter> shared;
    sta.run([&] {
      impl = comkit::make_self<counter>();
      shared = comkit::make_agile(impl.as<ICounter>());
    });
    std::printf("component made on thread %u (an STA)\n", static_cast<unsigned>(sta.id()));

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
      workers.emplace_back([&, w] {
        // A worker in the MTA: the component reaches it as a proxy.
        if (CoInitializeEx(nullptr, COINIT_MULTITHREADED) < 0) return;
        {
          comkit::com_ptr<ICounter> c = shared.get();
          const std::u16string name = u"worker " + std::u16string(1, static_cast<char16_t>(u'0' + w));
          c.Log(name);
          for (int k = 0; k < calls; ++k) c.Add(1);
          if (c.Owner() != sta.id()) ++failures;
        }
        CoUninitialize();
      });
    }
    for (auto& t : workers) t.join();
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

    comkit::com_ptr<ICounter> c = shared.get();
    const LONG total = c.Add(0);
    const LONG logged = c.Log(u"main");
    std::printf("%d threads x %d calls through proxies: total %ld (expected %d), %ld callers logged, %.1f us per call\n",
                threads, calls, static_cast<long>(total), threads * calls, static_cast<long>(logged),
                ms * 1000.0 / (threads * calls));
    int wrong = 0;
    sta.run([&] { wrong = impl->wrong_thread_calls(); });
    std::printf("calls that ran on another thread than the component's: %d\n", wrong);
    if (total != threads * calls || logged != threads + 1 || wrong != 0 || failures != 0) {
      std::printf("apartments: FAILED\n");
      return 1;
    }
    c = nullptr;
    shared = comkit::agile_ref<ICounter>();
    sta.run([&] { impl = nullptr; });
  }
  CoUninitialize();
  std::printf("apartments: all steps passed\n");
  return 0;
}
