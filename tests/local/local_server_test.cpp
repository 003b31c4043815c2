// tests/local/local_server_test.cpp - out-of-process servers end to end,
// with real processes: local_test_server (a child started by hand or by COM
// with -Embedding) and this test as its client. Activation (running and
// registered servers, one launch for concurrent clients, single use,
// suspended classes, in-process-only classes), calls with values,
// interfaces both ways and callbacks, IErrorInfo across the boundary, the
// server's and a client's death, CoDisconnectObject, malformed frames.
#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <comkit/abi/extensions.h>
#include <objbase.h>
#include <oleauto.h>
#include <windows.h>

#include "local_oa.h"
#include "local_test.h"

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const CLSID clsid_local_test = {0x7c3e5a2f, 0x1b4d, 0x4e6f, {0x8a, 0x9b, 0x0c, 0x1d, 0x2e, 0x3f, 0x4a, 0x50}};

// A private rendezvous and registry for this test process and its children,
// set before anything in comkit reads them.
const std::string g_root = [] {
  char dir[] = "/tmp/comkit-local-test-XXXXXX";
  const char* made = ::mkdtemp(dir);
  std::string root = made ? made : "/tmp";
  ::setenv("XDG_RUNTIME_DIR", root.c_str(), 1);
  ::setenv("COMKIT_REGISTRY_PATH", (root + "/registry").c_str(), 1);
  ::setenv("LOCAL_TEST_TLB", COMKIT_LOCAL_OA_TLB, 1);  // the servers' IDispatch::GetTypeInfo
#if defined(__SANITIZE_THREAD__)
  // The servers are built with TSan too: their reports go to files that
  // each test looks for (a killed server has no exit status to tell).
  const char* options = std::getenv("TSAN_OPTIONS");
  ::setenv("TSAN_OPTIONS", ((options ? std::string(options) + " " : std::string()) + "log_path=" + root + "/server-tsan").c_str(), 1);
#endif
  return root;
}();

// What the servers' sanitizer wrote (empty when nothing).
std::string server_sanitizer_reports() {
  std::string all;
  DIR* d = ::opendir(g_root.c_str());
  if (!d) return all;
  while (const dirent* e = ::readdir(d)) {
    if (std::strncmp(e->d_name, "server-tsan", 11) != 0) continue;
    const std::string path = g_root + "/" + e->d_name;
    if (FILE* f = std::fopen(path.c_str(), "r")) {
      char buf[4096];
      std::size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) all.append(buf, n);
      std::fclose(f);
    }
    ::unlink(path.c_str());
  }
  ::closedir(d);
  return all;
}

bool failed_as_dead_server(HRESULT hr) {
  return hr == RPC_E_DISCONNECTED || hr == RPC_E_SERVER_DIED || hr == RPC_E_SERVER_DIED_DNE ||
         hr == HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE);
}

struct child {
  pid_t pid = 0;
  int out = -1;  // its stdout, when captured
};

child spawn(const std::vector<std::string>& args, const std::string& mode, bool capture = false) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "LOCAL_TEST_MODE=", 16) != 0) env_strings.push_back(*e);
  env_strings.push_back("LOCAL_TEST_MODE=" + mode);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int pipefd[2] = {-1, -1};
  if (capture) {
    EXPECT_EQ(::pipe(pipefd), 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  }
  child c;
  EXPECT_EQ(posix_spawn(&c.pid, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
  posix_spawn_file_actions_destroy(&fa);
  if (capture) {
    ::close(pipefd[1]);
    c.out = pipefd[0];
  }
  return c;
}

// A bare connection to a server's socket (for speaking the wire format by
// hand); -1 when it cannot be made.
int raw_connect(pid_t server) {
  const std::string path = g_root + "/comkit/" + std::to_string(server);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

// Kills and reaps a child started by the test.
void finish(child& c) {
  if (c.pid > 0) {
    ::kill(c.pid, SIGKILL);
    ::waitpid(c.pid, nullptr, 0);
    c.pid = 0;
  }
  if (c.out >= 0) ::close(c.out);
}

template <typename I>
struct ptr {
  I* p = nullptr;
  ptr() = default;
  ptr(const ptr&) = delete;
  ptr& operator=(const ptr&) = delete;
  ~ptr() { reset(); }
  void reset() {
    if (p) p->Release();
    p = nullptr;
  }
  I* operator->() const { return p; }
  I* get() const { return p; }
  void** out() { return reinterpret_cast<void**>(&p); }
  I** put() {
    reset();
    return &p;
  }
};

HRESULT create(ptr<ILocalTest>& t, DWORD context = CLSCTX_LOCAL_SERVER) {
  t.reset();
  return CoCreateInstance(clsid_local_test, nullptr, context, IID_ILocalTest, t.out());
}

// Activation of a server started by hand: retried until it has registered.
HRESULT create_when_ready(ptr<ILocalTest>& t) {
  HRESULT hr = E_FAIL;
  for (auto until = clock_type::now() + 10s; clock_type::now() < until; std::this_thread::sleep_for(10ms))
    if (SUCCEEDED(hr = create(t))) break;
  return hr;
}

class callback final : public ILocalCallback {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** ppv) override {
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ILocalCallback)) {
      *ppv = static_cast<ILocalCallback*>(this);
      AddRef();
      return S_OK;
    }
    *ppv = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
  ULONG STDMETHODCALLTYPE Release() override { return --refs; }  // on the test's stack
  HRESULT STDMETHODCALLTYPE Ping(LONG value, LONG* result) override {
    pid = static_cast<DWORD>(::getpid());
    thread = GetCurrentThreadId();
    *result = value * 2;
    ++pings;
    return S_OK;
  }
  HRESULT STDMETHODCALLTYPE Where(DWORD* p, DWORD* t) override {
    *p = static_cast<DWORD>(::getpid());
    *t = 0;
    return S_OK;
  }
  // The server's proxy is released after the call returns (a batched
  // release): wait for it before this object leaves the stack.
  bool released_by_server() {
    const auto until = clock_type::now() + 5s;
    while (refs.load() != 1 && clock_type::now() < until) std::this_thread::sleep_for(5ms);
    return refs.load() == 1;
  }
  std::atomic<ULONG> refs{1};
  std::atomic<DWORD> pid{0}, thread{0};
  std::atomic<int> pings{0};
};

class LocalServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(SUCCEEDED(CoInitializeEx(nullptr, COINIT_MULTITHREADED))); }
  static void TearDownTestSuite() { CoUninitialize(); }
  void TearDown() override {
    ComkitUnregisterServer(COMKIT_LOCAL_TEST_SERVER, COMKIT_REGISTER_DEFAULT);
    for (child& c : children) finish(c);
    const std::string reports = server_sanitizer_reports();
    EXPECT_TRUE(reports.empty()) << reports;
  }
  child& start(const std::string& mode) {
    children.push_back(spawn({COMKIT_LOCAL_TEST_SERVER, "-Embedding"}, mode));
    return children.back();
  }
  static void register_server() {
    child c = spawn({COMKIT_LOCAL_TEST_SERVER, "-RegServer"}, "multi");
    int status = 0;
    ::waitpid(c.pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  std::vector<child> children;
};

TEST_F(LocalServer, ARunningServerIsFoundWithoutAnyRegistryEntry) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  LONG sum = 0;
  EXPECT_EQ(t->Add(19, 23, &sum), S_OK);
  EXPECT_EQ(sum, 42);
  DWORD pid = 0, tid = 0;
  ASSERT_EQ(t->Where(&pid, &tid), S_OK);
  EXPECT_NE(pid, static_cast<DWORD>(::getpid()));
  EXPECT_EQ(pid, static_cast<DWORD>(children.back().pid));
  BSTR in = SysAllocStringLen(u"h\0llo", 5), out = nullptr;
  ASSERT_EQ(t->Echo(in, &out), S_OK);
  EXPECT_EQ(SysStringLen(out), 5u);
  EXPECT_EQ(std::u16string(out, 5), std::u16string(in, 5));
  SysFreeString(in);
  SysFreeString(out);
  // Large arguments cross too.
  std::vector<BYTE> blob(1 << 20, 1);
  ULONG total = 0;
  EXPECT_EQ(t->Blob(static_cast<ULONG>(blob.size()), blob.data(), &total), S_OK);
  EXPECT_EQ(total, blob.size());
}

