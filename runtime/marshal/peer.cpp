// runtime/marshal/peer.cpp - the transport between processes (peer.h):
// the rendezvous directory, the listening socket, connections and their I/O
// threads, frames, pending calls and batched releases.
//
// Each process listens on RENDEZVOUS/PID (a Unix stream socket, mode 0600 in
// a 0700 directory) from the first time something of it may be reached from
// another process (a marshal for another context, a class object registered
// for CLSCTX_LOCAL_SERVER). Either process of a pair may dial; a connection
// starts with HELLO from each side (the nonce proves which process this pid
// is) and is then used in both directions. Peers of another user are refused
// (SO_PEERCRED) before a byte is read.
#include "marshal/peer.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "threadmsg/threadmsg_internal.h"
#include "trace/trace_internal.h"

namespace comkit::rt {

// ---- The rendezvous directory ---------------------------------------------------------------

namespace {

// dir exists as a real directory of ours with mode 0700 (made if missing).
bool private_dir(const std::string& dir) noexcept {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st;
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return false;
  if (st.st_uid != ::geteuid()) return false;
  if ((st.st_mode & 0777) != 0700 && ::chmod(dir.c_str(), 0700) != 0) return false;
  return true;
}

std::string pick_rendezvous_dir() {
  std::string dir;
  if (const char* run = std::getenv("XDG_RUNTIME_DIR"); run && run[0] == '/') {
    dir = std::string(run) + "/comkit";
    if (private_dir(dir)) return dir;
  }
  const char* tmp = std::getenv("TMPDIR");
  dir = std::string(tmp && tmp[0] == '/' ? tmp : "/tmp") + "/comkit-" + std::to_string(::geteuid());
  if (private_dir(dir)) return dir;
  COMKIT_TRACE("rpc", "no safe rendezvous directory (last tried %s)", dir.c_str());
  return {};
}

}  // namespace

const std::string& rendezvous_dir() noexcept {
  static const std::string* dir = [] {
    try {
      return new std::string(pick_rendezvous_dir());
    } catch (...) {
      return new (std::nothrow) std::string;
    }
  }();
  static const std::string empty;
  return dir ? *dir : empty;
}

// ---- Peers ---------------------------------------------------------------------------------

namespace {

constexpr HRESULT unavailable = HRESULT_FROM_WIN32(RPC_S_SERVER_UNAVAILABLE);

bool send_all(int fd, const std::byte* p, std::size_t n) noexcept {
  while (n > 0) {
    const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += k;
    n -= static_cast<std::size_t>(k);
  }
  return true;
}

bool same_user(int fd) noexcept {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == ::geteuid();
}

std::uint32_t peer_cred_pid(int fd) noexcept {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return 0;
  return static_cast<std::uint32_t>(cred.pid);
}

// Sends this process's HELLO on fd.
bool send_hello(int fd) {
  frame_writer w(frame_type::hello, 0);
  const std::span<const std::byte> bytes =
      w.u32(wire_version).u32(static_cast<std::uint32_t>(::getpid())).bytes(process_nonce(), 8).done();
  return send_all(fd, bytes.data(), bytes.size());
}

struct peer_key {
  std::uint32_t pid;
  std::uint64_t nonce;
  bool operator<(const peer_key& o) const noexcept { return pid != o.pid ? pid < o.pid : nonce < o.nonce; }
};

std::uint64_t nonce_value(const unsigned char* n) noexcept {
  std::uint64_t v;
  std::memcpy(&v, n, 8);
  return v;
}

}  // namespace

namespace {

enum class turn : std::uint8_t { none, io_wanted, io, caller };

// The watchdog's tick: 1 ms after it acted (or woke), doubling up to 8 ms
// while its looks find every watched state already changed (a busy
// connection passes through them thousands of times a second, and each tick
// costs its calls a context switch).
constexpr auto watch_tick_min = std::chrono::milliseconds(1);
constexpr auto watch_tick_max = std::chrono::milliseconds(8);
constexpr int watch_linger = 50;  // quiet ticks before the watchdog sleeps
constexpr std::size_t read_chunk = 64 * 1024;

// An I/O thread running a call for the connection it reads (the turn's
// epoch when it started), so that a call it makes can take the turn over.
thread_local peer* t_busy_peer = nullptr;
thread_local std::uint64_t t_busy_gen = 0;

// A peer's `run_word`: the generation of the call its reading I/O thread
// runs itself (<< 2) and that run's phase. The reader moves it to running
// and back to idle without the lock; whoever takes the turn away from a
// running call (the watchdog, or the call itself making a call) moves it to
// stolen with a compare-exchange, so exactly one of "the run ended, keep
// reading" and "the turn was taken" happens. A later run has another
// generation, so a stale reader's compare-exchange cannot succeed.
constexpr std::uint64_t run_idle = 0, run_running = 1, run_stolen = 2;
constexpr std::uint64_t run_of(std::uint64_t gen, std::uint64_t phase) noexcept { return gen << 2 | phase; }

void arm_watchdog(bool soon = false) noexcept;

}  // namespace

// The calls waiting for a reply on a connection: few at a time, so a flat
// array (its capacity kept: no allocation per call).
class pending_calls {
 public:
  void add(std::uint32_t id, reply_sink* sink) { calls_.push_back({id, sink}); }
  /// Takes the call with this id out; null when there is none.
  reply_sink* take(std::uint32_t id) noexcept {
    for (auto& c : calls_)
      if (c.first == id) {
        reply_sink* s = c.second;
        c = calls_.back();
        calls_.pop_back();
        return s;
      }
    return nullptr;
  }
  bool has(std::uint32_t id, const reply_sink* sink) const noexcept {
    for (const auto& c : calls_)
      if (c.first == id) return c.second == sink;
    return false;
  }
  bool empty() const noexcept { return calls_.empty(); }
  auto begin() const noexcept { return calls_.begin(); }
  auto end() const noexcept { return calls_.end(); }
  void swap(pending_calls& o) noexcept { calls_.swap(o.calls_); }
  std::size_t size() const noexcept { return calls_.size(); }

