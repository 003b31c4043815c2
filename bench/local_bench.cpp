// bench/local_bench.cpp - calls to a local server (another process, over the
// Unix-socket transport) against a raw Unix-socket ping-pong of the same
// message sizes, in the same run: caller and server pinned to one CPU (the
// issue's goal: at most 1.2x) and unpinned; 8 client threads on one
// connection; 8 client processes; activation of a running server and a
// cold start (exec included). The server is bench_local_server (tests/local's test server).
#include <benchmark/benchmark.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <comkit/abi/extensions.h>
#include <objbase.h>

#include "local_test.h"
#include "ratio_main.h"

namespace {

const CLSID clsid_local_test = {0x7c3e5a2f, 0x1b4d, 0x4e6f, {0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x50}};

// What one empty call puts on the wire (measured: frame header, request
// fields, the stub's request; and the reply's header, HRESULT, size, the
// stub's reply, the error flag).
constexpr std::size_t request_bytes = 16 + 28;
constexpr std::size_t reply_bytes = 16 + 4 + 4 + 4 + 1;

const std::string g_root = [] {
  char dir[] = "/tmp/comkit-local-bench-XXXXXX";
  std::string root = ::mkdtemp(dir) ? dir : "/tmp";
  ::setenv("XDG_RUNTIME_DIR", root.c_str(), 1);
  ::setenv("COMKIT_REGISTRY_PATH", (root + "/registry").c_str(), 1);
  return root;
}();

void pin(bool on) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (on) {
    CPU_SET(0, &set);
  } else {
    for (int c = 0; c < CPU_SETSIZE; ++c) CPU_SET(c, &set);
  }
  sched_setaffinity(0, sizeof set, &set);
}

pid_t spawn_server(const char* mode, bool pinned, const char* arg1 = "-Embedding", const char* arg2 = nullptr,
                   int* out = nullptr) {
  std::string exe = COMKIT_BENCH_LOCAL_SERVER, a1 = arg1, a2 = arg2 ? arg2 : "";
  char* argv[] = {exe.data(), a1.data(), arg2 ? a2.data() : nullptr, nullptr};
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "LOCAL_TEST_MODE=", 16) != 0) env.push_back(*e);
  env.push_back(std::string("LOCAL_TEST_MODE=") + mode);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int pipefd[2] = {-1, -1};
  if (out && ::pipe(pipefd) == 0) {
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  }
  pid_t pid = 0;
  pin(pinned);  // the child inherits the affinity
  posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (pipefd[0] >= 0) {
    ::close(pipefd[1]);
    *out = pipefd[0];
  }
  return pid;
}

// One CLSCTX_LOCAL_SERVER activation; null when it fails.
ILocalTest* activate() {
  ILocalTest* t = nullptr;
  if (FAILED(CoCreateInstance(clsid_local_test, nullptr, CLSCTX_LOCAL_SERVER, IID_ILocalTest,
                              reinterpret_cast<void**>(&t))))
    return nullptr;
  return t;
}

struct session {
  pid_t server = 0;
  ILocalTest* test = nullptr;
  session(bool pinned) {
    // The MTA lives as long as the process, whichever thread makes the
    // session (a benchmark's threads come and go).
    static bool init = [] {
      CO_MTA_USAGE_COOKIE cookie;
      return SUCCEEDED(CoIncrementMTAUsage(&cookie));
    }();
    (void)init;
    server = spawn_server("linger", pinned);
    for (int i = 0; i < 2000 && !(test = activate()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~session() {
    if (test) test->Release();
    ::kill(server, SIGKILL);
    ::waitpid(server, nullptr, 0);
    pin(false);
  }
};

void local_call(benchmark::State& s, bool pinned) {
  session x(pinned);
  if (!x.test) {
    s.SkipWithError("no server");
    return;
  }
  for (auto _ : s)
    if (x.test->Nothing() != S_OK) s.SkipWithError("call failed");
}
void BM_LocalCall_Pinned(benchmark::State& s) { local_call(s, true); }
void BM_LocalCall_Unpinned(benchmark::State& s) { local_call(s, false); }
BENCHMARK(BM_LocalCall_Pinned)->UseRealTime();
BENCHMARK(BM_LocalCall_Unpinned)->UseRealTime();

// The baseline: a child echoing fixed-size messages over a socketpair.
void ping_pong(benchmark::State& s, bool pinned) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
    s.SkipWithError("socketpair");
    return;
  }
  pin(pinned);
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(sv[0]);
    char in[request_bytes], out[reply_bytes] = {};
    for (;;) {
      std::size_t got = 0;
      while (got < sizeof in) {
        const ssize_t k = ::recv(sv[1], in + got, sizeof in - got, 0);
        if (k <= 0) ::_exit(0);
        got += static_cast<std::size_t>(k);
      }
      if (::send(sv[1], out, sizeof out, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof out)) ::_exit(0);
    }
  }
  ::close(sv[1]);
  char req[request_bytes] = {}, rep[reply_bytes];
  for (auto _ : s) {
    ::send(sv[0], req, sizeof req, MSG_NOSIGNAL);
    std::size_t got = 0;
    while (got < sizeof rep) {
      const ssize_t k = ::recv(sv[0], rep + got, sizeof rep - got, 0);
      if (k <= 0) break;
      got += static_cast<std::size_t>(k);
    }
  }
  ::close(sv[0]);
  ::waitpid(child, nullptr, 0);
  pin(false);
}
void BM_Baseline_SocketPingPong_Pinned(benchmark::State& s) { ping_pong(s, true); }
void BM_Baseline_SocketPingPong_Unpinned(benchmark::State& s) { ping_pong(s, false); }
BENCHMARK(BM_Baseline_SocketPingPong_Pinned)->UseRealTime();
BENCHMARK(BM_Baseline_SocketPingPong_Unpinned)->UseRealTime();