TEST_F(LocalServer, TheRegisteredServerIsStartedOnDemandAndExitsWithItsLastObject) {
  register_server();
  ptr<ILocalTest> t;
  ASSERT_EQ(create(t), S_OK);
  DWORD pid = 0, tid = 0;
  ASSERT_EQ(t->Where(&pid, &tid), S_OK);
  EXPECT_NE(pid, static_cast<DWORD>(::getpid()));
  // CLSCTX_ALL finds no in-process server and uses the same one.
  ptr<ILocalTest> again;
  ASSERT_EQ(create(again, CLSCTX_ALL), S_OK);
  DWORD pid2 = 0;
  ASSERT_EQ(again->Where(&pid2, &tid), S_OK);
  EXPECT_EQ(pid2, pid);
  again.reset();
  t.reset();
  // Its last object is gone: the server exits by itself.
  const auto until = clock_type::now() + 10s;
  while (!process_gone(static_cast<pid_t>(pid)) && clock_type::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(process_gone(static_cast<pid_t>(pid)));
}

TEST_F(LocalServer, ConcurrentActivationsStartOneServer) {
  register_server();
  constexpr int n = 4;
  ptr<ILocalTest> t[n];
  HRESULT hr[n];
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { hr[i] = create(t[i]); });
  for (auto& th : threads) th.join();
  DWORD first = 0;
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(hr[i], S_OK) << i;
    DWORD pid = 0, tid = 0;
    ASSERT_EQ(t[i]->Where(&pid, &tid), S_OK);
    if (i == 0) first = pid;
    EXPECT_EQ(pid, first) << i;
  }
  // The next test must not find this server still serving the class.
  for (auto& p : t) p.reset();
  const auto until = clock_type::now() + 10s;
  while (!process_gone(static_cast<pid_t>(first)) && clock_type::now() < until) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(process_gone(static_cast<pid_t>(first)));
}

TEST_F(LocalServer, ASingleUseClassServesOneActivationPerProcess) {
  register_server();
  ::setenv("LOCAL_TEST_MODE", "single", 1);  // inherited by the servers COM starts
  ptr<ILocalTest> a, b;
  const HRESULT ha = create(a), hb = create(b);
  ::unsetenv("LOCAL_TEST_MODE");
  ASSERT_EQ(ha, S_OK);
  ASSERT_EQ(hb, S_OK);
  DWORD pa = 0, pb = 0, tid = 0;
  ASSERT_EQ(a->Where(&pa, &tid), S_OK);
  ASSERT_EQ(b->Where(&pb, &tid), S_OK);
  EXPECT_NE(pa, pb);
}

TEST_F(LocalServer, ASuspendedClassIsNotActivatedAndTheClientDoesNotWait) {
  child& c = start("suspended");
  // Give it time to register (suspended) before asking.
  std::this_thread::sleep_for(300ms);
  ASSERT_FALSE(process_gone(c.pid));
  ptr<ILocalTest> t;
  const auto began = clock_type::now();
  EXPECT_EQ(create(t), REGDB_E_CLASSNOTREG);
  EXPECT_LT(clock_type::now() - began, 5s);
}

TEST_F(LocalServer, AServerThatExitsFirstGivesExecFailure) {
  register_server();
  ::setenv("LOCAL_TEST_MODE", "exit", 1);
  ptr<ILocalTest> t;
  const auto began = clock_type::now();
  const HRESULT hr = create(t);
  ::unsetenv("LOCAL_TEST_MODE");
  EXPECT_EQ(hr, CO_E_SERVER_EXEC_FAILURE);
  EXPECT_LT(clock_type::now() - began, 5s);
}