 private:
  std::vector<std::pair<std::uint32_t, reply_sink*>> calls_;
};

class peer {
 public:
  peer(int fd, bool accepted) noexcept : fd_(fd), accepted_(accepted) {}
  ~peer() { ::close(fd_); }

  std::atomic<long> refs{1};
  const int fd_;
  const bool accepted_;  // dialled by the other process: its HELLO comes first
  peer_key key{};
  std::mutex lock;
  std::condition_variable io_ready;  // idle I/O threads wait here
  std::atomic<bool> dead{false};     // set under lock, read anywhere
  // The reading turn (peer.h), guarded by lock.
  turn reader = turn::none;
  reply_sink* turn_sink = nullptr;  // reader == caller: whose thread reads
  std::uint64_t epoch = 0;          // changes of reader
  // reader == io: the call it runs itself (see run_of); atomic, not locked.
  std::atomic<std::uint64_t> run_word{0};
  std::atomic<std::uint64_t> run_gen{0};
  std::uint64_t seen_run = 0;       // the watchdog's last look (under lock)
  std::uint64_t seen_epoch = ~std::uint64_t{0};  // the watchdog's last look
  bool flush_wanted = false;        // the watchdog asks an I/O thread to send the batch
  int io_threads = 0, io_idle = 0;
  std::uint32_t next_call = 1;                             // guarded by lock
  pending_calls pending;                                   // guarded by lock
  std::vector<release_item> batch;                         // guarded by lock: releases not yet sent
  std::map<std::pair<std::uint64_t, DWORD>, DWORD> held;   // guarded by lock: the other side's holds here
  // Guarded by lock: marshals sent to the other side in replies, by (oid,
  // IPID serial), that it has not claimed yet.
  std::multimap<std::pair<std::uint64_t, DWORD>, std_objref> unclaimed;
  std::mutex write_lock;                                   // one frame at a time on the socket
  // Read buffer: bytes [rbegin, rend) received and not yet taken. Only the
  // holder of the reading turn touches it (and the HELLO reader before).
  std::vector<std::byte> rbuf;
  std::size_t rbegin = 0, rend = 0;

  HRESULT write(std::span<const std::byte> bytes) noexcept {
    std::lock_guard g(write_lock);
    return send_all(fd_, bytes.data(), bytes.size()) ? S_OK : unavailable;
  }