// 8 client threads sharing one proxy (one connection): calls per second.
void BM_LocalCall_8Threads(benchmark::State& s) {
  static session x(false);  // made once, by the first thread; its server killed at exit
  for (auto _ : s)
    if (!x.test || x.test->Nothing() != S_OK) s.SkipWithError("call failed");
  s.SetItemsProcessed(s.iterations());
}
BENCHMARK(BM_LocalCall_8Threads)->Threads(8)->UseRealTime();

// 8 client processes, each with its own connection to one MTA server,
// calling for 2 s: calls per second in all (items_per_second).
void BM_LocalCall_8Processes(benchmark::State& s) {
  session x(false);
  if (!x.test) {
    s.SkipWithError("no server");
    return;
  }
  constexpr int processes = 8, ms = 2000;
  for (auto _ : s) {
    pid_t pids[processes];
    int outs[processes];
    for (int k = 0; k < processes; ++k) {
      outs[k] = -1;
      pids[k] = spawn_server("multi", false, "--calls", std::to_string(ms).c_str(), &outs[k]);
    }
    long total = 0;
    for (int k = 0; k < processes; ++k) {
      char buf[64] = {};
      std::size_t got = 0;
      for (ssize_t r; outs[k] >= 0 && got < sizeof buf - 1 && (r = ::read(outs[k], buf + got, sizeof buf - 1 - got)) > 0;)
        got += static_cast<std::size_t>(r);
      if (outs[k] >= 0) ::close(outs[k]);
      int status = 0;
      ::waitpid(pids[k], &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) s.SkipWithError("a client process failed");
      total += std::atol(buf);
    }
    s.SetIterationTime(ms / 1000.0);
    s.SetItemsProcessed(total);
  }
}
BENCHMARK(BM_LocalCall_8Processes)->UseManualTime()->Iterations(1);

// Activating a class whose server is already running: CoCreateInstance and
// the proxy's release.
void BM_ActivateRunningServer(benchmark::State& s) {
  session x(false);
  for (auto _ : s) {
    ILocalTest* t = activate();
    if (!t) {
      s.SkipWithError("activation failed");
      break;
    }
    t->Release();
  }
}
BENCHMARK(BM_ActivateRunningServer)->UseRealTime();

// A cold start: the registered server is started (exec included), serves one
// activation, and exits when released (waited for outside the timing).
void BM_ActivateColdStart(benchmark::State& s) {
  static bool init = (CoInitializeEx(nullptr, COINIT_MULTITHREADED), true);
  (void)init;
  COMKIT_CLASS_REGISTRATION c{clsid_local_test, nullptr, nullptr, "Free", nullptr};
  ComkitRegisterLocalServer(COMKIT_BENCH_LOCAL_SERVER, &c, 1, COMKIT_REGISTER_DEFAULT);
  for (auto _ : s) {
    ILocalTest* t = activate();
    if (!t) {
      s.SkipWithError("activation failed");
      break;
    }
    DWORD pid = 0, tid = 0;
    t->Where(&pid, &tid);
    s.PauseTiming();
    t->Release();
    while (::kill(static_cast<pid_t>(pid), 0) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    s.ResumeTiming();
  }
  ComkitUnregisterServer(COMKIT_BENCH_LOCAL_SERVER, COMKIT_REGISTER_DEFAULT);
}
BENCHMARK(BM_ActivateColdStart)->UseRealTime()->Iterations(20);

}  // namespace

COMKIT_BENCH_PAIR("BM_LocalCall_Pinned/real_time", "BM_Baseline_SocketPingPong_Pinned/real_time", 1.2, 0);
COMKIT_BENCH_PAIR("BM_LocalCall_Unpinned/real_time", "BM_Baseline_SocketPingPong_Unpinned/real_time", 0, 0);
COMKIT_BENCH_PAIR("BM_ActivateRunningServer/real_time", "BM_LocalCall_Unpinned/real_time", 0, 0);
COMKIT_BENCH_PAIR("BM_ActivateColdStart/iterations:20/real_time", "", 0, 0);