TEST_F(LocalServer, AnInProcessRegistrationIsNotALocalServer) {
  struct plain_factory final : IClassFactory {
    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID, void** ppv) override {
      *ppv = this;
      return S_OK;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return 2; }
    ULONG STDMETHODCALLTYPE Release() override { return 1; }
    HRESULT STDMETHODCALLTYPE CreateInstance(IUnknown*, REFIID, void**) override { return E_FAIL; }
    HRESULT STDMETHODCALLTYPE LockServer(BOOL) override { return S_OK; }
  } f;
  DWORD cookie = 0;
  ASSERT_EQ(CoRegisterClassObject(clsid_local_test, &f, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &cookie), S_OK);
  ptr<ILocalTest> t;
  EXPECT_EQ(create(t), REGDB_E_CLASSNOTREG);
  EXPECT_EQ(CoRevokeClassObject(cookie), S_OK);
}

TEST_F(LocalServer, CallbacksAndInterfacesCrossBothWays) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  callback cb;
  LONG r = 0;
  ASSERT_EQ(t->CallBack(&cb, 21, &r), S_OK);
  EXPECT_EQ(r, 42);
  EXPECT_EQ(cb.pid, static_cast<DWORD>(::getpid()));  // it ran here, called from the server
  // The server released the callback's proxy: the release reaches us.
  EXPECT_TRUE(cb.released_by_server());
  ptr<ILocalTest> made;
  ASSERT_EQ(t->Make(reinterpret_cast<ILocalTest**>(made.out())), S_OK);
  LONG sum = 0;
  EXPECT_EQ(made->Add(1, 2, &sum), S_OK);
  EXPECT_EQ(sum, 3);
  // COM identity: two IUnknowns of one remote object are one pointer.
  IUnknown *u1 = nullptr, *u2 = nullptr;
  ASSERT_EQ(t->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&u1)), S_OK);
  ASSERT_EQ(t->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&u2)), S_OK);
  EXPECT_EQ(u1, u2);
  u1->Release();
  u2->Release();
  IUnknown* none = nullptr;
  EXPECT_EQ(t->QueryInterface(IID_IStream, reinterpret_cast<void**>(&none)), E_NOINTERFACE);
}

TEST_F(LocalServer, ErrorInfoCrossesTheProcessBoundary) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  BSTR d = SysAllocString(u"no entry for you");
  EXPECT_EQ(t->Fail(d), E_ACCESSDENIED);
  SysFreeString(d);
  IErrorInfo* ei = nullptr;
  ASSERT_EQ(GetErrorInfo(0, &ei), S_OK);
  ASSERT_NE(ei, nullptr);
  BSTR desc = nullptr, source = nullptr;
  GUID g{};
  ei->GetDescription(&desc);
  ei->GetSource(&source);
  ei->GetGUID(&g);
  EXPECT_EQ(std::u16string(desc), u"no entry for you");
  EXPECT_EQ(std::u16string(source), u"LocalTest");
  EXPECT_TRUE(IsEqualGUID(g, IID_ILocalTest));
  SysFreeString(desc);
  SysFreeString(source);
  ei->Release();
  // A call that sets none leaves none.
  LONG sum = 0;
  EXPECT_EQ(t->Add(1, 1, &sum), S_OK);
}

TEST_F(LocalServer, AClassObjectProxyCreatesAndLocks) {
  start("linger");
  ptr<ILocalTest> warm;
  ASSERT_EQ(create_when_ready(warm), S_OK);
  ptr<IClassFactory> f;
  ASSERT_EQ(CoGetClassObject(clsid_local_test, CLSCTX_LOCAL_SERVER, nullptr, IID_IClassFactory, f.out()), S_OK);
  EXPECT_EQ(f->LockServer(TRUE), S_OK);
  ptr<ILocalTest> t;
  ASSERT_EQ(f->CreateInstance(nullptr, IID_ILocalTest, t.out()), S_OK);
  LONG sum = 0;
  EXPECT_EQ(t->Add(2, 3, &sum), S_OK);
  EXPECT_EQ(sum, 5);
  callback outer;
  void* agg = nullptr;
  EXPECT_EQ(f->CreateInstance(&outer, IID_IUnknown, &agg), CLASS_E_NOAGGREGATION);
  EXPECT_EQ(f->LockServer(FALSE), S_OK);
}

TEST_F(LocalServer, CallsFailQuicklyOnceTheServerIsKilled) {
  child& c = start("linger");
  ptr<ILocalTest> t, sleeper;
  ASSERT_EQ(create_when_ready(t), S_OK);
  ASSERT_EQ(create(sleeper), S_OK);
  // A call in flight when the server dies.
  HRESULT in_flight = S_OK;
  clock_type::time_point returned;
  std::thread th([&] {
    in_flight = sleeper->Sleep(30000);
    returned = clock_type::now();
  });
  std::this_thread::sleep_for(200ms);
  ::kill(c.pid, SIGKILL);
  const auto killed = clock_type::now();
  th.join();
  EXPECT_TRUE(failed_as_dead_server(in_flight)) << std::hex << in_flight;
  EXPECT_LT(returned - killed, 2s);
  // Later calls fail at once.
  LONG sum = 0;
  const auto began = clock_type::now();
  EXPECT_TRUE(failed_as_dead_server(t->Add(1, 2, &sum)));
  EXPECT_LT(clock_type::now() - began, 2s);
  t.reset();
  sleeper.reset();
  EXPECT_LT(clock_type::now() - began, 2s);
}

TEST_F(LocalServer, AKilledClientsReferencesAreReleased) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  LONG before = 0;
  ASSERT_EQ(t->Live(&before), S_OK);
  child holder = spawn({COMKIT_LOCAL_TEST_SERVER, "--client", "5"}, "multi", true);
  children.push_back(holder);
  char line[16] = {};
  ASSERT_GT(::read(holder.out, line, sizeof line - 1), 0);
  EXPECT_EQ(std::string(line), "ready\n");
  LONG during = 0;
  ASSERT_EQ(t->Live(&during), S_OK);
  EXPECT_EQ(during, before + 5);
  ::kill(holder.pid, SIGKILL);
  ::waitpid(holder.pid, nullptr, 0);
  children.back().pid = 0;
  LONG after = during;
  for (auto until = clock_type::now() + 10s; after != before && clock_type::now() < until;
       std::this_thread::sleep_for(10ms))
    ASSERT_EQ(t->Live(&after), S_OK);
  EXPECT_EQ(after, before);
}