  enum class stop { own_reply, yielded, lost, dead };
  bool next_frame(frame* f, int timeout_ms = -1) noexcept;
  bool read_hello(frame* f) noexcept;
  stop read(std::uint64_t mine, reply_sink* until) noexcept;
  bool want_io() noexcept;
  bool spawn_io(bool greet = false) noexcept;
  void io_main(bool greet) noexcept;
  void pass_turn(std::uint64_t mine) noexcept;
  enum watch_result : unsigned { watch_needed = 1, watch_acted = 2 };
  unsigned watch(bool turns) noexcept;
  void flush_releases() noexcept;
  void die() noexcept;
};

namespace {

std::mutex g_peers_lock;
auto& g_peers = *new std::map<peer_key, peer*>;  // live peers (each with the map's reference); never destroyed

// Every peer with an I/O thread until it dies (each with a reference): what
// the watchdog looks at. Peers a double dial left out of g_peers are here too.
std::mutex g_live_lock;
auto& g_live = *new std::vector<peer*>;  // guarded by g_live_lock; never destroyed

void register_peer(peer* p) {
  std::lock_guard g(g_peers_lock);
  auto [it, fresh] = g_peers.try_emplace(p->key, p);
  if (!fresh) return;  // both processes dialled at once: the first connection stays the one found
  peer_addref(p);
}

void unregister_peer(peer* p) noexcept {
  {
    std::lock_guard g(g_peers_lock);
    auto it = g_peers.find(p->key);
    if (it == g_peers.end() || it->second != p) return;
    g_peers.erase(it);
  }
  peer_release(p);
}

// ---- The watchdog ---------------------------------------------------------------------
// Armed (g_watch_armed) by whoever leaves a peer without a reader, starts a
// call on its reading thread, or queues a release; it ticks while some peer
// needs it and sleeps otherwise. Its tick clears the flag before looking at
// the peers and sets it again if one still needs it, so an arming that
// raced with the look either is seen by it or wakes the next tick.

// Never destroyed: the watchdog waits on them past static destruction.
auto& g_watch_lock = *new std::mutex;
auto& g_watch_wake = *new std::condition_variable;
std::atomic<bool> g_watch_armed{false};
bool g_watch_soon = false;  // guarded by g_watch_lock: look now (releases to send), not a tick later

void watchdog_main() noexcept {
  std::vector<peer*> look;
  int quiet = 0;  // ticks in a row that found nothing to do
  auto tick = watch_tick_min;
  auto last_look = std::chrono::steady_clock::now();
  std::unique_lock l(g_watch_lock);
  for (;;) {
    if (!g_watch_armed.load()) {
      g_watch_wake.wait(l, [] { return g_watch_armed.load(); });
      tick = watch_tick_min;
    }
    // A look woken early (releases to send) does not count as a tick for the
    // turns: two looks a tick apart are what make a state stale.
    const bool early = g_watch_wake.wait_for(l, tick, [] { return g_watch_soon; });
    g_watch_soon = false;
    l.unlock();
    const auto now = std::chrono::steady_clock::now();
    const bool turns = !early || now - last_look >= tick;
    if (turns) last_look = now;
    g_watch_armed.store(false);
    bool needed = false, acted = false;
    {
      std::lock_guard g(g_live_lock);
      try {
        look.assign(g_live.begin(), g_live.end());
      } catch (...) {
        look.clear();
        needed = true;  // look again next tick
      }
      for (peer* p : look) peer_addref(p);
    }
    for (peer* p : look) {
      const unsigned r = p->watch(turns);
      needed |= (r & peer::watch_needed) != 0;
      acted |= (r & peer::watch_acted) != 0;
      peer_release(p);
    }
    tick = acted ? watch_tick_min : std::min(tick * 2, watch_tick_max);
    // Busy connections go through the watched states thousands of times a
    // second: ticking on through short lulls spares their calls re-arming.
    quiet = needed ? 0 : quiet + 1;
    if (needed || quiet < watch_linger) g_watch_armed.store(true);
    l.lock();
  }
}

// Starts the watchdog once; false when its thread cannot start (then no
// peer is made: nothing would give a reader to a connection left without).
bool start_watchdog() noexcept {
  static const bool started = [] {
    try {
      std::thread(watchdog_main).detach();
      return true;
    } catch (...) {
      return false;
    }
  }();
  return started;
}

void arm_watchdog(bool soon) noexcept {
  if (!soon && g_watch_armed.load()) return;
  std::lock_guard g(g_watch_lock);
  g_watch_armed.store(true);
  if (soon) g_watch_soon = true;
  g_watch_wake.notify_one();
}

// Makes p live (watched) and starts its first I/O thread. For an accepted
// connection that thread reads the HELLO, then takes the turn; a dialled one
// starts with no reader, for its first caller to read.
bool start_io(peer* p) noexcept {
  if (!start_watchdog()) return false;
  {
    std::lock_guard g(g_live_lock);
    try {
      g_live.push_back(p);
    } catch (...) {
      return false;
    }
    peer_addref(p);
  }
  std::lock_guard g(p->lock);
  // A dialled peer is in g_peers already and may have a reader by now: its
  // turn starts as none (the member's initial value) and is left alone.
  if (p->accepted_) p->reader = turn::io_wanted;
  if (!p->spawn_io(p->accepted_)) return false;  // the caller kills p (which leaves g_live)
  if (!p->accepted_) arm_watchdog();
  return true;
}

// ---- Listening ----------------------------------------------------------------------

std::mutex g_listen_lock;
HRESULT g_listen_result = S_FALSE;  // guarded: S_FALSE until the first attempt

void accept_loop(int listener) noexcept {
  for (;;) {
    const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
          errno == ENOMEM) {
        if (errno != EINTR && errno != ECONNABORTED) ::usleep(10000);
        continue;
      }
      return;
    }
    if (!same_user(fd)) {
      COMKIT_TRACE("rpc", "refused a connection from another user");
      ::close(fd);
      continue;
    }
    auto* p = new (std::nothrow) peer(fd, true);
    if (!p) {
      ::close(fd);
      continue;
    }
    p->key.pid = peer_cred_pid(fd);
    if (!start_io(p)) p->die();
    peer_release(p);
  }
}

}  // namespace