TEST_F(LocalServer, ADisconnectedObjectFailsLaterCalls) {
  start("linger");
  ptr<ILocalTest> t, other;
  ASSERT_EQ(create_when_ready(t), S_OK);
  ASSERT_EQ(create(other), S_OK);
  EXPECT_EQ(t->Disconnect(), S_OK);  // the call in flight completes
  LONG sum = 0;
  EXPECT_EQ(t->Add(1, 2, &sum), RPC_E_DISCONNECTED);
  EXPECT_EQ(other->Add(1, 2, &sum), S_OK);  // the server still serves the others
}

TEST_F(LocalServer, MalformedFramesDropOnlyThatConnection) {
  child& c = start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  const std::string path = g_root + "/comkit/" + std::to_string(c.pid);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0077, 0u);  // nobody else may connect
  ASSERT_EQ(::stat((g_root + "/comkit").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  const char* garbage[] = {"not a frame at all, not a frame at all",
                           "CPK1\x02\0\0\0\xff\xff\xff\xff\0\0\0\0",  // too long a payload
                           "CPK1\x63\0\0\0\0\0\0\0\0\0\0\0"};          // unknown type
  const std::size_t sizes[] = {38, 16, 16};
  for (int k = 0; k < 3; ++k) {
    const int fd = raw_connect(c.pid);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::send(fd, garbage[k], sizes[k], MSG_NOSIGNAL), static_cast<ssize_t>(sizes[k]));
    // The server closes the connection.
    char b;
    EXPECT_LE(::recv(fd, &b, 1, 0), 0);
    ::close(fd);
  }
  LONG sum = 0;
  EXPECT_EQ(t->Add(20, 22, &sum), S_OK);
  EXPECT_EQ(sum, 42);
}

// Many threads of one client share its one connection: every call gets its
// own reply (calls are told apart by id, replies come in any order).
TEST_F(LocalServer, ThreadsShareOneConnection) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  constexpr int threads = 8, calls = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      ptr<ILocalTest> mine;  // half share t's proxy, half have their own object
      if (k % 2 && FAILED(create(mine))) {
        wrong += calls;
        return;
      }
      ILocalTest* use = k % 2 ? mine.p : t.p;
      for (int i = 0; i < calls; ++i) {
        LONG sum = 0;
        if (use->Add(k, i, &sum) != S_OK || sum != k + i) ++wrong;
        if (i % 50 == 0 && use->Sleep(1) != S_OK) ++wrong;  // replies overtake each other
      }
    });
  for (auto& th : pool) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Requests and replies far bigger than the sockets' buffers, from several
// threads at once: each side is writing while the other's replies or
// requests pile up, so neither may stop reading while it writes (a
// caller writes before it takes the reading turn; a turn nobody takes, or
// whose holder is busy writing a reply, passes to an I/O thread).
TEST_F(LocalServer, FullSocketBuffersInBothDirectionsDoNotDeadlock) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  constexpr int threads = 4, calls = 6;
  constexpr UINT length = 3 << 19;  // 3 MB of UTF-16 each way per call
  std::atomic<int> wrong{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      BSTR in = SysAllocStringLen(nullptr, length);
      for (UINT i = 0; i < length; ++i) in[i] = static_cast<OLECHAR>(u'a' + (i + static_cast<UINT>(k)) % 26);
      for (int i = 0; i < calls; ++i) {
        BSTR out = nullptr;
        if (t->Echo(in, &out) != S_OK || SysStringLen(out) != length || std::memcmp(in, out, length * sizeof(OLECHAR)) != 0)
          ++wrong;
        SysFreeString(out);
      }
      SysFreeString(in);
    });
  for (auto& th : pool) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

// The server dies while threads are calling: every one of them sees a
// dead-server error soon, none hangs, and releasing afterwards is quick.
TEST_F(LocalServer, ThreadsSeeTheServerDieTogether) {
  child& c = start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  constexpr int threads = 8;
  std::atomic<int> running{0}, saw_death{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      ++running;
      for (;;) {
        LONG sum = 0;
        const HRESULT hr = k % 2 ? t->Sleep(5) : t->Add(1, 2, &sum);
        if (FAILED(hr)) {
          if (failed_as_dead_server(hr)) ++saw_death;
          return;
        }
      }
    });
  while (running.load() < threads) std::this_thread::yield();
  std::this_thread::sleep_for(50ms);
  ::kill(c.pid, SIGKILL);
  const auto killed = clock_type::now();
  for (auto& th : pool) th.join();
  EXPECT_LT(clock_type::now() - killed, 2s);
  EXPECT_EQ(saw_death.load(), threads);
}

TEST_F(LocalServer, AnStaServerRunsCallsOnItsThread) {
  start("sta");
  ptr<ILocalTest> a, b;
  ASSERT_EQ(create_when_ready(a), S_OK);
  ASSERT_EQ(create(b), S_OK);
  DWORD pa = 0, ta = 0, pb = 0, tb = 0;
  ASSERT_EQ(a->Where(&pa, &ta), S_OK);
  ASSERT_EQ(b->Where(&pb, &tb), S_OK);
  EXPECT_EQ(pa, pb);
  EXPECT_EQ(ta, tb);
  EXPECT_EQ(ta, pa);  // the server's main thread
  callback cb;
  LONG r = 0;
  EXPECT_EQ(a->CallBack(&cb, 4, &r), S_OK);
  EXPECT_EQ(r, 8);
  EXPECT_TRUE(cb.released_by_server());
}

// Calls that wait for each other on one connection: the server's thread
// reading it runs each call itself, so the reading must pass to another
// thread while a call blocks. The calls are sent one after another (never
// two in one read), so each is read only if the previous one's reader let
// go of the connection: without that, Gather times out.
TEST_F(LocalServer, CallsThatWaitForEachOtherShareOneConnection) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  constexpr int parties = 4, rounds = 5;
  std::atomic<int> wrong{0};
  for (int round = 0; round < rounds; ++round) {
    std::vector<std::thread> pool;
    for (int k = 0; k < parties; ++k)
      pool.emplace_back([&, k] {
        std::this_thread::sleep_for(k * 15ms);
        if (t->Gather(parties, 3000) != S_OK) ++wrong;
      });
    for (auto& th : pool) th.join();
  }
  EXPECT_EQ(wrong.load(), 0);
}