HRESULT peer_listen() noexcept {
  std::lock_guard g(g_listen_lock);
  if (g_listen_result != S_FALSE) return g_listen_result;
  g_listen_result = unavailable;
  const std::string& dir = rendezvous_dir();
  if (dir.empty()) return g_listen_result;
  const std::string path = dir + "/" + std::to_string(::getpid());
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return g_listen_result;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return g_listen_result;
  ::unlink(path.c_str());  // a dead process's socket with our pid
  const mode_t old = ::umask(0077);
  const int bound = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (bound != 0 || ::listen(fd, 64) != 0) {
    COMKIT_TRACE("rpc", "cannot listen on %s: %s", path.c_str(), std::strerror(errno));
    ::close(fd);
    return g_listen_result;
  }
  try {
    std::thread([fd] { accept_loop(fd); }).detach();
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    return g_listen_result;
  }
  static const std::string* where = new std::string(path);
  std::atexit([] { ::unlink(where->c_str()); });
  g_listen_result = S_OK;
  return S_OK;
}

HRESULT peer_connect(std::uint32_t pid, const unsigned char* nonce, peer** out) noexcept {
  *out = nullptr;
  const peer_key key{pid, nonce_value(nonce)};
  {
    std::lock_guard g(g_peers_lock);
    if (auto it = g_peers.find(key); it != g_peers.end()) {
      peer_addref(it->second);
      *out = it->second;
      return S_OK;
    }
  }
  // Callbacks may come back on this connection; the other side also dials us
  // if it has to, so this process must be reachable first.
  if (FAILED(peer_listen())) return unavailable;
  const std::string path = rendezvous_dir() + "/" + std::to_string(pid);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return unavailable;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return unavailable;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 || !same_user(fd) ||
      peer_cred_pid(fd) != pid) {
    ::close(fd);
    return unavailable;
  }
  auto* p = new (std::nothrow) peer(fd, false);
  if (!p) {
    ::close(fd);
    return E_OUTOFMEMORY;
  }
  p->key = key;
  try {
    frame f;
    // The other side answers HELLO before anything else.
    if (!send_hello(fd) || !p->read_hello(&f) || std::memcmp(f.nonce, nonce, 8) != 0) {
      peer_release(p);
      return unavailable;
    }
  } catch (...) {
    peer_release(p);
    return E_OUTOFMEMORY;
  }
  peer* winner = nullptr;
  {
    std::lock_guard g(g_peers_lock);
    auto [it, fresh] = g_peers.try_emplace(key, p);
    if (fresh) peer_addref(p);  // the map's
    winner = it->second;
    peer_addref(winner);  // the caller's
  }
  if (!start_io(p)) p->die();  // nobody would read its replies: calls fail instead of waiting
  peer_release(p);             // ours
  *out = winner;
  return S_OK;
}

// ---- Reading ------------------------------------------------------------------------

// The other side's HELLO, first on a connection (before any reader holds
// the turn): false unless it comes within 5 s and names key.pid. A process
// that does not answer in time is not a comkit process serving (or is hung).
bool peer::read_hello(frame* f) noexcept {
  return next_frame(f, 5000) && f->header.type == frame_type::hello && f->version == wire_version &&
         f->pid == key.pid;
}

// The next frame from the read buffer, receiving as needed; false at EOF,
// on an error, for bytes that are not a frame, or when no bytes come for
// timeout_ms (-1: wait). f's body points into the buffer until the next call.
bool peer::next_frame(frame* f, int timeout_ms) noexcept {
  for (;;) {
    std::size_t have = rend - rbegin, need = frame_header_size;
    if (have >= frame_header_size) {
      frame_header h;
      if (!frame_parse_header({rbuf.data() + rbegin, frame_header_size}, &h)) return false;
      need = frame_header_size + h.length;
      if (have >= need) {
        *f = frame{};
        if (!frame_parse(h, {rbuf.data() + rbegin + frame_header_size, h.length}, f)) return false;
        rbegin += need;
        return true;
      }
    }
    // Room for the whole frame from rbegin, the bytes had moved to the front.
    if (have == 0) {
      rbegin = rend = 0;
      if (rbuf.size() > 16 * read_chunk) std::vector<std::byte>().swap(rbuf);  // after a large frame
    }
    if (rbuf.size() - rbegin < std::max(need, read_chunk)) {
      if (rbegin > 0) {
        std::memmove(rbuf.data(), rbuf.data() + rbegin, have);
        rbegin = 0;
        rend = have;
      }
      if (rbuf.size() < std::max(need, read_chunk)) {
        try {
          rbuf.resize(std::max(need, read_chunk));
        } catch (...) {
          return false;
        }
      }
    }
    if (timeout_ms >= 0) {
      pollfd pf{fd_, POLLIN, 0};
      const int r = ::poll(&pf, 1, timeout_ms);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
    }
    const ssize_t k = ::recv(fd_, rbuf.data() + rend, rbuf.size() - rend, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    rend += static_cast<std::size_t>(k);
  }
}

// Reads frames while holding the turn (its epoch `mine`) until: `until`'s
// reply came (a caller reading for itself); the connection died; the turn
// was yielded (an I/O thread delivered the last pending reply to a thread
// that can read); or the turn was taken away while this thread ran a call.
peer::stop peer::read(std::uint64_t mine, reply_sink* until) noexcept {
  frame f;
  for (;;) {
    if (dead) return stop::dead;  // killed from another thread: what is buffered is dropped
    if (!next_frame(&f)) {
      die();
      return stop::dead;
    }
    switch (f.header.type) {
      case frame_type::hello:
        break;
      case frame_type::reply: {
        reply_sink* sink = nullptr;
        {
          std::lock_guard g(lock);
          sink = pending.take(f.header.call);
          if (sink) sink->waiting_turn = false;
        }
        if (!sink) break;
        const bool reads = sink->reads;
        sink->on_reply(static_cast<HRESULT>(f.value), f.body, sink == until);
        if (sink == until) return stop::own_reply;
        // An I/O thread whose last pending reply went to a thread that can
        // read: that thread's next call reads for itself.
        if (!until && reads) {
          bool yield = false;
          {
            std::lock_guard g(lock);
            if (!dead && epoch == mine && pending.empty()) {
              reader = turn::none;
              ++epoch;
              yield = true;
            }
          }
          if (yield) {
            arm_watchdog();
            return stop::yielded;
          }
        }
        break;
      }
      case frame_type::claim: {
        {
          std::lock_guard g(lock);
          if (auto it = unclaimed.find({f.oid, f.serial}); it != unclaimed.end()) unclaimed.erase(it);
        }
        if (rpc_claim(this, f)) {
          std::unique_lock g(lock);
          if (dead) {  // its holds were given back already: so is this one
            g.unlock();
            rpc_released(f.oid, f.serial);
            break;
          }
          try {
            ++held[{f.oid, f.serial}];
          } catch (...) {
            // Uncounted: the hold stays until the object's apartment ends.
          }
        }
        break;
      }
      case frame_type::release:
        for (const release_item& r : f.releases) {
          DWORD count = 0;
          {
            std::lock_guard g(lock);
            auto it = held.find({r.oid, r.anchor});
            if (it == held.end()) continue;  // not this process's to give back
            count = std::min(r.count, it->second);
            if ((it->second -= count) == 0) held.erase(it);
          }
          for (DWORD k = 0; k < count; ++k) rpc_released(r.oid, r.anchor);
        }
        break;
      default: {
        // An I/O thread with nothing else buffered runs an MTA call itself;
        // the watchdog gives the reading to another thread if it takes long.
        queued_work* w = rpc_incoming(this, f, !until && rbegin == rend);
        if (!w) break;
        const std::uint64_t gen = run_gen.fetch_add(1, std::memory_order_relaxed) + 1;
        run_word.store(run_of(gen, run_running));
        arm_watchdog();
        t_busy_peer = this;
        t_busy_gen = gen;
        w->run(w);
        t_busy_peer = nullptr;
        std::uint64_t running = run_of(gen, run_running);
        if (!run_word.compare_exchange_strong(running, run_of(gen, run_idle))) return stop::lost;
        break;
      }
    }
  }
}

// Gives the turn to an I/O thread (under lock): an idle one, else a new one.
// False when none can be started (the caller then kills the peer).
bool peer::want_io() noexcept {
  reader = turn::io_wanted;
  ++epoch;
  if (io_idle > 0) {
    io_ready.notify_one();
    return true;
  }
  return spawn_io();
}

// Starts an I/O thread (under lock); `greet`: it first reads the HELLO of
// an accepted connection.
bool peer::spawn_io(bool greet) noexcept {
  peer_addref(this);
  try {
    std::thread([this, greet] {
      io_main(greet);
      peer_release(this);
    }).detach();
  } catch (...) {
    peer_release(this);
    return false;
  }
  ++io_threads;
  return true;
}

void peer::io_main(bool greet) noexcept {
  if (greet) {
    bool ok = false;
    try {
      frame f;
      ok = read_hello(&f) && send_hello(fd_);
      if (ok) {
        key.nonce = nonce_value(f.nonce);
        register_peer(this);
      }
    } catch (...) {
      ok = false;
    }
    if (!ok) {
      die();
      std::lock_guard g(lock);
      --io_threads;
      return;
    }
  }
  std::unique_lock l(lock);
  for (;;) {
    if (dead) break;
    if (reader == turn::io_wanted) {
      reader = turn::io;
      const std::uint64_t mine = ++epoch;
      l.unlock();
      read(mine, nullptr);
      l.lock();
      continue;
    }
    if (flush_wanted) {
      flush_wanted = false;
      l.unlock();
      flush_releases();
      l.lock();
      continue;
    }
    if (io_idle > 0) break;  // one idle thread is enough (this one was reading, or running a call)
    ++io_idle;
    const bool woke = io_ready.wait_for(l, std::chrono::seconds(10),
                                        [this] { return dead || reader == turn::io_wanted || flush_wanted; });
    --io_idle;
    if (!woke && io_threads > 1) break;
  }
  --io_threads;
}

// A caller that read its own reply passes the turn on (its epoch `mine`):
// to another caller waiting to read, else to an I/O thread while calls are
// pending, else to nobody (the next caller reads; the watchdog gives it to
// an I/O thread if none comes within a tick).
void peer::pass_turn(std::uint64_t mine) noexcept {
  bool failed = false, none = false;
  {
    std::lock_guard g(lock);
    if (dead || epoch != mine) return;
    reply_sink* next = nullptr;
    for (auto& [id, s] : pending)
      if (s->waiting_turn) {
        next = s;
        break;
      }
    if (next) {
      reader = turn::caller;
      turn_sink = next;
      next->waiting_turn = false;
      ++epoch;
      next->on_turn();  // under the lock: next is pending, so alive
      return;
    }
    if (!pending.empty()) {
      failed = !want_io();
    } else {
      reader = turn::none;
      ++epoch;
      none = true;
    }
  }
  if (failed) die();
  if (none) arm_watchdog();
}

// The watchdog's look at one peer: a turn nobody holds, or held by a thread
// running the same call as a tick ago, goes to an I/O thread (`turns`: this
// look is a tick after the last); queued releases go to an I/O thread to
// send. watch_needed while the peer needs
// more looks, watch_acted when something was handed on.
unsigned peer::watch(bool turns) noexcept {
  bool needed = false, failed = false, acted = false;
  {
    std::lock_guard g(lock);
    if (dead) return 0;
    const std::uint64_t run = run_word.load();
    if (!turns) {
      needed = reader == turn::none || (reader == turn::io && (run & 3) == run_running);
    } else if (reader == turn::none) {
      needed = true;
      if (epoch == seen_epoch) {
        failed = !want_io();
        acted = true;
      } else {
        seen_epoch = epoch;
      }
    } else if (reader == turn::io && (run & 3) == run_running) {
      needed = true;
      std::uint64_t expected = run;
      if (run != seen_run) {
        seen_run = run;
      } else if (run_word.compare_exchange_strong(expected, (run & ~std::uint64_t{3}) | run_stolen)) {
        failed = !want_io();
        acted = true;
      }
    }
    if (!batch.empty() && !failed) {
      needed = acted = true;
      flush_wanted = true;
      if (io_idle > 0) {
        io_ready.notify_one();
      } else if (!spawn_io()) {
        failed = true;
      }
    }
  }
  if (failed) {
    die();
    return 0;
  }
  return (needed ? watch_needed : 0u) | (acted ? watch_acted : 0u);
}

void peer::flush_releases() noexcept {
  std::vector<release_item> items;
  {
    std::lock_guard g(lock);
    items.swap(batch);
  }
  if (items.empty()) return;
  try {
    frame_writer w(frame_type::release, 0);
    w.u32(static_cast<std::uint32_t>(items.size()));
    for (const auto& r : items) w.u64(r.oid).u32(r.anchor).u32(r.count);
    write(w.done());
  } catch (...) {
  }
}

void peer::die() noexcept {
  pending_calls lost;
  std::map<std::pair<std::uint64_t, DWORD>, DWORD> given;
  std::multimap<std::pair<std::uint64_t, DWORD>, std_objref> never_claimed;
  {
    std::lock_guard g(lock);
    if (dead) return;
    dead = true;
    lost.swap(pending);
    given.swap(held);
    never_claimed.swap(unclaimed);
    batch.clear();
    io_ready.notify_all();
  }
  ::shutdown(fd_, SHUT_RDWR);
  unregister_peer(this);
  bool was_live = false;
  {
    std::lock_guard g(g_live_lock);
    if (auto it = std::find(g_live.begin(), g_live.end(), this); it != g_live.end()) {
      g_live.erase(it);
      was_live = true;
    }
  }
  COMKIT_TRACE("rpc", "connection to process %u closed: %zu calls lost, %zu objects and %zu unclaimed marshals given back",
               key.pid, lost.size(), given.size(), never_claimed.size());
  for (auto& [id, sink] : lost) sink->on_lost(RPC_E_SERVER_DIED);
  for (auto& [object, count] : given)
    for (DWORD k = 0; k < count; ++k) rpc_released(object.first, object.second);
  for (auto& [object, s] : never_claimed) rpc_unclaimed(s);
  if (was_live) peer_release(this);  // g_live's (the caller holds another)
}

void peer_addref(peer* p) noexcept { p->refs.fetch_add(1, std::memory_order_relaxed); }
void peer_release(peer* p) noexcept {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}
bool peer_alive(const peer* p) noexcept {
  auto* q = const_cast<peer*>(p);
  std::lock_guard g(q->lock);
  return !q->dead;
}

namespace {

// Takes the turn for a caller that can read (under p's lock), when nobody
// holds it or this thread holds it running a call for p: the epoch, else 0.
std::uint64_t take_turn(peer* p, reply_sink* sink) noexcept {
  bool own_busy = false;
  if (p->reader == turn::io && t_busy_peer == p) {
    std::uint64_t running = run_of(t_busy_gen, run_running);
    own_busy = p->run_word.compare_exchange_strong(running, run_of(t_busy_gen, run_stolen));
  }
  const bool handed = p->reader == turn::caller && p->turn_sink == sink;
  if (p->reader != turn::none && !own_busy && !handed) return 0;
  if (own_busy) t_busy_peer = nullptr;  // that call sees the turn gone when it returns
  p->reader = turn::caller;
  p->turn_sink = sink;
  sink->waiting_turn = false;
  return ++p->epoch;
}

// A thread running a call for another connection's reading gives that turn
// away before it waits for a reply: it may wait long.
void give_up_busy_turn(const peer* p) noexcept {
  peer* q = t_busy_peer;
  if (!q || q == p) return;
  t_busy_peer = nullptr;
  bool failed = false;
  {
    std::lock_guard g(q->lock);
    std::uint64_t running = run_of(t_busy_gen, run_running);
    if (!q->dead && q->reader == turn::io &&
        q->run_word.compare_exchange_strong(running, run_of(t_busy_gen, run_stolen)))
      failed = !q->want_io();
  }
  if (failed) q->die();
}

}  // namespace

HRESULT peer_send_call(peer* p, std::span<std::byte> bytes, reply_sink* sink) noexcept {
  give_up_busy_turn(p);
  std::uint32_t id;
  {
    std::unique_lock g(p->lock);
    if (p->dead) return unavailable;
    // A thread that cannot read its reply needs someone reading.
    if (!sink->reads && p->reader == turn::none && !p->want_io()) {
      g.unlock();
      p->die();
      return unavailable;
    }
    id = p->next_call++;
    if (id == 0) id = p->next_call++;
    try {
      p->pending.add(id, sink);
    } catch (...) {
      return E_OUTOFMEMORY;
    }
    sink->call_id = id;
    sink->waiting_turn = false;
  }
  // The turn is taken after the write (peer_read_for): a thread that holds it
  // must never block writing, or two processes writing to each other with
  // full buffers would both stop reading.
  std::memcpy(bytes.data() + 12, &id, 4);
  if (SUCCEEDED(p->write(bytes))) return S_OK;
  std::lock_guard g(p->lock);
  // Still pending: the call never left, and the sink is not called. Gone:
  // a reader found the connection dead and told the sink already.
  return p->pending.take(id) ? unavailable : S_OK;
}

HRESULT peer_send(peer* p, std::span<const std::byte> bytes) noexcept {
  if (p->dead) return unavailable;  // (a racing death fails the write: the socket is shut down)
  return p->write(bytes);
}

void peer_queue_release(peer* p, std::uint64_t oid, DWORD anchor) noexcept {
  bool first = false;
  {
    std::lock_guard g(p->lock);
    if (p->dead) return;
    try {
      if (!p->batch.empty() && p->batch.back().oid == oid && p->batch.back().anchor == anchor) {
        ++p->batch.back().count;
      } else {
        first = p->batch.empty();
        p->batch.push_back({oid, anchor, 1});
      }
    } catch (...) {
      return;  // the other side keeps the object until this process ends
    }
  }
  // Sent by an I/O thread the watchdog wakes at once, with what is queued by
  // then.
  if (first) arm_watchdog(true);
}

bool peer_expect_claims(peer* p, std::span<const std_objref> marshals) noexcept {
  std::lock_guard g(p->lock);
  if (p->dead) return false;
  for (std::size_t k = 0; k < marshals.size(); ++k) {
    try {
      p->unclaimed.emplace(std::pair{marshals[k].oid, static_cast<DWORD>(marshals[k].ipid.Data1)}, marshals[k]);
    } catch (...) {
      // The rest stay unlisted: kept until their apartment ends if never claimed.
      break;
    }
  }
  return true;
}

bool peer_read_for(peer* p, reply_sink* sink) noexcept {
  std::uint64_t mine;
  {
    std::lock_guard g(p->lock);
    if (p->dead || !p->pending.has(sink->call_id, sink)) return false;  // completed, or being completed
    mine = take_turn(p, sink);
    if (!mine) {
      sink->waiting_turn = true;
      return false;
    }
  }
  if (p->read(mine, sink) == peer::stop::own_reply) p->pass_turn(mine);
  return true;
}

}  // namespace comkit::rt