// The server calls a client that makes no call meanwhile: the client's
// connection is read although no caller of its own is reading it.
TEST_F(LocalServer, AnIdleClientReceivesTheServersCalls) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  callback cb;
  for (int round = 1; round <= 3; ++round) {
    ASSERT_EQ(t->PingLater(&cb, 20, 3), S_OK);
    const auto until = clock_type::now() + 5s;
    while (cb.pings.load() < 3 * round && clock_type::now() < until) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(cb.pings.load(), 3 * round);
  }
  EXPECT_EQ(cb.pid.load(), static_cast<DWORD>(::getpid()));
  EXPECT_TRUE(cb.released_by_server());
}

// A client in an STA: its calls are answered although it cannot read the
// connection itself, callbacks nested in its calls run on its thread, and
// the server's own calls to it wait for it to pump messages.
TEST_F(LocalServer, AnStaClientIsCalledBackOnItsThread) {
  start("linger");
  ptr<ILocalTest> ready;  // held: the server suspends its class when its last object goes
  ASSERT_EQ(create_when_ready(ready), S_OK);
  std::thread sta([] {
    ASSERT_EQ(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    {
      ptr<ILocalTest> t;
      ASSERT_EQ(create(t), S_OK);
      callback cb;
      LONG r = 0;
      for (int i = 0; i < 50; ++i) {
        EXPECT_EQ(t->CallBack(&cb, i, &r), S_OK);
        EXPECT_EQ(r, 2 * i);
      }
      EXPECT_EQ(cb.thread.load(), GetCurrentThreadId());
      cb.thread = 0;
      ASSERT_EQ(t->PingLater(&cb, 10, 3), S_OK);
      const auto until = clock_type::now() + 5s;
      while (cb.pings.load() < 53 && clock_type::now() < until) {
        MSG m;
        while (PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) DispatchMessageW(&m);
        std::this_thread::sleep_for(1ms);
      }
      EXPECT_EQ(cb.pings.load(), 53);
      EXPECT_EQ(cb.thread.load(), GetCurrentThreadId());
      t.reset();
      // The server's proxy to cb is released by a message to this STA.
      const auto released = clock_type::now() + 5s;
      while (cb.refs.load() != 1 && clock_type::now() < released) {
        MSG m;
        while (PeekMessageW(&m, nullptr, 0, 0, PM_REMOVE)) DispatchMessageW(&m);
        std::this_thread::sleep_for(1ms);
      }
      EXPECT_EQ(cb.refs.load(), 1u);
    }
    CoUninitialize();
  });
  sta.join();
}

// Threads of one client mixing plain calls, calls that call back, strings
// and the server's own calls, all on one connection: whoever reads it hands
// every reply to its caller.
TEST_F(LocalServer, ThreadsMixCallsCallbacksAndServerCalls) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  callback events;
  ASSERT_EQ(t->PingLater(&events, 0, 400), S_OK);
  constexpr int threads = 6, calls = 150;
  std::atomic<int> wrong{0};
  std::vector<std::thread> pool;
  for (int k = 0; k < threads; ++k)
    pool.emplace_back([&, k] {
      callback cb;
      for (int i = 0; i < calls; ++i) {
        LONG r = 0;
        switch ((i + k) % 3) {
          case 0:
            if (t->Add(k, i, &r) != S_OK || r != k + i) ++wrong;
            break;
          case 1:
            if (t->CallBack(&cb, i, &r) != S_OK || r != 2 * i) ++wrong;
            break;
          default: {
            BSTR in = SysAllocString(u"mixed"), out = nullptr;
            if (t->Echo(in, &out) != S_OK || !out || std::u16string_view(out) != u"mixed") ++wrong;
            SysFreeString(in);
            SysFreeString(out);
          }
        }
      }
      if (!cb.released_by_server()) ++wrong;
    });
  for (auto& th : pool) th.join();
  EXPECT_EQ(wrong.load(), 0);
  const auto until = clock_type::now() + 5s;
  while (events.pings.load() < 400 && clock_type::now() < until) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(events.pings.load(), 400);
  EXPECT_TRUE(events.released_by_server());
}

// A raw connection speaking the wire format (docs/local-servers.md) as a
// client that dies at the wrong moment: the server sends it marshals (an
// activation's object, an [out] interface) that it never claims.
class raw_client {
 public:
  explicit raw_client(pid_t server) {
    fd_ = raw_connect(server);
    ok_ = fd_ >= 0;
    // HELLO: version 1, our pid (checked against SO_PEERCRED), a nonce of
    // our own (a process the server has not met).
    std::vector<unsigned char> hello;
    put32(hello, 1);
    put32(hello, static_cast<std::uint32_t>(::getpid()));
    for (int k = 0; k < 8; ++k) hello.push_back(0xA5);
    ok_ = ok_ && send(1, 0, hello);
    std::vector<unsigned char> reply;
    ok_ = ok_ && read(&reply) == 1;
  }
  ~raw_client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool ok() const { return ok_; }
  static void put32(std::vector<unsigned char>& b, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
  }
  static void put64(std::vector<unsigned char>& b, std::uint64_t v) {
    for (int k = 0; k < 8; ++k) b.push_back(static_cast<unsigned char>(v >> (8 * k)));
  }
  static void put_guid(std::vector<unsigned char>& b, const GUID& g) {
    const auto* p = reinterpret_cast<const unsigned char*>(&g);
    b.insert(b.end(), p, p + sizeof g);
  }
  bool send(std::uint8_t type, std::uint32_t call, const std::vector<unsigned char>& payload) {
    std::vector<unsigned char> f = {'C', 'P', 'K', '1', type, 0, 0, 0};
    put32(f, static_cast<std::uint32_t>(payload.size()));
    put32(f, call);
    f.insert(f.end(), payload.begin(), payload.end());
    return ::send(fd_, f.data(), f.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(f.size());
  }
  // The next frame's type (0 on failure) and payload.
  int read(std::vector<unsigned char>* payload) {
    unsigned char head[16];
    if (!read_exact(head, sizeof head)) return 0;
    std::uint32_t n;
    std::memcpy(&n, head + 8, 4);
    payload->resize(n);
    return n == 0 || read_exact(payload->data(), n) ? head[4] : 0;
  }

 private:
  bool read_exact(unsigned char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t k = ::recv(fd_, p, n, 0);
      if (k <= 0) return false;
      p += k;
      n -= static_cast<std::size_t>(k);
    }
    return true;
  }
  int fd_ = -1;
  bool ok_ = false;
};

// A client that ends before claiming what a reply carried (an activation's
// object; an [out] interface pointer): the server gives those references
// back when the connection ends, as it does the ones a client held.
TEST_F(LocalServer, MarshalsAClientNeverClaimedAreGivenBack) {
  child& c = start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  LONG live = 0;
  ASSERT_EQ(t->Live(&live), S_OK);
  ASSERT_EQ(live, 1);
  {
    raw_client raw(c.pid);
    ASSERT_TRUE(raw.ok());
    // ACTIVATE: CLSID, IID, mode 0 (an instance). The reply's body is its OBJREF.
    std::vector<unsigned char> activate;
    raw_client::put_guid(activate, clsid_local_test);
    raw_client::put_guid(activate, IID_ILocalTest);
    raw_client::put32(activate, 0);
    ASSERT_TRUE(raw.send(8, 1, activate));
    std::vector<unsigned char> reply;
    ASSERT_EQ(raw.read(&reply), 3);
    ASSERT_GE(reply.size(), 4u + 64u);
    std::int32_t hr;
    std::memcpy(&hr, reply.data(), 4);
    ASSERT_EQ(hr, S_OK);
    // The OBJREF: 'MEOW', flags, IID, then STDOBJREF {flags, refs, oxid, oid, ipid}.
    const unsigned char* objref = reply.data() + 4;
    std::uint64_t oid;
    std::uint32_t serial;
    std::memcpy(&oid, objref + 40, 8);
    std::memcpy(&serial, objref + 48, 4);
    EXPECT_EQ(t->Live(&live), S_OK);
    EXPECT_EQ(live, 2);
    // REQUEST Make (slot 11) on it: the reply carries another object's OBJREF.
    std::vector<unsigned char> request;
    raw_client::put64(request, oid);
    raw_client::put32(request, serial);
    raw_client::put32(request, 11);
    raw_client::put64(request, 1);  // causality
    raw_client::put32(request, 1);  // thread
    request.push_back(1);           // the stub's request: the [out] pointer is there
    ASSERT_TRUE(raw.send(2, 2, request));
    ASSERT_EQ(raw.read(&reply), 3);
    std::memcpy(&hr, reply.data(), 4);
    ASSERT_EQ(hr, S_OK);
    EXPECT_EQ(t->Live(&live), S_OK);
    EXPECT_EQ(live, 3);
  }  // closed: nothing was claimed
  const auto until = clock_type::now() + 5s;
  while (t->Live(&live) == S_OK && live != 1 && clock_type::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(live, 1);
}

// Late binding across processes: IDispatch::Invoke (which the tables cannot
// describe) with arguments by value and by reference, a result, named
// arguments, errors with their argument index, an exception filled in
// deferred on the server, interface pointers and SAFEARRAYs inside VARIANTs.
// ILocalOa has no proxy/stub tables on either side: both processes marshal
// it from its registered type library (the universal marshaler).
TEST_F(LocalServer, AnInterfaceDescribedOnlyByItsTypeLibraryCrossesOnceRegistered) {
  const std::string path = COMKIT_LOCAL_OA_TLB;
  const std::u16string wide(path.begin(), path.end());
  ptr<ITypeLib> lib;
  ASSERT_EQ(LoadTypeLib(reinterpret_cast<LPCOLESTR>(wide.c_str()), lib.put()), S_OK);
  {
    // Not registered yet: the server cannot marshal it back.
    start("linger");
    ptr<ILocalTest> t;
    ASSERT_EQ(create_when_ready(t), S_OK);
    ptr<ILocalOa> oa;
    EXPECT_EQ(t->QueryInterface(IID_ILocalOa, oa.out()), E_NOINTERFACE);
    t.reset();
    finish(children.back());
    children.pop_back();
  }
  ASSERT_EQ(RegisterTypeLib(lib.get(), reinterpret_cast<LPCOLESTR>(wide.c_str()), nullptr), S_OK);
  ComkitRegistryRefresh();
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  ptr<ILocalOa> oa;
  ASSERT_EQ(t->QueryInterface(IID_ILocalOa, oa.out()), S_OK);
  LONG pid = 0;
  ASSERT_EQ(oa->Pid(&pid), S_OK);
  EXPECT_EQ(pid, static_cast<LONG>(children.back().pid));
  BSTR a = SysAllocString(u"left");
  VARIANT b;
  b.vt = VT_R8;
  b.dblVal = 2.5;
  BSTR joined = nullptr;
  ASSERT_EQ(oa->Join(a, b, &joined), S_OK);
  EXPECT_EQ(std::u16string(joined), u"left|2.5");
  SysFreeString(a);
  SysFreeString(joined);
  ptr<ILocalOa> again;
  ASSERT_EQ(oa->Again(again.put()), S_OK);
  EXPECT_EQ(again.get(), oa.get()) << "the same object comes back as the same proxy";
  EXPECT_EQ(UnRegisterTypeLib(LIBID_LocalOa, 1, 0, 0, SYS_WIN64), S_OK);
  ComkitRegistryRefresh();
}

// A type info is data: it arrives as a copy of the server's library that
// answers everything in this process (no registration needed).
TEST_F(LocalServer, ATypeInfoCrossesTheProcessBoundaryByValue) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  ptr<IDispatch> d;
  ASSERT_EQ(t->QueryInterface(IID_IDispatch, d.out()), S_OK);
  UINT count = 0;
  ASSERT_EQ(d->GetTypeInfoCount(&count), S_OK);
  EXPECT_EQ(count, 1u);
  ptr<ITypeInfo> info;
  ASSERT_EQ(d->GetTypeInfo(0, 0, info.put()), S_OK);
  ASSERT_TRUE(info.get());
  TYPEATTR* a = nullptr;
  ASSERT_EQ(info->GetTypeAttr(&a), S_OK);
  EXPECT_EQ(a->guid, IID_ILocalOa);
  EXPECT_EQ(a->cFuncs, 3);
  info->ReleaseTypeAttr(a);
  BSTR names[3] = {};
  UINT got = 0;
  FUNCDESC* f = nullptr;
  ASSERT_EQ(info->GetFuncDesc(1, &f), S_OK);
  ASSERT_EQ(info->GetNames(f->memid, names, 3, &got), S_OK);
  info->ReleaseFuncDesc(f);
  EXPECT_EQ(got, 3u);
  EXPECT_EQ(std::u16string(names[0]), u"Join");
  for (BSTR& n : names) SysFreeString(n);
  EXPECT_EQ(d->GetTypeInfo(1, 0, info.put()), DISP_E_BADINDEX);
}

TEST_F(LocalServer, IDispatchInvokeCrossesTheProcessBoundary) {
  start("linger");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  ptr<IDispatch> d;
  ASSERT_EQ(t->QueryInterface(IID_IDispatch, d.out()), S_OK);
  LPOLESTR name = const_cast<LPOLESTR>(u"Sum");
  DISPID id = 0;
  ASSERT_EQ(d->GetIDsOfNames(IID_NULL, &name, 1, 0, &id), S_OK);
  EXPECT_EQ(id, 1);

  VARIANT args[3], result;
  for (auto& a : args) VariantInit(&a);
  VariantInit(&result);
  args[0].vt = VT_I4;  // the last argument comes first
  args[0].lVal = 22;
  args[1].vt = VT_I4;
  args[1].lVal = 20;
  DISPPARAMS params{args, nullptr, 2, 0};
  UINT arg_err = 99;
  EXPECT_EQ(d->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &params, &result, nullptr, &arg_err), S_OK);
  EXPECT_EQ(result.vt, VT_I4);
  EXPECT_EQ(result.lVal, 42);
  // A wrong type: the callee's error and its argument index come back.
  args[0].vt = VT_BSTR;
  args[0].bstrVal = SysAllocString(u"x");
  EXPECT_EQ(d->Invoke(1, IID_NULL, 0, DISPATCH_METHOD, &params, &result, nullptr, &arg_err), DISP_E_TYPEMISMATCH);
  EXPECT_EQ(arg_err, 0u);
  VariantClear(&args[0]);
  EXPECT_EQ(d->Invoke(77, IID_NULL, 0, DISPATCH_METHOD, &params, nullptr, nullptr, nullptr), DISP_E_MEMBERNOTFOUND);
  EXPECT_EQ(d->Invoke(1, IID_IUnknown, 0, DISPATCH_METHOD, &params, nullptr, nullptr, nullptr),
            DISP_E_UNKNOWNINTERFACE);

  // By reference: the new values replace the caller's (its old BSTR freed).
  BSTR text = SysAllocString(u"abc");
  LONG number = 21;
  VARIANT any;
  VariantInit(&any);
  any.vt = VT_BSTR;
  any.bstrVal = SysAllocString(u"replaced");
  args[2].vt = VT_BYREF | VT_BSTR;
  args[2].pbstrVal = &text;
  args[1].vt = VT_BYREF | VT_I4;
  args[1].plVal = &number;
  args[0].vt = VT_BYREF | VT_VARIANT;
  args[0].pvarVal = &any;
  DISPPARAMS refs{args, nullptr, 3, 0};
  EXPECT_EQ(d->Invoke(2, IID_NULL, 0, DISPATCH_METHOD, &refs, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(std::u16string_view(text, SysStringLen(text)), u"<abc>");
  EXPECT_EQ(number, 42);
  EXPECT_EQ(any.vt, VT_R8);
  EXPECT_EQ(any.dblVal, 3.5);
  SysFreeString(text);

  // An exception: its EXCEPINFO, filled in deferred by the server, arrives
  // complete and with no deferred fill-in left to call.
  EXCEPINFO excep;
  DISPPARAMS none{nullptr, nullptr, 0, 0};
  EXPECT_EQ(d->Invoke(3, IID_NULL, 0, DISPATCH_METHOD, &none, nullptr, &excep, nullptr), DISP_E_EXCEPTION);
  EXPECT_EQ(excep.scode, E_ABORT);
  ASSERT_NE(excep.bstrDescription, nullptr);
  EXPECT_EQ(std::u16string_view(excep.bstrDescription), u"deferred");
  EXPECT_EQ(std::u16string_view(excep.bstrSource), u"LocalTest");
  EXPECT_EQ(excep.dwHelpContext, 7u);
  EXPECT_EQ(excep.pfnDeferredFillIn, nullptr);
  SysFreeString(excep.bstrSource);
  SysFreeString(excep.bstrDescription);
  SysFreeString(excep.bstrHelpFile);

  // A property put (DISPID_PROPERTYPUT named), then its get.
  DISPID put = DISPID_PROPERTYPUT;
  args[0].vt = VT_I4;
  args[0].lVal = 1234;
  DISPPARAMS put_params{args, &put, 1, 1};
  EXPECT_EQ(d->Invoke(5, IID_NULL, 0, DISPATCH_PROPERTYPUT, &put_params, nullptr, nullptr, nullptr), S_OK);
  EXPECT_EQ(d->Invoke(5, IID_NULL, 0, DISPATCH_PROPERTYGET, &none, &result, nullptr, nullptr), S_OK);
  EXPECT_EQ(result.vt, VT_I4);
  EXPECT_EQ(result.lVal, 1234);

  // An interface pointer goes there and back: the same object comes back.
  callback cb;
  args[0].vt = VT_UNKNOWN;
  args[0].punkVal = &cb;
  DISPPARAMS echo{args, nullptr, 1, 0};
  ASSERT_EQ(d->Invoke(4, IID_NULL, 0, DISPATCH_METHOD, &echo, &result, nullptr, nullptr), S_OK);
  ASSERT_EQ(result.vt, VT_UNKNOWN);
  IUnknown* identity = nullptr;
  ASSERT_EQ(result.punkVal->QueryInterface(IID_IUnknown, reinterpret_cast<void**>(&identity)), S_OK);
  EXPECT_EQ(identity, static_cast<IUnknown*>(&cb));
  identity->Release();
  VariantClear(&result);

  // SAFEARRAYs there and back: numbers in two dimensions with their bounds,
  // BSTRs, and VARIANTs holding an array.
  SAFEARRAYBOUND bounds[2] = {{2, 1}, {3, -1}};
  args[0].vt = VT_ARRAY | VT_I4;
  args[0].parray = SafeArrayCreate(VT_I4, 2, bounds);
  for (LONG i = 1; i <= 2; ++i)
    for (LONG j = -1; j <= 1; ++j) {
      LONG at[2] = {i, j}, value = i * 10 + j;
      ASSERT_EQ(SafeArrayPutElement(args[0].parray, at, &value), S_OK);
    }
  ASSERT_EQ(d->Invoke(4, IID_NULL, 0, DISPATCH_METHOD, &echo, &result, nullptr, nullptr), S_OK);
  ASSERT_EQ(result.vt, VT_ARRAY | VT_I4);
  EXPECT_EQ(SafeArrayGetDim(result.parray), 2u);
  LONG lower = 0, upper = 0;
  EXPECT_EQ(SafeArrayGetLBound(result.parray, 2, &lower), S_OK);
  EXPECT_EQ(SafeArrayGetUBound(result.parray, 2, &upper), S_OK);
  EXPECT_EQ(lower, -1);
  EXPECT_EQ(upper, 1);
  for (LONG i = 1; i <= 2; ++i)
    for (LONG j = -1; j <= 1; ++j) {
      LONG at[2] = {i, j}, value = 0;
      EXPECT_EQ(SafeArrayGetElement(result.parray, at, &value), S_OK);
      EXPECT_EQ(value, i * 10 + j);
    }
  VariantClear(&result);
  VariantClear(&args[0]);
  SAFEARRAYBOUND two{2, 0};
  args[0].vt = VT_ARRAY | VT_VARIANT;
  args[0].parray = SafeArrayCreate(VT_VARIANT, 1, &two);
  VARIANT* items = nullptr;
  ASSERT_EQ(SafeArrayAccessData(args[0].parray, reinterpret_cast<void**>(&items)), S_OK);
  items[0].vt = VT_BSTR;
  items[0].bstrVal = SysAllocString(u"first");
  items[1].vt = VT_ARRAY | VT_BSTR;
  items[1].parray = SafeArrayCreate(VT_BSTR, 1, &two);
  BSTR* texts = nullptr;
  ASSERT_EQ(SafeArrayAccessData(items[1].parray, reinterpret_cast<void**>(&texts)), S_OK);
  texts[0] = SysAllocString(u"x");
  texts[1] = SysAllocString(u"yz");
  SafeArrayUnaccessData(items[1].parray);
  SafeArrayUnaccessData(args[0].parray);
  ASSERT_EQ(d->Invoke(4, IID_NULL, 0, DISPATCH_METHOD, &echo, &result, nullptr, nullptr), S_OK);
  ASSERT_EQ(result.vt, VT_ARRAY | VT_VARIANT);
  ASSERT_EQ(SafeArrayAccessData(result.parray, reinterpret_cast<void**>(&items)), S_OK);
  EXPECT_EQ(items[0].vt, VT_BSTR);
  EXPECT_EQ(std::u16string_view(items[0].bstrVal), u"first");
  ASSERT_EQ(items[1].vt, VT_ARRAY | VT_BSTR);
  ASSERT_EQ(SafeArrayAccessData(items[1].parray, reinterpret_cast<void**>(&texts)), S_OK);
  EXPECT_EQ(std::u16string_view(texts[1]), u"yz");
  SafeArrayUnaccessData(items[1].parray);
  SafeArrayUnaccessData(result.parray);
  VariantClear(&result);
  VariantClear(&args[0]);

  // A VARIANT the wire cannot carry is refused before anything is sent.
  args[0].vt = VT_RECORD;
  args[0].pvRecord = nullptr;
  args[0].pRecInfo = nullptr;
  arg_err = 99;
  EXPECT_EQ(d->Invoke(4, IID_NULL, 0, DISPATCH_METHOD, &echo, &result, nullptr, &arg_err), DISP_E_BADVARTYPE);
  EXPECT_EQ(arg_err, 0u);
  args[0].vt = VT_EMPTY;
  d.reset();
  EXPECT_TRUE(cb.released_by_server());
}

// The mirror case: a request carries a marshal (an [in] interface) to a
// server that dies before it decodes the request (its STA is busy with an
// earlier call); the client gets its object's references back when the
// connection ends.
TEST_F(LocalServer, MarshalsAServerNeverClaimedAreGivenBack) {
  child& c = start("sta");
  ptr<ILocalTest> t;
  ASSERT_EQ(create_when_ready(t), S_OK);
  callback cb;
  std::atomic<bool> sleeping{false};
  std::thread busy([&] {
    sleeping = true;
    EXPECT_TRUE(failed_as_dead_server(t->Sleep(5000)));
  });
  while (!sleeping) std::this_thread::yield();
  std::this_thread::sleep_for(100ms);  // the STA is inside Sleep
  std::thread queued([&] {
    LONG r = 0;
    EXPECT_TRUE(failed_as_dead_server(t->CallBack(&cb, 1, &r)));  // waits in the STA's queue
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_GT(cb.refs.load(), 1u);  // held by its marshal, sent and not yet claimed
  ::kill(c.pid, SIGKILL);
  busy.join();
  queued.join();
  const auto until = clock_type::now() + 5s;
  while (cb.refs.load() != 1 && clock_type::now() < until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(cb.refs.load(), 1u);
}

}  // namespace
